"""Stories 4 and 6 of PRODUCT.md end to end on a 375-px phone (issue 10's "Done when").

6. A sanitation worker's e-member card is verified by the noodle shop's clerk (the card's QR content
   typed into the clerk's scan page: a headless browser has no camera), the breakfast is recorded, a
   second scan that day is refused; 房山's union staff, on their phone, read the pool's balance
   down by the meal price and the meal among the shop's, make the month's statements in the console
   and find the meal on the shop's statement.
4. A member claims a theatre voucher on the phone, the theatre's clerk verifies its code, and the
   member's voucher shows as used.

Screenshots: var/screenshots/story4-*.png and story6-*.png.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartunion.benefits.models import Statement, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.breakfast import pool_state
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_token
from tests.e2e.conftest import PHONE, _new_page
from tests.e2e.test_case_stories import _fits, _phone_sign_in, _shot
from tests.e2e.test_console_widths import sign_in
from tests.factories import STAFF_PASSWORD, totp_now
from tests.factories.benefits import make_benefits_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(tree, default_roles):
    claims.use_backend("auto")
    return make_benefits_world(tree)


def _clerk_sign_in(page, base: str, clerk) -> None:
    """Clerks sign in on the console (password and authenticator code) and come back to the phone."""
    page.goto(f"{base}/m/merchant/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/m/merchant/$"))
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.locator("#id_otp")).to_be_visible()
    page.fill("#id_otp", totp_now(clerk))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/m/merchant/$"))


def _scan(page, text: str) -> None:
    page.fill("#id_code", text)
    page.locator("#scan-submit").click()
    expect(page.locator("#scan-result")).to_be_visible()


def test_story_6_a_sanitation_worker_gets_one_free_breakfast_a_day(
    live_server, browser, phone_page, screenshot, world
):
    base = live_server.url
    person = world.people[0]
    with scopes_disabled():
        before = pool_state(programme=world.programme).balance
        assert before == Decimal("1000.00")  # the world's funding
        membership = person.memberships.get()

    # The worker's card on their phone: the QR code the clerk would scan.
    worker_context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    worker_page = worker_context.new_page()
    _phone_sign_in(worker_page, base, world.workers[0])
    worker_page.goto(f"{base}/m/card/")
    token = worker_page.locator("#card-qr").get_attribute("data-token")
    assert token
    _shot(screenshot, worker_page, "story6-worker-card")
    worker_context.close()

    # The noodle shop's clerk: home, then the scan page, the card's content typed in.
    clerk = phone_page
    _clerk_sign_in(clerk, base, world.noodle_clerk)
    expect(clerk.locator("#merchant-name")).to_contain_text("老街坊面馆")
    clerk.locator("#merchant-scan").click()
    expect(clerk).to_have_url(re.compile(r"/m/merchant/scan/$"))
    # Headless Chromium has no camera: the page says so and offers typing.
    expect(clerk.locator("#scan-no-camera")).to_be_visible()
    _fits(clerk, "scan page")
    _shot(screenshot, clerk, "story6-clerk-scan")
    _scan(clerk, token)
    expect(clerk.locator("#scan-result.m-bn-ok")).to_contain_text("可以用餐")
    expect(clerk.locator("#scan-result")).to_contain_text("¥8.00")
    expect(clerk.locator("#today-meals")).to_contain_text("今日供应早餐 1 份")
    _fits(clerk, "meal served")
    _shot(screenshot, clerk, "story6-clerk-meal-ok")

    # The same card again that day: refused, with where and when the breakfast was had.
    _scan(clerk, token)
    expect(clerk.locator("#scan-result.m-bn-refused")).to_contain_text("拒绝")
    expect(clerk.locator("#scan-reason")).to_contain_text("老街坊面馆")
    expect(clerk.locator("#today-meals")).to_contain_text("今日供应早餐 1 份")
    _fits(clerk, "second meal refused")
    _shot(screenshot, clerk, "story6-clerk-second-refused")
    assert clerk.console_errors == []

    # Union staff of 房山 on their phone: the programme's pool paid for the one meal.
    staff_context, desk = _new_page(
        browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    sign_in(desk, base, world.staff)
    desk.goto(f"{base}/console/benefits/breakfast/{world.programme.pk}/")
    expect(desk.locator("h1")).to_have_text(world.programme.name)
    expect(desk.locator("#pool-balance")).to_have_text(f"{before - Decimal('8.00'):.2f}")
    today = timezone.localdate()
    (meal_row,) = desk.locator("#meals tbody tr").all()
    # Day, shop, meals, cost.
    expect(meal_row.locator("td")).to_have_text([f"{today:%Y-%m-%d}", "老街坊面馆", "1", "8.00"])
    _fits(desk, "breakfast programme")
    _shot(screenshot, desk, "story6-staff-programme")

    # The month's statements made now through the console, and the noodle shop's holds the meal.
    desk.goto(f"{base}/console/benefits/statements/generate/")
    expect(desk.locator("#id_month")).to_have_value(f"{today:%Y-%m}")
    desk.get_by_role("button", name="生成").click()
    expect(desk).to_have_url(re.compile(rf"/console/benefits/statements/\?month={today:%Y-%m}$"))
    row = desk.locator("#statement-list tbody tr", has_text="老街坊面馆")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=f"{today:%Y-%m}").click()
    expect(desk).to_have_url(re.compile(r"/console/benefits/statements/\d+/$"))
    expect(desk.locator("h1")).to_have_text(f"老街坊面馆 · {today:%Y-%m}")
    due = desk.locator("#statement-totals > div", has_text="应付金额")
    expect(due.locator("strong")).to_have_text("8.00")
    expect(desk.locator("#statement-totals + p")).to_contain_text("1 笔")
    expect(desk.locator("#statement-lines tbody tr")).to_have_count(1)
    expect(desk.locator("#statement-lines tbody tr")).to_contain_text("早餐")
    _fits(desk, "statement")
    _shot(screenshot, desk, "story6-staff-statement")
    # Back on the programme, its settlement with the shops lists the statement: month, shop, meals, due.
    desk.goto(f"{base}/console/benefits/breakfast/{world.programme.pk}/")
    settled = desk.locator("#settlement tbody tr")
    expect(settled).to_have_count(1)
    expect(settled.locator("td")).to_have_text([f"{today:%Y-%m}", "老街坊面馆", "1", "8.00", "待审核"])
    _fits(desk, "breakfast programme, settled")
    assert desk.console_errors == []
    staff_context.close()

    # The same in the database: the pool's spending and the statement's one line, the worker's meal.
    with scopes_disabled():
        after = pool_state(programme=world.programme)
        assert before - after.balance == Decimal("8.00")
        assert after.spent == Decimal("8.00")
        (statement,) = Statement.objects.filter(merchant=world.noodles, month=today.replace(day=1))
        assert statement.programme_id == world.programme.pk
        assert statement.items == 1 and statement.amount_due == Decimal("8.00")
        (line,) = statement.lines.all()
        assert line.meal is not None and line.meal.person_id == person.pk
        assert membership.status == "active"
        assert card_token(membership=membership)  # the card still works tomorrow


def test_story_4_a_member_claims_a_theatre_voucher_and_uses_it(
    live_server, browser, phone_page, screenshot, world
):
    base = live_server.url
    member = world.workers[0]
    phone = phone_page
    _phone_sign_in(phone, base, member)

    # From the home's tile to the benefits, the theatre's campaign with what is left.
    phone.goto(f"{base}/m/")
    phone.locator("#tile-benefits").click()
    expect(phone).to_have_url(re.compile(r"/m/benefits/$"))
    campaign = phone.locator("#campaigns .m-item", has_text=world.campaign.title)
    expect(campaign).to_contain_text("剩余 5 张")
    _fits(phone, "benefits")
    _shot(screenshot, phone, "story4-phone-benefits")
    campaign.get_by_role("link", name=world.campaign.title).click()
    expect(phone.locator("#campaign-left")).to_contain_text("剩余 5 张")
    _fits(phone, "campaign")
    _shot(screenshot, phone, "story4-phone-campaign")

    # A double tap: the form's post sent twice with the key drawn into the page; one voucher.
    form = phone.locator("#claim-form")
    fields = {
        name: form.locator(f"input[name={name}]").get_attribute("value")
        for name in ("csrfmiddlewaretoken", "idempotency_key")
    }
    action = f"{base}{form.get_attribute('action')}"
    first = phone.request.post(action, form=fields, headers={"Referer": phone.url}, max_redirects=0)
    assert first.status == 302
    phone.locator("#claim-form button").click()
    expect(phone).to_have_url(re.compile(r"/m/benefits/vouchers/\d+/$"))
    with scopes_disabled():
        (voucher,) = Voucher.objects.filter(holder=member)
    code = f"{voucher.code[:5]}-{voucher.code[5:]}"
    expect(phone.locator("#voucher-code")).to_have_text(code)
    expect(phone.locator("#voucher-state")).to_have_text("未使用")
    expect(phone.locator("#voucher-qr img")).to_be_visible()
    _fits(phone, "voucher")
    _shot(screenshot, phone, "story4-phone-voucher")

    # The theatre's clerk types the code the member reads out.
    clerk_context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    clerk = clerk_context.new_page()
    _clerk_sign_in(clerk, base, world.theatre_clerk)
    clerk.goto(f"{base}/m/merchant/scan/")
    _scan(clerk, code)
    expect(clerk.locator("#scan-result.m-bn-ok")).to_contain_text("核销成功")
    expect(clerk.locator("#scan-result")).to_contain_text(world.campaign.title)
    expect(clerk.locator("#scan-result")).to_contain_text("¥100.00")
    expect(clerk.locator("#today-redemptions")).to_contain_text(code)
    _fits(clerk, "voucher used")
    _shot(screenshot, clerk, "story4-clerk-used")
    _scan(clerk, code)
    expect(clerk.locator("#scan-result.m-bn-refused")).to_contain_text("拒绝")
    clerk_context.close()

    # On the member's phone the voucher is used.
    phone.reload()
    expect(phone.locator("#voucher-state")).to_have_text("已使用")
    phone.goto(f"{base}/m/benefits/vouchers/")
    expect(phone.locator("#vouchers-used")).to_contain_text(world.campaign.title)
    expect(phone.locator("#vouchers-unused")).to_contain_text("无。")
    _fits(phone, "my vouchers")
    _shot(screenshot, phone, "story4-phone-vouchers-used")
    assert phone.console_errors == []
