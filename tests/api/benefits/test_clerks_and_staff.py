"""The clerk's and the staff's side of the benefits API."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from smartunion.benefits.models import Meal, Statement, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.redemption import voucher_token
from smartunion.benefits.services.settlement import statements_generate
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_code, card_token

STAFF = "/api/v1/staff"


def _claimed(world, worker=0):
    with scopes_disabled():
        return claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[worker]).voucher


def _card(world, index=0):
    with scopes_disabled():
        return card_token(membership=world.people[index].memberships.get())


def test_a_clerk_redeems_once_and_sees_only_their_merchant(world, as_staff):
    voucher = _claimed(world)
    api = as_staff(world.noodle_clerk)
    other = api.post("/api/v1/vouchers/redeem", {"code": voucher.code})
    assert (other.status_code, other.json()["code"]) == (409, "other_merchant")

    api = as_staff(world.theatre_clerk)
    with scopes_disabled():
        token = voucher_token(voucher=voucher)
    used = api.post("/api/v1/vouchers/redeem", {"code": token})
    assert used.status_code == 200, used.content
    assert used.json()["face_value"] == "100.00" and used.json()["campaign"] == "话剧《龙须沟》体验券"
    again = api.post("/api/v1/vouchers/redeem", {"code": voucher.code.lower()})
    assert (again.status_code, again.json()["code"]) == (409, "used")
    forged = api.post("/api/v1/vouchers/redeem", {"code": "ABCDE-FGHJK"})
    assert forged.json()["code"] == "forged"
    tampered = api.post("/api/v1/vouchers/redeem", {"code": token[:-3] + "xyz"})
    assert tampered.json()["code"] == "forged"
    missing = api.post("/api/v1/vouchers/redeem", {})
    assert missing.status_code == 422 and "body.code" in missing.json()["fields"]
    listed = api.get("/api/v1/vouchers/redemptions").json()["items"]
    assert [r["voucher"] for r in listed] == [voucher.pk]

    api = as_staff(world.noodle_clerk)
    assert api.get("/api/v1/vouchers/redemptions").json()["items"] == []
    api = as_staff(world.staff)
    assert api.post("/api/v1/vouchers/redeem", {"code": voucher.code}).status_code == 403
    assert api.get("/api/v1/vouchers/redemptions").status_code == 403


def test_an_expired_or_early_voucher_is_refused(world, as_staff):
    voucher = _claimed(world)
    with scopes_disabled():
        campaign = world.campaign
        type(campaign).objects.filter(pk=campaign.pk).update(
            valid_from=timezone.localdate() + timedelta(days=1),
            valid_until=timezone.localdate() + timedelta(days=9),
        )
    api = as_staff(world.theatre_clerk)
    assert api.post("/api/v1/vouchers/redeem", {"code": voucher.code}).json()["code"] == "not_yet_valid"
    with scopes_disabled():
        type(campaign).objects.filter(pk=campaign.pk).update(
            valid_from=timezone.localdate() - timedelta(days=9),
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    assert api.post("/api/v1/vouchers/redeem", {"code": voucher.code}).json()["code"] == "expired"


def test_a_breakfast_is_recorded_once_a_day(world, as_staff, as_worker):
    api = as_staff(world.noodle_clerk)
    served = api.post("/api/v1/breakfast/meals", {"card_token": _card(world)})
    assert served.status_code == 201, served.content
    assert served.json()["price"] == "8.00" and served.json()["shop"]
    second = api.post("/api/v1/breakfast/meals", {"card_token": _card(world)})
    assert (second.status_code, second.json()["code"]) == (409, "already_served")
    forged = api.post("/api/v1/breakfast/meals", {"card_token": "C:nonsense"})
    assert forged.json()["code"] == "card_forged"
    stranger = as_worker(world.shunyi_worker)
    with scopes_disabled():
        from smartunion.members.models import Membership

        shunyi_card = card_token(membership=Membership.objects.get(person__user=world.shunyi_worker))
    assert stranger.token
    assert api.post("/api/v1/breakfast/meals", {"card_token": shunyi_card}).json()["code"] == "not_enrolled"
    assert len(api.get("/api/v1/breakfast/meals").json()["items"]) == 1

    api = as_staff(world.theatre_clerk)
    elsewhere = api.post("/api/v1/breakfast/meals", {"card_token": _card(world, 1)})
    assert elsewhere.json()["code"] == "shop_not_in_programme"
    assert api.get("/api/v1/breakfast/meals").json()["items"] == []
    with scopes_disabled():
        assert Meal.objects.count() == 1


def _typed(world, index=0, code=None):
    with scopes_disabled():
        membership = world.people[index].memberships.get()
        return f"{membership.number} {code or card_code(membership=membership)}"


def test_a_breakfast_is_recorded_from_the_typed_number_and_code(world, as_staff):
    api = as_staff(world.noodle_clerk)
    served = api.post("/api/v1/breakfast/meals", {"card_token": _typed(world)})
    assert served.status_code == 201, served.content
    assert served.json()["price"] == "8.00" and served.json()["name"] == world.people[0].name_masked
    second = api.post("/api/v1/breakfast/meals", {"card_token": _typed(world).replace(" ", "")})
    assert (second.status_code, second.json()["code"]) == (409, "already_served")
    with scopes_disabled():
        right = card_code(membership=world.people[1].memberships.get())
    wrong = api.post(
        "/api/v1/breakfast/meals",
        {"card_token": _typed(world, 1, code=f"{(int(right) + 1) % 1_000_000:06d}")},
    )
    assert (wrong.status_code, wrong.json()["code"]) == (409, "card_forged")
    with scopes_disabled():
        assert Meal.objects.count() == 1


def test_staff_create_schedule_and_read_a_campaign(world, tree, as_staff):
    api = as_staff(world.staff)
    now = timezone.now()
    body = {
        "org": tree.fangshan.pk,
        "merchant": world.theatre.pk,
        "title": "游泳体验券",
        "face_value": "50",
        "quota": 3,
        "release_at": (now + timedelta(hours=1)).isoformat(),
        "claim_until": (now + timedelta(days=2)).isoformat(),
        "valid_from": str(timezone.localdate()),
        "valid_until": str(timezone.localdate() + timedelta(days=30)),
    }
    bad = api.post(f"{STAFF}/campaigns", {**body, "quota": 0})
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["body.quota"]
    bad = api.post(f"{STAFF}/campaigns", {**body, "face_value": "5.001", "valid_until": "2000-01-01"})
    assert bad.status_code == 422
    assert {"body.face_value", "body.valid_until"} <= set(bad.json()["fields"])
    made = api.post(f"{STAFF}/campaigns", body)
    assert made.status_code == 201, made.content
    campaign = made.json()
    assert campaign["status"] == "draft" and campaign["voucher_figures"]["quota"] == 0
    moved = api.post(f"{STAFF}/campaigns/{campaign['id']}/transition", {"to": "scheduled"})
    assert moved.json()["status"] == "scheduled" and moved.json()["voucher_figures"]["quota"] == 3
    illegal = api.post(f"{STAFF}/campaigns/{campaign['id']}/transition", {"to": "scheduled", "extra": 1})
    assert illegal.status_code == 422 and "body.extra" in illegal.json()["fields"]
    titles = [c["title"] for c in api.get(f"{STAFF}/campaigns").json()["items"]]
    assert "游泳体验券" in titles and "话剧《龙须沟》体验券" in titles

    _claimed(world)
    detail = api.get(f"{STAFF}/campaigns/{world.campaign.pk}").json()
    assert detail["voucher_figures"]["claimed"] == 1 and detail["voucher_figures"]["members_reached"] == 1

    api = as_staff(world.shunyi_staff)
    assert api.get(f"{STAFF}/campaigns/{world.campaign.pk}").status_code == 404
    assert "游泳体验券" not in str(api.get(f"{STAFF}/campaigns").json())
    assert api.post(f"{STAFF}/campaigns/{world.campaign.pk}/transition", {"to": "closed"}).status_code == 404


def test_staff_merchants_statements_and_programmes(world, tree, as_staff):
    voucher = _claimed(world)
    api = as_staff(world.theatre_clerk)
    api.post("/api/v1/vouchers/redeem", {"code": voucher.code})
    with scopes_disabled():
        statements_generate(month=timezone.localdate())
        statement = Statement.objects.get(merchant=world.theatre)

    api = as_staff(world.staff)
    names = [m["name"] for m in api.get(f"{STAFF}/merchants").json()["items"]]
    assert names == sorted(["房山大剧院", "老街坊面馆"])
    theatre = api.get(f"{STAFF}/merchants/{world.theatre.pk}").json()
    assert theatre["agreements"][0]["discount_percent"] == "20.00" and theatre["clerks"] == 1
    made = api.post(f"{STAFF}/merchants", {"org": tree.fangshan.pk, "name": "良乡健身房", "kind": "gym"})
    assert made.status_code == 201, made.content

    listed = api.get(f"{STAFF}/statements").json()["items"]
    assert statement.pk in [s["id"] for s in listed]
    one = api.get(f"{STAFF}/statements/{statement.pk}").json()
    assert (one["amount_due"], len(one["lines"])) == ("80.00", 1)
    export = api.get(f"{STAFF}/statements/{statement.pk}/export")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    approved = api.post(f"{STAFF}/statements/{statement.pk}/approve")
    assert approved.json()["status"] == "approved"
    twice = api.post(f"{STAFF}/statements/{statement.pk}/approve")
    assert (twice.status_code, twice.json()["code"]) == (409, "approved")

    programme = api.get(f"{STAFF}/breakfast/programmes/{world.programme.pk}").json()
    assert programme["pool_state"]["balance"] == "1000.00" and programme["enrolled"] == 3
    url = f"{STAFF}/breakfast/programmes/{world.programme.pk}"
    for amount in ("-5", "5.001", 0):
        refused = api.post(f"{url}/funding", {"source": "government", "amount": amount})
        assert refused.status_code == 422 and "body.amount" in refused.json()["fields"], amount
        refused = api.post(f"{url}/donations", {"donor": "某公司", "amount": amount})
        assert refused.status_code == 422 and "body.amount" in refused.json()["fields"], amount
    funded = api.post(f"{url}/funding", {"source": "merchant_discounts", "amount": "200.50"})
    assert funded.status_code == 201 and funded.json()["pool_state"]["balance"] == "1200.50"
    donated = api.post(f"{url}/donations", {"donor": "某公司", "amount": 300})
    assert donated.json()["number"].startswith("JZ") and donated.json()["pool_state"]["balance"] == "1500.50"
    figures = api.get(f"{STAFF}/benefits/figures").json()
    assert figures["vouchers"]["used"] == 1
    assert figures["money_by_source"] == {
        "government": "1000.00",
        "donations": "300.00",
        "merchant_discounts": "200.50",
    }

    api = as_staff(world.shunyi_staff)
    for path in (
        f"/merchants/{world.theatre.pk}",
        f"/statements/{statement.pk}",
        f"/statements/{statement.pk}/export",
        f"/breakfast/programmes/{world.programme.pk}",
    ):
        assert api.get(STAFF + path).status_code == 404, path
    assert api.get(f"{STAFF}/breakfast/programmes").json()["items"] == []
    assert api.get(f"{STAFF}/statements").json()["items"] == []
    assert api.get(f"{STAFF}/benefits/figures").json()["vouchers"]["claimed"] == 0
    assert api.post(f"{url}/donations", {"donor": "x", "amount": 1}).status_code == 404
    with scopes_disabled():
        assert Voucher.objects.filter(used_at__isnull=False).count() == 1


def test_staff_without_the_flag_are_refused(world, personas, as_staff, tree):
    api = as_staff(personas["union_a_staff"])
    assert api.get(f"{STAFF}/campaigns").status_code == 403
    api = as_staff(personas["fangshan_viewer"])
    answer = api.get(f"{STAFF}/campaigns/{world.campaign.pk}")
    assert answer.status_code in (403, 404)
