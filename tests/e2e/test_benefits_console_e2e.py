"""Staff run a voucher campaign from a phone (375 px): a lottery is drafted with the phone's date
and time pickers, a refused value shows on its field, it is scheduled after a confirmation, its
commitment shows, and after the draw its seed and the command to re-run it. Screenshots of the
merchant, catalogue and campaign pages at 375 and 1366 px go to var/screenshots."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartunion.benefits.models import Campaign, CampaignStatus
from smartunion.benefits.services import claims
from smartunion.benefits.services.campaigns import campaign_clock, registration_create
from smartunion.core.scoping import scopes_disabled
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_console_widths import overflow, sign_in
from tests.factories.benefits import make_benefits_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_draft_schedule_and_read_a_lottery_on_a_phone(
    live_server, phone_page, screenshot, default_roles, tree
):
    claims.use_backend("auto")
    world = make_benefits_world(tree)
    page = phone_page
    base = live_server.url
    sign_in(page, base, world.staff)
    page.goto(f"{base}/console/benefits/campaigns/new/")
    page.check("input[name=kind][value=lottery]")
    page.fill("#id_title", "大剧院新年音乐会抽签")
    page.select_option("#id_merchant", label="房山大剧院")
    page.fill("#id_face_value", "180")
    page.fill("#id_quota", "2")
    page.fill("#id_per_member_limit", "3")  # a lottery gives one each: refused on its field
    now = timezone.localtime()
    page.fill("#id_release_at", (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_claim_until", (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_valid_from", now.date().isoformat())
    page.fill("#id_valid_until", (now.date() + timedelta(days=60)).isoformat())
    page.fill("#picker-org input[type=search]", "房山区")
    page.locator("#picker-org-choices label", has_text="房山区总工会").click()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#id_per_member_limit_error")).to_contain_text("每人限领 1 张")
    expect(page.locator("#id_title")).to_have_value("大剧院新年音乐会抽签")  # nothing typed is lost
    assert overflow(page) == []
    screenshot(page, "benefits-375-campaign-form-error")
    page.fill("#id_per_member_limit", "1")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#campaign-status")).to_have_class(re.compile("status-draft"))

    page.locator("#campaign-moves").get_by_role("button", name="排期").click()
    expect(page.locator("h1")).to_have_text("确定为该活动排期吗？")
    screenshot(page, "benefits-375-campaign-confirm")
    page.get_by_role("button", name="排期").click()
    expect(page.locator("#campaign-status")).to_have_class(re.compile("status-scheduled"))
    with scopes_disabled():
        lottery = Campaign.objects.get(title="大剧院新年音乐会抽签")
    assert lottery.status == CampaignStatus.SCHEDULED
    expect(page.locator("#lottery")).to_contain_text(lottery.draw_commitment)
    assert lottery.draw_seed not in page.content()
    assert overflow(page) == []
    screenshot(page, "benefits-375-lottery-before")

    campaign_clock()
    for user in world.workers:
        registration_create(campaign=lottery, user=user)
    with scopes_disabled():
        Campaign.objects.filter(pk=lottery.pk).update(claim_until=timezone.now() - timedelta(seconds=1))
    campaign_clock()
    lottery.refresh_from_db()
    page.reload()
    expect(page.locator("#lottery")).to_contain_text(lottery.draw_seed)
    expect(page.locator("#lottery")).to_contain_text(f"manage.py benefits_draw --verify {lottery.pk}")
    assert overflow(page) == []
    screenshot(page, "benefits-375-lottery-after")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "benefits-1366-lottery-after")

    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for name, url in (
            ("merchants", "/console/benefits/merchants/"),
            ("merchant", f"/console/benefits/merchants/{world.theatre.pk}/"),
            ("services", "/console/benefits/services/"),
            ("service-new", "/console/benefits/services/new/"),
            ("campaigns", "/console/benefits/campaigns/"),
            ("campaign", f"/console/benefits/campaigns/{world.campaign.pk}/"),
        ):
            page.goto(f"{base}{url}")
            assert overflow(page) == [], url
            screenshot(page, f"benefits-{viewport['width']}-{name}")
    # The refused draft answered 400 (its form with the error); nothing else failed.
    assert [e for e in page.console_errors if not e.endswith("/console/benefits/campaigns/new/")] == []
    assert len(page.console_errors) == 1
