"""A member imported from a roster registers on a 375-px phone with the number on their record: the
page says their membership was found and linked, and the card works at once. A worker who
registered before their union imported them links the record from 我的会籍."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.notifications import senders
from tests.factories import WORKER_PASSWORD, WorkerFactory, make_id_number, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13966667777"
PASSWORD = "Autumn-Leaf-2026!"


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []


def test_an_imported_member_registers_and_finds_their_membership(live_server, phone_page, screenshot, tree):
    person, membership = make_person(
        org=tree.union_a,
        real_name="孙秀英",
        mobile=MOBILE,
        id_number=make_id_number(region="110111", birth="19850412", serial=246),
    )
    page = phone_page

    page.goto(f"{live_server.url}/m/register/")
    expect(page.get_by_text("请用工会登记的手机号注册")).to_be_visible()
    page.fill("#id_display_name", "孙秀英")
    page.fill("#id_mobile", MOBILE)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    page.fill("#id_code", senders.OUTBOX[MOBILE])
    page.check("#id_agree")
    screenshot(page, "mobile-activate-register")
    _fits_the_phone(page)
    page.locator("form").get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/m/membership/$"))
    expect(
        page.get_by_text(
            f"已找到您的工会会籍，并已关联到您的账号：{tree.union_a.name}，会员号 {membership.number}。"
        )
    ).to_be_visible()
    expect(page.locator("#status .m-badge")).to_have_text("正常")
    expect(page.locator("#status")).to_contain_text(membership.number)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "mobile-activate-linked")
    _fits_the_phone(page)

    page.get_by_role("button", name="出示会员卡").click()
    expect(page.locator("#card-number")).to_have_text(membership.number)
    expect(page.locator("#card-name")).to_have_text("孙**")
    expect(page.locator("#card-status")).to_have_text("正常")
    screenshot(page, "mobile-activate-card")
    _fits_the_phone(page)
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user.display_name == "孙秀英"
    assert MOBILE not in page.content()


def test_a_registered_worker_links_the_record_on_my_membership(live_server, phone_page, screenshot, tree):
    worker = WorkerFactory(display_name="周师傅", mobile="13955556666")
    person, membership = make_person(org=tree.union_a, real_name="周建华", mobile=worker.mobile)
    page = phone_page

    page.goto(f"{live_server.url}/m/login/")
    page.fill("#id_mobile", worker.mobile)
    page.fill("#id_password", WORKER_PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/m/me/$"))

    page.goto(f"{live_server.url}/m/membership/")
    expect(page.get_by_text("已经是会员？")).to_be_visible()
    page.get_by_role("button", name="关联我的会籍").click()
    expect(page.get_by_text("139****6666")).to_be_visible()
    page.fill("#id_mobile", worker.mobile)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    page.fill("#id_code", senders.OUTBOX[worker.mobile])
    screenshot(page, "mobile-activate-link-form")
    _fits_the_phone(page)
    page.locator("form").get_by_role("button", name="关联我的会籍").click()

    expect(page).to_have_url(re.compile(r"/m/membership/$"))
    expect(page.get_by_text(f"会员号 {membership.number}").first).to_be_visible()
    expect(page.locator("#status .m-badge")).to_have_text("正常")
    screenshot(page, "mobile-activate-link-done")
    _fits_the_phone(page)
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user == worker
