"""Findings of the membership review on the console: no birth date beside a masked ID number,
cursors that belong to one list, pages with personal data kept out of caches, a transfer
cancelled by staff, names the service refuses, and the transfer button following the service."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from smartunion.console.views.members import encode_cursor
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Transfer
from smartunion.members.services import join_apply, transfer_request
from tests.conftest import as_staff
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import WorkerFactory, make_id_number, make_mobile, make_person

pytestmark = pytest.mark.django_db

INVALID_LINK = "此页链接无效，现显示第一页。"


def next_link(response) -> str:
    return unescape(re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', response.content.decode()).group(1))


# --- C1: the masked ID number and the birth date ------------------------------------------------------


def test_the_record_shows_the_birth_year_beside_the_masked_id_number(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="周师傅", id_number=make_id_number(birth="19870415"))
    text = page_text(signed_in("union_a_staff").get(f"/console/members/{person.pk}/"))

    assert person.id_number_masked in text
    assert "出生年份" in text and "1987" in text
    assert "1987-04" not in text and "0415" not in text and "出生日期" not in text


def test_the_full_birth_date_only_with_the_unmasked_id_number(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="吴师傅", id_number=make_id_number(birth="19870415"))
    client = signed_in("fangshan_admin")

    shown = page_text(client.post(f"/console/members/{person.pk}/unmask/", {"field": "id_number"}))
    mobile_only = page_text(client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"}))

    assert person.id_number in shown and "1987-04-15" in shown
    assert "1987-04" not in mobile_only and person.id_number_masked in mobile_only


def test_an_application_shows_the_birth_year_only(signed_in, tree):
    worker = WorkerFactory()
    application = join_apply(
        user=worker,
        org=tree.union_a,
        data={
            "real_name": "赵快递",
            "id_number": make_id_number(birth="19920315"),
            "employer": tree.enterprise_a,
        },
    )
    text = page_text(signed_in("union_a_staff").get(f"/console/applications/{application.pk}/"))

    assert application.person.id_number_masked in text and "出生年份" in text and "1992" in text
    assert "1992-03" not in text


# --- I8: pages with personal data are not cached ------------------------------------------------------


def test_the_record_and_the_shown_number_are_not_cached(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="钱师傅", mobile="13812345678")
    client = signed_in("fangshan_admin")

    detail = client.get(f"/console/members/{person.pk}/")
    htmx = client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"}, HTTP_HX_REQUEST="true")
    full = client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"})

    assert "138****5678" in page_text(detail) and detail["Cache-Control"] == "no-store"
    assert "13812345678" in page_text(htmx) and htmx["Cache-Control"] == "no-store"
    assert "13812345678" in page_text(full) and full["Cache-Control"] == "no-store"


# --- I12: a cursor belongs to its own list ------------------------------------------------------------


@pytest.fixture
def many_members(tree, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members.PAGE_SIZE", 1)
    monkeypatch.setattr("smartunion.console.views.members_applications.PAGE_SIZE", 1)
    monkeypatch.setattr("smartunion.console.views.members_transfers.PAGE_SIZE", 1)
    for name in ("欧阳甲", "欧阳乙"):
        make_person(org=tree.union_a, real_name=name)


def test_a_member_list_cursor_in_another_list_gives_its_first_page(signed_in, tree, many_members):
    for name, days in (("孙一", 3), ("孙二", 1)):
        application = join_apply(
            user=WorkerFactory(),
            org=tree.union_a,
            data={"real_name": name, "id_number": make_id_number(), "employer": tree.enterprise_a},
        )
        with scopes_disabled():
            Membership.objects.filter(pk=application.pk).update(
                due_date=timezone.localdate() - timedelta(days=days)
            )
    client = signed_in("union_a_staff")
    member_link = next_link(client.get("/console/members/"))

    queue = client.get("/console/applications/" + member_link)
    escalated = client.get("/console/applications/?tab=escalated&" + member_link.lstrip("?"))
    transfers = client.get("/console/transfers/" + member_link)

    text = page_text(queue)
    assert queue.status_code == 200 and INVALID_LINK in text
    assert "孙一" in text and "孙二" not in text  # the first page: the earliest due first
    assert escalated.status_code == 200 and INVALID_LINK in page_text(escalated)
    assert transfers.status_code == 200 and INVALID_LINK in page_text(transfers)


def test_an_application_cursor_does_not_page_the_other_tab(signed_in, tree, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members_applications.PAGE_SIZE", 1)
    for name in ("李一", "李二"):
        join_apply(
            user=WorkerFactory(),
            org=tree.union_a,
            data={"real_name": name, "id_number": make_id_number(), "employer": tree.enterprise_a},
        )
    client = signed_in("union_a_staff")
    open_link = next_link(client.get("/console/applications/"))

    second = page_text(client.get("/console/applications/" + open_link))
    cursor = open_link.split("after=")[1]
    other_tab = page_text(client.get(f"/console/applications/?tab=escalated&after={cursor}"))

    assert INVALID_LINK not in second and "第一页" in second
    assert INVALID_LINK in other_tab


def test_a_damaged_cursor_gives_the_first_page(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    link = next_link(client.get("/console/members/"))
    damaged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")

    for url in ("/console/members/" + damaged, "/console/members/?after=x", "/console/members/?after=W10"):
        response = client.get(url)
        text = page_text(response)
        assert response.status_code == 200 and INVALID_LINK in text and "欧阳" in text


def test_the_member_list_cursor_carries_no_readable_name(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    link = next_link(client.get("/console/members/?q=欧阳"))
    cursor = link.split("after=")[1]

    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    second = page_text(client.get("/console/members/" + link))

    assert "欧阳".encode() not in raw and "欧阳" not in cursor
    assert INVALID_LINK not in second and "第一页" in second and "欧阳" in second


# --- I11: staff call off a waiting transfer ----------------------------------------------------------


@pytest.fixture
def waiting_transfer(tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="王转会")
    with as_staff(personas["union_a_staff"]):
        return transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)


def test_the_sending_union_cancels_a_waiting_transfer(signed_in, waiting_transfer):
    client = signed_in("union_a_staff")
    detail = page_text(client.get(f"/console/transfers/{waiting_transfer.pk}/"))
    assert "取消转会" in detail

    done = page_text(
        client.post(
            f"/console/transfers/{waiting_transfer.pk}/cancel/", {"reason": "填错了工会"}, follow=True
        )
    )

    assert "已取消王转会的转会" in done and "已取消" in done and "填错了工会" in done
    assert "取消转会" not in done  # nothing left to cancel
    with scopes_disabled():
        waiting_transfer.refresh_from_db()
        assert waiting_transfer.status == "cancelled" and waiting_transfer.reason == "填错了工会"
        assert Membership.objects.get(person=waiting_transfer.person).status == "active"


def test_the_receiving_union_may_cancel_too_and_a_decided_transfer_cannot_be(signed_in, waiting_transfer):
    receiver = signed_in("fangshan_staff")
    receiver.post(f"/console/transfers/{waiting_transfer.pk}/", {"decision": "reject", "reason": "查无此人"})

    detail = page_text(receiver.get(f"/console/transfers/{waiting_transfer.pk}/"))
    again = page_text(receiver.post(f"/console/transfers/{waiting_transfer.pk}/cancel/", {}, follow=True))

    assert "取消转会" not in detail
    assert zh("This transfer has already been decided.") in again
    with scopes_disabled():
        assert Transfer.objects.get(pk=waiting_transfer.pk).status == "rejected"


def test_a_too_long_cancel_reason_stays_on_the_form(signed_in, waiting_transfer):
    response = signed_in("union_a_staff").post(
        f"/console/transfers/{waiting_transfer.pk}/cancel/", {"reason": "长" * 301}
    )
    assert response.status_code == 400 and "301" in form_error_near(response, "id_cancel_reason")
    with scopes_disabled():
        assert Transfer.objects.get(pk=waiting_transfer.pk).status == "requested"


# --- Code quality: the transfer button follows the service's rule --------------------------------------


def test_no_transfer_button_for_a_suspended_member(signed_in, tree):
    active, _m = make_person(org=tree.union_a, real_name="陈正常")
    suspended, _m = make_person(org=tree.union_a, real_name="陈暂停", status="suspended")
    client = signed_in("union_a_staff")

    assert "申请转会" in page_text(client.get(f"/console/members/{active.pk}/"))
    assert "申请转会" not in page_text(client.get(f"/console/members/{suspended.pk}/"))


# --- Names the service refuses show their message on the form ----------------------------------------

FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'


@pytest.mark.parametrize(
    "name, message",
    [
        (FORMULA_NAME, "A name cannot start with = + - or @ (it would act as a spreadsheet formula)."),
        ("\u200b", "Please enter the real name."),
    ],
)
def test_edit_and_enrol_show_the_services_message_for_a_bad_name(signed_in, tree, name, message):
    person, _m = make_person(org=tree.union_a, real_name="原名字")
    client = signed_in("union_a_staff")

    edited = client.post(
        f"/console/members/{person.pk}/edit/", {"real_name": name, "employment_form": "courier", "mobile": ""}
    )
    enrolled = client.post(
        "/console/members/new/",
        {
            "org": str(tree.union_a.pk),
            "real_name": name,
            "id_number": make_id_number(),
            "mobile": make_mobile(),
            "employment_form": "courier",
        },
    )

    assert form_error_near(edited, "id_real_name") == zh(message)
    assert form_error_near(enrolled, "id_real_name") == zh(message)
    with scopes_disabled():
        person.refresh_from_db()
        assert person.real_name == "原名字"
        assert not Membership.objects.filter(person__real_name=name).exists()


def test_a_sealed_cursor_whose_values_do_not_fit_gives_the_first_page(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    wrong_types = encode_cursor(("欧阳甲", "not-an-id"), list_name="members")
    wrong_date = encode_cursor(("not-a-date", 1), list_name="applications.open")

    members = client.get(f"/console/members/?after={wrong_types}")
    queue = client.get(f"/console/applications/?after={wrong_date}")

    assert members.status_code == 200 and INVALID_LINK in page_text(members) and "欧阳" in page_text(members)
    assert queue.status_code == 200 and INVALID_LINK in page_text(queue)
