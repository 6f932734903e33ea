"""Demo benefits for ``seed_demo``: merchants, the catalogue, campaigns and the love-breakfast
programme, so a new user sees them after ``make run``. Deterministic from the tree; written through
the services (``merchant_save``, ``store_add``, ``agreement_add``, ``clerk_link``, ``service_save``,
``campaign_create``/``campaign_transition``, ``voucher_claim``, ``voucher_redeem``,
``registration_create``, ``programme_save``, ``shop_add``, ``enrol``, ``funding_record``,
``donation_record``, ``meal_record``, ``statements_generate``), then dated back where the story
needs a past (as ``cases.demo`` does).

- **Merchants** in 房山, 顺义 and 东城 (a theatre, a cinema, a gym, a clinic, a training school, a
  transport service, restaurants, and four noodle shops for breakfast in 房山), each with stores
  (address, division code, coordinates) and an agreement; **services** in every category.
- **Clerks**: ``city.merchant_clerk`` works at the theatre, ``fangshan.merchant_clerk`` at the first
  noodle shop, ``shunyi.merchant_clerk`` at the cinema; the other merchants get a clerk account
  without a password (``<slug>.clerk``) so that their redemptions and meals have a clerk.
- **Campaigns**: a running first-come theatre campaign for 房山 and a city-wide cinema one, of which
  王建国 (the only demo worker who is an active member) holds vouchers, one used today at each; a
  gym campaign whose voucher he used last month (so last month's statement has a line); a scheduled
  training campaign; a city-wide lottery he registered for.
- **Breakfast** (爱心早餐) run by 房山区总工会 for sanitation workers, at the four noodle shops:
  government funding, a donation, a merchant discount entry, the sanitation-tagged active members
  of 房山 enrolled, and a meal most working days since the first of last month (today's through
  ``meal_record`` with each worker's card, the earlier ones dated back), so the pool's days-left
  figure is meaningful. The generated tree gives 房山 few sanitation workers or none: the step
  tags a dozen of 房山's members with ``sanitation`` when there are fewer (the street-cleaning
  crews of the story).
- **Statements**: last month's, generated.

Why a hook: ``seed_demo`` lives in ``members``, below ``benefits``; ``benefits/apps.py`` adds this
step to ``members.demo.DEMO_STEPS`` in ``ready()``, as ``cases`` does. One audit record (counts
only) marks the run: a second ``seed_demo`` adds nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from smartunion.accounts.models import Role, RoleGrant, User, UserKind
from smartunion.benefits.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    LedgerAccount,
    LedgerEntry,
    Meal,
    Merchant,
    MerchantKind,
    ProgrammeShop,
    ServiceCategory,
    Statement,
    Voucher,
)
from smartunion.benefits.services.breakfast import (
    donation_record,
    enrol,
    funding_record,
    meal_record,
    shop_add,
)
from smartunion.benefits.services.campaigns import (
    CampaignInput,
    campaign_create,
    campaign_transition,
    registration_create,
)
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.merchants import (
    agreement_add,
    clerk_link,
    merchant_save,
    programme_save,
    service_save,
    store_add,
)
from smartunion.benefits.services.redemption import voucher_redeem
from smartunion.benefits.services.settlement import month_start, statements_generate
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.models import AuditEvent
from smartunion.core.personal import mobile_index
from smartunion.core.scoping import scopes_disabled
from smartunion.members import demo as members_demo
from smartunion.members.models import Membership, MembershipStatus, OccupationTag, Person
from smartunion.members.services.cards import card_token
from smartunion.orgs import demo as orgs_demo
from smartunion.orgs.models import Org

MARKER_ACTION = AuditAction.DEMO_BENEFITS
FS, SY, DC = "110111", "110113", "110101"
WORKER_MOBILE = "13800130001"  # 王建国 (orgs.demo.plan_accounts), the demo worker who is a member
SANITATION_WORKERS = 12  # at least this many sanitation workers in 房山's programme
K = MerchantKind


@dataclass(frozen=True)
class Shop:
    """A merchant to register: the district it is registered in, its stores (name, address,
    division code, latitude, longitude), the agreed discount and who clerks for it."""

    slug: str
    district: str
    name: str
    kind: str
    stores: tuple[tuple[str, str, str, str, str], ...]
    discount: str = "10"
    clerk: str = ""  # a demo staff account's username, else a clerk account without a password
    contact: tuple[str, str] = ("", "")


MERCHANTS: tuple[Shop, ...] = (
    Shop("liangxiang-theatre", FS, "良乡大剧院", K.THEATRE,
         (("良乡大剧院", "北京市房山区良乡拱辰北大街1号", "110111", "39.735200", "116.139800"),),
         discount="20", clerk="city.merchant_clerk", contact=("周经理", "010-69351234")),
    Shop("changyang-gym", FS, "长阳全民健身中心", K.GYM,
         (("长阳全民健身中心", "北京市房山区长阳镇长政南街8号", "110111", "39.766500", "116.205300"),),
         discount="15"),
    Shop("fangshan-school", FS, "房山区职工技能培训学校", K.SCHOOL,
         (("本部", "北京市房山区城关街道政通路16号", "110111", "39.705900", "116.010200"),),
         discount="25"),
    Shop("jingxi-restaurant", FS, "京西农家菜馆", K.RESTAURANT,
         (("京西农家菜馆（良乡店）", "北京市房山区良乡镇苏庄大街23号", "110111", "39.727800", "116.150400"),),
         discount="12"),
    Shop("laojiefang-noodles", FS, "老街坊面馆", K.NOODLE_SHOP,
         (("老街坊面馆（拱辰店）", "北京市房山区拱辰街道西潞大街5号", "110111", "39.731500", "116.133700"),
          ("老街坊面馆（长阳店）", "北京市房山区长阳镇昊天大街12号", "110111", "39.760200", "116.197800")),
         discount="0", clerk="fangshan.merchant_clerk", contact=("刘师傅", "13910010001")),
    Shop("liji-noodles", FS, "李记早点面馆", K.NOODLE_SHOP,
         (("李记早点面馆", "北京市房山区城关街道城关大街40号", "110111", "39.702300", "116.003800"),),
         discount="0"),
    Shop("gongchen-noodles", FS, "拱辰牛肉面", K.NOODLE_SHOP,
         (("拱辰牛肉面", "北京市房山区拱辰街道行宫园一里3号", "110111", "39.726100", "116.128900"),),
         discount="0"),
    Shop("yanshan-noodles", FS, "燕山刀削面馆", K.NOODLE_SHOP,
         (("燕山刀削面馆", "北京市房山区燕山迎风街15号", "110111", "39.716800", "115.970600"),),
         discount="0"),
    Shop("shunyi-cinema", SY, "顺义影城", K.THEATRE,
         (("顺义影城（新城店）", "北京市顺义区府前中街6号", "110113", "40.130100", "116.654900"),),
         discount="30", clerk="shunyi.merchant_clerk", contact=("孙经理", "010-69441234")),
    Shop("shunkang-clinic", SY, "顺康中医诊所", K.CLINIC,
         (("顺康中医诊所", "北京市顺义区光明南街11号", "110113", "40.125400", "116.650100"),),
         discount="10"),
    Shop("chaobai-restaurant", SY, "潮白河鱼馆", K.RESTAURANT,
         (("潮白河鱼馆", "北京市顺义区滨河路20号", "110113", "40.121700", "116.665300"),),
         discount="12"),
    Shop("jingtong-transport", DC, "京通职工通勤服务公司", K.TRANSPORT,
         (("东城服务点", "北京市东城区东直门南大街3号", "110101", "39.940200", "116.433800"),),
         discount="5"),
)  # fmt: skip
NOODLE_SLUGS = ("laojiefang-noodles", "liji-noodles", "gongchen-noodles", "yanshan-noodles")
MEALS = {
    "laojiefang-noodles": ("一碗炸酱面加一个鸡蛋", "9.00"),
    "liji-noodles": ("一碗打卤面加一根油条", "8.00"),
    "gongchen-noodles": ("一碗牛肉面", "10.00"),
    "yanshan-noodles": ("一碗刀削面加一个鸡蛋", "9.00"),
}
# (merchant slug, category code, title, benefit, member price, the district it is for ("" city))
SERVICES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("jingxi-restaurant", "dining", "职工家常套餐", "会员八八折", "38.00", FS),
    ("chaobai-restaurant", "dining", "潮白河鲜鱼宴", "会员九折，送一道凉菜", "", SY),
    ("jingtong-transport", "transport", "职工通勤班车月票", "会员月票立减50元", "150.00", ""),
    ("fangshan-school", "online_education", "电工上岗证网课", "会员免费学习，考证费减半", "0.00", FS),
    ("fangshan-school", "online_education", "办公软件在线课程", "会员免费", "0.00", ""),
    ("liangxiang-theatre", "performances", "周末话剧专场", "会员票价五折", "60.00", ""),
    ("shunyi-cinema", "performances", "工会观影日", "每周二会员票19.9元", "19.90", ""),
    ("changyang-gym", "sports", "健身房季卡", "会员价七五折", "450.00", FS),
    ("shunkang-clinic", "health", "职工中医体检", "会员免挂号费，体检八折", "120.00", SY),
    ("fangshan-school", "more", "职工子女暑期托管", "会员子女优先报名，费用八折", "800.00", FS),
)


@dataclass
class BenefitsResult:
    created: bool
    counts: dict[str, int]
    seconds: float = 0.0


def benefits_marker() -> AuditEvent | None:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=MARKER_ACTION).order_by("seq").first()


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))


class _Builder:
    def __init__(self, *, seed: int, now: datetime):
        self.rng = random.Random(f"{seed}:benefits")  # noqa: S311 - reproducible demo data
        self.now = now
        self.today = timezone.localdate(now)
        self.last_month = month_start(month_start(self.today) - timedelta(days=1))
        self.districts = {o.region_code: o for o in Org.objects.filter(depth=2)}
        self.city = Org.objects.filter(depth=1).order_by("path").first()
        self.staff = {u.username: u for u in User.objects.filter(username__contains=".")}
        self.merchants: dict[str, Merchant] = {}
        self.clerks: dict[str, User] = {}
        self.counts: dict[str, int] = {}

    def ready(self) -> bool:
        wanted = ("city.union_staff", "fangshan.union_staff", "shunyi.union_staff")
        return self.city is not None and all(w in self.staff for w in wanted) and FS in self.districts

    def actor(self, district: str) -> User:
        return self.staff[
            {FS: "fangshan.union_staff", SY: "shunyi.union_staff"}.get(district, "city.union_staff")
        ]

    def org(self, district: str) -> Org:
        return self.districts.get(district) or self.city  # type: ignore[return-value]

    # --- Merchants and the catalogue ---

    def merchants_add(self) -> None:
        clerk_role = Role.objects.get(code="merchant_clerk")
        for shop in MERCHANTS:
            actor, org = self.actor(shop.district), self.org(shop.district)
            merchant = merchant_save(
                actor=actor,
                org=org,
                name=shop.name,
                kind=shop.kind,
                contact_name=shop.contact[0],
                contact_phone=shop.contact[1],
            )
            first = None
            for name, address, division, lat, lon in shop.stores:
                store = store_add(
                    actor=actor,
                    merchant=merchant,
                    name=name,
                    address=address,
                    division_code=division,
                    latitude=lat,
                    longitude=lon,
                )
                first = first or store
            signed = self.last_month - timedelta(days=20)
            agreement_add(
                actor=actor,
                merchant=merchant,
                signed_on=signed,
                starts_on=signed,
                ends_on=signed.replace(year=signed.year + 1),
                discount_percent=shop.discount,
                settlement_terms="按月结算：工会审核对账单后十个工作日内付款。",
            )
            clerk = self.staff.get(shop.clerk) if shop.clerk else None
            if clerk is None:
                clerk = User(
                    username=f"{shop.slug}.clerk",
                    kind=UserKind.STAFF,
                    display_name=f"{shop.name}核销员",
                    home_org=org,
                )
                clerk.set_unusable_password()
                clerk.save()
                RoleGrant.objects.create(user=clerk, role=clerk_role, org=org)
            clerk_link(actor=actor, merchant=merchant, user=clerk, store=first)
            self.merchants[shop.slug] = merchant
            self.clerks[shop.slug] = clerk
        self.counts["merchants"] = len(self.merchants)

    def services_add(self) -> None:
        categories = {c.code: c for c in ServiceCategory.objects.all()}
        for slug, category, title, benefit, price, district in SERVICES:
            if category not in categories:
                continue
            service_save(
                actor=self.actor(district),
                org=self.org(district),
                merchant=self.merchants[slug],
                category=categories[category],
                title=title,
                benefit=benefit,
                description=f"{self.merchants[slug].name}为工会会员提供：{benefit}。",
                member_price=price or None,
                available_from=self.last_month,
                available_until=self.today + timedelta(days=365),
            )
        self.counts["services"] = len(SERVICES)

    # --- Campaigns ---

    def campaign(self, district: str, slug: str, *, status: str = CampaignStatus.OPEN, **values) -> Campaign:
        data: dict[str, Any] = {
            "org": self.org(district),
            "merchant": self.merchants[slug],
            "kind": CampaignKind.FIRST_COME,
            "per_member_limit": 1,
            "release_at": self.now - timedelta(days=2),
            "claim_until": self.now + timedelta(days=12),
            "valid_from": self.today - timedelta(days=2),
            "valid_until": self.today + timedelta(days=60),
        }
        data.update(values)
        actor = self.actor(district)
        campaign = campaign_create(actor=actor, data=CampaignInput(**data))
        for to in (CampaignStatus.SCHEDULED, CampaignStatus.OPEN):
            campaign = campaign_transition(actor=actor, campaign=campaign, to=to)
            if to == status:
                break
        return campaign

    def campaigns_add(self, worker: User | None) -> None:
        theatre = self.campaign(
            FS, "liangxiang-theatre", title="良乡大剧院话剧《茶馆》体验券", face_value="100", quota=200,
            per_member_limit=2, benefit="凭券免费观看一场，限周末场次",
            description="房山区总工会会员专享。每位会员限领2张，领取后在剧院售票处出示券码核销。",
        )  # fmt: skip
        cinema = self.campaign(
            "", "shunyi-cinema", title="顺义影城观影券", face_value="40", quota=500,
            benefit="任意2D场次一张", description="全市会员可领，每人1张。",
            release_at=self.now - timedelta(hours=6),
        )  # fmt: skip
        gym = self.campaign(
            FS, "changyang-gym", title="长阳全民健身中心周卡体验券", face_value="80", quota=100,
            benefit="一周不限次健身", release_at=self.now - timedelta(days=45),
            valid_from=self.last_month,
        )  # fmt: skip
        self.campaign(
            FS, "fangshan-school", status=CampaignStatus.SCHEDULED, title="电工上岗证培训券", face_value="300",
            quota=50, benefit="培训费全免", release_at=self.now + timedelta(days=3),
            claim_until=self.now + timedelta(days=17), valid_from=self.today + timedelta(days=3),
        )  # fmt: skip
        lottery = self.campaign(
            "", "liangxiang-theatre", kind=CampaignKind.LOTTERY, title="新年音乐会门票抽签", face_value="280",
            quota=20, benefit="新年音乐会门票一张", release_at=self.now - timedelta(days=1),
            claim_until=self.now + timedelta(days=6), valid_from=self.today + timedelta(days=7),
            valid_until=self.today + timedelta(days=40),
            description="报名期结束后按公开的种子抽签，任何人可复核抽签结果。",
        )  # fmt: skip
        self.counts["campaigns"] = 5
        if worker is None:
            return
        # 王建国: two theatre vouchers (one used today), the cinema's (used today), the gym's (used
        # last month), and an entry in the lottery.
        claims = 0
        for campaign, n in ((theatre, 2), (cinema, 1), (gym, 1)):
            for i in range(n):
                voucher_claim(campaign_id=campaign.pk, user=worker, idempotency_key=f"demo-{campaign.pk}-{i}")
                claims += 1
        for campaign, slug in (
            (theatre, "liangxiang-theatre"),
            (cinema, "shunyi-cinema"),
            (gym, "changyang-gym"),
        ):
            voucher = Voucher.objects.filter(campaign=campaign, holder=worker).order_by("serial").first()
            assert voucher is not None
            voucher_redeem(actor=self.clerks[slug], code=voucher.code)
        used_on = self.last_month + timedelta(days=14)
        Voucher.objects.filter(campaign=gym, holder=worker).update(
            claimed_at=_aware(used_on - timedelta(days=2), 12, 5), used_at=_aware(used_on, 18, 40)
        )
        registration_create(campaign=lottery, user=worker)
        self.counts["claims"] = claims
        self.counts["redemptions"] = 3

    # --- Breakfast ---

    def breakfast_add(self) -> None:
        actor, org = self.actor(FS), self.org(FS)
        sanitation = OccupationTag.objects.filter(code="sanitation").first()
        if sanitation is None:
            return
        active = Membership.objects.filter(
            status=MembershipStatus.ACTIVE, org__path__startswith=org.path, person__user__isnull=True
        )
        tagged = active.filter(person__occupation_tags=sanitation)
        missing = SANITATION_WORKERS - tagged.count()
        if missing > 0:
            # The street-cleaning crews: members of 房山 not yet tagged, employees first.
            extra = list(
                active.exclude(person__occupation_tags=sanitation)
                .order_by(F("person__employer").asc(nulls_last=True), "pk")
                .values_list("person_id", flat=True)[:missing]
            )
            Person.occupation_tags.through.objects.bulk_create(
                [Person.occupation_tags.through(person_id=pk, occupationtag_id=sanitation.pk) for pk in extra]
            )
        programme = programme_save(
            actor=actor,
            org=org,
            name="房山区爱心早餐",
            starts_on=self.last_month,
            warn_days=14,
            occupation_tags=["sanitation"],
        )
        shops: list[ProgrammeShop] = []
        for slug in NOODLE_SLUGS:
            meal, price = MEALS[slug]
            shops.append(
                shop_add(
                    actor=actor,
                    programme=programme,
                    merchant=self.merchants[slug],
                    meal=meal,
                    price=price,
                    joined_on=self.last_month,
                )
            )
        memberships = list(tagged.select_related("person").order_by("pk"))
        added, _refused = enrol(actor=actor, programme=programme, people=[m.person for m in memberships])
        funding_record(
            actor=actor, programme=programme, source=LedgerAccount.GOVERNMENT, amount="6000.00",
            memo="区财政2025年度爱心早餐专项资金",
        )  # fmt: skip
        donation_record(
            actor=actor, programme=programme, donor="北京京西建材有限公司", amount="2000.00",
            received_on=self.last_month + timedelta(days=5), donor_contact="010-69301234",
        )  # fmt: skip
        funding_record(
            actor=actor, programme=programme, source=LedgerAccount.MERCHANT_DISCOUNTS, amount="300.00",
            memo="老街坊面馆每份让利1元（上月）",
        )  # fmt: skip
        start = self.last_month
        LedgerEntry.objects.filter(programme=programme).update(posted_at=_aware(start, 9))
        # Meals: most working days since the first of last month, each worker at their usual shop.
        past: list[Meal] = []
        day = start
        while day < self.today:
            if day.weekday() < 6:
                for n, membership in enumerate(memberships):
                    if self.rng.random() < 0.8:
                        shop = shops[n % len(shops)]
                        served = _aware(day, self.rng.choice((6, 7)), self.rng.randrange(60))
                        past.append(
                            Meal(
                                programme=programme,
                                shop=shop,
                                person=membership.person,
                                served_on=day,
                                served_at=served,
                                clerk=self.clerks[NOODLE_SLUGS[n % len(shops)]],
                                price=shop.price,
                            )
                        )
            day += timedelta(days=1)
        Meal.objects.bulk_create(past, batch_size=1000)
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    programme=programme,
                    posted_at=meal.served_at,
                    debit=LedgerAccount.MEALS,
                    credit=LedgerAccount.POOL,
                    amount=meal.price,
                    memo=meal.shop.merchant.name,
                    meal=meal,
                )
                for meal in past
            ],
            batch_size=1000,
        )
        # Today's, through the shop clerk's scan of each worker's card (the first few workers).
        today = 0
        for n, membership in enumerate(memberships[: max(1, len(memberships) * 2 // 3)]):
            meal_record(
                actor=self.clerks[NOODLE_SLUGS[n % len(shops)]], card_token=card_token(membership=membership)
            )
            today += 1
        self.counts["programmes"] = 1
        self.counts["enrolled"] = added
        self.counts["meals"] = len(past) + today

    def statements_add(self) -> None:
        statements_generate(month=self.last_month)
        self.counts["statements"] = Statement.objects.count()


def seed_benefits(*, seed: int = orgs_demo.DEFAULT_SEED) -> BenefitsResult:
    """Add the demo benefits once (a second call changes nothing). One audit record."""
    marker = benefits_marker()
    if marker is not None:
        return BenefitsResult(False, marker.data.get("counts", {}))
    started = time.monotonic()
    with translation.override(settings.LANGUAGE_CODE), scopes_disabled(), transaction.atomic():
        builder = _Builder(seed=seed, now=timezone.now())
        if not builder.ready():
            return BenefitsResult(False, {})
        worker = User.objects.filter(mobile_index=mobile_index(WORKER_MOBILE)).first()
        if (
            worker is not None
            and not Membership.objects.filter(person__user=worker, status=MembershipStatus.ACTIVE).exists()
        ):
            worker = None
        builder.merchants_add()
        builder.services_add()
        builder.campaigns_add(worker)
        builder.breakfast_add()
        builder.statements_add()
        audit_record(action=MARKER_ACTION, obj=builder.city, data={"seed": seed, "counts": builder.counts})
    return BenefitsResult(True, builder.counts, time.monotonic() - started)


def seed_step(
    *, scale: str, seed: int, progress: Callable[[str], None] | None = None
) -> members_demo.DemoStepResult:
    """``seed_demo``'s step (registered in ``benefits/apps.py``)."""
    result = seed_benefits(seed=seed)
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
    if result.created:
        return members_demo.DemoStepResult(True, f"Benefits added in {result.seconds:.1f} s: {counts}")
    return members_demo.DemoStepResult(False, f"Benefits already seeded: {counts}")


def register_demo_step() -> None:
    """Add the benefits to ``seed_demo`` (called from ``benefits/apps.py``)."""
    if seed_step not in members_demo.DEMO_STEPS:
        members_demo.DEMO_STEPS.append(seed_step)
