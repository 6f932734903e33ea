"""Rules the security review asked for: re-authentication is rate-limited, staff and workers sign in
on their own end, nobody takes over a more powerful account, created accounts choose their own
password, and revoking obeys the same rule as granting."""

from __future__ import annotations

import pytest

from smartunion.accounts.models import ApiToken, RoleGrant, TotpDevice
from smartunion.accounts.services import (
    WrongEnd,
    password_change,
    reauthenticate,
    role_revoke,
    signin_password,
    staff_create,
    token_issue,
    totp_reset,
)
from smartunion.core.errors import Forbidden, Locked, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.conftest import staff_login
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_reauthentication_counts_towards_the_lockout(personas):
    admin = personas["fangshan_admin"]
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            reauthenticate(actor=admin, secret="wrong", client_address="10.0.0.5")
    with pytest.raises(Locked):
        reauthenticate(actor=admin, secret=STAFF_PASSWORD, client_address="10.0.0.5")


def test_each_end_signs_in_its_own_kind_and_records_no_success_for_the_other(personas):
    worker = WorkerFactory(mobile="13744445555")
    with pytest.raises(WrongEnd):
        signin_password(username="13744445555", password=WORKER_PASSWORD, client_address="", staff_only=True)
    with pytest.raises(WrongEnd):
        signin_password(
            username="fangshan.staff", password=STAFF_PASSWORD, client_address="", worker_only=True
        )
    with scopes_disabled():
        outcomes = set(
            AuditEvent.objects.filter(action="signin.password", actor=worker).values_list(
                "outcome", flat=True
            )
        )
    assert outcomes == {"denied"}


def test_staff_sign_in_events_belong_to_their_organisation(tree, personas):
    signin_password(username="fangshan.staff", password=STAFF_PASSWORD, client_address="10.0.0.9")
    with scopes_disabled():
        event = AuditEvent.objects.filter(action="signin.password").latest("seq")
    assert event.org_id == tree.fangshan.pk and event.client_address == "10.0.0.9"


def test_a_district_admin_cannot_take_over_a_city_admin_homed_in_the_district(tree, personas):
    city_admin_homed_low = StaffFactory(
        username="city.admin2", home_org=tree.fangshan, roles=[("federation_admin", tree.city)]
    )
    with pytest.raises(Forbidden):
        totp_reset(
            actor=personas["fangshan_admin"],
            user=city_admin_homed_low,
            confirm=STAFF_PASSWORD,
            client_address="",
        )
    assert TotpDevice.objects.filter(user=city_admin_homed_low).exists()


def test_revoking_needs_the_rights_of_the_role_and_not_ones_own(tree, personas):
    with scopes_disabled():
        city_grant = RoleGrant.objects.get(user=personas["city_admin"])
        own = RoleGrant.objects.get(user=personas["fangshan_admin"])
    with pytest.raises(Forbidden), scopes_disabled():
        role_revoke(
            actor=personas["fangshan_admin"], grant=city_grant, confirm=STAFF_PASSWORD, client_address=""
        )
    with pytest.raises(ValidationFailed), scopes_disabled():
        role_revoke(actor=personas["fangshan_admin"], grant=own, confirm=STAFF_PASSWORD, client_address="")
    with scopes_disabled():
        assert RoleGrant.objects.filter(pk__in=[city_grant.pk, own.pk]).count() == 2


def test_a_created_staff_account_must_choose_its_own_password(tree, personas, client):
    with scopes_disabled():
        new = staff_create(
            actor=personas["fangshan_admin"],
            username="new.colleague",
            display_name="新同事",
            password="Initial-Pass-2026!",
            home_org=tree.fangshan,
        )
    assert new.password_change_required
    staff_login(client, new)
    response = client.get("/console/orgs/")
    assert response.status_code == 302 and response.headers["Location"] == "/console/account/password/"
    page = client.get("/console/account/password/").content.decode()
    assert "修改密码" in page or "Change password" in page
    response = client.post(
        "/console/account/password/",
        {
            "old_password": "Initial-Pass-2026!",
            "new_password": "My-Own-Secret-77",
            "new_password_again": "My-Own-Secret-77",
        },
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert not new.password_change_required and new.check_password("My-Own-Secret-77")
    assert client.get("/console/").status_code == 200


def test_changing_the_password_revokes_api_tokens(personas):
    staff = personas["fangshan_staff"]
    with scopes_disabled():
        token_issue(user=staff, client_address="")
        password_change(
            user=staff, old_password=STAFF_PASSWORD, new_password="Another-Pass-2027!", client_address=""
        )
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()


def test_no_api_token_before_the_owner_chose_their_own_password(tree, personas, client):
    from tests.factories import totp_now

    staff = personas["fangshan_staff"]
    staff.password_change_required = True
    staff.save(update_fields=["password_change_required"])
    response = client.post(
        "/api/v1/auth/token",
        {"username": "fangshan.staff", "password": STAFF_PASSWORD, "otp": totp_now(staff)},
        content_type="application/json",
    )
    assert response.status_code == 403 and "设置您自己的密码" in response.json()["message"]
    assert not ApiToken.objects.filter(user=staff).exists()
