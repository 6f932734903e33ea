"""The member's side of /api/v1: campaigns, claims, lottery registration, vouchers, catalogue."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from smartunion.benefits.models import CampaignKind, ServiceCategory, Voucher
from smartunion.benefits.services.campaigns import campaign_transition
from smartunion.benefits.services.merchants import service_save
from smartunion.core.scoping import scopes_disabled
from tests.factories.benefits import make_campaign

CAMPAIGNS = "/api/v1/campaigns"


def claim(client, campaign_id, key=None):
    headers = {"Authorization": f"Bearer {client.token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.client.post(
        f"{CAMPAIGNS}/{campaign_id}/claim", "{}", content_type="application/json", headers=headers
    )


def test_a_member_lists_claims_and_sees_the_voucher(world, as_worker):
    member = as_worker(world.workers[0])
    listed = member.get(CAMPAIGNS).json()["items"]
    assert [c["title"] for c in listed] == ["话剧《龙须沟》体验券"]
    detail = member.get(f"{CAMPAIGNS}/{world.campaign.pk}").json()
    assert (detail["left"], detail["claimed_by_me"], detail["face_value"]) == (5, 0, "100.00")

    answer = claim(member, world.campaign.pk, key="tap-1")
    assert answer.status_code == 201, answer.content
    voucher = answer.json()
    assert voucher["face_value"] == "100.00" and voucher["state"] == "unused"
    assert len(voucher["code"]) == 11 and voucher["code"][5] == "-"
    assert voucher["campaign"]["name"] == "话剧《龙须沟》体验券"
    assert "Idempotent-Replayed" not in answer.headers

    replay = claim(member, world.campaign.pk, key="tap-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == voucher["id"]
    with scopes_disabled():
        assert Voucher.objects.filter(holder=world.workers[0]).count() == 1

    mine = member.get("/api/v1/me/vouchers").json()["items"]
    assert [v["code"] for v in mine] == [voucher["code"]]
    one = member.get(f"/api/v1/me/vouchers/{voucher['id']}").json()
    assert one["qr"].startswith("V:") and one["qr_expires_in"] > 0
    assert member.get(f"{CAMPAIGNS}/{world.campaign.pk}").json()["claimed_by_me"] == 1


def test_every_claim_refusal_has_its_code(world, tree, as_worker):
    member = as_worker(world.workers[0])
    claim(member, world.campaign.pk)
    limit = claim(member, world.campaign.pk)
    assert (limit.status_code, limit.json()["code"]) == (409, "limit_reached")

    stranger = as_worker(world.shunyi_worker)
    refused = claim(stranger, world.campaign.pk)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_eligible")
    assert stranger.get(f"{CAMPAIGNS}/{world.campaign.pk}").status_code == 404
    assert stranger.get(CAMPAIGNS).json()["items"] == []

    missing = claim(member, 999999)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")

    later = make_campaign(
        world.staff, tree.fangshan, world.theatre, release_at=timezone.now() + timedelta(hours=1)
    )
    early = claim(member, later.pk)
    assert (early.status_code, early.json()["code"]) == (409, "not_open")

    with scopes_disabled():
        paused = make_campaign(world.staff, tree.fangshan, world.theatre)
        campaign_transition(actor=world.staff, campaign=paused, to="open")
        campaign_transition(actor=world.staff, campaign=paused, to="paused")
    assert claim(member, paused.pk).json()["code"] == "not_open"

    with scopes_disabled():
        over = make_campaign(world.staff, tree.fangshan, world.theatre)
        type(over).objects.filter(pk=over.pk).update(claim_until=timezone.now() - timedelta(seconds=1))
    closed = claim(member, over.pk)
    assert (closed.status_code, closed.json()["code"]) == (409, "closed")

    with scopes_disabled():
        tiny = make_campaign(world.staff, tree.fangshan, world.theatre, quota=1)
    assert claim(member, tiny.pk).status_code == 201
    sold = claim(as_worker(world.workers[1]), tiny.pk)
    assert (sold.status_code, sold.json()["code"]) == (409, "sold_out")

    bad_key = claim(member, world.campaign.pk, key="x" * 65)
    assert (bad_key.status_code, bad_key.json()["code"]) == (422, "invalid_idempotency_key")


def test_a_lottery_is_registered_once(world, tree, as_worker):
    with scopes_disabled():
        lottery = make_campaign(world.staff, tree.fangshan, world.theatre, kind=CampaignKind.LOTTERY)
    member = as_worker(world.workers[0])
    refused = claim(member, lottery.pk)
    assert (refused.status_code, refused.json()["code"]) == (409, "lottery")
    done = member.post(f"{CAMPAIGNS}/{lottery.pk}/register")
    assert done.status_code == 201 and done.json()["campaign"] == lottery.pk
    again = member.post(f"{CAMPAIGNS}/{lottery.pk}/register")
    assert (again.status_code, again.json()["code"]) == (409, "already_registered")
    detail = member.get(f"{CAMPAIGNS}/{lottery.pk}").json()
    assert detail["registered"] is True
    assert len(detail["lottery"]["commitment"]) == 64 and detail["lottery"]["seed"] is None
    first_come = member.post(f"{CAMPAIGNS}/{world.campaign.pk}/register")
    assert first_come.json()["code"] == "not_lottery"


def test_the_catalogue_shows_what_the_member_may_use(world, tree, as_worker):
    with scopes_disabled():
        service_save(
            actor=world.staff,
            org=tree.fangshan,
            merchant=world.theatre,
            category=ServiceCategory.objects.get(code="performances"),
            title="周末话剧半价",
            description="会员凭卡半价",
            benefit="半价",
            available_from=timezone.localdate(),
        )
    member = as_worker(world.workers[0])
    items = member.get("/api/v1/catalogue").json()["items"]
    assert [s["title"] for s in items] == ["周末话剧半价"]
    assert member.get("/api/v1/catalogue", {"q": "话剧"}).json()["items"][0]["category"] == "performances"
    assert member.get("/api/v1/catalogue", {"category": "dining"}).json()["items"] == []
    assert as_worker(world.shunyi_worker).get("/api/v1/catalogue").json()["items"] == []
    codes = [c["code"] for c in member.get("/api/v1/catalogue/categories").json()["items"]]
    assert "dining" in codes and "performances" in codes


def test_staff_tokens_and_strangers_do_not_reach_member_vouchers(world, as_staff, as_worker):
    api = as_staff(world.staff)
    assert api.get(CAMPAIGNS).status_code == 403
    assert api.get("/api/v1/me/vouchers").status_code == 403
    owner = as_worker(world.workers[0])
    voucher = claim(owner, world.campaign.pk).json()
    other = as_worker(world.workers[1])
    assert other.get(f"/api/v1/me/vouchers/{voucher['id']}").status_code == 404
