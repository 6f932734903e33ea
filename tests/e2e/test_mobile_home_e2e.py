"""A signed-in rider's home page on a 375-px phone: the service tiles, 消息 with its unread count,
the messages page, and 我的数据 on the screen; nothing wider than the phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.notifications.models import InboxMessage
from tests.e2e.test_console_widths import overflow
from tests.factories import WORKER_PASSWORD, WorkerFactory, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_signed_in_rider_finds_the_services_and_the_messages(live_server, phone_page, screenshot, tree):
    rider = WorkerFactory(display_name="吴师傅")
    make_person(org=tree.union_a, real_name="吴建国", user=rider)
    InboxMessage.objects.create(user=rider, title="入会申请已通过", body="欢迎加入甲公司工会。")
    InboxMessage.objects.create(user=rider, title="会员卡已开通")
    page = phone_page

    page.goto(f"{live_server.url}/m/login/")
    page.fill("#id_mobile", rider.mobile)
    page.fill("#id_password", WORKER_PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/m/")
    expect(page.get_by_role("heading", name="吴师傅，您好")).to_be_visible()
    expect(page.get_by_text("使用手机号登录")).to_have_count(0)
    expect(page.locator("#inbox-unread")).to_have_text("2")
    for tile in ("消息", "会员卡", "我的会籍", "加入工会", "我的数据", "账号与密码"):
        expect(page.locator(".m-tiles").get_by_text(tile, exact=True)).to_be_visible()
    assert overflow(page) == []
    screenshot(page, "mobile-home-signed-in")

    page.locator("#tile-inbox").click()
    expect(page).to_have_url(re.compile(r"/m/messages/$"))
    expect(page.get_by_text("欢迎加入甲公司工会。")).to_be_visible()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page).to_have_url(re.compile(r"/m/messages/$"))
    expect(page.locator("#inbox-summary")).to_have_text("共 2 条消息，0 条未读")
    assert overflow(page) == []
    screenshot(page, "mobile-messages")

    page.goto(f"{live_server.url}/m/")
    expect(page.locator("#inbox-unread")).to_have_count(0)
    page.locator("#tile-data").click()
    expect(page.locator("#person")).to_contain_text("吴建国")
    expect(page.locator("#memberships")).to_contain_text("甲公司工会")
    assert overflow(page) == []
    screenshot(page, "mobile-my-data-screen")
    assert page.console_errors == []
