"""A worker on a 375-px phone: registers with a code, sees 我的, signs out and back in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.notifications import senders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13912340000"
MASKED = "139****0000"
PASSWORD = "Spring-Rain-2026!"


def test_worker_registers_then_signs_in_again_on_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/m/")
    expect(page.get_by_role("heading", name="欢迎使用工会职工服务")).to_be_visible()
    page.get_by_role("button", name="注册").click()

    page.fill("#id_display_name", "张三")
    page.fill("#id_mobile", MOBILE)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="发送验证码").click()
    # htmx swaps only the mobile block: even the password typed above is still there (a full
    # page post, the path without JavaScript, would not send it back).
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    expect(page.locator("#id_display_name")).to_have_value("张三")
    expect(page.locator("#id_password")).to_have_value(PASSWORD)
    code = senders.OUTBOX[MOBILE]  # the live server runs in this process

    page.fill("#id_code", code)
    page.check("#id_agree")
    screenshot(page, "mobile-register")
    page.locator("form").get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/m/me/$"))
    expect(page.locator("#masked-mobile")).to_have_text(MASKED)
    expect(page.get_by_text("欢迎！您的账号已创建。")).to_be_visible()
    assert MOBILE not in page.content()
    screenshot(page, "mobile-me")

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/m/login/$"))
    expect(page.get_by_text("您已退出登录。")).to_be_visible()

    page.fill("#id_mobile", MOBILE)
    page.fill("#id_password", "Wrong-Password-1")
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page.locator("#id_mobile")).to_have_value(MOBILE)
    screenshot(page, "mobile-login-error")

    page.fill("#id_password", PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/m/me/$"))
    expect(page.locator("#masked-mobile")).to_have_text(MASKED)
    expect(page.get_by_text("张三")).to_be_visible()
    screenshot(page, "mobile-signed-in-again")

    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The strict CSP held: no blocked inline script or style, no script error.
    assert page.console_errors == []
