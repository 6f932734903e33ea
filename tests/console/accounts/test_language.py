"""The language switch persists in a cookie (and on the account when signed in)."""

from __future__ import annotations

import pytest
from django.conf import settings

from smartunion.accounts.models import User
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text

pytestmark = pytest.mark.django_db


def test_switch_to_english_and_back(client):
    response = client.post("/console/language/", {"language": "en", "next": "/console/login/"})
    assert response["Location"] == "/console/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 3600
    english = page_text(client.get("/console/login/"))
    assert "Staff sign-in" in english and "工作人员登录" not in english
    assert page_text(client.get("/console/login/")).count("Staff sign-in") == 1  # still English next time

    client.post("/console/language/", {"language": "zh-hans", "next": "/console/login/"})
    assert "工作人员登录" in page_text(client.get("/console/login/"))


def test_a_signed_in_user_keeps_the_choice_on_the_account(signed_in, personas):
    client = signed_in("fangshan_staff")
    client.post("/console/language/", {"language": "en", "next": "/console/orgs/"})
    assert "Organisation tree" in page_text(client.get("/console/orgs/"))
    with scopes_disabled():
        assert User.objects.get(pk=personas["fangshan_staff"].pk).language == "en"


def test_unknown_languages_and_unsafe_next_are_ignored(client):
    response = client.post("/console/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/console/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
