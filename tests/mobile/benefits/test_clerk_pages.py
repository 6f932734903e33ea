"""The merchant clerk on the phone: the home names their merchant and today's uses; the scan page
verifies a voucher (its code or QR content) or a worker's e-member card for breakfast, and answers
in big words: used OK with the campaign and face value, or refused with the reason."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext, override

from smartunion.benefits.models import Meal, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.common import format_code
from smartunion.benefits.services.redemption import voucher_token
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_code, card_token
from tests.console.conftest import page_text
from tests.factories.benefits import make_benefits_world

pytestmark = pytest.mark.django_db

SCAN = "/m/merchant/scan/"


def said(msgid: str, **values) -> str:
    with override("zh-hans"):
        return gettext(msgid) % values


@pytest.fixture
def world(tree):
    claims.use_backend("auto")
    return make_benefits_world(tree)


@pytest.fixture
def voucher(world) -> Voucher:
    return voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="t1").voucher


def _card(person) -> str:
    with scopes_disabled():
        return card_token(membership=person.memberships.get())


def _result(response) -> str:
    page = page_text(response)
    return page[page.index('id="scan-result"') : page.index("</section>", page.index('id="scan-result"'))]


def test_the_clerks_home_names_the_merchant_and_leads_to_the_scan_page(client, staff_client, world):
    staff_client(world.theatre_clerk)
    page = page_text(client.get("/m/merchant/"))
    assert "房山大剧院" in page
    assert f'href="{SCAN}"' in page
    assert "今日核销 0 张券" in page


def test_a_voucher_code_as_read_out_is_used_once(client, staff_client, world, voucher):
    staff_client(world.theatre_clerk)
    result = _result(client.post(SCAN, {"code": format_code(voucher.code).lower()}))
    assert "核销成功" in result
    assert world.campaign.title in result and "¥100.00" in result
    with scopes_disabled():
        voucher.refresh_from_db()
    assert voucher.used_at is not None and voucher.used_by == world.theatre_clerk
    again = _result(client.post(SCAN, {"code": voucher.code}))
    assert "拒绝" in again
    assert "核销成功" not in again
    page = page_text(client.get("/m/merchant/"))
    assert "今日核销 1 张券" in page and format_code(voucher.code) in page


def test_a_voucher_qr_code_is_used(client, staff_client, world, voucher):
    staff_client(world.theatre_clerk)
    assert "核销成功" in _result(client.post(SCAN, {"code": voucher_token(voucher=voucher)}))


def test_another_merchants_clerk_is_refused_with_the_reason(client, staff_client, world, voucher):
    staff_client(world.noodle_clerk)
    result = _result(client.post(SCAN, {"code": voucher.code}))
    assert "拒绝" in result
    assert said("This voucher cannot be used at this merchant.") in result
    with scopes_disabled():
        voucher.refresh_from_db()
    assert voucher.used_at is None


def test_a_made_up_code_is_refused(client, staff_client, world):
    staff_client(world.theatre_clerk)
    result = _result(client.post(SCAN, {"code": "ABCDE-FGHJK"}))
    assert said("There is no voucher with this code. Check it and try again.") in result


def test_a_breakfast_card_gets_one_meal_a_day(client, staff_client, world):
    staff_client(world.noodle_clerk)
    token = _card(world.people[0])
    result = _result(client.post(SCAN, {"code": token}))
    assert "可以用餐" in result and "¥8.00" in result
    second = _result(client.post(SCAN, {"code": token}))
    assert "拒绝" in second and "老街坊面馆" in second
    with scopes_disabled():
        assert Meal.objects.filter(person=world.people[0]).count() == 1
    page = page_text(client.get("/m/merchant/"))
    assert "今日供应早餐 1 份" in page


def _typed(person, code: str | None = None) -> str:
    """The card's number and code as the worker reads them out from the card page."""
    with scopes_disabled():
        membership = person.memberships.get()
        code = code or card_code(membership=membership)
    return f"{membership.number} {code[:3]} {code[3:]}"


def test_a_clerk_without_a_camera_types_the_cards_number_and_code(client, staff_client, world):
    # An iPhone's browser has no BarcodeDetector: the clerk types what the card page shows.
    staff_client(world.noodle_clerk)
    typed = _typed(world.people[0])
    result = _result(client.post(SCAN, {"code": typed}))
    assert "可以用餐" in result and "¥8.00" in result
    second = _result(client.post(SCAN, {"code": typed.replace(" ", "")}))
    assert "拒绝" in second and "老街坊面馆" in second
    with scopes_disabled():
        assert Meal.objects.filter(person=world.people[0]).count() == 1


def test_a_wrong_typed_card_code_records_nothing_and_guessing_stops(client, staff_client, world, settings):
    settings.CARD_CODE_FAILURE_LIMIT = 2
    staff_client(world.noodle_clerk)
    with scopes_disabled():
        right = card_code(membership=world.people[1].memberships.get())
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(2):
        result = _result(client.post(SCAN, {"code": _typed(world.people[1], wrong)}))
        assert "拒绝" in result and said("This is not a valid member card.") in result
    # Over the limit, even the right code is not checked.
    refused = _result(client.post(SCAN, {"code": _typed(world.people[1], right)}))
    assert "拒绝" in refused and "输错的会员卡动态码过多" in refused
    with scopes_disabled():
        assert not Meal.objects.filter(person=world.people[1]).exists()
    # The QR code still works for this clerk.
    assert "可以用餐" in _result(client.post(SCAN, {"code": _card(world.people[1])}))


def test_a_worker_outside_the_programme_is_refused(client, staff_client, world, tree):
    staff_client(world.noodle_clerk)
    with scopes_disabled():
        person = world.shunyi_worker.person
    result = _result(client.post(SCAN, {"code": _card(person)}))
    assert said("This worker is not in the breakfast programme of this shop.") in result


def test_an_empty_scan_asks_for_a_code(client, staff_client, world):
    staff_client(world.theatre_clerk)
    assert "请先扫码，或输入券码或会员卡的卡号和动态码。" in _result(client.post(SCAN, {"code": " "}))


def test_the_scan_page_loads_the_camera_script_and_offers_typing(client, staff_client, world):
    staff_client(world.theatre_clerk)
    page = page_text(client.get(SCAN))
    assert "/static/mobile/scan.js" in page
    assert 'id="scan-video"' in page and 'name="code"' in page
    assert "请输入会员报出的券码，或会员卡的卡号和动态码" in page
    assert "<script>" not in page  # the CSP allows no inline script
