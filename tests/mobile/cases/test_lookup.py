"""Looking a case up without signing in: case number and mobile, a code sent to that mobile, and on
the right code that one case's status page, read-only and only in this browser. Whether a number
exists is never told to someone without the code."""

from __future__ import annotations

import pytest
from django.test import Client

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications import senders
from tests.factories import make_mobile
from tests.factories.cases import make_case
from tests.mobile.cases.conftest import field_error, page, zh

pytestmark = pytest.mark.django_db


def ask_code(client, number: str, mobile: str):
    return client.post("/m/cases/lookup/", {"number": number, "mobile": mobile, "action": "send_code"})


def prove(client, number: str, mobile: str, code: str):
    return client.post("/m/cases/lookup/", {"number": number, "mobile": mobile, "code": code})


def test_number_and_code_show_the_case_read_only(client, case_world):
    case = make_case(case_world, status="in_progress")
    mobile = case_world.worker.mobile
    sent = ask_code(client, case.number, mobile)
    assert zh(
        "If the number and the mobile belong to a case, a code was sent to that mobile. It is valid for 5 minutes."
    ) in page(sent)
    response = prove(client, case.number, mobile, senders.OUTBOX[mobile])
    assert response.status_code == 302 and response["Location"] == f"/m/cases/lookup/{case.pk}/"
    text = page(client.get(response["Location"]))
    assert case.number in text and case_world.mediation_fs.name in text
    assert "电话了解情况" not in text  # the internal contact summary
    assert "<form" not in text.split('id="case-status"')[1]  # read-only: nothing to answer or upload
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            action="case.lookup", object_id=str(case.pk), outcome="success"
        ).exists()
    # Another browser, or another case, is not opened by this code.
    assert Client().get(f"/m/cases/lookup/{case.pk}/").status_code == 404
    other = make_case(case_world, worker=case_world.other_worker)
    assert client.get(f"/m/cases/lookup/{other.pk}/").status_code == 404


def test_a_wrong_code_an_unknown_number_and_another_mobile_get_the_same_answer(client, case_world):
    case = make_case(case_world)
    mobile = case_world.worker.mobile
    stranger = make_mobile()

    # Asking for a code answers the same whether the number exists or not.
    known = page(ask_code(client, case.number, mobile))
    unknown = page(
        Client().post(
            "/m/cases/lookup/", {"number": "TJ20990000001", "mobile": stranger, "action": "send_code"}
        )
    )
    notice = zh(
        "If the number and the mobile belong to a case, a code was sent to that mobile. It is valid for 5 minutes."
    )
    assert notice in known and notice in unknown

    wrong = prove(client, case.number, mobile, "000000" if senders.OUTBOX[mobile] != "000000" else "111111")
    not_a_case = prove(Client(), "TJ20990000001", stranger, senders.OUTBOX[stranger])
    expected = zh("The code is wrong or has expired. Request a new one.")
    assert field_error(wrong, "id_code") == expected
    assert field_error(not_a_case, "id_code") == expected
    assert wrong.status_code == not_a_case.status_code == 200
    # The real number with somebody else's mobile: the same answer, and the case is not shown.
    other_mobile = make_mobile()
    browser = Client()
    ask_code(browser, case.number, other_mobile)
    mismatch = prove(browser, case.number, other_mobile, senders.OUTBOX[other_mobile])
    assert field_error(mismatch, "id_code") == expected
    assert case.employer_name not in page(mismatch)
    assert browser.get(f"/m/cases/lookup/{case.pk}/").status_code == 404
