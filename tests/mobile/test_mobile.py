"""The mobile web for workers, read the way a worker reads it: the page text, the messages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from smartunion.accounts.models import OneTimeCode, User
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications import senders
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, StaffFactory, WorkerFactory, make_mobile

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-Start-2026!"


def zh(msgid: str) -> str:
    """A service's message as a zh-Hans page shows it."""
    with translation.override("zh-hans"):
        return str(translation.gettext(msgid))


def send_code(client, url: str, mobile: str, **extra) -> str:
    response = client.post(url, {"mobile": mobile, "action": "send_code", **extra})
    assert "验证码已发送" in response.content.decode()
    return senders.OUTBOX[mobile]


def register(
    client,
    *,
    mobile: str,
    password: str = WORKER_PASSWORD,
    name: str = "李四",
    code: str | None = None,
    agree: bool = True,
):
    url = reverse("mobile:register")
    if code is None:
        code = send_code(client, url, mobile, display_name=name)
    data = {"display_name": name, "mobile": mobile, "code": code, "password": password}
    if agree:
        data["agree"] = "on"
    return client.post(url, data, follow=True)


def sign_in(client, mobile: str, password: str, **kwargs):
    return client.post(reverse("mobile:login"), {"mobile": mobile, "password": password}, **kwargs)


# --- Registration ------------------------------------------------------------------------------


def test_register_signs_in_and_shows_the_masked_mobile_only(client):
    mobile = "13912345678"
    response = register(client, mobile=mobile, name="王小明")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mobile:me")
    assert "我的" in page
    assert "王小明" in page
    assert "139****5678" in page
    assert mobile not in page
    assert "欢迎" in page


def test_the_database_holds_no_plain_mobile(client):
    mobile = "13987654321"
    register(client, mobile=mobile)
    with scopes_disabled():
        user = User.objects.get(display_name="李四")
    assert user.mobile == mobile  # readable through the model's decryption only
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {User._meta.db_table}")  # noqa: S608 - table name from the model
        rows = cursor.fetchall()
    assert rows and not any(mobile in str(value) for row in rows for value in row)


def test_register_records_consent_in_the_audit_log(client):
    register(client, mobile="13911110000")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="worker.register")
    assert event.data == {"privacy_notice": True}


def test_duplicate_mobile_is_refused(client):
    existing = WorkerFactory()
    response = register(client, mobile=existing.mobile, name="冒名者")
    page = response.content.decode()
    assert zh("This mobile number is already registered. Sign in instead.") in page
    with scopes_disabled():
        assert not User.objects.filter(display_name="冒名者").exists()


def test_wrong_code_is_refused_and_input_is_kept(client):
    mobile = make_mobile()
    url = reverse("mobile:register")
    real = send_code(client, url, mobile)
    wrong = "000000" if real != "000000" else "111111"
    response = register(client, mobile=mobile, name="赵六", code=wrong)
    page = response.content.decode()
    assert zh("The code is wrong or has expired. Request a new one.") in page
    assert f'value="{mobile}"' in page
    assert 'value="赵六"' in page
    assert WORKER_PASSWORD not in page
    with scopes_disabled():
        assert not User.objects.filter(display_name="赵六").exists()


def test_weak_password_is_refused_with_the_rule(client):
    response = register(client, mobile=make_mobile(), password="abcdefghij")
    page = response.content.decode()
    assert zh("Use at least three of: lower-case letters, upper-case letters, digits and symbols.") in page
    with scopes_disabled():
        assert not User.objects.filter(display_name="李四").exists()


def test_short_password_gets_the_length_rule_in_chinese(client):
    response = register(client, mobile=make_mobile(), password="Ab1!")
    assert "密码至少需要10个字符。" in response.content.decode()


def test_registration_needs_the_privacy_notice_accepted(client):
    response = register(client, mobile=make_mobile(), agree=False)
    page = response.content.decode()
    assert zh("Please read and accept the privacy notice to register.") in page
    with scopes_disabled():
        assert not User.objects.filter(display_name="李四").exists()


def test_invalid_mobile_gets_a_message_on_the_mobile_field(client):
    response = client.post(reverse("mobile:register"), {"mobile": "12345", "action": "send_code"})
    page = response.content.decode()
    assert zh("A mainland mobile number has 11 digits and starts with 13 to 19.") in page
    assert 'id="id_mobile_error"' in page
    assert "验证码已发送" not in page
    assert not OneTimeCode.objects.exists()


def test_send_code_without_javascript_keeps_the_form(client):
    mobile = make_mobile()
    response = client.post(
        reverse("mobile:register"), {"display_name": "钱七", "mobile": mobile, "action": "send_code"}
    )
    page = response.content.decode()
    assert "<form" in page and "验证码已发送" in page
    assert f'value="{mobile}"' in page and 'value="钱七"' in page
    assert mobile in senders.OUTBOX


def test_send_code_with_htmx_returns_only_the_mobile_block(client):
    mobile = make_mobile()
    response = client.post(
        reverse("mobile:login_code"),
        {"mobile": mobile, "action": "send_code"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="mobile-block">')
    assert "<form" not in page and "验证码已发送" in page


def test_a_second_code_within_a_minute_is_refused(client):
    mobile = make_mobile()
    send_code(client, reverse("mobile:login_code"), mobile)
    response = client.post(reverse("mobile:login_code"), {"mobile": mobile, "action": "send_code"})
    assert zh("A code was sent less than a minute ago. Please wait.") in response.content.decode()


# --- Sign-in -----------------------------------------------------------------------------------


def test_sign_in_with_password(client):
    worker = WorkerFactory(display_name="孙八")
    response = sign_in(client, worker.mobile, WORKER_PASSWORD, follow=True)
    page = response.content.decode()
    assert "孙八" in page and worker.mobile_masked in page


def test_sign_in_follows_a_local_next_but_not_another_site(client):
    worker = WorkerFactory()
    response = client.post(
        reverse("mobile:login"), {"mobile": worker.mobile, "password": WORKER_PASSWORD, "next": "/m/privacy/"}
    )
    assert response.url == "/m/privacy/"
    client.logout()
    response = client.post(
        reverse("mobile:login"),
        {"mobile": worker.mobile, "password": WORKER_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("mobile:me")


def test_next_survives_a_failed_attempt(client):
    worker = WorkerFactory()
    page = client.post(
        reverse("mobile:login"),
        {"mobile": worker.mobile, "password": "Wrong-Password-1", "next": "/m/privacy/"},
    ).content.decode()
    assert 'name="next" value="/m/privacy/"' in page


def test_wrong_password_shows_a_clear_message_and_keeps_the_mobile(client):
    worker = WorkerFactory()
    response = sign_in(client, worker.mobile, "Not-The-Password-1")
    page = response.content.decode()
    assert zh("The username or password is wrong.") in page
    assert f'value="{worker.mobile}"' in page
    assert "Not-The-Password-1" not in page
    assert "_auth_user_id" not in client.session


def test_sign_in_with_a_one_time_code(client):
    worker = WorkerFactory(display_name="周九")
    code = send_code(client, reverse("mobile:login_code"), worker.mobile)
    response = client.post(reverse("mobile:login_code"), {"mobile": worker.mobile, "code": code}, follow=True)
    page = response.content.decode()
    assert "周九" in page and worker.mobile_masked in page


def test_a_wrong_one_time_code_is_refused_on_the_code_field(client):
    worker = WorkerFactory()
    real = send_code(client, reverse("mobile:login_code"), worker.mobile)
    wrong = "000000" if real != "000000" else "111111"
    response = client.post(reverse("mobile:login_code"), {"mobile": worker.mobile, "code": wrong})
    page = response.content.decode()
    assert zh("The code is wrong or has expired.") in page
    assert 'id="id_code_error"' in page
    assert "_auth_user_id" not in client.session


def test_staff_are_refused_and_pointed_to_the_console(client, tree):
    staff = StaffFactory(username="wu.staff", roles=[("union_staff", tree.city)])
    response = sign_in(client, staff.username, STAFF_PASSWORD)
    page = response.content.decode()
    assert zh("Staff accounts sign in on the staff console, not on the mobile web.") in page
    assert "前往管理后台" in page and "/console/login/" in page
    assert "_auth_user_id" not in client.session
    # Recorded as a refused sign-in, not as a success.
    with scopes_disabled():
        outcomes = list(
            AuditEvent.objects.filter(action="signin.password", actor=staff).values_list("outcome", flat=True)
        )
    assert outcomes == [AuditOutcome.DENIED]


def test_staff_are_refused_a_code_sign_in_with_no_success_recorded(client, tree):
    staff = StaffFactory(username="code.staff", home_org=tree.city, roles=[("union_staff", tree.city)])
    mobile = make_mobile()
    with scopes_disabled():
        staff.set_mobile(mobile)
        staff.save(update_fields=["mobile_index", "mobile_encrypted"])
    code = send_code(client, reverse("mobile:login_code"), mobile)

    response = client.post(reverse("mobile:login_code"), {"mobile": mobile, "code": code})

    page = response.content.decode()
    assert zh("Staff accounts sign in on the staff console, not on the mobile web.") in page
    assert "前往管理后台" in page and "/console/login/" in page
    assert "_auth_user_id" not in client.session
    with scopes_disabled():
        outcomes = list(
            AuditEvent.objects.filter(action="signin.code", actor=staff).values_list("outcome", flat=True)
        )
    assert outcomes == [AuditOutcome.DENIED]


def test_a_signed_in_staff_member_cannot_open_my_page(client, tree, staff_client):
    staff = StaffFactory(roles=[("union_staff", tree.city)])
    staff_client(staff)
    response = client.get(reverse("mobile:me"))
    assert response.status_code == 403
    assert (
        zh("Staff accounts sign in on the staff console, not on the mobile web.") in response.content.decode()
    )


def test_lockout_after_five_failures(client):
    worker = WorkerFactory()
    for _ in range(5):
        page = sign_in(client, worker.mobile, "Wrong-Password-1").content.decode()
        assert zh("The username or password is wrong.") in page
    # Even the right password is refused while the account is locked.
    page = sign_in(client, worker.mobile, WORKER_PASSWORD).content.decode()
    locked = zh("Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.")
    assert locked % {"minutes": 15} in page
    assert "_auth_user_id" not in client.session


def test_my_page_asks_visitors_to_sign_in(client):
    response = client.get(reverse("mobile:me"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("mobile:login") + "?next=")
    assert 'id="id_password"' in page


# --- 我的 ----------------------------------------------------------------------------------------


def test_password_change(client):
    worker = WorkerFactory()
    client.force_login(worker)
    response = client.post(
        reverse("mobile:me"), {"old_password": WORKER_PASSWORD, "new_password": NEW_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert "密码已修改" in page
    assert worker.mobile_masked in page  # still signed in
    client.post(reverse("mobile:logout"))
    assert (
        zh("The username or password is wrong.")
        in sign_in(client, worker.mobile, WORKER_PASSWORD).content.decode()
    )
    response = sign_in(client, worker.mobile, NEW_PASSWORD, follow=True)
    assert worker.mobile_masked in response.content.decode()


def test_password_change_refuses_a_wrong_current_password_and_a_weak_new_one(client):
    worker = WorkerFactory()
    client.force_login(worker)
    page = client.post(
        reverse("mobile:me"), {"old_password": "nope", "new_password": NEW_PASSWORD}
    ).content.decode()
    assert zh("The current password is wrong.") in page
    page = client.post(
        reverse("mobile:me"), {"old_password": WORKER_PASSWORD, "new_password": "abcdefghij"}
    ).content.decode()
    assert zh("Use at least three of: lower-case letters, upper-case letters, digits and symbols.") in page
    worker.refresh_from_db()
    assert worker.check_password(WORKER_PASSWORD)


def test_sign_out(client):
    worker = WorkerFactory()
    client.force_login(worker)
    response = client.post(reverse("mobile:logout"), follow=True)
    assert "您已退出登录" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("mobile:logout")).status_code == 405  # sign-out is a POST only


def test_language_switch_persists_on_the_account(client):
    worker = WorkerFactory()
    client.force_login(worker)
    page = client.get(reverse("mobile:me")).content.decode()
    assert f'action="{reverse("console:set_language")}"' in page and 'value="en"' in page
    response = client.post(reverse("console:set_language"), {"language": "en", "next": "/m/me/"}, follow=True)
    page = response.content.decode()
    assert "Change password" in page and "Sign out" in page
    worker.refresh_from_db()
    assert worker.language == "en"
    # On a new device (no cookie), the account's choice still applies.
    client.cookies.clear()
    client.force_login(worker)
    assert "Change password" in client.get(reverse("mobile:me")).content.decode()


# --- Chinese by default ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("home", "欢迎"),
        ("login", "登录"),
        ("login_code", "验证码"),
        ("register", "注册"),
        ("privacy", "个人信息保护法"),
    ],
)
def test_pages_read_chinese_by_default(client, name, text):
    page = client.get(reverse(f"mobile:{name}")).content.decode()
    assert text in page
    assert '<html lang="zh-Hans">' in page
    assert "首页" in page and "我的" in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    for english in ("Mobile number", "Password", "Sign in", "Register", "Send code", "Home"):
        assert english not in page


def test_pages_have_no_inline_script_or_style(client):
    worker = WorkerFactory()
    for name in ["home", "login", "login_code", "register", "privacy"]:
        page = client.get(reverse(f"mobile:{name}")).content.decode()
        assert "<style" not in page and " style=" not in page and "<script>" not in page
    client.force_login(worker)
    page = client.get(reverse("mobile:me")).content.decode()
    assert "<style" not in page and " style=" not in page and "<script>" not in page
    assert "hx-on" not in page


def test_my_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    worker = WorkerFactory()
    client.force_login(worker)
    with django_assert_max_num_queries(4):
        client.get(reverse("mobile:me"))


def _catalogue() -> list[tuple[str, str, str]]:
    """(context, msgid, msgstr) of every entry in the mobile app's zh-Hans catalogue."""
    import ast
    import re
    from pathlib import Path

    import smartunion.mobile

    po = Path(smartunion.mobile.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        found = re.search(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if found:
            context, msgid, msgstr = (
                "".join(ast.literal_eval(line) for line in (part or "").split("\n") if line)
                for part in found.groups()
            )
            if msgid:
                entries.append((context, msgid, msgstr))
    return entries


def test_every_mobile_message_is_translated_and_not_overridden_by_another_app():
    """Apps earlier in INSTALLED_APPS win a shared msgid: a clash would show their wording here."""
    entries = _catalogue()
    assert len(entries) > 40
    with translation.override("zh-hans"):
        for context, msgid, msgstr in entries:
            assert msgstr, f"untranslated: {msgid}"
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert shown == msgstr, f"{msgid!r} shows {shown!r}, not {msgstr!r}: give it a context"


def test_login_page_links_to_registration_in_chinese(client):
    page = client.get(reverse("mobile:login")).content.decode()
    assert ">注册</a>" in page and "登记" not in page
