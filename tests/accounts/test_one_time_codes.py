"""One-time codes sent by SMS: every check of a code is a counted attempt under the lockout of its
number (sign-in, registration, linking a record, a new contact number)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation

from smartunion.accounts import senders
from smartunion.accounts.models import OneTimeCode, SignInFailure, mobile_blind_index
from smartunion.accounts.services import account_key, one_time_code_send
from smartunion.core.errors import Locked, ValidationFailed
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.members.services import my_contact_update
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
    return client.post(url, json.dumps({"mobile": mobile}), content_type="application/json", headers=headers,
                       REMOTE_ADDR=address)


def api_token(client: Client, worker) -> str:
    response = client.post("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD},
                           content_type="application/json", REMOTE_ADDR="10.1.2.3")
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
    one_time_code_send(mobile=new_mobile, purpose="contact")
    real = senders.OUTBOX[new_mobile]

    with pytest.raises(ValidationFailed) as refused:
        my_contact_update(user=worker, mobile=new_mobile, code=wrong(real), client_address=ADDRESS)

    assert refused.value.fields == {"code": [zh("The code is wrong or has expired. Request a new one.")]}
    assert contact_person(person).mobile != new_mobile
    with scopes_disabled():
        assert SignInFailure.objects.filter(account_key=account_key(new_mobile), address=ADDRESS).count() == 1
        failed = AuditEvent.objects.get(action="person.self_update")
    assert failed.outcome == AuditOutcome.FAILURE and failed.actor == worker
    assert failed.data["reason"] == "bad_code" and new_mobile not in json.dumps(failed.data)
    # The right code still works, and clears the number's count as a sign-in does.
    my_contact_update(user=worker, mobile=new_mobile, code=real, client_address=ADDRESS)
    assert contact_person(person).mobile == new_mobile
    with scopes_disabled():
        assert not SignInFailure.objects.filter(account_key=account_key(new_mobile)).exists()


@pytest.mark.django_db
def test_wrong_contact_codes_lock_the_number_even_for_the_right_code(tree, settings):
    worker, person = member_with_record(tree.union_a)
    new_mobile = make_mobile()
    one_time_code_send(mobile=new_mobile, purpose="contact")
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
        client.patch("/api/v1/me/contact", json.dumps({"mobile": new_mobile, "code": wrong(senders.OUTBOX[new_mobile])}),
                     content_type="application/json", headers=headers, REMOTE_ADDR=ADDRESS)
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
    one_time_code_send(mobile=new_mobile, purpose="contact")
    real = senders.OUTBOX[new_mobile]

    def guess():
        my_contact_update(user=worker, mobile=new_mobile, code=wrong(real), client_address=ADDRESS)

    outcomes = together([guess for _ in range(15)])

    assert set(outcomes) <= {"ValidationFailed", "Locked"}, outcomes
    # Each attempt counts before its code is checked: attempts that all count before any checks
    # are all refused, so the bound is an upper one.
    assert outcomes.count("ValidationFailed") <= settings.LOCKOUT_ACCOUNT_FAILURES, outcomes
    with scopes_disabled():
        checked = OneTimeCode.objects.get(mobile_index=mobile_blind_index(new_mobile)).attempts
    assert checked == outcomes.count("ValidationFailed")
    with pytest.raises(Locked):
        my_contact_update(user=worker, mobile=new_mobile, code=real, client_address="10.99.99.99")
    assert contact_person(person).mobile != new_mobile
