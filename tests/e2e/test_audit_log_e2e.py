"""The audit administrator filters the audit log in a browser: the address bar keeps the log's own
URL (with the filters) while the organisation picker searches, so a reload shows the same log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import STAFF_PASSWORD, StaffFactory, totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_filtering_keeps_the_logs_url_and_a_reload_shows_the_log(
    live_server, desktop_page, screenshot, default_roles, tree
):
    auditor = StaffFactory(username="e2e.auditor", home_org=tree.city, roles=[("audit_admin", tree.city)])
    page = desktop_page
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", auditor.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    page.fill("#id_otp", totp_now(auditor))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/console/$"))

    page.goto(f"{live_server.url}/console/audit/")
    picker = page.locator("#picker-org")
    # The picker loads its first choices as the page opens: the address stays the log's.
    expect(picker.get_by_text("北京市总工会")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/console/audit/$"))

    picker.locator("input[type=search]").fill("顺义")
    expect(picker.get_by_text("顺义区总工会")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/console/audit/$"))

    page.select_option("select[name=action]", label="登记企业")
    picker.get_by_text("顺义区总工会").click()
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(
        re.compile(rf"/console/audit/\?.*action=enterprise\.create.*org={tree.shunyi.pk}")
    )
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("丙餐饮有限公司")

    page.reload()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("select[name=action]")).to_have_value("enterprise.create")
    screenshot(page, "audit-log-filtered")
    assert page.console_errors == []


def test_the_log_with_its_labelled_filter_fits_a_phone(
    live_server, phone_page, screenshot, default_roles, tree
):
    auditor = StaffFactory(username="e2e.auditor", home_org=tree.city, roles=[("audit_admin", tree.city)])
    page = phone_page
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", auditor.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    page.fill("#id_otp", totp_now(auditor))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/console/$"))
    page.goto(f"{live_server.url}/console/audit/?action=org.create")
    expect(page.locator("#results tbody tr").first).to_contain_text("新增组织")
    # The longest action label does not widen the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "audit-log-phone")
    assert page.console_errors == []
