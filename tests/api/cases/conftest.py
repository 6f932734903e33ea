"""Fixtures of the cases API tests: the case world (tests/factories/cases.py) and clients signed in
as its people, each its own client, reading messages in English (the words the tests check)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import ApiClient


def english_client() -> ApiClient:
    client = Client()
    client.cookies["smartunion_language"] = "en"
    return ApiClient(client)


@pytest.fixture
def world(case_world):
    return case_world


@pytest.fixture
def staff_api(db):
    """``staff_api(user)``: a client with a staff token (password and second factor), one per user
    and test (an authenticator code is accepted once)."""
    signed_in: dict[int, ApiClient] = {}

    def sign_in(user) -> ApiClient:
        if user.pk not in signed_in:
            signed_in[user.pk] = english_client()
            signed_in[user.pk].sign_in_staff(user)
        return signed_in[user.pk]

    return sign_in


@pytest.fixture
def worker_api(db):
    """``worker_api(user)``: a fresh client with a worker's token."""

    def sign_in(user) -> ApiClient:
        api = english_client()
        api.sign_in_worker(user)
        return api

    return sign_in
