"""GET /api/v1/ping: the trivial authenticated endpoint (a client's token check, and the baseline of
bench/member_search.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_signed_in_caller_gets_ok(api_as):
    api = api_as("fangshan_staff")
    response = api.get("/api/v1/ping")
    assert response.json() == {"ok": True}


def test_without_a_token_it_is_the_unauthorized_error(api):
    response = api.get("/api/v1/ping")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_revoked_token_no_longer_answers(api_as):
    api = api_as("fangshan_staff")
    api.delete("/api/v1/auth/token")
    assert api.get("/api/v1/ping").json()["code"] == "unauthorized"
