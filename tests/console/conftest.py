from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation


def zh(msgid: str, **params) -> str:
    """A message as a zh-Hans user reads it (for messages the domain services write)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def page_text(response) -> str:
    """The page as text, HTML entities resolved, so assertions read like what a user sees."""
    return unescape(response.content.decode())


def form_error_near(response, field_id: str) -> str:
    """The error shown under a field (the ``<small id="..._error">`` after the input)."""
    match = re.search(rf'id="{field_id}_error">(.*?)</small>', response.content.decode(), re.S)
    return unescape(match.group(1)).strip() if match else ""


@pytest.fixture
def signed_in(staff_client, personas):
    """A console client signed in as the named persona."""
    return lambda name: staff_client(personas[name])
