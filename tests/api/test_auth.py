from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.accounts.models import ApiToken
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications import senders
from smartunion.notifications.models import InboxMessage
from tests.api.conftest import is_chinese
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, StaffFactory, make_mobile, totp_now

pytestmark = pytest.mark.django_db


def test_worker_gets_a_token_with_mobile_and_password(api, worker):
    response = api.post("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD})

    body = response.json()
    assert response.status_code == 200
    assert len(body["token"]) >= 40
    expires_at = body["expires_at"]
    assert expires_at > timezone.now().isoformat()[:10]
    with scopes_disabled():
        stored = ApiToken.objects.get(user=worker)
    assert stored.key_hash != body["token"]  # stored hashed, never in clear


def test_worker_token_opens_me_with_the_mobile_masked(api, worker):
    api.sign_in_worker(worker)

    response = api.get("/api/v1/me")

    me = response.json()
    assert response.status_code == 200
    assert me["kind"] == "worker"
    assert me["display_name"] == worker.display_name
    assert me["mobile"] == worker.mobile[:3] + "****" + worker.mobile[-4:]
    assert worker.mobile not in response.content.decode()
    assert me["grants"] == []
    assert me["home_org"] is None


def test_wrong_password_is_401_on_the_password_field_in_chinese(api, worker):
    response = api.post("/api/v1/auth/token", {"username": worker.mobile, "password": "not-the-password"})

    body = response.json()
    assert response.status_code == 401
    assert body["code"] == "unauthorized"
    assert list(body["fields"]) == ["body.password"]
    assert is_chinese(body["fields"]["body.password"][0])
    assert "token" not in body


def test_staff_gets_a_token_with_password_and_authenticator_code(api, personas, tree):
    staff = personas["fangshan_staff"]
    response = api.post(
        "/api/v1/auth/token", {"username": staff.username, "password": STAFF_PASSWORD, "otp": totp_now(staff)}
    )
    assert response.status_code == 200
    api.token = response.json()["token"]

    me = api.get("/api/v1/me").json()

    assert me["username"] == "fangshan.staff"
    assert me["kind"] == "staff"
    assert me["home_org"] == {"id": tree.fangshan.pk, "name": "房山区总工会"}
    assert me["grants"] == [
        {
            "role_code": "union_staff",
            "role_name": me["grants"][0]["role_name"],
            "org_id": tree.fangshan.pk,
            "org_name": "房山区总工会",
        }
    ]
    assert is_chinese(me["grants"][0]["role_name"])


def test_staff_without_code_is_401_on_the_otp_field(api, personas):
    staff = personas["fangshan_staff"]

    response = api.post("/api/v1/auth/token", {"username": staff.username, "password": STAFF_PASSWORD})

    body = response.json()
    assert response.status_code == 401
    assert list(body["fields"]) == ["body.otp"]
    assert is_chinese(body["fields"]["body.otp"][0])
    with scopes_disabled():
        assert not ApiToken.objects.filter(user=staff).exists()


def test_staff_with_wrong_code_is_401_on_the_otp_field(api, personas):
    staff = personas["fangshan_staff"]
    wrong = f"{(int(totp_now(staff)) + 1) % 1_000_000:06d}"

    response = api.post(
        "/api/v1/auth/token", {"username": staff.username, "password": STAFF_PASSWORD, "otp": wrong}
    )

    body = response.json()
    assert response.status_code == 401
    assert list(body["fields"]) == ["body.otp"]
    assert is_chinese(body["fields"]["body.otp"][0])
    with scopes_disabled():
        assert not ApiToken.objects.filter(user=staff).exists()


def test_missing_fields_are_422_with_their_paths(api):
    response = api.post("/api/v1/auth/token", {"username": "someone"})

    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "validation_error"
    assert body["message"] == "部分内容填写有误，请检查。"
    assert body["fields"] == {"body.password": ["此项为必填项。"]}


def test_repeated_failures_lock_the_account_with_429(api, worker):
    for _attempt in range(5):
        api.post("/api/v1/auth/token", {"username": worker.mobile, "password": "wrong-password"})

    response = api.post("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD})

    body = response.json()
    assert response.status_code == 429
    assert body["code"] == "locked"
    assert is_chinese(body["message"]) and "15" in body["message"]
    assert response["Retry-After"] == "900"


def test_revoked_token_is_401_in_the_error_shape(api, worker):
    api.sign_in_worker(worker)

    revoke = api.delete("/api/v1/auth/token")
    after = api.get("/api/v1/me")

    assert revoke.status_code == 204
    assert after.status_code == 401
    assert after.json()["code"] == "unauthorized"
    assert after.json()["fields"] == {}
    assert after["WWW-Authenticate"].startswith("Bearer")
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="token.revoke", actor=worker).exists()


def test_expired_token_is_401(api, worker):
    api.sign_in_worker(worker)
    with scopes_disabled():
        ApiToken.objects.filter(user=worker).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["message"].startswith("请先登录")


def test_no_token_and_garbage_token_are_401(api):
    assert api.get("/api/v1/me").json()["code"] == "unauthorized"
    api.token = "not-a-token"
    assert api.get("/api/v1/me").status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(client, personas):
    """Token-only: a console session must not open the API (no CSRF exposure)."""
    client.force_login(personas["fangshan_staff"])

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_messages_follow_the_language_cookie(api, worker):
    api.client.cookies["smartunion_language"] = "en"

    response = api.post("/api/v1/auth/token", {"username": worker.mobile, "password": "wrong-password"})

    assert response.json()["fields"]["body.password"] == ["The username or password is wrong."]


def test_accept_language_is_ignored(api, worker):
    response = api.client.post(
        "/api/v1/auth/token",
        {"username": worker.mobile, "password": "wrong-password"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert is_chinese(response.json()["fields"]["body.password"][0])


def test_token_issue_writes_an_audit_record(api, db):
    staff = StaffFactory()
    api.sign_in_staff(staff)

    with scopes_disabled():
        actions = list(
            AuditEvent.objects.filter(actor=staff).order_by("seq").values_list("action", flat=True)
        )
    assert actions[-2:] == ["signin.second_factor", "token.issue"]


# --- Second-factor guesses count towards the lockout (issue 7, item 1) ---------------------------


def _wrong_totp(staff) -> str:
    return f"{(int(totp_now(staff)) + 500_000) % 1_000_000:06d}"


def test_wrong_codes_lock_a_staff_account_though_every_request_has_the_right_password(api, personas):
    staff = personas["fangshan_staff"]
    for attempt in range(5):
        otp = _wrong_totp(staff) if attempt < 3 else "ABCDEF-123456"  # authenticator and recovery codes
        refused = api.post(
            "/api/v1/auth/token", {"username": staff.username, "password": STAFF_PASSWORD, "otp": otp}
        )
        assert refused.status_code == 401 and list(refused.json()["fields"]) == ["body.otp"]

    response = api.post(
        "/api/v1/auth/token", {"username": staff.username, "password": STAFF_PASSWORD, "otp": totp_now(staff)}
    )

    body = response.json()
    assert response.status_code == 429
    assert body["code"] == "locked" and "15" in body["message"] and is_chinese(body["message"])
    assert response["Retry-After"] == "900"
    with scopes_disabled():
        assert not ApiToken.objects.filter(user=staff).exists()


def test_second_factor_guesses_are_locked_out_on_the_real_server(real_server):
    staff = StaffFactory(username="guessed.staff")  # committed: the server sees it
    client = real_server().client()
    token_url = "/api/v1/auth/token"
    answers = [
        client.post_json(
            token_url, {"username": "guessed.staff", "password": STAFF_PASSWORD, "otp": _wrong_totp(staff)}
        )
        for _ in range(5)
    ]

    right = client.post_json(
        token_url, {"username": "guessed.staff", "password": STAFF_PASSWORD, "otp": totp_now(staff)}
    )

    assert [a.status for a in answers] == [401] * 5
    assert all(
        a.json()["fields"] == {"body.otp": [answers[0].json()["fields"]["body.otp"][0]]} for a in answers
    )
    assert right.status == 429, right.text
    assert right.json()["code"] == "locked" and "15" in right.json()["message"]
    with scopes_disabled():
        assert not ApiToken.objects.filter(user=staff).exists()


# --- Account recovery and the sign-in number (issue 7, item 16) ----------------------------------


def test_a_worker_resets_a_forgotten_password_through_the_api(api, worker):
    api.sign_in_worker(worker)
    old_token = api.token
    api.token = None
    sent = api.post("/api/v1/auth/password-reset/code", {"mobile": worker.mobile})
    code = senders.OUTBOX[worker.mobile]

    reset = api.post(
        "/api/v1/auth/password-reset",
        {"mobile": worker.mobile, "code": code, "new_password": "Fresh-Start-2026!"},
    )

    assert sent.status_code == 204 and reset.status_code == 204
    signed_in = api.post("/api/v1/auth/token", {"username": worker.mobile, "password": "Fresh-Start-2026!"})
    assert signed_in.status_code == 200
    api.token = old_token
    assert api.get("/api/v1/me").status_code == 401  # issued under the old password


def test_password_reset_errors_name_their_fields(api, worker):
    api.post("/api/v1/auth/password-reset/code", {"mobile": worker.mobile})
    code = senders.OUTBOX[worker.mobile]

    weak = api.post(
        "/api/v1/auth/password-reset", {"mobile": worker.mobile, "code": code, "new_password": "12345"}
    )
    bad_code = api.post(
        "/api/v1/auth/password-reset",
        {
            "mobile": worker.mobile,
            "code": "000000" if code != "000000" else "111111",
            "new_password": "Fresh-Start-2026!",
        },
    )
    again = api.post("/api/v1/auth/password-reset/code", {"mobile": worker.mobile})

    assert weak.status_code == 422 and list(weak.json()["fields"]) == ["body.new_password"]
    assert bad_code.status_code == 422
    assert bad_code.json()["fields"] == {"body.code": ["验证码错误或已过期，请重新获取。"]}
    assert again.status_code == 422 and list(again.json()["fields"]) == ["body.mobile"]  # one a minute


def test_a_worker_changes_the_sign_in_mobile_through_the_api(api, worker):
    api.sign_in_worker(worker)
    new = make_mobile()
    assert api.post("/api/v1/me/mobile/code", {"mobile": new}).status_code == 204

    response = api.post(
        "/api/v1/me/mobile", {"password": WORKER_PASSWORD, "mobile": new, "code": senders.OUTBOX[new]}
    )

    assert response.status_code == 200
    assert response.json() == {"mobile": new[:3] + "****" + new[-4:]}
    assert api.get("/api/v1/me").json()["mobile"] == new[:3] + "****" + new[-4:]
    with scopes_disabled():
        assert InboxMessage.objects.filter(user=worker, title="您的登录手机号已更换").count() == 1


def test_a_wrong_password_for_a_new_sign_in_mobile_is_422_and_locks_after_five(api, worker):
    api.sign_in_worker(worker)
    new = make_mobile()
    api.post("/api/v1/me/mobile/code", {"mobile": new})
    body = {"password": "Not-Mine-2026!", "mobile": new, "code": senders.OUTBOX[new]}
    answers = [api.post("/api/v1/me/mobile", body) for _ in range(5)]

    locked = api.post("/api/v1/me/mobile", {**body, "password": WORKER_PASSWORD})

    assert {a.status_code for a in answers} == {422}
    assert answers[0].json()["fields"] == {"body.password": ["当前密码错误。"]}
    assert locked.status_code == 429 and locked.json()["code"] == "locked"
    worker.refresh_from_db()
    assert worker.mobile != new


def test_staff_get_403_for_a_new_sign_in_mobile(api_as):
    client = api_as("fangshan_staff")
    response = client.post("/api/v1/me/mobile/code", {"mobile": make_mobile()})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_staff_cannot_reset_a_password_by_code_through_the_api(api, personas):
    staff = personas["fangshan_staff"]
    mobile = make_mobile()
    with scopes_disabled():
        staff.set_mobile(mobile)
        staff.save(update_fields=["mobile_index", "mobile_encrypted"])
    api.post("/api/v1/auth/password-reset/code", {"mobile": mobile})

    response = api.post(
        "/api/v1/auth/password-reset",
        {"mobile": mobile, "code": senders.OUTBOX[mobile], "new_password": "Fresh-Start-2026!"},
    )

    assert response.status_code == 403 and response.json()["code"] == "wrong_end"
    assert is_chinese(response.json()["message"])
    staff.refresh_from_db()
    assert staff.check_password(STAFF_PASSWORD)
