from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, totp_now


class ApiClient:
    """A JSON client for /api/v1 that sends a bearer token once it has one."""

    def __init__(self, client: Client):
        self.client = client
        self.token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, url: str, params: dict | None = None):
        return self.client.get(url, params or {}, headers=self._headers())

    def post(self, url: str, body: dict | None = None):
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=self._headers()
        )

    def patch(self, url: str, body: dict):
        return self.client.patch(
            url, json.dumps(body), content_type="application/json", headers=self._headers()
        )

    def delete(self, url: str):
        return self.client.delete(url, headers=self._headers())

    def sign_in_staff(self, user) -> str:
        return self._sign_in({"username": user.username, "password": STAFF_PASSWORD, "otp": totp_now(user)})

    def sign_in_worker(self, user) -> str:
        return self._sign_in({"username": user.mobile, "password": WORKER_PASSWORD})

    def _sign_in(self, body: dict) -> str:
        self.token = None
        response = self.post("/api/v1/auth/token", body)
        assert response.status_code == 200, response.content.decode()
        self.token = response.json()["token"]
        return self.token


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def api_as(api, personas):
    """``api_as("fangshan_staff")``: the client, signed in through the real token endpoint."""

    def sign_in(persona: str) -> ApiClient:
        api.sign_in_staff(personas[persona])
        return api

    return sign_in


@pytest.fixture
def as_worker(db):
    """``as_worker(user)``: a fresh client signed in as that worker (several may be signed in at once)."""

    def sign_in(user) -> ApiClient:
        client = ApiClient(Client())
        client.sign_in_worker(user)
        return client

    return sign_in


def is_chinese(text: str) -> bool:
    """Messages written by the domain apps are translated in their own catalogues; the API tests
    check that a user reads Chinese there, not the English msgid."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
