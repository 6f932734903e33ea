"""Activation on the mobile web: a member their union entered (a roster, an enrolment) registers
with the number on their record and is told at once that their membership was found and linked; a
signed-in worker without a record links it on 我的会籍. Read the way a worker reads it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from smartunion.accounts.models import OneTimeCode, User
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Person
from smartunion.members.services import member_enrol
from smartunion.notifications import senders
from tests.conftest import as_staff, staff_login
from tests.factories import WORKER_PASSWORD, WorkerFactory, make_id_number, make_mobile, make_person

pytestmark = pytest.mark.django_db

REGISTER = "/m/register/"
LINK = "/m/membership/link/"


def zh(msgid: str, context: str = "", **values) -> str:
    with translation.override("zh-hans"):
        text = str(translation.pgettext(context, msgid) if context else translation.gettext(msgid))
    return text % values if values else text


def page(response) -> str:
    return unescape(response.content.decode())


def send_code(client, url: str, mobile: str, **extra) -> str:
    # One code a minute per number: an earlier one is moved back instead of waiting.
    with scopes_disabled():
        OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    response = client.post(url, {"mobile": mobile, "action": "send_code", **extra})
    assert "验证码已发送" in page(response)
    return senders.OUTBOX[mobile]


def register(client, mobile: str, *, code: str | None = None, name: str = "孙师傅"):
    if code is None:
        code = send_code(client, REGISTER, mobile, display_name=name)
    return client.post(
        REGISTER,
        {"display_name": name, "mobile": mobile, "code": code, "password": WORKER_PASSWORD, "agree": "on"},
        follow=True,
    )


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def linked_message(org, number: str) -> str:
    return zh(
        "Your union membership was found and linked to your account: %(org)s, membership number %(number)s.",
        org=org.name,
        number=number,
    )


# --- registering with the number on the record -------------------------------------------------------


def test_an_imported_member_registers_and_sees_their_membership_card_and_data(client, tree, personas):
    mobile, id_number = make_mobile(), make_id_number()
    person, membership = make_person(org=tree.union_a, real_name="孙快递", mobile=mobile, id_number=id_number)

    response = register(client, mobile)

    text = page(response)
    assert response.redirect_chain[-1][0] == reverse("mobile:membership")
    assert linked_message(tree.union_a, membership.number) in text
    assert "正常" in text and membership.number in text and tree.union_a.name in text
    assert zh("Show my member card", "mobile") in text
    assert mobile not in text and id_number not in text
    # The inbox keeps the news.
    assert zh("Your membership of %(org)s is linked to this account", org=tree.union_a.name) in text

    card = page(client.get(reverse("mobile:card")))
    assert membership.number in card and "孙**" in card and "data:image/svg+xml" in card

    data = page(client.get(reverse("mobile:my_data")))
    assert "孙快递" in data and person.id_number_masked in data and id_number not in data

    download = json.loads(client.get(reverse("mobile:my_data_json")).content)
    assert download["person"]["id_number"] == id_number
    assert download["memberships"][0]["number"] == membership.number


def test_a_member_enrolled_at_a_station_sees_who_enrolled_them(client, tree, personas):
    staff = personas["union_a_staff"]
    mobile = make_mobile()
    with as_staff(staff):
        membership = member_enrol(
            actor=staff,
            org=tree.union_a,
            data={
                "real_name": "钱驿站",
                "id_number": make_id_number(),
                "mobile": mobile,
                "employment_form": "standard",
            },
        )

    response = register(client, mobile)

    assert linked_message(tree.union_a, membership.number) in page(response)
    access = page(client.get(reverse("mobile:my_data")))
    section = access[access.index('id="access"') :]
    assert staff.display_name in section and staff.username not in section


def test_a_new_worker_without_a_record_registers_as_before(client, tree):
    make_person(org=tree.union_a, mobile=make_mobile())  # someone else's record
    response = register(client, make_mobile())
    text = page(response)
    assert response.redirect_chain[-1][0] == reverse("mobile:me")
    assert zh("Welcome! Your account has been created.") in text
    assert "已找到您的工会会籍" not in text and "m-flash-warning" not in text


def test_a_number_on_two_records_creates_the_account_and_says_why_nothing_was_linked(client, tree):
    mobile = make_mobile()
    make_person(org=tree.union_a, mobile=mobile)
    make_person(org=tree.union_b, mobile=mobile)

    response = register(client, mobile)

    text = page(response)
    assert response.redirect_chain[-1][0] == reverse("mobile:membership")
    assert (
        zh(
            "Welcome! Your account has been created. Your mobile number is on more than one member record, so "
            "none was linked: ask your union to correct the records, then link yours here."
        )
        in text
    )
    assert "m-flash-warning" in text
    with scopes_disabled():
        assert User.objects.filter(
            mobile_index=Person.objects.filter(org=tree.union_a).first().mobile_index
        ).exists()


def test_the_register_page_tells_members_entered_by_their_union_what_to_do(client):
    text = page(client.get(REGISTER))
    assert (
        zh(
            "Already entered as a member by your union (from a roster, or at a union station)? Register with the "
            "mobile number your union has on file: your membership is linked to your new account."
        )
        in text
    )


def _without_tokens(html: str, mobile: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(mobile, "MOBILE")


def test_before_the_code_a_number_on_a_roster_reads_like_any_other(client, tree):
    """No oracle: sending a code and a wrong code give the same page for a number on a roster, a
    registered number and a new one."""
    on_roster = make_mobile()
    make_person(org=tree.union_a, mobile=on_roster)
    registered = WorkerFactory().mobile
    fresh = make_mobile()
    sent, refused = [], []
    for mobile in (on_roster, registered, fresh):
        code = send_code(client, REGISTER, mobile, display_name="某人")
        sent.append(
            _without_tokens(
                page(
                    client.post(REGISTER, {"mobile": mobile, "action": "send_code", "display_name": "某人"})
                ),
                mobile,
            )
        )
        refused.append(_without_tokens(page(register(client, mobile, code=wrong(code), name="某人")), mobile))
    assert sent[0] == sent[1] == sent[2]
    assert refused[0] == refused[1] == refused[2]
    assert zh("The code is wrong or has expired. Request a new one.") in refused[0]


def test_a_registered_number_is_told_to_sign_in_after_the_code(client, tree):
    worker = WorkerFactory()
    text = page(register(client, worker.mobile))
    assert zh("This mobile number is already registered. Sign in instead.") in text


# --- linking from a signed-in account ----------------------------------------------------------------------


def test_a_worker_without_a_record_is_offered_the_link_and_links_it(client, tree):
    worker = WorkerFactory()
    person, membership = make_person(org=tree.union_a, mobile=worker.mobile)
    client.force_login(worker)

    membership_page = page(client.get(reverse("mobile:membership")))
    assert zh("Already a member?", "mobile") in membership_page and LINK in membership_page
    join_page = page(client.get(reverse("mobile:join_apply", args=[tree.union_a.pk])))
    assert LINK in join_page

    form = page(client.get(LINK))
    assert zh("Usually the number you sign in with (%(masked)s).", masked=worker.mobile_masked) in form
    assert worker.mobile not in form
    code = send_code(client, LINK, worker.mobile)
    response = client.post(LINK, {"mobile": worker.mobile, "code": code}, follow=True)

    text = page(response)
    assert response.redirect_chain[-1][0] == reverse("mobile:membership")
    assert linked_message(tree.union_a, membership.number) in text
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user == worker
    assert zh("Already a member?", "mobile") not in text
    # Linked: the page no longer offers it.
    assert zh("Your account already has a member record.") in page(client.get(LINK))


def test_a_wrong_link_code_is_refused_and_five_lock_the_number(client, tree, settings):
    worker = WorkerFactory()
    person, _ = make_person(org=tree.union_a, mobile=worker.mobile)
    client.force_login(worker)
    code = send_code(client, LINK, worker.mobile)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        text = page(client.post(LINK, {"mobile": worker.mobile, "code": wrong(code)}))
        assert zh("The code is wrong or has expired. Request a new one.") in text
    text = page(client.post(LINK, {"mobile": worker.mobile, "code": code}))
    assert "账号已锁定" in text
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user is None


def test_a_number_on_no_waiting_record_is_told_so_after_the_code(client, tree):
    worker = WorkerFactory()
    client.force_login(worker)
    code = send_code(client, LINK, worker.mobile)
    text = page(client.post(LINK, {"mobile": worker.mobile, "code": code}))
    assert (
        zh(
            "No member record waiting for an account has this mobile number. If your union has another number "
            "on file, link with that one, or ask your union to correct it."
        )
        in text
    )


def test_the_link_page_is_for_workers_only(client, tree, personas):
    assert client.get(LINK)["Location"].startswith(reverse("mobile:login"))
    staff_login(client, personas["union_a_staff"])
    assert client.get(LINK).status_code == 403


def test_the_activation_pages_have_no_inline_script_or_style(client, tree):
    worker = WorkerFactory()
    client.force_login(worker)
    for url in (LINK, reverse("mobile:membership")):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and " on" + "click=" not in html
    with scopes_disabled():
        assert not Membership.objects.exists()
