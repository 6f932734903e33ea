"""The answers ninja gives before a view runs are in the OpenAPI document, so a generated client
knows them: 400 where a JSON body cannot be read, 422 where a path parameter is not an integer.
The real answers have the documented shape."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

UNREADABLE = "{not json"


def _operations(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _json_body(operation) -> bool:
    return "application/json" in operation.get("requestBody", {}).get("content", {})


def _integer_path_parameters(operation) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    ]


def _error_ref(operation, status: str) -> str | None:
    answer = operation["responses"].get(status)
    return answer and answer["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_that_can_answer_400_or_422_documents_it(client):
    doc = client.get("/api/v1/openapi.json").json()
    bodies, paths, missing = 0, 0, []
    for path, method, operation in _operations(doc):
        where = f"{method.upper()} {path}"
        if _json_body(operation):
            bodies += 1
            if _error_ref(operation, "400") != "#/components/schemas/ErrorOut":
                missing.append(f"{where}: 400 (body is not JSON)")
            if _error_ref(operation, "422") != "#/components/schemas/ErrorOut":
                missing.append(f"{where}: 422 (body does not validate)")
        if _integer_path_parameters(operation):
            paths += 1
            if _error_ref(operation, "422") != "#/components/schemas/ErrorOut":
                missing.append(f"{where}: 422 (path parameter not an integer)")
    assert not missing, missing
    # The walk saw the operations it is about (the document has 27 with a body, 8 with an id).
    assert bodies >= 20 and paths >= 8


def _check_shape(doc, body: dict) -> None:
    schema = doc["components"]["schemas"]["ErrorOut"]
    assert set(schema["required"]) <= set(body) <= set(schema["properties"])
    assert isinstance(body["code"], str) and isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body["fields"].values())


def test_the_real_400_and_422_answers_have_the_documented_shape(client, api_as):
    api = api_as("city_admin")
    headers = {"Authorization": f"Bearer {api.token}"}
    doc = client.get("/api/v1/openapi.json").json()
    answered = []
    for path, method, operation in _operations(doc):
        url = path
        for name in _integer_path_parameters(operation):
            url = url.replace(f"{{{name}}}", "1")
        if _json_body(operation):
            response = client.generic(
                method.upper(), url, UNREADABLE, content_type="application/json", headers=headers
            )
            assert str(response.status_code) == "400" and "400" in operation["responses"], (method, path)
            body = response.json()
            _check_shape(doc, body)
            assert body["code"] == "bad_request", (method, path)
            assert body["message"].startswith("无法读取请求正文")
            answered.append(("400", method, path))
        for name in _integer_path_parameters(operation):
            bad = re.sub(rf"\{{{name}\}}", "abc", path)
            for other in _integer_path_parameters(operation):
                bad = bad.replace(f"{{{other}}}", "1")
            response = client.generic(
                method.upper(), bad, "{}", content_type="application/json", headers=headers
            )
            assert str(response.status_code) == "422" and "422" in operation["responses"], (method, path)
            body = response.json()
            _check_shape(doc, body)
            assert body["code"] == "validation_error"
            assert body["fields"][f"path.{name}"] == ["请输入整数。"], (method, path)
            answered.append(("422", method, path))
    assert len(answered) >= 28
