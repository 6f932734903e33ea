"""Voucher campaigns in the console: the list by status, a draft's form (with the phone's
date-and-time inputs), the moves and their confirmation, the live figures, and a lottery's
commitment, seed and re-run command."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from smartunion.benefits.models import Campaign, CampaignStatus, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.campaigns import campaign_clock, registration_create
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import assert_cells_labelled, form_error_near, page_text
from tests.factories.benefits import make_campaign

LIST = "/console/benefits/campaigns/"


def form_data(world, tree, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "kind": "first_come",
        "title": "健身房月卡体验券",
        "merchant": world.theatre.pk,
        "face_value": "50",
        "quota": "20",
        "per_member_limit": "2",
        "release_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "claim_until": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "valid_from": now.date().isoformat(),
        "valid_until": (now.date() + timedelta(days=30)).isoformat(),
        "org": tree.fangshan.pk,
    }
    data.update(overrides)
    return data


def test_a_draft_is_made_from_the_phones_datetime_inputs(world, as_user, tree):
    client = as_user(world.staff)
    page = client.get(f"{LIST}new/").content.decode()
    assert 'type="datetime-local"' in page and 'type="date"' in page
    response = client.post(f"{LIST}new/", form_data(world, tree))
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        campaign = Campaign.objects.get(title="健身房月卡体验券")
    assert campaign.status == CampaignStatus.DRAFT and campaign.quota == 20 and campaign.per_member_limit == 2
    assert timezone.localtime(campaign.release_at).date() == timezone.localdate() + timedelta(days=1)
    text = page_text(client.get(response["Location"]))
    assert "草稿" in text and "健身房月卡体验券" in text
    response = client.post(f"{LIST}{campaign.pk}/edit/", form_data(world, tree, title="健身房季卡体验券"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "健身房季卡体验券"


def test_bad_input_is_refused_on_its_field_and_kept(world, as_user, tree):
    client = as_user(world.staff)
    now = timezone.localtime()
    response = client.post(
        f"{LIST}new/",
        form_data(
            world,
            tree,
            kind="lottery",
            quota="0",
            face_value="-5",
            claim_until=(now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 400
    for field in ("id_per_member_limit", "id_quota", "id_face_value", "id_claim_until"):
        assert form_error_near(response, field), field
    body = response.content.decode()
    assert 'value="健身房月卡体验券"' in body and 'value="-5"' in body
    with scopes_disabled():
        assert not Campaign.objects.filter(title="健身房月卡体验券").exists()


def test_the_moves_are_confirmed_and_change_the_status(world, as_user, tree):
    client = as_user(world.staff)
    with scopes_disabled():
        campaign = make_campaign(world.staff, tree.fangshan, world.theatre, schedule=False, title="草稿活动")
    page = f"{LIST}{campaign.pk}/"
    text = page_text(client.get(page))
    assert "?to=scheduled" in text and "?to=paused" not in text and "?to=open" not in text
    confirm = client.get(f"{page}transition/", {"to": "scheduled"})
    assert confirm.status_code == 200 and "确定为该活动排期吗？" in page_text(confirm)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT  # the confirmation page changes nothing
    assert client.post(f"{page}transition/", {"to": "scheduled"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=campaign).count() == 5
    assert client.get(f"{page}edit/").status_code == 302  # no longer a draft
    campaign_clock()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    for to in ("paused", "open", "closed"):
        response = client.post(f"{page}transition/", {"to": to, "reason": "测试"})
        assert response.status_code == 302
        campaign.refresh_from_db()
        assert campaign.status == to
        assert f'id="campaign-status">{campaign.get_status_display()}<' in client.get(page).content.decode()
    text = page_text(client.get(page))
    assert "?to=" not in text  # closed: no move left
    # A move the status does not allow is not offered and not done.
    assert client.post(f"{page}transition/", {"to": "open"}).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_the_page_shows_the_live_figures(world, as_user):
    for user in world.workers[:2]:
        claims.voucher_claim(campaign_id=world.campaign.pk, user=user, idempotency_key=f"k-{user.pk}")
    response = as_user(world.staff).get(f"{LIST}{world.campaign.pk}/")
    body = response.content.decode()
    figures = body[body.index('id="campaign-figures"') :]
    values = [part.split("<")[0] for part in figures.split('class="stat-value">')[1:7]]
    assert values == ["5", "2", "3", "0", "2", "0"]  # quota, claimed, left, used, reached, expired


def test_a_lottery_shows_the_commitment_before_the_draw_and_the_seed_after(world, as_user, tree):
    now = timezone.now()
    with scopes_disabled():
        lottery = make_campaign(
            world.staff, tree.fangshan, world.theatre, kind="lottery", quota=2, title="话剧抽签"
        )
        for user in world.workers:
            registration_create(campaign=lottery, user=user)
    client = as_user(world.staff)
    text = page_text(client.get(f"{LIST}{lottery.pk}/"))
    assert lottery.draw_commitment in text
    assert lottery.draw_seed not in text  # never before the draw
    assert "benefits_draw" not in text
    with scopes_disabled():
        Campaign.objects.filter(pk=lottery.pk).update(
            release_at=now - timedelta(days=2), claim_until=now - timedelta(minutes=1)
        )
    campaign_clock()
    lottery.refresh_from_db()
    assert lottery.drawn_at is not None
    text = page_text(client.get(f"{LIST}{lottery.pk}/"))
    assert lottery.draw_seed in text and lottery.draw_digest in text
    assert f"manage.py benefits_draw --verify {lottery.pk}" in text
    lottery_box = text[text.index('id="lottery"') :]
    assert "<dd>3</dd>" in lottery_box and "<dd>2</dd>" in lottery_box  # registered, winners


def test_the_list_filters_by_status(world, as_user, tree):
    with scopes_disabled():
        make_campaign(world.staff, tree.fangshan, world.theatre, schedule=False, title="还在草稿的活动")
    client = as_user(world.staff)
    text = page_text(client.get(LIST, {"status": "draft"}))
    assert "还在草稿的活动" in text and "话剧《龙须沟》体验券" not in text
    response = client.get(LIST)
    text = page_text(response)
    assert "还在草稿的活动" in text and "话剧《龙须沟》体验券" in text
    assert_cells_labelled(response, tables=1)  # a phone shows each cell under its column's heading
    assert 'data-label="开抢时间"' in text


def test_another_districts_staff_get_404(world, as_user):
    before = world.campaign.status
    client = as_user(world.shunyi_staff)
    assert "话剧《龙须沟》体验券" not in page_text(client.get(LIST))
    page = f"{LIST}{world.campaign.pk}/"
    for response in (
        client.get(page),
        client.get(f"{page}edit/"),
        client.get(f"{page}transition/", {"to": "paused"}),
        client.post(f"{page}transition/", {"to": "paused"}),
    ):
        assert response.status_code == 404
        assert "话剧《龙须沟》体验券" not in page_text(response)
    world.campaign.refresh_from_db()
    assert world.campaign.status == before
