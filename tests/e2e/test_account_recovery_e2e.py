"""A rider on a 375-px phone forgets the password, resets it by code, then moves the account to a
new number; each "send code" button counts down after sending (issue 7, item 16)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.notifications import senders
from tests.factories import WorkerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Autumn-Wind-2026!"
NEW_MOBILE = "13912349876"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_rider_resets_the_password_and_changes_the_number_on_a_phone(live_server, phone_page, screenshot):
    worker = WorkerFactory(display_name="王五")
    page = phone_page
    page.goto(f"{live_server.url}/m/login/")
    page.get_by_role("link", name="忘记密码").click()
    expect(page).to_have_url(re.compile(r"/m/login/reset/$"))

    page.fill("#id_mobile", worker.mobile)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    send = page.locator("button[value=send_code]")
    expect(send).to_have_text(re.compile(r"^\d+ 秒后重发$"))
    expect(send).to_be_disabled()
    page.fill("#id_code", senders.OUTBOX[worker.mobile])
    page.fill("#id_new_password", NEW_PASSWORD)
    screenshot(page, "mobile-password-reset")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="设置新密码").click()

    expect(page).to_have_url(re.compile(r"/m/login/$"))
    expect(page.get_by_text("密码已重置，请使用新密码登录。")).to_be_visible()
    page.fill("#id_mobile", worker.mobile)
    page.fill("#id_password", NEW_PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/m/me/$"))

    page.get_by_role("link", name="更换", exact=True).click()
    expect(page).to_have_url(re.compile(r"/m/me/mobile/$"))
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_mobile", NEW_MOBILE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    expect(page.locator("button[value=send_code]")).to_be_disabled()
    expect(page.locator("#id_password")).to_have_value(NEW_PASSWORD)  # htmx kept the rest of the form
    page.fill("#id_code", senders.OUTBOX[NEW_MOBILE])
    screenshot(page, "mobile-signin-number")
    _no_sideways_scroll(page)
    page.locator("form").get_by_role("button", name="更换登录手机号").click()

    expect(page).to_have_url(re.compile(r"/m/me/$"))
    expect(page.locator("#masked-mobile")).to_have_text("139****9876")
    expect(page.get_by_text("登录手机号已更换为 139****9876。")).to_be_visible()
    screenshot(page, "mobile-me-new-number")
    _no_sideways_scroll(page)
    assert page.console_errors == []
