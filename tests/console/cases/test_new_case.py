"""Entering an application on the worker's behalf: the same record, the channel kept, every
field-path error on its field, nothing typed lost, a double submit one case."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from smartunion.cases.models import Case, Channel
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import form_error_near, page_text


def _post(world, **extra):
    today = timezone.localdate()
    data = {
        "submission_key": "key-1",
        "channel": "phone",
        "kind": "mediation",
        "applicant_name": "王芳",
        "applicant_mobile": "13911112222",
        "applicant_occupation": "保洁员",
        "employer": str(world.employer_fs.pk),
        "claim_type": ["unpaid_wages", ""],
        "claim_amount": ["8000.00", ""],
        "claim_description": ["拖欠两个月工资", ""],
        "employment_start": (today - timedelta(days=400)).isoformat(),
        "dispute_date": (today - timedelta(days=10)).isoformat(),
        "facts": "公司拖欠两个月工资。",
        "request": "支付工资",
    }
    data.update(extra)
    return data


def _count() -> int:
    with scopes_disabled():
        return Case.objects.count()


def test_a_phone_application_is_recorded_once_even_when_submitted_twice(world, as_user):
    client = as_user(world.mediator_fs)
    assert client.get("/console/cases/new/").status_code == 200
    first = client.post("/console/cases/new/", _post(world))
    second = client.post("/console/cases/new/", _post(world))
    assert first.status_code == 302 and second.status_code == 302
    assert _count() == 1
    with scopes_disabled():
        case = Case.objects.get()
    assert case.channel == Channel.PHONE and case.org == world.mediation_fs
    assert case.applicant_name == "王芳" and case.created_by == world.mediator_fs
    assert first["Location"] == second["Location"] == f"/console/cases/{case.pk}/"


def test_each_error_stands_on_its_field_and_nothing_is_lost(world, as_user):
    client = as_user(world.mediator_fs)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        "/console/cases/new/",
        _post(
            world,
            employer="",
            employer_name="某某公司",
            employer_credit_code="91110111MA0000000X",
            claim_type=["unpaid_wages", "overtime"],
            claim_amount=["-5", "12.345"],
            claim_description=["工资", "加班费"],
            dispute_date=future,
            applicant_mobile="123",
        ),
    )
    assert response.status_code == 400
    assert form_error_near(response, "claim_amount_0")
    assert form_error_near(response, "claim_amount_1")
    assert form_error_near(response, "id_employer_credit_code")
    assert form_error_near(response, "id_dispute_date")
    assert form_error_near(response, "id_applicant_mobile")
    html = response.content.decode()
    assert 'value="12.345"' in html and 'value="某某公司"' in html and "公司拖欠两个月工资。" in html
    assert _count() == 0


def test_a_collective_case_needs_ten_workers_and_a_representative(world, as_user):
    client = as_user(world.mediator_fs)
    few = "\n".join(f"工人{i},139000000{i:02d}" for i in range(3))
    response = client.post("/console/cases/new/", _post(world, is_collective="on", participants=few))
    assert response.status_code == 400 and form_error_near(response, "id_participants")
    assert _count() == 0
    lines = [f"工人{chr(0x4E00 + i)},139000000{i:02d}" for i in range(10)]
    lines[0] += ",代表"
    response = client.post(
        "/console/cases/new/",
        _post(world, submission_key="key-2", is_collective="on", participants="\n".join(lines)),
    )
    assert response.status_code == 302
    with scopes_disabled():
        case = Case.objects.get()
        assert case.is_collective and case.participants.count() == 10
        assert case.participants.filter(is_representative=True).count() == 1


def test_only_case_handlers_enter_applications(world, as_user, personas):
    assert as_user(world.union_staff_fs).get("/console/cases/new/").status_code == 403
    assert as_user(personas["union_a_staff"]).post("/console/cases/new/", _post(world)).status_code == 403
    assert _count() == 0


def test_the_form_offers_the_staff_channels(world, as_user):
    text = page_text(as_user(world.officer_fs).get("/console/cases/new/"))
    assert re.search(r'<option value="walk_in"', text) and 'value="online"' not in text


def test_the_employer_picker_searches_the_whole_register(world, as_user):
    # 房山's mediator holds no grant over 甲公司工会's enterprises, yet a worker's case names them.
    response = as_user(world.mediator_sy).get("/console/cases/employers/?q=房山示例")
    assert response.status_code == 200
    assert "北京房山示例商贸有限公司" in page_text(response)
