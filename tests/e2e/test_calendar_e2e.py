"""The top-level federation's administrator enters next year's holiday notice on a phone-width
screen: the warning, a check that writes nothing, the save, and the year's page. The 2027 dates are
made-up examples of the format, not the State Council's notice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.holidays.models import HolidayOverride
from tests.factories import STAFF_PASSWORD, StaffFactory, totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARNING = "2027 年节假日安排尚未录入，落在该年的截止日期暂按周末计算，录入后会重新计算。"


def test_the_administrator_enters_a_notice_on_a_phone(
    live_server, phone_page, screenshot, default_roles, tree, november_2026
):
    admin = StaffFactory(username="e2e.calendar", home_org=tree.city, roles=[("federation_admin", tree.city)])
    page = phone_page
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    page.fill("#id_otp", totp_now(admin))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(page.get_by_text(WARNING)).to_be_visible()

    page.get_by_role("link", name="录入国务院通知").first.click()
    page.fill(
        "#id_text", "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20"
    )
    page.get_by_role("button", name="检查").click()
    expect(page.get_by_text("将写入 13 个日期")).to_be_visible()
    assert HolidayOverride.objects.count() == 0
    screenshot(page, "calendar-notice-check-phone")

    page.get_by_role("button", name="保存通知").click()
    expect(page).to_have_url(re.compile(r"/console/calendar/\?year=2027$"))
    expect(page.get_by_text("2027 年通知已录入：休息日 11 天，调休上班日 2 天。")).to_be_visible()
    expect(page.get_by_text(WARNING)).to_have_count(0)
    # Nothing sticks out sideways on a 375-px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "calendar-2027-phone")
    assert HolidayOverride.objects.filter(notice_year=2027).count() == 13
    assert page.console_errors == []
