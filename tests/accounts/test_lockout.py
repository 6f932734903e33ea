"""Second factors under the lockout (issue 7, item 1): wrong authenticator and recovery codes count
like wrong passwords on every path, only a complete sign-in ends an account's count, and nothing
ends an address's count before its window does."""

from __future__ import annotations

import pytest

from smartunion.accounts.models import SignInFailure
from smartunion.accounts.services import (
    reauthenticate,
    second_factor_verify,
    signin_for_token,
    signin_password,
    totp_enrol_begin,
    totp_enrol_confirm,
)
from smartunion.core.errors import Locked, Unauthorized, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, StaffFactory, WorkerFactory, totp_now

pytestmark = pytest.mark.django_db

ADDRESS = "10.7.7.7"


def wrong_totp(staff) -> str:
    return f"{(int(totp_now(staff)) + 500_000) % 1_000_000:06d}"


def test_a_right_password_between_wrong_codes_does_not_reset_the_count():
    staff = StaffFactory(username="two.step")
    for _ in range(5):
        assert signin_password(username="two.step", password=STAFF_PASSWORD, client_address=ADDRESS) == staff
        with pytest.raises(Unauthorized):
            second_factor_verify(user=staff, code=wrong_totp(staff), client_address=ADDRESS)

    with pytest.raises(Locked):
        signin_password(username="two.step", password=STAFF_PASSWORD, client_address="10.8.8.8")
    with pytest.raises(Locked):
        second_factor_verify(user=staff, code=totp_now(staff), client_address="10.8.8.8")


def test_wrong_recovery_codes_count_like_wrong_passwords():
    staff = StaffFactory(username="recovery.guess")
    for _ in range(5):
        with pytest.raises(Unauthorized):
            signin_for_token(
                username="recovery.guess",
                password=STAFF_PASSWORD,
                otp="AAAAAA-BBBBBB",
                client_address=ADDRESS,
            )
    with pytest.raises(Locked):
        signin_for_token(
            username="recovery.guess", password=STAFF_PASSWORD, otp=totp_now(staff), client_address=ADDRESS
        )


def test_wrong_codes_at_enrolment_count_and_the_password_does_not_reset_them():
    staff = StaffFactory(username="enrolling")
    with scopes_disabled():
        staff.totp_device.delete()
        totp_enrol_begin(user=staff)
    for _ in range(5):
        signin_password(username="enrolling", password=STAFF_PASSWORD, client_address=ADDRESS)
        with pytest.raises(ValidationFailed):
            totp_enrol_confirm(user=staff, code="000000", client_address=ADDRESS)

    with pytest.raises(Locked):
        signin_password(username="enrolling", password=STAFF_PASSWORD, client_address=ADDRESS)


def test_a_right_password_at_re_authentication_does_not_reset_wrong_codes():
    admin = StaffFactory(username="reauth.admin")
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            reauthenticate(actor=admin, secret=wrong_totp(admin), client_address=ADDRESS)
    reauthenticate(actor=admin, secret=STAFF_PASSWORD, client_address=ADDRESS)
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            reauthenticate(actor=admin, secret=wrong_totp(admin), client_address=ADDRESS)

    with pytest.raises(Locked):
        reauthenticate(actor=admin, secret=STAFF_PASSWORD, client_address=ADDRESS)


def test_a_complete_sign_in_ends_the_account_count_only():
    staff = StaffFactory(username="complete.signin")
    for _ in range(4):
        signin_password(username="complete.signin", password=STAFF_PASSWORD, client_address=ADDRESS)
        with pytest.raises(Unauthorized):
            second_factor_verify(user=staff, code=wrong_totp(staff), client_address=ADDRESS)
    signin_password(username="complete.signin", password=STAFF_PASSWORD, client_address=ADDRESS)
    assert second_factor_verify(user=staff, code=totp_now(staff), client_address=ADDRESS) == "totp"

    # The account starts afresh: five more wrong codes before the lock, as after any sign-in.
    with scopes_disabled():
        assert SignInFailure.objects.filter(client_address=ADDRESS).count() == 4
        assert not SignInFailure.objects.filter(client_address=ADDRESS, account_cleared=False).exists()


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 4
    own = WorkerFactory(mobile="13755550001")
    WorkerFactory(mobile="13755550002")
    for _ in range(2):
        with pytest.raises(Unauthorized):
            signin_password(username="13755550001", password="guess", client_address=ADDRESS)
    assert signin_password(username="13755550001", password=WORKER_PASSWORD, client_address=ADDRESS) == own
    for _ in range(2):
        with pytest.raises(Unauthorized):
            signin_password(username="13755550002", password="guess", client_address=ADDRESS)

    # Four failures from the address, though a sign-in came between them: the address is locked.
    with pytest.raises(Locked):
        signin_password(username="13755550001", password=WORKER_PASSWORD, client_address=ADDRESS)
    with pytest.raises(Locked):
        signin_password(username="13755550002", password=WORKER_PASSWORD, client_address=ADDRESS)
    # Not the account, whose count the sign-in ended: from another address its owner signs in.
    assert signin_password(username="13755550001", password=WORKER_PASSWORD, client_address="10.8.8.8") == own


def test_failures_older_than_the_window_are_removed_as_the_account_or_address_tries_again():
    """A complete sign-in only marks its failures (the address keeps counting them), so the old ones
    are removed once they count for nothing: the table holds about one window, not every failure."""
    from datetime import timedelta

    from django.utils import timezone

    WorkerFactory(mobile="13900007777")
    for _ in range(3):
        with pytest.raises(Unauthorized):
            signin_password(username="13900007777", password="wrong-password", client_address=ADDRESS)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    SignInFailure.objects.update(created_at=an_hour_ago)
    SignInFailure.objects.create(account_key="someone-else", client_address=ADDRESS, created_at=an_hour_ago)
    SignInFailure.objects.create(
        account_key="someone-else", client_address="10.9.9.9", created_at=an_hour_ago
    )

    with pytest.raises(Unauthorized):
        signin_password(username="13900007777", password="wrong-password", client_address=ADDRESS)

    left = list(SignInFailure.objects.values_list("account_key", "client_address"))
    # This attempt's row, and another account's old failure from another address (removed when
    # that account or address tries again).
    assert len(left) == 2
    assert ("someone-else", "10.9.9.9") in left
    assert SignInFailure.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=1)).count() == 1
