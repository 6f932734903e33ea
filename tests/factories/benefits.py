"""A benefits world on the test tree: a theatre and a noodle shop under 房山, their clerks, a
running first-come campaign, a breakfast programme with the noodle shop, and workers (members of
甲公司工会 under 房山, one of 丙公司工会 under 顺义)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.benefits.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    LedgerAccount,
    Merchant,
    MerchantKind,
    Programme,
    ProgrammeShop,
)
from smartunion.benefits.services.breakfast import enrol, funding_record, shop_add
from smartunion.benefits.services.campaigns import CampaignInput, campaign_create, campaign_transition
from smartunion.benefits.services.merchants import (
    agreement_add,
    clerk_link,
    merchant_save,
    programme_save,
    store_add,
)
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import OccupationTag, Person
from tests.factories import StaffFactory, WorkerFactory, make_person


@dataclass
class BenefitsWorld:
    staff: User  # union staff of 房山
    shunyi_staff: User
    theatre: Merchant
    noodles: Merchant
    theatre_clerk: User
    noodle_clerk: User
    campaign: Campaign
    programme: Programme
    shop: ProgrammeShop
    workers: list[User] = field(default_factory=list)  # members of 甲公司工会 (房山)
    people: list[Person] = field(default_factory=list)
    shunyi_worker: User | None = None


def make_worker(org, *, name: str = "张三", tags: tuple[str, ...] = ()) -> tuple[User, Person]:
    user = WorkerFactory()
    person, _membership = make_person(org=org, real_name=name, user=user)
    if tags:
        with scopes_disabled():
            person.occupation_tags.set(OccupationTag.objects.filter(code__in=tags))
    return user, person


def campaign_input(world_or_org, merchant: Merchant, **overrides) -> CampaignInput:
    now = timezone.now()
    today = timezone.localdate()
    values = {
        "org": world_or_org,
        "merchant": merchant,
        "title": "话剧《龙须沟》体验券",
        "kind": CampaignKind.FIRST_COME,
        "face_value": "100",
        "quota": 5,
        "per_member_limit": 1,
        "release_at": now - timedelta(minutes=5),
        "claim_until": now + timedelta(days=3),
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
    }
    values.update(overrides)
    return CampaignInput(**values)


def make_campaign(staff: User, org, merchant: Merchant, *, schedule: bool = True, **overrides) -> Campaign:
    with scopes_disabled():
        campaign = campaign_create(actor=staff, data=campaign_input(org, merchant, **overrides))
        if schedule:
            campaign = campaign_transition(actor=staff, campaign=campaign, to=CampaignStatus.SCHEDULED)
    return campaign


def make_clerk(merchant: Merchant, org, username: str) -> User:
    clerk = StaffFactory(username=username, home_org=org, roles=[("merchant_clerk", org)])
    with scopes_disabled():
        admin = StaffFactory(username=f"{username}.admin", home_org=org, roles=[("union_staff", org)])
        clerk_link(actor=admin, merchant=merchant, user=clerk)
    return clerk


def make_benefits_world(tree, *, workers: int = 3) -> BenefitsWorld:
    staff = StaffFactory(
        username="fs.benefits", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
    )
    shunyi_staff = StaffFactory(
        username="sy.benefits", home_org=tree.shunyi, roles=[("union_staff", tree.shunyi)]
    )
    with scopes_disabled():
        theatre = merchant_save(actor=staff, org=tree.fangshan, name="房山大剧院", kind=MerchantKind.THEATRE)
        store_add(
            actor=staff,
            merchant=theatre,
            name="房山大剧院",
            address="北京市房山区良乡镇",
            division_code="110111",
        )
        today = timezone.localdate()
        agreement_add(
            actor=staff,
            merchant=theatre,
            signed_on=today - timedelta(days=40),
            starts_on=today - timedelta(days=40),
            ends_on=today + timedelta(days=365),
            discount_percent="20",
        )
        noodles = merchant_save(
            actor=staff, org=tree.fangshan, name="老街坊面馆", kind=MerchantKind.NOODLE_SHOP
        )
        store_add(actor=staff, merchant=noodles, name="老街坊面馆（拱辰店）", address="北京市房山区拱辰街道")
    theatre_clerk = make_clerk(theatre, tree.fangshan, "theatre.clerk")
    noodle_clerk = make_clerk(noodles, tree.fangshan, "noodle.clerk")
    with scopes_disabled():
        campaign = make_campaign(staff, tree.fangshan, theatre)
        programme = programme_save(
            actor=staff,
            org=tree.fangshan,
            name="房山区爱心早餐",
            starts_on=timezone.localdate() - timedelta(days=10),
            occupation_tags=["sanitation"],
        )
        shop = shop_add(
            actor=staff, programme=programme, merchant=noodles, meal="一碗面加一个鸡蛋", price="8"
        )
        funding_record(
            actor=staff,
            programme=programme,
            source=LedgerAccount.GOVERNMENT,
            amount=Decimal("1000"),
            memo="区财政",
        )
    world = BenefitsWorld(
        staff, shunyi_staff, theatre, noodles, theatre_clerk, noodle_clerk, campaign, programme, shop
    )
    for i in range(workers):
        user, person = make_worker(
            tree.union_a, name=f"李{'一二三四五六七八九十'[i % 10]}", tags=("sanitation",)
        )
        world.workers.append(user)
        world.people.append(person)
    with scopes_disabled():
        enrol(actor=staff, programme=programme, people=world.people)
    world.shunyi_worker, _person = make_worker(tree.union_c, name="王五")
    return world
