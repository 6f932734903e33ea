"""The worker's home page on the mobile web: their services as tiles, 消息 with its unread count and a
page of its own, no sign-in prompt once signed in; and 我的数据 readable on the screen."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from smartunion.core.scoping import scopes_disabled
from smartunion.notifications.models import InboxMessage
from tests.factories import WorkerFactory, make_person

pytestmark = pytest.mark.django_db

SIGN_IN_PROMPT = "使用手机号登录"


def page(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def rider(client):
    worker = WorkerFactory(display_name="吴师傅")
    client.force_login(worker)
    return worker


def test_a_signed_in_worker_gets_tiles_and_no_sign_in_prompt(client, rider):
    text = page(client.get(reverse("mobile:home")))
    assert "吴师傅，您好" in text
    assert SIGN_IN_PROMPT not in text and 'href="/m/login/"' not in text
    tiles = dict(re.findall(r'<a href="([^"]+)" id="tile-([a-z]+)">', text))
    assert tiles == {
        "/m/messages/": "inbox",
        "/m/card/": "card",
        "/m/membership/": "membership",
        "/m/join/": "join",
        "/m/me/data/": "data",
        "/m/me/": "me",
        "/m/calculator/": "calculator",
        "/m/cases/": "cases",
        "/m/benefits/": "benefits",
    }
    assert "消息" in text and "我的数据" in text and "会员卡" in text
    assert "您还不是工会会员" in text
    assert 'id="inbox-unread"' not in text  # nothing unread, no badge


def test_the_messages_tile_counts_the_unread(client, rider):
    first = InboxMessage.objects.create(user=rider, title="入会申请已收到")
    InboxMessage.objects.create(user=rider, title="欢迎加入工会", body="您的会员号是 0000000001。")
    InboxMessage.objects.create(user=WorkerFactory(), title="别人的消息")

    text = page(client.get(reverse("mobile:home")))
    assert re.search(r'id="inbox-unread" aria-label="2 条未读消息">2</span>', text)

    inbox = page(client.get(reverse("mobile:inbox")))
    assert "共 2 条消息，2 条未读" in inbox
    assert "入会申请已收到" in inbox and "您的会员号是 0000000001。" in inbox and "别人的消息" not in inbox

    # Marking one read from the messages page comes back to it, one fewer unread.
    response = client.post(
        reverse("mobile:inbox_read"), {"message": first.pk, "next": reverse("mobile:inbox")}
    )
    assert response["Location"] == reverse("mobile:inbox")
    assert "共 2 条消息，1 条未读" in page(client.get(reverse("mobile:inbox")))
    assert re.search(r'id="inbox-unread"[^>]*>1</span>', page(client.get(reverse("mobile:home"))))
    # A next address on another site is not followed.
    response = client.post(reverse("mobile:inbox_read"), {"next": "https://evil.example/"})
    assert response["Location"] == f"{reverse('mobile:membership')}#inbox"
    assert 'id="inbox-unread"' not in page(client.get(reverse("mobile:home")))


def test_a_member_sees_their_union_and_status_on_the_home_page(client, rider, tree):
    make_person(org=tree.union_a, real_name="吴建国", user=rider)
    text = page(client.get(reverse("mobile:home")))
    assert "甲公司工会 · 正常" in text


def test_anyone_else_is_asked_to_sign_in(client):
    text = page(client.get(reverse("mobile:home")))
    assert SIGN_IN_PROMPT in text and 'href="/m/login/"' in text and 'id="tile-inbox"' not in text


def test_my_data_shows_on_screen_what_the_download_holds(client, rider, tree):
    person, membership = make_person(org=tree.union_a, real_name="吴建国", user=rider)
    with scopes_disabled():
        person.wage_bracket = "5000_8000"
        person.save(update_fields=["wage_bracket"])
    InboxMessage.objects.create(user=rider, title="欢迎加入工会")
    text = page(client.get(reverse("mobile:my_data")))
    assert '<dt>月工资</dt><dd id="my-wage">5000–8000 元</dd>' in text
    assert "<dt>语言</dt><dd>简体中文</dd>" in text and "建档时间" in text
    assert f"<dt>会员号</dt><dd>{membership.number}</dd>" in text and "<dt>入会日期</dt>" in text
    assert '1 条消息（1 条未读） <a href="/m/messages/">查看消息</a>' in text


def test_my_page_leads_to_the_messages_too(client, rider):
    text = page(client.get(reverse("mobile:me")))
    assert '<a href="/m/messages/">消息</a>' in text
