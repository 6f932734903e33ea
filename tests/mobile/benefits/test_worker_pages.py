"""Member benefits on the worker's phone: the campaigns open to them and the catalogue, claiming a
voucher (a double tap claims once), the reasons a claim is refused, the lottery's commitment and
result, my vouchers by state, and a voucher's QR code and short code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext, override

from smartunion.benefits.models import CampaignKind, CampaignStatus, ServiceCategory, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.campaigns import campaign_transition, lottery_draw
from smartunion.benefits.services.common import format_code
from smartunion.benefits.services.merchants import service_save
from smartunion.benefits.services.redemption import voucher_redeem
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text
from tests.factories.benefits import make_benefits_world, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    claims.use_backend("auto")
    return make_benefits_world(tree)


@pytest.fixture
def worker(world, client):
    client.force_login(world.workers[0])
    return world.workers[0]


def _key(response) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode()).group(1)


def said(msgid: str, **values) -> str:
    """A service's refusal as the worker reads it (the benefits app's own catalogue translates it)."""
    with override("zh-hans"):
        return gettext(msgid) % values


def _mine(user):
    with scopes_disabled():
        return list(Voucher.objects.filter(holder=user))


def test_the_worker_home_links_to_the_benefits(client, worker):
    assert "/m/benefits/" in page_text(client.get("/m/"))


def test_the_benefits_page_lists_the_open_campaign_with_what_is_left(client, worker, world):
    page = page_text(client.get("/m/benefits/"))
    assert world.campaign.title in page
    assert "房山大剧院" in page
    assert "剩余 5 张" in page


def test_a_worker_of_another_district_does_not_see_the_campaign(client, world):
    client.force_login(world.shunyi_worker)
    page = page_text(client.get("/m/benefits/"))
    assert world.campaign.title not in page
    response = client.get(f"/m/benefits/campaigns/{world.campaign.pk}/")
    assert response.status_code == 404
    assert world.campaign.title not in page_text(response)


def test_the_catalogue_by_category_and_search(client, worker, world):
    with scopes_disabled():
        for title, category in (("职工观影八折", "performances"), ("游泳馆会员价", "sports")):
            service_save(
                actor=world.staff,
                org=world.staff.home_org,
                merchant=world.theatre,
                category=ServiceCategory.objects.get(code=category),
                title=title,
                benefit="会员八折",
                available_from=timezone.localdate() - timedelta(days=1),
            )
    page = page_text(client.get("/m/benefits/"))
    assert "职工观影八折" in page and "游泳馆会员价" in page
    page = page_text(client.get("/m/benefits/?category=sports"))
    assert "游泳馆会员价" in page and "职工观影八折" not in page
    page = page_text(client.get("/m/benefits/?q=观影"))
    assert "职工观影八折" in page and "游泳馆会员价" not in page


def test_the_benefits_page_makes_as_many_queries_for_one_campaign_as_for_three(client, worker, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/m/benefits/").status_code == 200
        return len(captured)

    one = queries()
    for title in ("羽毛球体验券", "体检体验券"):
        make_campaign(world.staff, world.staff.home_org, world.theatre, title=title)
    assert queries() == one


def test_a_double_tap_claims_one_voucher(client, worker, world):
    url = f"/m/benefits/campaigns/{world.campaign.pk}/"
    key = _key(client.get(url))
    first = client.post(url + "claim/", {"idempotency_key": key})
    second = client.post(url + "claim/", {"idempotency_key": key})
    (voucher,) = _mine(worker)
    assert first["Location"] == second["Location"] == f"/m/benefits/vouchers/{voucher.pk}/"
    page = page_text(client.get(first["Location"]))
    assert format_code(voucher.code) in page
    assert 'src="data:image/svg+xml' in page
    assert "未使用" in page


def test_a_second_claim_beyond_the_limit_is_refused_with_the_reason(client, worker, world):
    url = f"/m/benefits/campaigns/{world.campaign.pk}/"
    client.post(url + "claim/", {"idempotency_key": _key(client.get(url))})
    response = client.post(url + "claim/", {"idempotency_key": "another-tap"}, follow=True)
    limit = "You have already claimed %(limit)s voucher(s) of this campaign, the most a member may."
    assert said(limit, limit=1) in page_text(response)
    assert len(_mine(worker)) == 1


def test_a_sold_out_campaign_says_so(client, worker, world):
    small = make_campaign(world.staff, world.staff.home_org, world.theatre, title="小剧场体验券", quota=1)
    url = f"/m/benefits/campaigns/{small.pk}/"
    key = _key(client.get(url))
    client.force_login(world.workers[1])
    client.post(url + "claim/", {"idempotency_key": "other-member"})
    client.force_login(worker)
    response = client.post(url + "claim/", {"idempotency_key": key}, follow=True)
    assert said("All vouchers of this campaign have been claimed.") in page_text(response)
    assert _mine(worker) == []


def test_a_campaign_not_yet_released_shows_the_release_time(client, worker, world):
    later = timezone.now() + timedelta(days=1)
    campaign = make_campaign(
        world.staff,
        world.staff.home_org,
        world.theatre,
        title="明日开抢",
        release_at=later,
        claim_until=later + timedelta(days=2),
    )
    page = page_text(client.get(f"/m/benefits/campaigns/{campaign.pk}/"))
    assert timezone.localtime(later).strftime("%Y-%m-%d %H:%M") in page
    response = client.post(
        f"/m/benefits/campaigns/{campaign.pk}/claim/", {"idempotency_key": "k"}, follow=True
    )
    when = timezone.localtime(later).strftime("%Y-%m-%d %H:%M")
    assert said("This campaign opens at %(when)s.", when=when) in page_text(response)
    assert _mine(worker) == []


def test_a_lottery_shows_the_commitment_then_the_seed_and_the_result(client, worker, world):
    lottery = make_campaign(
        world.staff,
        world.staff.home_org,
        world.theatre,
        title="音乐会抽签",
        kind=CampaignKind.LOTTERY,
        quota=1,
    )
    with scopes_disabled():
        campaign_transition(actor=world.staff, campaign=lottery, to=CampaignStatus.OPEN)
        lottery.refresh_from_db()
    url = f"/m/benefits/campaigns/{lottery.pk}/"
    page = page_text(client.get(url))
    assert lottery.draw_commitment in page
    assert lottery.draw_seed not in page
    client.post(url + "register/")
    assert "您已报名参加抽签。" in page_text(client.get(url))
    with scopes_disabled():
        campaign_transition(actor=world.staff, campaign=lottery, to=CampaignStatus.CLOSED)
        lottery_draw(campaign=lottery)
        lottery.refresh_from_db()
    page = page_text(client.get(url))
    assert lottery.draw_seed in page
    assert "您中签了" in page


def test_my_vouchers_by_state_and_a_used_voucher_shows_as_used(client, worker, world):
    url = f"/m/benefits/campaigns/{world.campaign.pk}/"
    client.post(url + "claim/", {"idempotency_key": _key(client.get(url))})
    (voucher,) = _mine(worker)
    page = page_text(client.get("/m/benefits/vouchers/"))
    assert "待使用 (1)" in page and "已使用 (0)" in page
    with scopes_disabled():
        voucher_redeem(actor=world.theatre_clerk, code=voucher.code)
    page = page_text(client.get("/m/benefits/vouchers/"))
    assert "待使用 (0)" in page and "已使用 (1)" in page
    qr = client.get(f"/m/benefits/vouchers/{voucher.pk}/qr/", HTTP_HX_REQUEST="true")
    assert qr.status_code == 286  # htmx stops polling
    assert "已使用" in page_text(qr)


def test_another_workers_voucher_is_not_found(client, worker, world):
    url = f"/m/benefits/campaigns/{world.campaign.pk}/"
    client.post(url + "claim/", {"idempotency_key": _key(client.get(url))})
    (voucher,) = _mine(worker)
    client.force_login(world.workers[1])
    response = client.get(f"/m/benefits/vouchers/{voucher.pk}/")
    assert response.status_code == 404
    assert voucher.code not in page_text(response)
