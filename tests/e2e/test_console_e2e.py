"""A staff member signs in to the console with the second factor and browses the organisation tree."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import STAFF_PASSWORD, StaffFactory, totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tree_node(page, name: str):
    """The <details> of the tree node whose own row shows ``name``."""
    return page.locator("details").filter(has=page.locator("> summary", has_text=name)).first


def test_staff_signs_in_with_totp_and_expands_the_tree(
    live_server, desktop_page, screenshot, default_roles, tree
):
    staff = StaffFactory(username="e2e.admin", home_org=tree.city, roles=[("federation_admin", tree.city)])
    page = desktop_page

    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")

    expect(page.locator("#id_otp")).to_be_visible()
    page.fill("#id_otp", totp_now(staff))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/console/$"))
    screenshot(page, "console-home")

    page.goto(f"{live_server.url}/console/orgs/")
    city = tree_node(page, "北京市总工会")
    expect(city).to_be_visible()
    expect(page.get_by_text("房山区总工会")).to_have_count(0)  # children load only when opened

    city.locator("> summary .code").click()  # not the name: that is a link to the detail page
    expect(page.get_by_role("link", name="房山区总工会")).to_be_visible()
    expect(page.get_by_role("link", name="顺义区总工会")).to_be_visible()

    tree_node(page, "房山区总工会").locator("> summary .code").click()
    expect(page.get_by_role("link", name="拱辰街道总工会")).to_be_visible()
    screenshot(page, "console-org-tree")

    assert page.console_errors == []
