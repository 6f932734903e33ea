"""A courier registers on a 375-px phone, applies to Fangshan's direct-joining union, a staff member
approves in the console (password + TOTP), and the courier's card page shows an active card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus
from smartunion.notifications import senders
from smartunion.orgs.models import OrgKind
from tests.factories import STAFF_PASSWORD, OrgFactory, StaffFactory, make_id_number, totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13911112222"
PASSWORD = "Summer-Road-2026!"
ID_NUMBER = make_id_number(region="110111", birth="19920615", serial=235)
UNION = "房山区新就业形态劳动者联合工会"


def test_a_courier_joins_and_gets_an_active_card(
    live_server, phone_page, desktop_page, screenshot, default_roles, tree
):
    OrgFactory(
        name=UNION,
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )

    def shot(page, name: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header is drawn where the page was scrolled
        screenshot(page, name)

    staff = StaffFactory(
        username="fangshan.members",
        display_name="周会员干事",
        home_org=tree.fangshan,
        roles=[("union_staff", tree.fangshan)],
    )

    # --- On the phone: register ---------------------------------------------------------------------
    phone = phone_page
    phone.goto(f"{live_server.url}/m/register/")
    phone.fill("#id_display_name", "吴师傅")
    phone.fill("#id_mobile", MOBILE)
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="发送验证码").click()
    expect(phone.get_by_text("验证码已发送")).to_be_visible()
    phone.fill("#id_code", senders.OUTBOX[MOBILE])
    phone.check("#id_agree")
    phone.locator("form").get_by_role("button", name="注册").click()
    expect(phone).to_have_url(re.compile(r"/m/me/$"))

    # --- Find the district's direct-joining union and apply ------------------------------------------
    phone.get_by_role("link", name="加入工会").click()
    expect(phone.get_by_text("不要求签订劳动合同")).to_be_visible()
    phone.select_option("#id_district", label="房山区总工会")
    phone.get_by_role("button", name="筛选").click()
    union = phone.locator(".m-item", has_text=UNION)
    expect(union).to_be_visible()
    shot(phone, "mobile-join")
    union.get_by_role("button", name="申请加入").click()

    expect(phone.get_by_role("heading", name="入会申请")).to_be_visible()
    expect(phone.get_by_text(UNION)).to_be_visible()
    phone.fill("#id_real_name", "吴建国")
    phone.fill("#id_id_number", ID_NUMBER)
    phone.select_option("#id_employment_form", value="courier")
    expect(phone.get_by_text("敏感个人信息")).to_be_visible()
    phone.check("#id_sensitive_consent")
    shot(phone, "mobile-join-apply")
    phone.get_by_role("button", name="提交入会申请").click()

    expect(phone).to_have_url(re.compile(r"/m/membership/$"))
    expect(phone.get_by_text("入会申请已提交")).to_be_visible()
    expect(phone.locator("#status .m-badge")).to_have_text("申请中")
    shot(phone, "mobile-membership-applying")
    with scopes_disabled():
        application = Membership.objects.get(org__name=UNION)
    assert application.status == MembershipStatus.APPLYING
    # Nothing on the phone's pages shows the ID number in full.
    assert ID_NUMBER not in phone.content()

    # --- In the console: sign in with the second factor and approve ------------------------------------
    desk = desktop_page
    desk.goto(f"{live_server.url}/console/login/")
    desk.fill("#id_username", staff.username)
    desk.fill("#id_password", STAFF_PASSWORD)
    desk.press("#id_password", "Enter")
    expect(desk.locator("#id_otp")).to_be_visible()
    desk.fill("#id_otp", totp_now(staff))
    desk.press("#id_otp", "Enter")
    expect(desk).to_have_url(re.compile(r"/console/$"))

    desk.goto(f"{live_server.url}/console/applications/{application.pk}/")
    expect(desk.get_by_text("吴建国").first).to_be_visible()
    screenshot(desk, "console-application-courier")
    desk.locator("button[name=decision][value=approve]").click()
    expect(desk).to_have_url(re.compile(r"/console/applications/$"))
    application.refresh_from_db()
    assert application.status == MembershipStatus.ACTIVE and application.number
    expect(desk.get_by_text(application.number)).to_be_visible()
    assert desk.console_errors == []

    # --- Back on the phone: the card ----------------------------------------------------------------------
    phone.get_by_role("link", name="会员卡").click()
    expect(phone).to_have_url(re.compile(r"/m/card/$"))
    expect(phone.locator("#card-status")).to_have_text("正常")
    expect(phone.locator("#card-number")).to_have_text(application.number)
    expect(phone.locator("#card-name")).to_have_text("吴**")
    expect(phone.get_by_text(UNION)).to_be_visible()
    qr = phone.locator("#card-qr img")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(phone, "mobile-card")

    # The inbox says welcome, and the data page shows who opened the record.
    phone.goto(f"{live_server.url}/m/membership/")
    expect(phone.get_by_text(f"欢迎加入{UNION}")).to_be_visible()
    phone.goto(f"{live_server.url}/m/me/data/")
    # Staff are named by their name and organisation, never by their login.
    expect(phone.locator("#access")).to_contain_text("周会员干事")
    expect(phone.locator("#access")).not_to_contain_text("fangshan.members")
    expect(phone.locator("#access")).to_contain_text("查看")
    shot(phone, "mobile-my-data")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.console_errors == []
