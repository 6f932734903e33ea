"""Issue 7, items 18 and 22 in a browser: a rider on a 375-px phone finds a platform by its brand and
reads a direct-joining union's office; an administrator picks the staff member of a role grant by
name, on the phone and on a PC."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.orgs.models import OrgKind
from tests.e2e.test_console_widths import sign_in
from tests.factories import EnterpriseFactory, OrgFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_rider_finds_the_platform_by_brand_and_sees_the_unions_office(
    live_server, phone_page, screenshot, tree
):
    union = OrgFactory(name="迅达配送工会委员会", parent=tree.street_fs, region_code="110111")
    EnterpriseFactory(
        name="北京迅达同城配送科技有限公司",
        org=union,
        covering_union=union,
        is_platform=True,
        brand_names="美团, 美团外卖, 美团众包",
    )
    OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
        address="北京市房山区良乡镇拱辰北大街1号院3号楼二层",
        contact_name="赵联络",
        contact_phone="0086 138 0013 0008",
    )
    page = phone_page
    page.goto(f"{live_server.url}/m/join/")
    page.fill("input[name=q]", "美团")
    page.locator("#employer").get_by_role("button").click()
    expect(page.get_by_text("北京迅达同城配送科技有限公司")).to_be_visible()
    expect(page.get_by_text("美团、美团外卖、美团众包")).to_be_visible()
    expect(page.get_by_text("138****0008")).to_be_visible()
    fits(page, 375)
    page.locator("#direct").scroll_into_view_if_needed()
    screenshot(page, "mobile-375-join-brand-and-office")
    assert page.console_errors == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_role_grant_picks_the_staff_member_by_name(
    live_server, phone_page, desktop_page, screenshot, default_roles, tree, size
):
    admin = StaffFactory(
        username="fangshan.admin", home_org=tree.fangshan, roles=[("federation_admin", tree.fangshan)]
    )
    StaffFactory(username="gc.lx", display_name="梁翔", home_org=tree.street_fs)
    page = phone_page if size == "phone" else desktop_page
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/console/roles/grant/")
    page.fill("#picker-staff input[type=search]", "梁")
    choice = page.locator("#picker-staff-choices").get_by_text("梁翔")
    expect(choice).to_be_visible()
    expect(page.locator("#picker-staff-choices input[value='gc.lx']")).to_be_checked()  # the only match
    fits(page, 375 if size == "phone" else 1366)
    screenshot(page, f"console-{size}-role-grant-staff-picker")
    assert page.console_errors == []
    assert re.search("/console/roles/grant/$", page.url)
