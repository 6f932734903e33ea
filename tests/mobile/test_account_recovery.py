"""The rider on the phone (issue 7, item 16): 忘记密码 by a code to the sign-in number, a new
sign-in number proved by a code (the old one told in the inbox, audited), and a countdown on every
"send code" button."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from smartunion.accounts.models import ApiToken
from smartunion.accounts.services import token_issue
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications import senders
from smartunion.notifications.models import InboxMessage
from tests.factories import (
    STAFF_PASSWORD,
    WORKER_PASSWORD,
    StaffFactory,
    WorkerFactory,
    make_mobile,
    make_person,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-Start-2026!"
RESET = "/m/login/reset/"
CHANGE = "/m/me/mobile/"


def zh(msgid: str, **params) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def send_code(client, url: str, mobile: str, **extra) -> str:
    response = client.post(url, {"mobile": mobile, "action": "send_code", **extra})
    assert "验证码已发送" in response.content.decode(), response.content.decode()
    return senders.OUTBOX[mobile]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def sign_in(client, mobile: str, password: str):
    return client.post(reverse("mobile:login"), {"mobile": mobile, "password": password})


# --- 忘记密码 -------------------------------------------------------------------------------------


def test_the_sign_in_page_links_to_forgot_password(client):
    page = client.get(reverse("mobile:login")).content.decode()
    assert f'<a href="{RESET}">忘记密码</a>' in page


def test_a_worker_resets_a_forgotten_password_with_a_code(client):
    worker = WorkerFactory()
    token_issue(user=worker, client_address="")
    code = send_code(client, RESET, worker.mobile)

    response = client.post(
        RESET, {"mobile": worker.mobile, "code": code, "new_password": NEW_PASSWORD}, follow=True
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mobile:login")
    assert "密码已重置，请使用新密码登录。" in page
    assert "_auth_user_id" not in client.session
    assert (
        zh("The username or password is wrong.")
        in sign_in(client, worker.mobile, WORKER_PASSWORD).content.decode()
    )
    assert sign_in(client, worker.mobile, NEW_PASSWORD)["Location"] == reverse("mobile:me")
    with scopes_disabled():
        assert ApiToken.objects.get(user=worker).revoked_at is not None  # tokens of the old password
        event = AuditEvent.objects.get(action="password.reset")
    assert event.actor == worker and event.outcome == AuditOutcome.SUCCESS
    assert worker.mobile not in json.dumps(event.data)


def test_a_wrong_reset_code_is_refused_and_five_lock_the_number(client, settings):
    worker = WorkerFactory()
    code = send_code(client, RESET, worker.mobile)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        response = client.post(
            RESET, {"mobile": worker.mobile, "code": wrong(code), "new_password": NEW_PASSWORD}
        )
        assert zh("The code is wrong or has expired. Request a new one.") in response.content.decode()

    response = client.post(RESET, {"mobile": worker.mobile, "code": code, "new_password": NEW_PASSWORD})

    assert "登录失败次数过多，账号已锁定15分钟" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(WORKER_PASSWORD)


def test_a_weak_new_password_is_refused_before_the_code_is_used(client):
    worker = WorkerFactory()
    code = send_code(client, RESET, worker.mobile)

    response = client.post(RESET, {"mobile": worker.mobile, "code": code, "new_password": "short"})

    page = response.content.decode()
    assert 'id="id_new_password_error"' in page
    assert f'value="{worker.mobile}"' in page
    # The code was not spent on the refusal: with a good password it still works.
    client.post(RESET, {"mobile": worker.mobile, "code": code, "new_password": NEW_PASSWORD})
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)


def test_a_number_without_an_account_is_told_only_after_its_code(client):
    mobile = make_mobile()
    code = send_code(client, RESET, mobile)  # sent alike: the number's owner alone learns the answer

    response = client.post(RESET, {"mobile": mobile, "code": code, "new_password": NEW_PASSWORD})

    assert (
        zh("No account is registered with this mobile number. Register instead.") in response.content.decode()
    )


def test_staff_cannot_reset_their_password_by_text_message(client, tree):
    staff = StaffFactory(username="reset.staff", home_org=tree.city)
    mobile = make_mobile()
    with scopes_disabled():
        staff.set_mobile(mobile)
        staff.save(update_fields=["mobile_index", "mobile_encrypted"])
    code = send_code(client, RESET, mobile)

    response = client.post(RESET, {"mobile": mobile, "code": code, "new_password": NEW_PASSWORD})

    page = response.content.decode()
    assert zh("Staff passwords are reset by an administrator on the console, not by a text message.") in page
    assert "/console/login/" in page
    staff.refresh_from_db()
    assert staff.check_password(STAFF_PASSWORD)
    with scopes_disabled():
        outcomes = list(AuditEvent.objects.filter(action="password.reset").values_list("outcome", flat=True))
    assert outcomes == [AuditOutcome.DENIED]


# --- A new sign-in number -----------------------------------------------------------------------


def test_my_page_links_to_changing_the_sign_in_number(client):
    client.force_login(WorkerFactory())
    page = client.get(reverse("mobile:me")).content.decode()
    assert f'<a href="{CHANGE}">更换</a>' in page


def test_a_worker_moves_to_a_new_sign_in_number(client):
    worker = WorkerFactory()
    old = worker.mobile
    client.force_login(worker)
    new = make_mobile()
    code = send_code(client, CHANGE, new)

    response = client.post(CHANGE, {"password": WORKER_PASSWORD, "mobile": new, "code": code}, follow=True)

    page = response.content.decode()
    masked_new = new[:3] + "****" + new[-4:]
    masked_old = old[:3] + "****" + old[-4:]
    assert f"登录手机号已更换为 {masked_new}。" in page
    assert f'<span id="masked-mobile">{masked_new}</span>' in page
    worker.refresh_from_db()
    assert worker.mobile == new
    with scopes_disabled():
        notice = InboxMessage.objects.get(user=worker)
        event = AuditEvent.objects.get(action="account.mobile_change")
    assert notice.title == "您的登录手机号已更换"
    assert masked_old in notice.body and masked_new in notice.body and old not in notice.body
    assert event.actor == worker and event.outcome == AuditOutcome.SUCCESS
    assert old not in json.dumps(event.data) and new not in json.dumps(event.data)
    client.post(reverse("mobile:logout"))
    assert zh("The username or password is wrong.") in sign_in(client, old, WORKER_PASSWORD).content.decode()
    assert sign_in(client, new, WORKER_PASSWORD)["Location"] == reverse("mobile:me")


def test_a_wrong_password_changes_nothing_and_counts(client):
    worker = WorkerFactory()
    client.force_login(worker)
    new = make_mobile()
    code = send_code(client, CHANGE, new)

    response = client.post(CHANGE, {"password": "Not-Mine-2026!", "mobile": new, "code": code})

    page = response.content.decode()
    assert 'id="id_password_error"' in page and zh("The current password is wrong.") in page
    assert f'value="{new}"' in page
    worker.refresh_from_db()
    assert worker.mobile != new
    with scopes_disabled():
        assert not InboxMessage.objects.filter(user=worker).exists()
        assert AuditEvent.objects.filter(action="reauth", outcome=AuditOutcome.FAILURE).count() == 1


def test_a_number_of_another_account_is_refused_after_its_code(client):
    worker, other = WorkerFactory(), WorkerFactory()
    client.force_login(worker)
    code = send_code(client, CHANGE, other.mobile)

    response = client.post(CHANGE, {"password": WORKER_PASSWORD, "mobile": other.mobile, "code": code})

    assert zh("This mobile number is already registered to another account.") in response.content.decode()
    worker.refresh_from_db()
    assert worker.mobile != other.mobile


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(CHANGE)
    assert response["Location"].startswith(reverse("mobile:login"))


# --- The countdown on every "send code" button ------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/m/login/code/", "/m/register/", RESET, CHANGE, "/m/me/contact/", "/m/membership/link/"]
)
def test_every_send_code_button_counts_down_once_a_code_is_sent(client, tree, url):
    if url.startswith(("/m/me/", "/m/membership/")):
        worker = WorkerFactory()
        if url == "/m/me/contact/":
            make_person(org=tree.union_a, user=worker)
        client.force_login(worker)
    before = client.get(url).content.decode()
    button = re.search(r'<button[^>]*value="send_code"[^>]*>', before)
    assert button, url
    assert 'data-wait-label="{s} 秒后重发"' in button[0] and "data-countdown" not in button[0]
    assert '<script src="/static/mobile/send-code.js" defer></script>' in before

    after = client.post(url, {"mobile": make_mobile(), "action": "send_code"}, headers={"HX-Request": "true"})

    swapped = after.content.decode()
    assert "验证码已发送" in swapped
    assert re.search(r'<button[^>]*value="send_code"[^>]*data-countdown="60"', swapped)
    assert "<script>" not in swapped and " style=" not in swapped


def test_the_countdown_script_is_served():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    script = Path(finders.find("mobile/send-code.js")).read_text(encoding="utf-8")
    assert "data-countdown" in script and "htmx:load" in script
