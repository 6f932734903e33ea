"""One-time codes sent by SMS: every check of a code is a counted attempt under the lockout of its
number (sign-in, registration, linking a record, a new contact number), and sending is limited per
number and per client address, also when the requests come all at once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.utils import timezone, translation

from smartunion.accounts.models import OneTimeCode, SignInFailure
from smartunion.accounts.services import account_key, one_time_code_send
from smartunion.core.errors import Locked, ValidationFailed
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.personal import mobile_index
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.members.services import my_contact_update
from smartunion.notifications import senders
from smartunion.orgs.models import OrgKind
from tests.factories import WORKER_PASSWORD, OrgFactory, WorkerFactory, make_mobile, make_person

ADDRESS = "10.40.50.60"
TOO_MANY = "当前网络获取验证码次数过多"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def together(jobs) -> list:
    """Run the jobs in threads that start at the same moment, each on its own database connection;
    returns what each returned or the class name of what it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = []

    def run(job):
        try:
            barrier.wait(timeout=10)
            outcomes.append(job())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(jobs)
    return outcomes


def send_code(client: Client, url: str, mobile: str, *, address: str = ADDRESS, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        url,
        json.dumps({"mobile": mobile}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=address,
    )


def api_token(client: Client, worker) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": worker.mobile, "password": WORKER_PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    return response.json()["token"]


def member_with_record(org):
    worker = WorkerFactory()
    person, _membership = make_person(org=org, user=worker)
    return worker, person


def contact_person(person: Person) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


# --- the worker's new contact number: wrong codes count --------------------------------------------


@pytest.mark.django_db
def test_a_wrong_contact_code_is_counted_and_audited_like_a_failed_sign_in(tree):
    worker, person = member_with_record(tree.union_a)
    new_mobile = make_mobile()
    one_time_code_send(mobile=new_mobile, purpose="contact", client_address=ADDRESS)
    real = senders.OUTBOX[new_mobile]

    with pytest.raises(ValidationFailed) as refused:
        my_contact_update(user=worker, mobile=new_mobile, code=wrong(real), client_address=ADDRESS)

    assert refused.value.fields == {"code": [zh("The code is wrong or has expired. Request a new one.")]}
    assert contact_person(person).mobile != new_mobile
    with scopes_disabled():
        assert (
            SignInFailure.objects.filter(account_key=account_key(new_mobile), client_address=ADDRESS).count()
            == 1
        )
        failed = AuditEvent.objects.get(action="person.self_update")
    assert failed.outcome == AuditOutcome.FAILURE and failed.actor == worker
    assert failed.data["reason"] == "bad_code" and new_mobile not in json.dumps(failed.data)
    # The right code still works, and is not counted; it is no sign-in, so the wrong one stays
    # counted until its window ends (only a complete sign-in ends an account's count).
    my_contact_update(user=worker, mobile=new_mobile, code=real, client_address=ADDRESS)
    assert contact_person(person).mobile == new_mobile
    with scopes_disabled():
        assert (
            SignInFailure.objects.filter(account_key=account_key(new_mobile), account_cleared=False).count()
            == 1
        )


@pytest.mark.django_db
def test_wrong_contact_codes_lock_the_number_even_for_the_right_code(tree, settings):
    worker, person = member_with_record(tree.union_a)
    new_mobile = make_mobile()
    one_time_code_send(mobile=new_mobile, purpose="contact", client_address=ADDRESS)
    real = senders.OUTBOX[new_mobile]
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        with pytest.raises(ValidationFailed):
            my_contact_update(user=worker, mobile=new_mobile, code=wrong(real), client_address=ADDRESS)

    with pytest.raises(Locked):
        my_contact_update(user=worker, mobile=new_mobile, code=real, client_address="10.99.99.99")
    assert contact_person(person).mobile != new_mobile


@pytest.mark.django_db
def test_the_api_answers_a_locked_contact_change_with_429(tree, client, settings):
    worker, _person = member_with_record(tree.union_a)
    token = api_token(client, worker)
    new_mobile = make_mobile()
    assert send_code(client, "/api/v1/me/contact/code", new_mobile, token=token).status_code == 204
    headers = {"Authorization": f"Bearer {token}"}
    answers = [
        client.patch(
            "/api/v1/me/contact",
            json.dumps({"mobile": new_mobile, "code": wrong(senders.OUTBOX[new_mobile])}),
            content_type="application/json",
            headers=headers,
            REMOTE_ADDR=ADDRESS,
        )
        for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES + 1)
    ]

    assert [a.status_code for a in answers] == [422] * settings.LOCKOUT_ACCOUNT_FAILURES + [429]
    assert answers[-1].json()["code"] == "locked" and "锁定" in answers[-1].json()["message"]


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_contact_codes_cannot_get_past_the_lockout(default_roles, settings):
    """15 wrong codes for a new contact number at the same moment, each on its own connection: at
    most 5 are checked against the code, the rest are refused as locked, and the right code is
    refused afterwards."""
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        org = OrgFactory(name="并发工会", parent=city, region_code="110105")
        worker, person = member_with_record(org)
    new_mobile = make_mobile()
    one_time_code_send(mobile=new_mobile, purpose="contact", client_address=ADDRESS)
    real = senders.OUTBOX[new_mobile]

    def guess():
        my_contact_update(user=worker, mobile=new_mobile, code=wrong(real), client_address=ADDRESS)

    outcomes = together([guess for _ in range(15)])

    assert set(outcomes) <= {"ValidationFailed", "Locked"}, outcomes
    # Each attempt counts before its code is checked: attempts that all count before any checks
    # are all refused, so the bound is an upper one.
    assert outcomes.count("ValidationFailed") <= settings.LOCKOUT_ACCOUNT_FAILURES, outcomes
    with scopes_disabled():
        checked = OneTimeCode.objects.get(mobile_index=mobile_index(new_mobile)).attempts
    assert checked == outcomes.count("ValidationFailed")
    with pytest.raises(Locked):
        my_contact_update(user=worker, mobile=new_mobile, code=real, client_address="10.99.99.99")
    assert contact_person(person).mobile != new_mobile


# --- sending: per number and per client address ------------------------------------------------------


@pytest.mark.django_db
def test_one_address_gets_a_limited_number_of_codes_an_hour(client, settings):
    settings.CODE_SEND_PER_ADDRESS_HOUR = 3
    sent = [make_mobile() for _ in range(3)]
    registered, fresh = WorkerFactory().mobile, make_mobile()

    answers = [send_code(client, "/api/v1/auth/register/code", mobile) for mobile in sent]
    over_registered = send_code(client, "/api/v1/auth/register/code", registered)
    over_fresh = send_code(client, "/api/v1/auth/register/code", fresh)

    assert [a.status_code for a in answers] == [204, 204, 204]
    assert all(senders.OUTBOX.get(mobile) for mobile in sent)
    assert over_registered.status_code == 429
    body = over_registered.json()
    assert body["code"] == "throttled"
    assert TOO_MANY in body["message"] and "60分钟后再试" in body["message"]
    assert body["fields"] == {"body.mobile": [body["message"]]}
    assert 3500 <= int(over_registered["Retry-After"]) <= 3600
    # A registered number and a new one are refused alike, and neither gets an SMS.
    assert over_fresh.status_code == 429 and over_fresh.json() == body
    assert registered not in senders.OUTBOX and fresh not in senders.OUTBOX
    with scopes_disabled():
        # Refused requests leave nothing.
        assert OneTimeCode.objects.filter(client_address=ADDRESS).count() == 3
    # Another address is not affected.
    assert send_code(client, "/api/v1/auth/register/code", fresh, address="10.40.50.61").status_code == 204


@pytest.mark.django_db
def test_the_hourly_limit_frees_up_as_codes_leave_the_hour(client, settings):
    settings.CODE_SEND_PER_ADDRESS_HOUR = 2
    first, second, third = make_mobile(), make_mobile(), make_mobile()
    send_code(client, "/api/v1/auth/register/code", first)
    send_code(client, "/api/v1/auth/register/code", second)
    assert send_code(client, "/api/v1/auth/register/code", third).status_code == 429

    with scopes_disabled():
        OneTimeCode.objects.filter(mobile_index=mobile_index(first)).update(
            created_at=timezone.now() - timedelta(minutes=61)
        )
    assert send_code(client, "/api/v1/auth/register/code", third).status_code == 204
    assert senders.OUTBOX.get(third)


@pytest.mark.django_db
def test_one_address_gets_a_limited_number_of_codes_a_day(client, settings):
    settings.CODE_SEND_PER_ADDRESS_HOUR = 100
    settings.CODE_SEND_PER_ADDRESS_DAY = 3
    for _ in range(3):
        assert send_code(client, "/api/v1/auth/register/code", make_mobile()).status_code == 204
    with scopes_disabled():
        OneTimeCode.objects.filter(client_address=ADDRESS).update(
            created_at=timezone.now() - timedelta(hours=3)
        )

    over = send_code(client, "/api/v1/auth/register/code", make_mobile())

    assert over.status_code == 429
    assert TOO_MANY in over.json()["message"] and "21小时后再试" in over.json()["message"]
    assert 20 * 3600 < int(over["Retry-After"]) <= 21 * 3600


@pytest.mark.django_db
def test_one_number_gets_a_limited_number_of_codes_whoever_asks(client, settings):
    """Codes to one number from ever new addresses (flooding a phone with texts): 3 an hour here,
    then refused alike for a registered number and a new one, with nothing sent or kept."""
    settings.CODE_SEND_PER_NUMBER_HOUR = 3
    registered, fresh = WorkerFactory().mobile, make_mobile()
    answers = {}
    for mobile in (registered, fresh):
        answers[mobile] = []
        for n in range(4):
            with scopes_disabled():  # past the one-a-minute rule
                OneTimeCode.objects.filter(mobile_index=mobile_index(mobile)).update(
                    created_at=F("created_at") - timedelta(minutes=2)
                )
            answers[mobile].append(
                send_code(client, "/api/v1/auth/register/code", mobile, address=f"10.42.{len(answers)}.{n}")
            )

    for mobile in (registered, fresh):
        assert [a.status_code for a in answers[mobile]] == [204, 204, 204, 429]
        over = answers[mobile][-1].json()
        assert over["code"] == "throttled"
        assert over["message"].startswith("该手机号获取验证码次数过多，请") and over["message"].endswith(
            "分钟后再试。"
        )
        assert over["fields"] == {"body.mobile": [over["message"]]}
        with scopes_disabled():
            assert OneTimeCode.objects.filter(mobile_index=mobile_index(mobile)).count() == 3
    assert answers[registered][-1].json()["message"] == answers[fresh][-1].json()["message"]
    # Another number from the same addresses is not affected.
    assert (
        send_code(client, "/api/v1/auth/register/code", make_mobile(), address="10.42.1.0").status_code == 204
    )


@pytest.mark.django_db
def test_one_number_gets_a_limited_number_of_codes_a_day(client, settings):
    settings.CODE_SEND_PER_NUMBER_DAY = 2
    mobile = make_mobile()
    for n in range(2):
        assert (
            send_code(client, "/api/v1/auth/register/code", mobile, address=f"10.43.0.{n}").status_code == 204
        )
        with scopes_disabled():
            OneTimeCode.objects.filter(mobile_index=mobile_index(mobile)).update(
                created_at=timezone.now() - timedelta(hours=5)
            )

    over = send_code(client, "/api/v1/auth/register/code", mobile, address="10.43.0.9")

    assert over.status_code == 429 and "19小时后再试" in over.json()["message"]
    assert 18 * 3600 < int(over["Retry-After"]) <= 19 * 3600


@pytest.mark.django_db
def test_every_code_sending_end_is_limited_per_address(client, settings, tree):
    """The mobile web's sign-in, registration, link and contact pages and the API's register, link
    and contact endpoints draw on one count per address."""
    settings.CODE_SEND_PER_ADDRESS_HOUR = 4
    worker, _person = member_with_record(tree.union_a)
    token = api_token(client, WorkerFactory())
    pages = ["/m/login/code/", "/m/register/"]
    for url in pages:
        response = client.post(
            url, {"mobile": make_mobile(), "action": "send_code"}, HTTP_HX_REQUEST="true", REMOTE_ADDR=ADDRESS
        )
        assert "验证码已发送" in response.content.decode()
    assert send_code(client, "/api/v1/me/membership/link/code", make_mobile(), token=token).status_code == 204
    client.force_login(worker)
    response = client.post(
        "/m/me/contact/",
        {"mobile": make_mobile(), "action": "send_code"},
        HTTP_HX_REQUEST="true",
        REMOTE_ADDR=ADDRESS,
    )
    assert "验证码已发送" in response.content.decode()

    refused = client.post(
        "/m/register/",
        {"mobile": make_mobile(), "action": "send_code"},
        HTTP_HX_REQUEST="true",
        REMOTE_ADDR=ADDRESS,
    )
    text = refused.content.decode()
    assert TOO_MANY in text and "验证码已发送" not in text
    assert send_code(client, "/api/v1/me/contact/code", make_mobile(), token=token).status_code == 429
    assert send_code(client, "/api/v1/me/membership/link/code", make_mobile(), token=token).status_code == 429
    with scopes_disabled():
        assert OneTimeCode.objects.filter(client_address=ADDRESS).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_sends_from_one_address_stays_within_the_limit(default_roles, settings):
    """16 registration-code requests for 16 numbers from one address at the same moment, each a real
    request on its own connection: no more codes go out than the hourly limit, and each one that
    went out can be used."""
    settings.CODE_SEND_PER_ADDRESS_HOUR = 4
    mobiles = [make_mobile() for _ in range(16)]

    def request(mobile):
        return lambda: send_code(Client(), "/api/v1/auth/register/code", mobile).status_code

    outcomes = together([request(mobile) for mobile in mobiles])

    assert set(outcomes) <= {204, 429}, outcomes
    assert outcomes.count(204) <= 4, outcomes  # (all refused is possible too: each counts all the others)
    delivered = [m for m in mobiles if m in senders.OUTBOX]
    assert len(delivered) == outcomes.count(204)
    with scopes_disabled():
        rows = list(OneTimeCode.objects.filter(client_address=ADDRESS))
    assert len(rows) == len(delivered)
    assert all(row.expires_at > timezone.now() for row in rows)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_sends_to_one_number_sends_one_code(default_roles):
    """Ten requests for one number from ten addresses at the same moment: one code goes out."""
    mobile = make_mobile()

    def request(n):
        return lambda: (
            send_code(Client(), "/api/v1/auth/register/code", mobile, address=f"10.41.0.{n}").status_code
        )

    outcomes = together([request(n) for n in range(10)])

    assert set(outcomes) <= {204, 422}, outcomes
    # On PostgreSQL requests for one number take turns, so exactly one code goes out; on SQLite
    # each may count the others' rows and all may be refused.
    if connection.vendor == "postgresql":
        assert outcomes.count(204) == 1, outcomes
    else:
        assert outcomes.count(204) <= 1, outcomes
    with scopes_disabled():
        assert OneTimeCode.objects.filter(mobile_index=mobile_index(mobile)).count() == outcomes.count(204)


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_sends_one_code_on_postgresql(default_roles):
    """Two requests for one number at the same instant, ten times over: each time one code goes out
    and the other request is told one was just sent (before, both were often refused)."""
    if connection.vendor != "postgresql":
        pytest.skip("requests take turns on PostgreSQL's advisory locks")
    for n in range(10):
        mobile = make_mobile()

        def request(tap, mobile=mobile, n=n):
            return lambda: (
                send_code(
                    Client(), "/api/v1/auth/register/code", mobile, address=f"10.44.{n}.{tap}"
                ).status_code
            )

        outcomes = together([request(1), request(2)])

        assert sorted(outcomes) == [204, 422], (n, outcomes)
        assert senders.OUTBOX.get(mobile)
