"""Helpers of the worker's case pages: a page read as text, the message on a field, walking the
guided interview as a worker taps through it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone, translation


def zh(msgid: str, context: str = "", **values) -> str:
    """A message as a zh-Hans page shows it."""
    with translation.override("zh-hans"):
        text = str(translation.pgettext(context, msgid) if context else translation.gettext(msgid))
    return text % values if values else text


def page(response) -> str:
    return unescape(response.content.decode())


def field_error(response, field_id: str) -> str:
    """The message shown under the field with this id (``id_amount``), or ""."""
    match = re.search(
        rf'<small class="m-error" id="{re.escape(field_id)}_error">([^<]*)</small>', page(response)
    )
    return match.group(1) if match else ""


def field_value(response, field_id: str) -> str:
    """What an input shows (its value attribute), as the worker typed it."""
    html = page(response)
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no field {field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def step_url(kind: str, step: str) -> str:
    return f"/m/cases/apply/{kind}/{step}/"


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


ANSWERS = {
    "applicant": {
        "name": "刘芳",
        "occupation": "仓库管理员",
        "address": "北京市房山区良乡镇",
        "is_migrant_worker": "no",
    },
    "dispute": {
        "dispute_types": ["unpaid_wages"],
        "employment_start": days_ago(800),
        "employment_end": days_ago(30),
        "dispute_date": days_ago(20),
    },
    "claims": {
        "claims-count": "1",
        "claims-0-type": "unpaid_wages",
        "claims-0-amount": "21673.30",
        "claims-0-description": "拖欠三个月工资",
    },
    "facts": {"facts": "公司同意解除劳动合同，但一直未支付拖欠的工资。", "request": "支付拖欠工资21673.30元"},
}


@pytest.fixture
def walk():
    """Post one step as the worker taps "save and continue"; returns the response."""

    def post(client, kind: str, step: str, data: dict, action: str = "next", **extra):
        return client.post(step_url(kind, step), {**data, "action": action}, **extra)

    return post


def fill_until(client, kind: str, employer, *, last: str = "facts"):
    """Answer the steps up to ``last`` (included) with good answers."""
    order = ["applicant", "employer", "dispute", "claims", "facts", "means"]
    for step in order[: order.index(last) + 1]:
        if step == "employer":
            data = {"action": "choose", "employer": employer.pk, "employer_name": employer.name}
        elif step == "means":
            data = {"action": "next", "means_route": "pledge"}
        else:
            data = {**ANSWERS[step], "action": "next"}
        response = client.post(step_url(kind, step), data)
        assert response.status_code == 302, page(response)[:3000]
