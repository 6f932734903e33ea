"""The OpenAPI document describes every case route with its operation id, its errors and its token."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_case_route_is_documented_with_an_operation_id(client):
    doc = client.get("/api/v1/openapi.json").json()

    operations = {
        (path, method): operation
        for path, item in doc["paths"].items()
        if path.startswith(("/api/v1/cases", "/api/v1/me/cases"))
        for method, operation in item.items()
    }

    assert len(operations) == 26
    for (path, method), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation["operationId"].startswith(("cases_", "me_cases_")), where
        assert operation["summary"] and operation["description"], where
        assert (
            "401" in operation["responses"]
            and "404" in operation["responses"]
            or path
            in (
                "/api/v1/cases",
                "/api/v1/me/cases",
                "/api/v1/cases/numbers",
                "/api/v1/cases/routing-rules",
            )
        ), where
        assert operation["security"] == [{"BearerToken": []}], where


def test_the_application_documents_money_as_text_and_the_idempotency_key(client):
    doc = client.get("/api/v1/openapi.json").json()
    apply = doc["paths"]["/api/v1/cases"]["post"]
    schemas = doc["components"]["schemas"]

    assert [p["name"] for p in apply["parameters"]] == ["Idempotency-Key"]
    assert set(apply["responses"]) >= {"200", "201", "401", "403", "422"}
    amount = schemas["ClaimIn"]["properties"]["amount"]
    assert {"type": "string"} in amount["anyOf"]
    assert schemas["CaseBriefOut"]["properties"]["amount_claimed"]["type"] == "string"
    upload = doc["paths"]["/api/v1/me/cases/{case_id}/evidence"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"]
    pdf = doc["paths"]["/api/v1/cases/{case_id}/documents/{document_id}"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
