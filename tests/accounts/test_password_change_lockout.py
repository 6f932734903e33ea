"""The current password asked when changing the password is a re-authentication (issue 7, item 1):
a stolen session gets no unlimited guesses at it. Wrong ones count towards the sign-in lockout."""

from __future__ import annotations

import pytest

from smartunion.accounts.services import password_change, signin_password
from smartunion.core.errors import Locked, ValidationFailed
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text, zh
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, WorkerFactory

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
