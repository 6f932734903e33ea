"""The benefits services end to end, in-process: claims, redemption, meals, the pool, statements,
the lottery."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from smartunion.benefits.models import CampaignKind, CampaignStatus, LedgerAccount, Voucher
from smartunion.benefits.services import claims
from smartunion.benefits.services.breakfast import donation_record, meal_record, pool_state
from smartunion.benefits.services.campaigns import campaign_clock, lottery_verify, registration_create
from smartunion.benefits.services.common import Refused
from smartunion.benefits.services.redemption import voucher_redeem, voucher_token
from smartunion.benefits.services.settlement import statement_approve, statements_generate
from smartunion.core.errors import ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_token
from tests.factories.benefits import make_benefits_world, make_campaign, make_worker


@pytest.fixture(autouse=True)
def _system_scope():
    # These tests call the services as the ends do inside a request's scope; the scope itself is
    # tested in tests/scope.
    with scopes_disabled():
        yield


@pytest.fixture
def world(tree):
    claims.use_backend("auto")
    return make_benefits_world(tree)


class _Refused:
    def __init__(self, code):
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        assert isinstance(exc, Refused), f"expected a refusal {self.code}, got {exc!r}"
        assert exc.code == self.code, f"expected {self.code}, got {exc.code}: {exc.message}"
        return True


def test_claims_stop_at_the_quota_and_the_limit(world, tree):
    first = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="k1")
    assert not first.replayed and first.voucher.holder_slot == 1
    again = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="k1")
    assert again.replayed and again.voucher.pk == first.voucher.pk
    with _Refused("limit_reached"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="k2")
    for user in world.workers[1:]:
        claims.voucher_claim(campaign_id=world.campaign.pk, user=user)
    extra = [make_worker(tree.union_b)[0] for _ in range(3)]
    claims.voucher_claim(campaign_id=world.campaign.pk, user=extra[0])
    claims.voucher_claim(campaign_id=world.campaign.pk, user=extra[1])
    with _Refused("sold_out"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=extra[2])
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=world.campaign, holder__isnull=False).count() == 5


def test_ineligible_and_closed_claims_are_refused(world, tree):
    with _Refused("not_eligible"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=world.shunyi_worker)
    later = make_campaign(
        world.staff, tree.fangshan, world.theatre, release_at=timezone.now() + timedelta(hours=1)
    )
    with _Refused("not_open"):
        claims.voucher_claim(campaign_id=later.pk, user=world.workers[0])


def test_the_database_refuses_a_claim_beyond_the_limit_even_if_the_code_is_wrong(world):
    claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0])
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        free = Voucher.objects.filter(campaign=world.campaign, holder__isnull=True).first()
        free.holder, free.holder_slot, free.claimed_at = world.workers[0], 2, timezone.now()
        free.save()


def test_a_voucher_is_used_once_at_its_own_merchant(world):
    voucher = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
    with _Refused("other_merchant"):
        voucher_redeem(actor=world.noodle_clerk, code=voucher.code)
    done = voucher_redeem(actor=world.theatre_clerk, code=voucher_token(voucher=voucher))
    assert done.face_value == "100.00"
    with _Refused("used"):
        voucher_redeem(actor=world.theatre_clerk, code=voucher.code.lower())
    with _Refused("forged"):
        voucher_redeem(actor=world.theatre_clerk, code="ABCDE-FGHJK")


def test_breakfast_once_a_day_from_the_pool(world):
    membership = world.people[0].memberships.get()
    token = card_token(membership=membership)
    served = meal_record(actor=world.noodle_clerk, card_token=token)
    assert served.meal.price == Decimal("8.00")
    with _Refused("already_served"):
        meal_record(actor=world.noodle_clerk, card_token=token)
    state = pool_state(programme=world.programme)
    assert state.balance == Decimal("992.00")
    with _Refused("shop_not_in_programme"):
        meal_record(actor=world.theatre_clerk, card_token=token)
    with pytest.raises(ValidationFailed):
        donation_record(actor=world.staff, programme=world.programme, donor="某公司", amount="-5")
    with pytest.raises(ValidationFailed):
        donation_record(actor=world.staff, programme=world.programme, donor="某公司", amount="5.001")
    donation_record(actor=world.staff, programme=world.programme, donor="某公司", amount="500")
    assert pool_state(programme=world.programme).balance == Decimal("1492.00")
    assert pool_state(programme=world.programme).by_source[LedgerAccount.DONATIONS] == Decimal("500.00")


def test_statements_settle_and_stay_fixed(world):
    voucher = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
    voucher_redeem(actor=world.theatre_clerk, code=voucher.code)
    meal_record(actor=world.noodle_clerk, card_token=card_token(membership=world.people[1].memberships.get()))
    statements = statements_generate(month=timezone.localdate())
    theatre = next(s for s in statements if s.merchant_id == world.theatre.pk)
    assert (theatre.items, theatre.face_total, theatre.amount_due) == (1, Decimal("100.00"), Decimal("80.00"))
    noodles = next(s for s in statements if s.merchant_id == world.noodles.pk)
    assert noodles.amount_due == Decimal("8.00")
    statement_approve(actor=world.staff, statement=theatre)
    second = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[1]).voucher
    voucher_redeem(actor=world.theatre_clerk, code=second.code)
    later = statements_generate(month=timezone.localdate())
    adjusting = next(s for s in later if s.merchant_id == world.theatre.pk)
    assert adjusting.kind == "adjusting" and adjusting.items == 1
    theatre.refresh_from_db()
    assert theatre.items == 1
    with _Refused("approved"):
        statement_approve(actor=world.staff, statement=theatre)


def test_the_lottery_reruns_from_its_seed(world, tree):
    campaign = make_campaign(world.staff, tree.fangshan, world.theatre, kind=CampaignKind.LOTTERY, quota=2)
    for user in world.workers:
        registration_create(campaign=campaign, user=user)
    with _Refused("already_registered"):
        registration_create(campaign=campaign, user=world.workers[0])
    with scopes_disabled():
        type(campaign).objects.filter(pk=campaign.pk).update(
            claim_until=timezone.now() - timedelta(seconds=1)
        )
    campaign_clock()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED and campaign.drawn_at
    check = lottery_verify(campaign=campaign)
    assert check.same and len(check.winners) == 2
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=campaign, holder__isnull=False).count() == 2


@pytest.fixture
def redis_claims(settings):
    import os

    import redis

    url = f"redis://127.0.0.1:6379/{8 + os.getpid() % 8}"  # a database of its own per test process
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.BENEFITS_REDIS_URL = url
    backend = claims.use_backend("redis")
    backend.client.flushdb()
    yield backend
    backend.client.flushdb()
    claims.use_backend("auto")


def test_redis_gate_then_flush_and_reconcile(world, tree, redis_claims):
    claims.use_backend("redis")
    users = world.workers + [make_worker(tree.union_b)[0] for _ in range(4)]
    claims.voucher_claim(campaign_id=world.campaign.pk, user=users[0], idempotency_key="a")
    with _Refused("limit_reached"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=users[0], idempotency_key="b")
    assert claims.voucher_claim(campaign_id=world.campaign.pk, user=users[0], idempotency_key="a").replayed
    claims.voucher_claim(campaign_id=world.campaign.pk, user=users[1])
    redis_claims.client.flushdb()  # Redis loses everything mid-campaign
    claims.voucher_claim(campaign_id=world.campaign.pk, user=users[2])  # reloads from the database
    with _Refused("limit_reached"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=users[1])
    assert claims.reconcile() == [world.campaign.pk]
    # Redis evicts one key alone: the campaign reads as not loaded and is rebuilt, not shut.
    redis_claims.client.delete(f"smartunion:benefits:campaign:{world.campaign.pk}:free")
    claims.voucher_claim(campaign_id=world.campaign.pk, user=users[3])
    claims.voucher_claim(campaign_id=world.campaign.pk, user=users[4])
    with _Refused("sold_out"):
        claims.voucher_claim(campaign_id=world.campaign.pk, user=users[5])
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=world.campaign, holder__isnull=False).count() == 5
    assert redis_claims.client.lrange(f"smartunion:benefits:campaign:{world.campaign.pk}:free", 0, -1) == [
        b"0"
    ]


def test_sold_out_is_answered_with_no_query_and_a_holders_retry_still_gets_its_voucher(
    world, tree, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(claims, "CAMPAIGN_TTL_SECONDS", 600.0)  # the campaign stays read once
    monkeypatch.setattr(claims, "SOLD_OUT_SETTLE_SECONDS", 0.0)  # no claim is in flight here
    campaign = world.campaign
    holders = list(world.workers) + [make_worker(tree.union_b)[0] for _ in range(campaign.quota - 3)]
    won = {
        u.pk: claims.voucher_claim(campaign_id=campaign.pk, user=u, idempotency_key=f"k{u.pk}")
        for u in holders
    }
    latecomers = [make_worker(tree.union_b)[0] for _ in range(3)]
    with _Refused("sold_out"):  # found sold out by the database; the holders are read once
        claims.voucher_claim(campaign_id=campaign.pk, user=latecomers[0], idempotency_key="x0")
    with django_assert_num_queries(0), _Refused("sold_out"):
        claims.voucher_claim(campaign_id=campaign.pk, user=latecomers[1], idempotency_key="x1")
    # A holder whose answer was lost retries with the same key: the same voucher, not "sold out".
    retry = claims.voucher_claim(
        campaign_id=campaign.pk, user=holders[1], idempotency_key=f"k{holders[1].pk}"
    )
    assert retry.replayed and retry.voucher.pk == won[holders[1].pk].voucher.pk
    with _Refused("sold_out"):  # a holder's new key claims nothing more
        claims.voucher_claim(campaign_id=campaign.pk, user=holders[1], idempotency_key="another")
    # A claim that committed after the holders were read (here: written behind the process's back)
    # is found once the reading is a second old.
    late = latecomers[2]
    with scopes_disabled():
        Voucher.objects.filter(pk=won[holders[0].pk].voucher.pk).update(holder=late, idempotency_key="late")
    monkeypatch.setattr(claims, "SOLD_OUT_HOLDERS_REFRESH_SECONDS", 0.0)
    again = claims.voucher_claim(campaign_id=campaign.pk, user=late, idempotency_key="late")
    assert again.replayed and again.voucher.pk == won[holders[0].pk].voucher.pk
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=campaign, holder__isnull=False).count() == campaign.quota


def test_redis_behind_the_database_hands_out_a_taken_voucher_and_nothing_is_oversold(
    world, tree, redis_claims
):
    from smartunion.benefits.policies import member_of

    campaign = world.campaign
    users = list(world.workers) + [make_worker(tree.union_b)[0] for _ in range(campaign.quota)]
    first = claims.voucher_claim(campaign_id=campaign.pk, user=users[0]).voucher  # loads Redis
    # A claim written to the database behind Redis's back takes the row Redis would hand out next.
    behind = redis_claims.database.claim(campaign=campaign, user=users[1], member=member_of(users[1]), key="")
    taken = {first.pk, behind.pk}
    for user in users[2 : campaign.quota]:
        voucher = claims.voucher_claim(campaign_id=campaign.pk, user=user).voucher
        assert voucher.pk not in taken  # the stale id was refused; another free row was taken
        taken.add(voucher.pk)
    with _Refused("sold_out"):
        claims.voucher_claim(campaign_id=campaign.pk, user=users[campaign.quota])
    with scopes_disabled():
        rows = Voucher.objects.filter(campaign=campaign, holder__isnull=False)
        assert rows.count() == campaign.quota and set(rows.values_list("id", flat=True)) == taken
    # Nothing left to hand out but the list's end (the sentinel that answers sold out).
    assert redis_claims.client.lrange(f"smartunion:benefits:campaign:{campaign.pk}:free", 0, -1) == [b"0"]


# --- What a stranger's review found (each refused or answered, never a 500) --------------------------


def test_a_draft_is_not_found_and_an_ineligible_worker_learns_nothing_of_the_window(world, tree):
    draft = make_campaign(world.staff, tree.fangshan, world.theatre, schedule=False)
    with _Refused("not_found"):
        claims.voucher_claim(campaign_id=draft.pk, user=world.workers[0])
    later = make_campaign(
        world.staff, tree.fangshan, world.theatre, release_at=timezone.now() + timedelta(hours=2)
    )
    with _Refused("not_eligible"):  # not "opens at ..." for a 顺义 worker
        claims.voucher_claim(campaign_id=later.pk, user=world.shunyi_worker)
    lottery = make_campaign(world.staff, tree.fangshan, world.theatre, kind=CampaignKind.LOTTERY)
    with _Refused("not_eligible"):
        claims.voucher_claim(campaign_id=lottery.pk, user=world.shunyi_worker)


def test_one_breakfast_a_day_whatever_the_programme(world, tree):
    from smartunion.benefits.models import MerchantKind
    from smartunion.benefits.services.breakfast import enrol, shop_add
    from smartunion.benefits.services.merchants import merchant_save, programme_save
    from tests.factories.benefits import make_clerk

    other = programme_save(
        actor=world.staff, org=tree.fangshan, name="第二个早餐项目", starts_on=timezone.localdate()
    )
    shop = merchant_save(actor=world.staff, org=tree.fangshan, name="另一面馆", kind=MerchantKind.NOODLE_SHOP)
    shop_add(actor=world.staff, programme=other, merchant=shop, meal="一碗面", price="6")
    enrol(actor=world.staff, programme=other, people=[world.people[0]])
    clerk = make_clerk(shop, tree.fangshan, "other.clerk")
    token = card_token(membership=world.people[0].memberships.get())
    meal_record(actor=world.noodle_clerk, card_token=token)
    with _Refused("already_served"):
        meal_record(actor=clerk, card_token=token)


def test_a_lottery_closed_by_hand_is_still_drawn(world, tree):
    from smartunion.benefits.services.campaigns import campaign_transition

    campaign = make_campaign(world.staff, tree.fangshan, world.theatre, kind=CampaignKind.LOTTERY, quota=1)
    registration_create(campaign=campaign, user=world.workers[0])
    campaign_transition(actor=world.staff, campaign=campaign, to=CampaignStatus.CLOSED)
    assert campaign_clock()["drawn"] == 1
    campaign.refresh_from_db()
    assert campaign.drawn_at and lottery_verify(campaign=campaign).same


def test_the_statement_workbook_writes_text_never_formulas(world):
    from smartunion.benefits.services.merchants import merchant_save
    from smartunion.benefits.services.settlement import statement_xlsx

    merchant_save(
        actor=world.staff,
        org=world.theatre.org,
        name='=HYPERLINK("http://evil.example","x")',
        kind="theatre",
        merchant=world.theatre,
    )
    voucher = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
    voucher_redeem(actor=world.theatre_clerk, code=voucher.code)
    statement = statements_generate(month=timezone.localdate())[0]
    import io
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(statement_xlsx(statement=statement))).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet


def test_a_clerk_of_a_merchant_that_left_verifies_nothing(world):
    from smartunion.benefits.services.merchants import merchant_save
    from smartunion.core.errors import Forbidden

    voucher = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
    merchant_save(
        actor=world.staff,
        org=world.theatre.org,
        name=world.theatre.name,
        kind="theatre",
        merchant=world.theatre,
        active=False,
    )
    world.theatre_clerk = type(world.theatre_clerk).objects.get(pk=world.theatre_clerk.pk)  # a new request
    with pytest.raises(Forbidden):
        voucher_redeem(actor=world.theatre_clerk, code=voucher.code)


def test_unusual_digits_in_tags_are_refused_on_the_field(world, tree):
    from smartunion.benefits.services.campaigns import campaign_create
    from tests.factories.benefits import campaign_input

    with pytest.raises(ValidationFailed) as refused:
        campaign_create(
            actor=world.staff, data=campaign_input(tree.fangshan, world.theatre, occupation_tags=["²"])
        )
    assert "occupation_tags" in refused.value.fields
