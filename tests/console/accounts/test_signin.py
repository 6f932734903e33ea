"""Staff sign-in: password, then TOTP (or enrolment), lockout, idle time-out, language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from smartunion.accounts.models import TotpDevice
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import STAFF_PASSWORD, StaffFactory, WorkerFactory, totp_now

pytestmark = pytest.mark.django_db


def password_step(client, user, password=STAFF_PASSWORD, **extra):
    return client.post("/console/login/", {"username": user.username, "password": password, **extra})


def test_the_login_page_speaks_chinese_by_default(client):
    response = client.get("/console/login/")
    text = page_text(response)
    assert "登录" in text and "工作人员登录" in text
    assert 'id="id_username"' in text and 'id="id_password"' in text
    assert 'type="submit"' in text


def test_password_then_totp_signs_in_and_sets_the_idle_timeout(client, personas):
    user = personas["fangshan_staff"]
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"] == "/console/login/otp/"
    assert client.session["pending_staff_id"] == user.pk
    # Not signed in yet: the console itself still sends to the login page.
    assert client.get("/console/")["Location"].startswith("/console/login/")

    page = client.get("/console/login/otp/")
    assert "两步验证" in page_text(page) and 'id="id_otp"' in page_text(page)
    response = client.post("/console/login/otp/", {"otp": totp_now(user)})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert client.session["otp_verified"] is True
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS == 1800

    home = page_text(client.get("/console/"))
    assert "fangshan.staff" in home and "房山区总工会" in home


def test_next_is_followed_when_safe_and_ignored_when_not(client, personas):
    user = personas["fangshan_staff"]
    password_step(client, user, next="/console/orgs/")
    assert client.post("/console/login/otp/", {"otp": totp_now(user)})["Location"] == "/console/orgs/"
    client.post("/console/logout/")
    other = personas["shunyi_staff"]
    password_step(client, other, next="https://evil.example/")
    assert client.post("/console/login/otp/", {"otp": totp_now(other)})["Location"] == "/console/"


def test_wrong_password_is_refused_on_the_form(client, personas):
    response = password_step(client, personas["fangshan_staff"], password="wrong-password")
    assert form_error_near(response, "id_password") == zh("The username or password is wrong.")
    assert "pending_staff_id" not in client.session


def test_wrong_code_is_refused(client, personas):
    user = personas["fangshan_staff"]
    password_step(client, user)
    good = totp_now(user)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post("/console/login/otp/", {"otp": wrong})
    assert form_error_near(response, "id_otp") == zh("The verification code is wrong.")
    assert "otp_verified" not in client.session
    assert client.get("/console/").status_code == 302


def test_a_used_code_is_refused_the_second_time(client, personas):
    user = personas["fangshan_staff"]
    code = totp_now(user)
    password_step(client, user)
    assert client.post("/console/login/otp/", {"otp": code}).status_code == 302
    client.post("/console/logout/")

    password_step(client, user)
    response = client.post("/console/login/otp/", {"otp": code})
    assert form_error_near(response, "id_otp") == zh(
        "This code has already been used. Wait for the next code."
    )
    assert client.get("/console/").status_code == 302


def _enrol(client, user) -> list[str]:
    password_step(client, user)
    page = client.get("/console/login/enrol/")
    secret = re.search(r'<p class="secret"><code>([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    user.totp_secret = secret.replace(" ", "")
    response = client.post("/console/login/enrol/", {"otp": totp_now(user)})
    return re.findall(r"<li><code>([0-9A-F]{6}-[0-9A-F]{6})</code></li>", response.content.decode())


def test_a_staff_member_without_an_authenticator_enrols_first(client, tree):
    user = StaffFactory(username="new.staff", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)])
    with scopes_disabled():
        user.totp_device.delete()
    response = password_step(client, user)
    assert response["Location"] == "/console/login/enrol/"
    assert client.get("/console/login/otp/")["Location"] == "/console/login/enrol/"

    page = client.get("/console/login/enrol/")
    text = page_text(page)
    assert "设置两步验证" in text
    assert re.search(r'<img class="qr" src="data:image/svg\+xml', page.content.decode())
    secret = re.search(r'<p class="secret"><code>([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    user.totp_secret = secret.replace(" ", "")

    wrong = client.post(
        "/console/login/enrol/", {"otp": "000000" if totp_now(user) != "000000" else "111111"}
    )
    assert form_error_near(wrong, "id_otp") == zh("The verification code is wrong.")

    done = client.post("/console/login/enrol/", {"otp": totp_now(user)})
    codes = re.findall(r"<li><code>([0-9A-F]{6}-[0-9A-F]{6})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert "恢复码仅显示这一次" in page_text(done)
    assert client.get("/console/").status_code == 302  # not signed in until "continue"

    response = client.post("/console/login/enrol/", {"finish": "1"})
    assert response["Location"] == "/console/"
    assert client.session["otp_verified"] is True
    assert "new.staff" in page_text(client.get("/console/"))
    with scopes_disabled():
        assert TotpDevice.objects.get(user=user).confirmed_at is not None


def test_a_recovery_code_works_once(client, tree):
    user = StaffFactory(username="rec.staff", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)])
    with scopes_disabled():
        user.totp_device.delete()
    codes = _enrol(client, user)
    client.post("/console/login/enrol/", {"finish": "1"})
    client.post("/console/logout/")

    password_step(client, user)
    assert client.post("/console/login/otp/", {"otp": codes[0].lower()})["Location"] == "/console/"
    client.post("/console/logout/")

    password_step(client, user)
    response = client.post("/console/login/otp/", {"otp": codes[0]})
    assert form_error_near(response, "id_otp") == zh("The verification code is wrong.")
    assert client.post("/console/login/otp/", {"otp": codes[1]})["Location"] == "/console/"


def test_five_failures_lock_the_account(client, personas):
    user = personas["fangshan_staff"]
    for _ in range(5):
        response = password_step(client, user, password="wrong-password")
        assert form_error_near(response, "id_password") == zh("The username or password is wrong.")
    response = password_step(client, user)  # even the right password
    locked = zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    )
    assert locked in page_text(response)
    assert "pending_staff_id" not in client.session


def test_wrong_codes_count_towards_the_lockout(client, personas):
    user = personas["fangshan_staff"]
    password_step(client, user)
    for _ in range(5):
        client.post("/console/login/otp/", {"otp": "12345x"})
    response = client.post("/console/login/otp/", {"otp": totp_now(user)})
    locked = zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    )
    assert locked in page_text(response)
    assert "otp_verified" not in client.session


def test_the_password_again_gives_no_fresh_guesses_at_the_code(client, personas):
    """The right password is only half a sign-in: entering it again does not wipe the count of wrong
    codes (it did, which left the second factor open to unlimited guessing)."""
    user = personas["fangshan_staff"]
    wrong = f"{(int(totp_now(user)) + 500_000) % 1_000_000:06d}"
    for _round in range(2):
        assert password_step(client, user)["Location"] == "/console/login/otp/"
        for _ in range(2):
            response = client.post("/console/login/otp/", {"otp": wrong})
            assert form_error_near(response, "id_otp") == zh("The verification code is wrong.")
    password_step(client, user)
    assert form_error_near(client.post("/console/login/otp/", {"otp": "ABCDEF-123456"}), "id_otp") == zh(
        "The verification code is wrong."
    )
    locked = zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    )

    assert locked in page_text(client.post("/console/login/otp/", {"otp": totp_now(user)}))
    assert locked in page_text(password_step(client, user))
    assert "otp_verified" not in client.session
    assert client.get("/console/").status_code == 302


def test_wrong_codes_at_enrolment_end_in_the_lockout_message(client, tree):
    user = StaffFactory(
        username="enrol.guess", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
    )
    with scopes_disabled():
        user.totp_device.delete()
    password_step(client, user)
    page = client.get("/console/login/enrol/")
    user.totp_secret = re.search(r'<p class="secret"><code>([A-Z2-7 ]+)</code>', page.content.decode())[
        1
    ].replace(" ", "")
    wrong = f"{(int(totp_now(user)) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post("/console/login/enrol/", {"otp": wrong})
        assert form_error_near(response, "id_otp") == zh("The verification code is wrong.")

    response = client.post("/console/login/enrol/", {"otp": totp_now(user)})

    assert response.status_code == 200
    assert zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    ) in page_text(response)
    with scopes_disabled():
        assert TotpDevice.objects.get(user=user).confirmed_at is None


def test_workers_are_refused_with_a_clear_message(client, db):
    worker = WorkerFactory(mobile="13900001111")
    response = client.post("/console/login/", {"username": "13900001111", "password": "Worker-Pass-2026!"})
    assert "管理后台仅供工会工作人员使用" in page_text(response)
    assert "pending_staff_id" not in client.session
    assert worker.pk


def test_a_worker_on_the_console_is_recorded_as_refused_not_signed_in(client, db):
    worker = WorkerFactory(mobile="13900002222")
    client.post("/console/login/", {"username": "13900002222", "password": "Worker-Pass-2026!"})
    with scopes_disabled():
        outcomes = list(
            AuditEvent.objects.filter(action="signin.password", actor=worker).values_list(
                "outcome", flat=True
            )
        )
    assert outcomes == [AuditOutcome.DENIED]


def test_the_otp_page_without_a_password_step_goes_back_to_login(client, db):
    response = client.get("/console/login/otp/")
    assert response["Location"] == "/console/login/"
    assert "请重新登录" in page_text(client.get("/console/login/"))


def test_every_console_page_requires_a_verified_staff_session(client, personas, worker):
    assert client.get("/console/orgs/")["Location"] == "/console/login/?next=/console/orgs/"
    client.force_login(worker)
    assert client.get("/console/orgs/")["Location"].startswith("/console/login/")
    # A staff session without the second factor is not a console session.
    client.force_login(personas["fangshan_staff"])
    assert client.get("/console/orgs/")["Location"].startswith("/console/login/")


def test_htmx_requests_of_an_expired_session_redirect_the_whole_page(client, db):
    response = client.get("/console/orgs/1/children/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/console/login/"


def test_sign_out(signed_in):
    client = signed_in("fangshan_staff")
    response = client.post("/console/logout/", follow=True)
    assert "您已安全退出" in page_text(response)
    assert client.get("/console/").status_code == 302


def test_staff_session_idle_timeout_is_refreshed_on_each_page(signed_in):
    client = signed_in("fangshan_staff")
    client.get("/console/orgs/")
    assert client.session.get_expiry_age() == 1800


def test_re_authentication_in_the_console_ends_in_the_lockout_message(signed_in, personas):
    """Wrong codes at a re-confirmation count like wrong passwords; the right password then meets the
    lockout, said on the form (it was a server error) and nothing is revoked."""
    from smartunion.accounts.models import RoleGrant

    admin, staff = personas["fangshan_admin"], personas["fangshan_staff"]
    with scopes_disabled():
        grant = RoleGrant.objects.get(user=staff)
    client = signed_in("fangshan_admin")
    url = f"/console/roles/{grant.pk}/revoke/"
    wrong = f"{(int(totp_now(admin)) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        client.post(url, {"confirm": wrong})

    response = client.post(url, {"confirm": STAFF_PASSWORD})

    assert response.status_code == 200
    assert zh(
        "Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.",
        minutes=15,
    ) in page_text(response)
    with scopes_disabled():
        assert RoleGrant.objects.filter(pk=grant.pk).exists()
