from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/auth/register/code": {"post"},
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/password-reset/code": {"post"},
    "/api/v1/auth/password-reset": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/me/mobile/code": {"post"},
    "/api/v1/me/mobile": {"post"},
    "/api/v1/orgs": {"get"},
    "/api/v1/orgs/{org_id}": {"get"},
    "/api/v1/enterprises": {"get", "post"},
    "/api/v1/enterprises/{enterprise_id}": {"get", "patch", "delete"},
    "/api/v1/unions/joinable": {"get"},
    "/api/v1/occupation-tags": {"get"},
    "/api/v1/me/membership": {"get"},
    "/api/v1/me/membership/link/code": {"post"},
    "/api/v1/me/membership/link": {"post"},
    "/api/v1/me/applications": {"post"},
    "/api/v1/me/applications/current": {"delete"},
    "/api/v1/me/card": {"get"},
    "/api/v1/me/data": {"get"},
    "/api/v1/me/access-history": {"get"},
    "/api/v1/me/contact/code": {"post"},
    "/api/v1/me/contact": {"patch"},
    "/api/v1/me/close": {"post"},
    "/api/v1/cards/verify": {"post"},
    "/api/v1/members": {"get"},
    "/api/v1/members/search": {"post"},
    "/api/v1/members/{person_id}": {"get"},
    "/api/v1/members/{person_id}/unmask": {"post"},
    "/api/v1/applications": {"get"},
    "/api/v1/applications/{application_id}/decision": {"post"},
    "/api/v1/transfers": {"get", "post"},
    "/api/v1/transfers/{transfer_id}/decision": {"post"},
    "/api/v1/transfers/{transfer_id}/cancel": {"post"},
    "/api/v1/ping": {"get"},
    "/api/v1/campaigns": {"get"},
    "/api/v1/campaigns/{campaign_id}": {"get"},
    "/api/v1/campaigns/{campaign_id}/claim": {"post"},
    "/api/v1/campaigns/{campaign_id}/register": {"post"},
    "/api/v1/me/vouchers": {"get"},
    "/api/v1/me/vouchers/{voucher_id}": {"get"},
    "/api/v1/catalogue": {"get"},
    "/api/v1/catalogue/categories": {"get"},
    "/api/v1/vouchers/redeem": {"post"},
    "/api/v1/vouchers/redemptions": {"get"},
    "/api/v1/breakfast/meals": {"get", "post"},
    "/api/v1/staff/campaigns": {"get", "post"},
    "/api/v1/staff/campaigns/{campaign_id}": {"get"},
    "/api/v1/staff/campaigns/{campaign_id}/transition": {"post"},
    "/api/v1/staff/merchants": {"get", "post"},
    "/api/v1/staff/merchants/{merchant_id}": {"get"},
    "/api/v1/staff/statements": {"get"},
    "/api/v1/staff/statements/{statement_id}": {"get"},
    "/api/v1/staff/statements/{statement_id}/approve": {"post"},
    "/api/v1/staff/statements/{statement_id}/export": {"get"},
    "/api/v1/staff/breakfast/programmes": {"get"},
    "/api/v1/staff/breakfast/programmes/{programme_id}": {"get"},
    "/api/v1/staff/breakfast/programmes/{programme_id}/funding": {"post"},
    "/api/v1/staff/breakfast/programmes/{programme_id}/donations": {"post"},
    "/api/v1/staff/benefits/figures": {"get"},
    "/api/v1/cases": {"get", "post"},
    "/api/v1/cases/numbers": {"get"},
    "/api/v1/cases/routing-rules": {"get", "post"},
    "/api/v1/cases/routing-rules/{rule_id}": {"delete"},
    "/api/v1/cases/{case_id}": {"get"},
    "/api/v1/cases/{case_id}/unmask": {"post"},
    "/api/v1/cases/{case_id}/transitions": {"post"},
    "/api/v1/cases/{case_id}/contacts": {"get", "post"},
    "/api/v1/cases/{case_id}/material-request": {"post"},
    "/api/v1/cases/{case_id}/material-request/supplied": {"post"},
    "/api/v1/cases/{case_id}/payment": {"post"},
    "/api/v1/cases/{case_id}/move": {"post"},
    "/api/v1/cases/{case_id}/shares": {"post"},
    "/api/v1/cases/{case_id}/evidence/{evidence_id}": {"get"},
    "/api/v1/cases/{case_id}/documents": {"get", "post"},
    "/api/v1/cases/{case_id}/documents/{document_id}": {"get"},
    "/api/v1/me/cases": {"get"},
    "/api/v1/me/cases/{case_id}": {"get"},
    "/api/v1/me/cases/{case_id}/evidence": {"post"},
    "/api/v1/me/cases/{case_id}/evidence/{evidence_id}": {"get"},
    "/api/v1/me/cases/{case_id}/documents/{document_id}": {"get"},
    "/api/v1/me/cases/{case_id}/rating": {"post"},
    "/api/v1/me/cases/{case_id}/shares/{share_id}": {"post"},
    "/api/v1/calculator/economic-compensation": {"post"},
    "/api/v1/calculator/unlawful-termination": {"post"},
    "/api/v1/calculator/overtime": {"post"},
    "/api/v1/calculator/double-wages": {"post"},
    "/api/v1/calculator/final-award": {"post"},
    "/api/v1/calculator/deadline": {"post"},
}
# Public: no token needed (and so no 401).
PUBLIC = {
    ("/api/v1/auth/token", "post"),
    ("/api/v1/auth/register/code", "post"),
    ("/api/v1/auth/register", "post"),
    ("/api/v1/unions/joinable", "get"),
    ("/api/v1/occupation-tags", "get"),
    ("/api/v1/auth/password-reset/code", "post"),
    ("/api/v1/auth/password-reset", "post"),
    ("/api/v1/calculator/economic-compensation", "post"),
    ("/api/v1/calculator/unlawful-termination", "post"),
    ("/api/v1/calculator/overtime", "post"),
    ("/api/v1/calculator/double-wages", "post"),
    ("/api/v1/calculator/final-award", "post"),
    ("/api/v1/calculator/deadline", "post"),
}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_lists_every_operation_with_its_errors(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "smartunion API"
    assert {path: set(ops) for path, ops in doc["paths"].items()} == EXPECTED
    error = doc["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) >= {"code", "message"}
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert doc["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}

    operation_ids = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            operation_ids.append(operation["operationId"])
            errors = {code: r for code, r in operation["responses"].items() if int(code) >= 400}
            assert errors or (path, method) in PUBLIC, where
            for code, error_response in errors.items():
                ref = error_response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", f"{where} {code}"
            if (path, method) not in PUBLIC:
                assert "401" in operation["responses"], where
                assert operation["security"] == [{"BearerToken": []}], where
    assert len(operation_ids) == len(set(operation_ids)) == 102

    # Every reference resolves.
    for ref in set(_refs(doc)):
        name = ref.removeprefix("#/components/schemas/")
        assert name in doc["components"]["schemas"], ref


def test_openapi_documents_pagination_and_limits(client):
    doc = client.get("/api/v1/openapi.json").json()

    params = {p["name"]: p for p in doc["paths"]["/api/v1/orgs"]["get"]["parameters"]}
    assert set(params) == {"q", "parent", "kind", "limit", "cursor"}
    assert params["limit"]["schema"]["maximum"] == 200
    assert params["limit"]["schema"]["default"] == 50
    page = doc["components"]["schemas"]["OrgPage"]
    assert set(page["properties"]) == {"items", "next_cursor"}
    assert "district_union" in json.dumps(doc["components"]["schemas"]["OrgKind"])


def test_a_wrong_method_and_an_unreadable_body_answer_in_the_error_shape(api):
    wrong_method = api.client.put("/api/v1/orgs")
    unreadable = api.client.post("/api/v1/auth/token", "{not json", content_type="application/json")

    assert wrong_method.status_code == 405
    assert wrong_method.json() == {
        "code": "method_not_allowed",
        "message": "此地址不支持该请求方法。",
        "fields": {},
    }
    assert wrong_method["Allow"] == "GET"
    assert unreadable.status_code == 400
    assert unreadable.json()["code"] == "bad_request"
    assert unreadable.json()["message"].startswith("无法读取请求正文")
