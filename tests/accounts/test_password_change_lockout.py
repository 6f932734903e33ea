"""The current password asked when changing the password is a re-authentication (issue 7, item 1):
a stolen session gets no unlimited guesses at it. Wrong ones count towards the sign-in lockout."""

from __future__ import annotations

import pytest

from smartunion.accounts.services import (
    RESET_CODE_PURPOSE,
    WrongEnd,
    one_time_code_send,
    password_change,
    password_reset,
    signin_password,
)
from smartunion.core.errors import Locked, Unauthorized, ValidationFailed
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications import senders
from tests.console.conftest import page_text, zh
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db

ADDRESS = "10.9.9.9"
NEW_PASSWORD = "Brand-new-passphrase-7"


def test_wrong_current_passwords_lock_a_workers_account():
    worker = WorkerFactory(mobile="13755550101")
    for _ in range(5):
        with pytest.raises(ValidationFailed) as wrong:
            password_change(
                user=worker, old_password="guess", new_password=NEW_PASSWORD, client_address=ADDRESS
            )
        assert wrong.value.fields == {"old_password": [zh("The current password is wrong.")]}

    # Even the right password is refused now, and does not change it; nor can the owner sign in.
    with pytest.raises(Locked):
        password_change(
            user=worker, old_password=WORKER_PASSWORD, new_password=NEW_PASSWORD, client_address=ADDRESS
        )
    worker.refresh_from_db()
    assert worker.check_password(WORKER_PASSWORD)
    with pytest.raises(Locked):
        signin_password(username="13755550101", password=WORKER_PASSWORD, client_address="10.8.8.8")
    with scopes_disabled():
        failures = AuditEvent.objects.filter(action="password.change", outcome=AuditOutcome.FAILURE)
        assert failures.count() == 5


def test_the_console_says_the_lockout_after_wrong_current_passwords(client, personas, staff_client):
    user = personas["fangshan_staff"]
    staff_client(user)
    for _ in range(5):
        client.post(
            "/console/account/password/",
            {"old_password": "guess", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        )
    response = client.post(
        "/console/account/password/",
        {"old_password": STAFF_PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    locked = zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    )
    assert response.status_code == 200
    assert locked in page_text(response)
    user.refresh_from_db()
    assert user.check_password(STAFF_PASSWORD)


def test_a_refused_staff_password_reset_leaves_the_numbers_failures_counted(tree):
    staff = StaffFactory(username="reset.counted", home_org=tree.city)
    with scopes_disabled():
        staff.set_mobile("13755550102")
        staff.save(update_fields=["mobile_index", "mobile_encrypted"])
    for _ in range(4):
        with pytest.raises(Unauthorized):
            signin_password(username="13755550102", password="guess", client_address=ADDRESS)
    one_time_code_send(mobile="13755550102", purpose=RESET_CODE_PURPOSE, client_address=ADDRESS)

    with pytest.raises(WrongEnd):
        password_reset(
            mobile="13755550102",
            code=senders.OUTBOX["13755550102"],
            new_password=NEW_PASSWORD,
            client_address=ADDRESS,
        )

    # The refused reset gave no fresh guesses: one more wrong password locks the number.
    with pytest.raises(Unauthorized):
        signin_password(username="13755550102", password="guess", client_address="10.8.8.8")
    with pytest.raises(Locked):
        signin_password(username="13755550102", password=STAFF_PASSWORD, client_address="10.8.8.8")


def test_a_workers_password_reset_ends_the_numbers_count():
    worker = WorkerFactory(mobile="13755550103")
    for _ in range(4):
        with pytest.raises(Unauthorized):
            signin_password(username="13755550103", password="guess", client_address=ADDRESS)
    one_time_code_send(mobile="13755550103", purpose=RESET_CODE_PURPOSE, client_address=ADDRESS)
    password_reset(
        mobile="13755550103",
        code=senders.OUTBOX["13755550103"],
        new_password=NEW_PASSWORD,
        client_address=ADDRESS,
    )

    for _ in range(4):
        with pytest.raises(Unauthorized):
            signin_password(username="13755550103", password="guess", client_address="10.8.8.8")
    assert signin_password(username="13755550103", password=NEW_PASSWORD, client_address="10.8.8.8") == worker
