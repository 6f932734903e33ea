"""Demo members for ``seed_demo``: valid, fictitious people with memberships across the demo tree.

Everything personal is generated, never copied from anyone: Chinese names from common surnames and
given-name characters, resident ID numbers with the member's district as division code, a real
birth date between 1960 and 2005 and the GB 11643 check character, and mainland mobile numbers.
Values are derived from the seed and each member's position, without any shared state: member
``i`` always gets the same name, ID number and mobile, whatever the batch size, so a run is
deterministic and the numbers are unique by construction:

- the ID number of the k-th member of a district is a pseudo-random permutation of k over
  (birth day, 3-digit serial), so no two members of a district share one;
- the mobile of member i is a pseudo-random permutation of i over (prefix, 8 digits).

Rows are written in batches of ``BATCH`` members without a query per row, through ``core.bulk``
(primary keys reserved up front, binary COPY on PostgreSQL, executemany on SQLite); personal data
through ``core.crypto`` (encrypted, with blind indexes), membership numbers from
``allocate_membership_numbers`` once per batch, one audit record per run (counts only). The three
demo workers join through the real services (``join_apply`` and ``join_decide``), so their history,
inbox and audit records are what the product writes.

Why one module of ~700 lines: the generator (names, ID numbers, mobiles, unions, dates), the rows it
becomes and the batch writer share the member index ``i`` and the seed-derived permutation keys, and
must agree on them exactly for a run to be deterministic and its numbers unique; they are read
together when one changes. Run only by ``seed_demo``, the benchmarks and the tests.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.core import crypto, personal
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.bulk import adapted_for_sqlite, load_rows, reserve_ids
from smartunion.core.models import AuditEvent
from smartunion.core.personal import FEMALE, MALE, id_number_check_char, id_number_sex
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.members.models import (
    EmploymentForm,
    Membership,
    MembershipEvent,
    MembershipStatus,
    OccupationTag,
    Person,
    WageBracket,
)
from smartunion.members.services import allocate_membership_numbers, join_apply, join_decide
from smartunion.orgs import demo as orgs_demo
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org

MARKER_ACTION = AuditAction.DEMO_MEMBERS
MEMBER_COUNTS: dict[str, int] = {"tiny": 300, "small": 3_000, "medium": 100_000, "large": 1_000_000}
BATCH = 10_000  # members per batch, and per generator (each batch has its own random generator)
DIRECT_SHARE = 0.10  # members in the direct-joining unions: new-employment-form workers

BIRTH_FIRST = date(1960, 1, 1)
BIRTH_DAYS = (date(2005, 12, 31) - BIRTH_FIRST).days + 1
ID_SPACE = BIRTH_DAYS * 1000  # (birth day, 3-digit serial) pairs per district
ID_BITS = 26  # the smallest even number of bits that holds ID_SPACE
# Mainland prefixes (1[3-9]); 138 is left out: the demo workers' accounts use 138 0013 xxxx.
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 139 150 151 152 153 155 156 157 158 159 166 170 171 173 175 176 "
    "177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()
MOBILE_SPACE = len(MOBILE_PREFIXES) * 10**8
MOBILE_BITS = 32
assert ID_SPACE <= 2**ID_BITS and MOBILE_SPACE <= 2**MOBILE_BITS

# The hundred most common surnames with their rough share (per mille) of the population.
_SURNAME_TABLE = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵20 吴19 周19 徐15 孙15 马13 朱13 胡12 郭12 何11 林11 高10 "
    "罗10 郑9 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董6 袁6 潘6 于6 蒋5 蔡5 余5 杜5 叶5 "
    "程5 苏5 魏5 吕5 丁4 任4 沈4 姚4 卢4 姜4 崔4 钟4 谭4 陆4 汪4 范4 金4 石4 廖4 贾4 夏3 韦3 付3 方3 "
    "白3 邹3 孟3 熊3 秦3 邱3 江3 尹3 薛3 闫3 段3 雷3 侯3 龙3 史3 陶3 黎3 贺3 顾3 毛3 郝3 龚3 邵3 万3 "
    "钱3 严3 覃2 武2 戴2 莫2 孔2 向2 汤2 常2"
).split()
SURNAMES = [entry[0] for entry in _SURNAME_TABLE]
SURNAME_CUMULATIVE = list(itertools.accumulate(int(entry[1:]) for entry in _SURNAME_TABLE))
GIVEN_MALE = (
    "伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 帆 旭 宁 龙 林 峰 建 国 志 文 东 "
    "海 兵 亮 新 成 博 晨 阳 坤 振 家 立 永 德 庆 毅"
).split()
GIVEN_FEMALE = (
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 莹 颖 琳 佳 丹 萍 红 梅 倩 洁 晶 欣 怡 悦 蕾 薇 璐 月 琴 云 莉 "
    "兰 凤 秀 英 婉 雅 珊 楠 茜 蓉 爽 晓 春 媛"
).split()

NEW_FORMS: list[tuple[str, int]] = [
    (EmploymentForm.COURIER, 28),
    (EmploymentForm.FOOD_DELIVERY, 30),
    (EmploymentForm.RIDE_HAILING, 16),
    (EmploymentForm.TRUCK_DRIVER, 10),
    (EmploymentForm.DOMESTIC, 10),
    (EmploymentForm.OTHER_PLATFORM, 6),
]
STANDARD_FORMS: list[tuple[str, int]] = [
    (EmploymentForm.STANDARD, 86),
    (EmploymentForm.DISPATCHED, 8),
    (EmploymentForm.PART_TIME, 6),
]
# Which demo platform (orgs.demo.PLATFORMS, by position) a new-employment-form worker works through.
PLATFORMS_FOR_FORM: dict[str, tuple[int, ...]] = {
    EmploymentForm.COURIER: (0, 2),
    EmploymentForm.FOOD_DELIVERY: (2, 0),
    EmploymentForm.RIDE_HAILING: (1,),
    EmploymentForm.TRUCK_DRIVER: (3,),
    EmploymentForm.DOMESTIC: (4,),
    EmploymentForm.OTHER_PLATFORM: (),
}
WAGES_STANDARD: list[tuple[str, int]] = [
    (WageBracket.UNDER_3000, 8),
    (WageBracket.FROM_3000, 30),
    (WageBracket.FROM_5000, 32),
    (WageBracket.FROM_8000, 18),
    (WageBracket.OVER_12000, 12),
]
WAGES_PLATFORM: list[tuple[str, int]] = [
    (WageBracket.UNDER_3000, 10),
    (WageBracket.FROM_3000, 35),
    (WageBracket.FROM_5000, 40),
    (WageBracket.FROM_8000, 13),
    (WageBracket.OVER_12000, 2),
]
FORM_TAGS: dict[str, str] = {
    EmploymentForm.COURIER: "courier",
    EmploymentForm.FOOD_DELIVERY: "delivery_rider",
    EmploymentForm.RIDE_HAILING: "driver",
    EmploymentForm.TRUCK_DRIVER: "truck_driver",
    EmploymentForm.DOMESTIC: "domestic",
}
# GB/T 4754 section of the employer -> (tag, share of its members)
SECTION_TAGS = {"N": ("sanitation", 0.4), "E": ("construction", 0.4), "L": ("security_guard", 0.15)}
OUTDOOR_SECTIONS = frozenset("EGN")
LEFT_REASONS = ["离职", "调离本单位", "劳动关系终止"]
RETAINED_REASON = "退休"


def _cumulative(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], list(itertools.accumulate(p[1] for p in pairs))


# --- Later steps of seed_demo ---------------------------------------------------------------------


@dataclass
class DemoStepResult:
    """What a later step of ``seed_demo`` did: whether it wrote anything, and one line to print."""

    created: bool
    summary: str


# The steps ``seed_demo`` runs after the members, added by the apps above ``members`` in their
# ``AppConfig.ready`` (members must not import them: docs/architecture.md, "Layers"). Each is
# called as ``step(scale=, seed=, progress=)``, where ``progress`` takes a message, and returns a
# ``DemoStepResult``; each keeps its own marker, so a second run adds nothing.
DEMO_STEPS: list[Callable[..., DemoStepResult]] = []


# --- The plan: how many members each union gets ---------------------------------------------------


@dataclass
class UnionSlot:
    org_id: int
    district: str
    direct: bool
    employers: list[tuple[int, str]]  # (enterprise id, GB/T 4754 section) covered by the union
    count: int = 0
    start: int = 0  # global index of its first member
    district_start: int = 0  # index of its first member among the district's members


@dataclass
class MemberPlan:
    total: int
    slots: list[UnionSlot]
    starts: list[int]
    platforms: list[int | None]  # enterprise id of orgs.demo.PLATFORMS[i], when present
    tags: dict[str, int]  # occupation tag code -> id
    district_totals: dict[str, int] = field(default_factory=dict)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder); a zero weight gets zero."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_members(*, total: int, seed: int) -> MemberPlan:
    """Spread ``total`` members over the grassroots unions in the database (in tree order, so the
    result depends only on the demo tree and the seed): 10 % in the direct-joining unions by the
    district's size, the rest in proportion to the covered enterprises' headcount times a coverage
    rate that varies per union."""
    rng = random.Random(f"{seed}:members:plan")  # noqa: S311 - reproducible demo data
    with scopes_disabled():
        unions = list(
            Org.objects.filter(kind__in=GRASSROOTS_KINDS)
            .order_by("path")
            .values_list("pk", "region_code", "accepts_direct_joining")
        )
        covered: dict[int, list[tuple[int, str, int]]] = {}
        for pk, union_id, section, headcount in (
            Enterprise.objects.filter(covering_union__isnull=False)
            .order_by("credit_code")
            .values_list("pk", "covering_union_id", "industry", "headcount")
        ):
            covered.setdefault(union_id, []).append((pk, section, headcount))
        by_name = dict(Enterprise.objects.filter(is_platform=True).values_list("name", "pk"))
        tags = dict(OccupationTag.objects.values_list("code", "pk"))
    district_weight = {code: weight for code, _name, _slug, weight, _streets in orgs_demo.DISTRICTS}
    slots = [
        UnionSlot(
            org_id=pk,
            district=region[:6],
            direct=direct,
            employers=[(e, s) for e, s, _h in covered.get(pk, [])],
        )
        for pk, region, direct in unions
    ]
    direct = [s for s in slots if s.direct]
    regular = [s for s in slots if not s.direct and s.employers]
    direct_total = round(total * DIRECT_SHARE) if direct else 0
    direct_counts = _apportion(direct_total, [district_weight.get(s.district, 1) for s in direct])
    regular_weights = [sum(h for _e, _s, h in covered[s.org_id]) * rng.uniform(0.4, 1.0) for s in regular]
    regular_counts = _apportion(total - direct_total, regular_weights)
    for slot, count in zip([*direct, *regular], [*direct_counts, *regular_counts], strict=True):
        slot.count = count
    slots = [s for s in slots if s.count]
    if sum(s.count for s in slots) != total:
        raise RuntimeError("The demo tree has no grassroots union to hold members.")
    start = 0
    district_totals: dict[str, int] = {}
    for slot in slots:
        slot.start = start
        slot.district_start = district_totals.get(slot.district, 0)
        district_totals[slot.district] = slot.district_start + slot.count
        start += slot.count
    return MemberPlan(
        total=total,
        slots=slots,
        starts=[s.start for s in slots],
        platforms=[by_name.get(name) for _district, name, *_details in orgs_demo.PLATFORMS],
        tags=tags,
        district_totals=district_totals,
    )


# --- Generated personal data ----------------------------------------------------------------------


def _keys(label: str) -> tuple[int, ...]:
    rng = random.Random(label)  # noqa: S311 - reproducible demo data, not a secret
    return tuple(rng.getrandbits(32) for _round in range(4))


def permute(x: int, *, bits: int, domain: int, keys: tuple[int, ...]) -> int:
    """A pseudo-random permutation of ``range(domain)``: a balanced Feistel network on ``bits`` bits,
    walking the cycle until the value falls inside the domain. Distinct inputs give distinct
    outputs, so the generated numbers are unique without remembering which were handed out."""
    half = bits // 2
    mask = (1 << half) - 1
    while True:
        left, right = x >> half, x & mask
        for key in keys:
            mixed = ((right ^ key) * 0x9E3779B1) & 0xFFFFFFFF
            left, right = right, left ^ ((mixed ^ (mixed >> 15)) & mask)
        x = (left << half) | right
        if x < domain:
            return x


def _id_first17(district: str, k: int, keys: tuple[int, ...]) -> tuple[str, date, int]:
    """Characters 1-17 of the k-th ID number of ``district`` (unique for k < ID_SPACE), the birth
    date and the serial."""
    position = permute(k, bits=ID_BITS, domain=ID_SPACE, keys=keys)
    birth = BIRTH_FIRST + timedelta(days=position // 1000)
    serial = position % 1000
    return f"{district}{birth:%Y%m%d}{serial:03d}", birth, serial


def _mobile(i: int, keys: tuple[int, ...]) -> str:
    position = permute(i, bits=MOBILE_BITS, domain=MOBILE_SPACE, keys=keys)
    return f"{MOBILE_PREFIXES[position // 10**8]}{position % 10**8:08d}"


def id_number_for(district: str, k: int, seed: int) -> str:
    """The ID number of the k-th member of ``district``."""
    first17, _birth, _serial = _id_first17(district, k, _keys(f"{seed}:id:{district}"))
    return first17 + id_number_check_char(first17)


def mobile_for(i: int, seed: int) -> str:
    """The mobile of member ``i``."""
    return _mobile(i, _keys(f"{seed}:mobile"))


def name_for(rng: random.Random, *, male: bool) -> str:
    surname = SURNAMES[bisect.bisect(SURNAME_CUMULATIVE, rng.random() * SURNAME_CUMULATIVE[-1])]
    chars = GIVEN_MALE if male else GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(chars)
    first, second = rng.sample(chars, 2)
    return surname + first + second


@dataclass
class Member:
    """One generated member, as plain values (nothing is written yet)."""

    index: int
    org_id: int
    real_name: str
    id_number: str
    mobile: str
    birth_date: date
    sex: str
    employment_form: str
    employer_id: int | None
    platform_id: int | None
    wage_bracket: str
    tag_ids: list[int]
    status: str
    join_date: date | None
    applied_at: datetime | None
    reason: str


class _Generator:
    def __init__(self, plan: MemberPlan, seed: int, now: datetime):
        self.plan = plan
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.new_forms = _cumulative(NEW_FORMS)
        self.standard_forms = _cumulative(STANDARD_FORMS)
        self.wages_standard = _cumulative(WAGES_STANDARD)
        self.wages_platform = _cumulative(WAGES_PLATFORM)
        tags = plan.tags
        self.form_tags = {form: tags[code] for form, code in FORM_TAGS.items() if code in tags}
        self.section_tags = {
            s: (tags[code], share) for s, (code, share) in SECTION_TAGS.items() if code in tags
        }
        self.general_tags = [
            (tags[code], share)
            for code, share in (("model_worker", 0.003), ("craftsman", 0.01), ("hardship", 0.015))
            if code in tags
        ]
        self.outdoor_tag = tags.get("outdoor")
        self.id_keys = {d: _keys(f"{seed}:id:{d}") for d in plan.district_totals}
        self.mobile_keys = _keys(f"{seed}:mobile")

    @staticmethod
    def _pick(rng: random.Random, table: tuple[list[str], list[int]]) -> str:
        values, cumulative = table
        return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def batch(self, number: int) -> list[Member]:
        """Members ``number * BATCH`` up to the next batch (or the end), from the batch's own generator."""
        rng = random.Random(f"{self.seed}:members:{number}")  # noqa: S311 - reproducible demo data
        first, last = number * BATCH, min((number + 1) * BATCH, self.plan.total)
        slot_number = bisect.bisect(self.plan.starts, first) - 1
        members = []
        for i in range(first, last):
            while i >= self.plan.slots[slot_number].start + self.plan.slots[slot_number].count:
                slot_number += 1
            members.append(self._member(rng, i, self.plan.slots[slot_number]))
        return members

    def _member(self, rng: random.Random, i: int, slot: UnionSlot) -> Member:
        k = slot.district_start + i - slot.start
        first17, birth, _serial = _id_first17(slot.district, k, self.id_keys[slot.district])
        id_number = first17 + id_number_check_char(first17)
        sex = id_number_sex(id_number)
        tag_ids: list[int] = []
        if slot.direct:
            form = self._pick(rng, self.new_forms)
            employer_id, section = None, ""
            choices = [self.plan.platforms[p] for p in PLATFORMS_FOR_FORM[form] if self.plan.platforms[p]]
            platform_id = rng.choice(choices) if choices and rng.random() < 0.9 else None
            wage = self._pick(rng, self.wages_platform)
            if form in self.form_tags and rng.random() < 0.9:
                tag_ids.append(self.form_tags[form])
        else:
            form = self._pick(rng, self.standard_forms)
            employer_id, section = rng.choice(slot.employers)
            platform_id = None
            wage = self._pick(rng, self.wages_standard)
            if section in self.section_tags and rng.random() < self.section_tags[section][1]:
                tag_ids.append(self.section_tags[section][0])
            if section in OUTDOOR_SECTIONS and self.outdoor_tag and rng.random() < 0.1:
                tag_ids.append(self.outdoor_tag)
        for tag_id, share in self.general_tags:
            if rng.random() < share:
                tag_ids.append(tag_id)
        status, reason, applied_at, join_date = MembershipStatus.ACTIVE, "", None, None
        roll = rng.random()
        if roll < (0.04 if slot.direct else 0.01):
            status = MembershipStatus.APPLYING
            # Up to 25 days ago: most are inside their 15 working days, some are overdue.
            applied_at = self.now - timedelta(days=rng.randint(0, 25), seconds=rng.randrange(86_400))
        elif roll < (0.06 if slot.direct else 0.02):
            status, reason = MembershipStatus.LEFT, rng.choice(LEFT_REASONS)
        elif birth.year <= 1965 and roll < 0.14:
            status, reason = MembershipStatus.RETAINED, RETAINED_REASON
        if status != MembershipStatus.APPLYING:
            earliest = max(date(birth.year + 18, birth.month, min(birth.day, 28)), date(1990, 1, 1))
            span = (self.today - earliest).days - 7
            join_date = earliest + timedelta(days=rng.randrange(max(span, 1)))
        return Member(
            index=i,
            org_id=slot.org_id,
            real_name=name_for(rng, male=sex == MALE),
            id_number=id_number,
            mobile=_mobile(i, self.mobile_keys),
            birth_date=birth,
            sex=sex,
            employment_form=form,
            employer_id=employer_id,
            platform_id=platform_id,
            wage_bracket=wage,
            tag_ids=tag_ids,
            status=status,
            join_date=join_date,
            applied_at=applied_at,
            reason=reason,
        )


# --- Writing --------------------------------------------------------------------------------------

PERSON_COLUMNS = (
    "id",
    "real_name",
    "id_number_encrypted",
    "id_number_index",
    "mobile_encrypted",
    "mobile_index",
    "birth_date",
    "sex",
    "employment_form",
    "employer_id",
    "platform_id",
    "wage_bracket",
    "org_id",
    "created_at",
    "updated_at",
)
MEMBERSHIP_COLUMNS = (
    "id",
    "person_id",
    "org_id",
    "number",
    "status",
    "join_date",
    "applied_at",
    "due_date",
    "reason",
    "card_version",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("membership_id", "from_status", "to_status", "reason", "created_at")
TAG_COLUMNS = ("person_id", "occupationtag_id")


@dataclass
class Rows:
    people: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)


def _rows(
    members: list[Member],
    *,
    person_ids: Sequence[int],
    membership_ids: Sequence[int],
    numbers: Iterator[str],
    due_dates: Callable[[date], date],
    now: datetime,
) -> Rows:
    rows = Rows()
    id_numbers, mobiles = [m.id_number for m in members], [m.mobile for m in members]
    sealed = zip(
        crypto.encrypt_many(id_numbers),
        crypto.blind_index_many(id_numbers, purpose=crypto.IndexPurpose.ID_NUMBER),
        crypto.encrypt_many(mobiles),
        crypto.blind_index_many(mobiles, purpose=crypto.IndexPurpose.MOBILE),
        strict=True,
    )
    for n, (m, (id_sealed, id_index, mobile_sealed, mobile_index)) in enumerate(
        zip(members, sealed, strict=True)
    ):
        person_id, membership_id = person_ids[n], membership_ids[n]
        rows.people.append(
            (
                person_id,
                m.real_name,
                id_sealed,
                id_index,
                mobile_sealed,
                mobile_index,
                m.birth_date,
                m.sex,
                m.employment_form,
                m.employer_id,
                m.platform_id,
                m.wage_bracket,
                m.org_id,
                now,
                now,
            )
        )
        applying = m.status == MembershipStatus.APPLYING
        rows.memberships.append(
            (
                membership_id,
                person_id,
                m.org_id,
                None if applying else next(numbers),
                m.status,
                m.join_date,
                m.applied_at,
                due_dates(timezone.localdate(m.applied_at)) if applying else None,
                m.reason,
                1 if m.status in (MembershipStatus.ACTIVE, MembershipStatus.APPLYING) else 2,
                now,
                now,
            )
        )
        if applying:
            rows.events.append((membership_id, "", MembershipStatus.APPLYING, "", now))
        else:
            rows.events.append((membership_id, "", MembershipStatus.ACTIVE, "", now))
            if m.status != MembershipStatus.ACTIVE:
                rows.events.append((membership_id, MembershipStatus.ACTIVE, m.status, m.reason, now))
        rows.tags.extend((person_id, tag_id) for tag_id in m.tag_ids)
    return rows


def _write(rows: Rows) -> None:
    """Through the databases' fastest load paths (``core.bulk``)."""
    load_rows(Person, PERSON_COLUMNS, adapted_for_sqlite(rows.people))
    load_rows(Membership, MEMBERSHIP_COLUMNS, adapted_for_sqlite(rows.memberships))
    load_rows(MembershipEvent, EVENT_COLUMNS, adapted_for_sqlite(rows.events))
    load_rows(Person.occupation_tags.through, TAG_COLUMNS, rows.tags)  # two ids a row: nothing to adapt


@dataclass
class MembersResult:
    created: bool
    counts: dict[str, int]
    seconds: float = 0.0


def members_marker() -> AuditEvent | None:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=MARKER_ACTION).order_by("seq").first()


def seed_members(
    *,
    scale: str,
    seed: int = orgs_demo.DEFAULT_SEED,
    count: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> MembersResult:
    """Add the demo members once (a second call changes nothing): ``count`` or the scale's number,
    then link the demo workers. One transaction; one audit record for the run."""
    marker = members_marker()
    if marker is not None:
        return MembersResult(False, marker.data.get("counts", {}))
    total = MEMBER_COUNTS[scale] if count is None else count
    started = time.monotonic()
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        plan = plan_members(total=total, seed=seed)
        generator = _Generator(plan, seed, now)
        person_ids = reserve_ids(Person, total)
        membership_ids = reserve_ids(Membership, total)
        due_cache: dict[date, date] = {}

        def due_date(applied: date) -> date:
            if applied not in due_cache:
                due_cache[applied] = add_working_days(applied, settings.JOIN_RESPONSE_WORKING_DAYS)
            return due_cache[applied]

        statuses: dict[str, int] = {}
        for number in range(math.ceil(total / BATCH)):
            members = generator.batch(number)
            numbered = sum(1 for m in members if m.status != MembershipStatus.APPLYING)
            numbers = iter(allocate_membership_numbers(numbered) if numbered else [])
            offset = number * BATCH
            _write(
                _rows(
                    members,
                    person_ids=person_ids[offset : offset + len(members)],
                    membership_ids=membership_ids[offset : offset + len(members)],
                    numbers=numbers,
                    due_dates=due_date,
                    now=now,
                )
            )
            for m in members:
                statuses[m.status] = statuses.get(m.status, 0) + 1
            if progress is not None:
                progress(offset + len(members), total, time.monotonic() - started)
        linked = _link_workers(scale=scale, seed=seed, plan=plan)
        counts = {
            "people": total,
            **{s: statuses.get(s, 0) for s in MembershipStatus.values if s in statuses},
        }
        counts["workers_linked"] = linked
        if connection.vendor == "postgresql":
            # Fresh statistics, so the first searches are planned for a million rows (and for the tree
            # built just before, when autovacuum is off).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE orgs_org, orgs_enterprise, members_person, members_membership, "
                    "members_membershipevent, members_person_occupation_tags"
                )
        city = Org.objects.filter(depth=1).order_by("path").first()
        audit_record(action=MARKER_ACTION, obj=city, data={"scale": scale, "seed": seed, "counts": counts})
    return MembersResult(True, counts, time.monotonic() - started)


def _link_workers(*, scale: str, seed: int, plan: MemberPlan) -> int:
    """The demo workers: the first an active member of the enterprise union where Fangshan's demo
    grassroots staff works, the second applying to Fangshan's direct-joining union as a food-delivery
    rider, the third without a membership (to try joining). Through the real services."""
    tree = orgs_demo.build_plan(scale=scale, seed=seed)
    _staff, workers = orgs_demo.plan_accounts(tree)
    names = {o.key: o.name for o in tree.orgs}
    staff_union = Org.objects.filter(name=names[tree.grassroots_staff_unions["110111"]]).first()
    direct_union = Org.objects.filter(name=names["district:110111:direct"]).first()
    approver = User.objects.filter(username="fangshan.g1.grassroots_staff").first()
    users = [User.objects.filter(mobile_index=personal.mobile_index(w.mobile)).first() for w in workers]
    if staff_union is None or direct_union is None or approver is None or None in users:
        return 0
    # Their ID numbers follow the district's generated ones, skipping those whose sex or age does
    # not fit the person.
    keys = _keys(f"{seed}:id:110111")
    k = plan.district_totals.get("110111", 0)
    rider_platform = plan.platforms[2]
    linked = 0
    for n, (user, account) in enumerate(zip(users, workers, strict=True)):
        assert user is not None  # None in users returned above
        if n > 1 or Person.objects.filter(user=user).exists():
            continue
        while True:
            first17, birth, _serial = _id_first17("110111", k, keys)
            k += 1
            wanted = MALE if n == 0 else FEMALE  # 王建国, then 李娜
            if 1980 <= birth.year <= 2000 and id_number_sex(first17) == wanted:
                break
        data: dict[str, Any] = {
            "real_name": account.display_name,
            "id_number": first17 + id_number_check_char(first17),
        }
        if n == 0:
            data |= {
                "employer": Enterprise.objects.filter(covering_union=staff_union).order_by("pk").first(),
                "employment_form": EmploymentForm.STANDARD,
                "wage_bracket": WageBracket.FROM_5000,
            }
            membership = join_apply(user=user, org=staff_union, data=data)
            join_decide(actor=approver, membership=membership, approve=True)
        else:
            data |= {
                "employment_form": EmploymentForm.FOOD_DELIVERY,
                "platform": Enterprise.objects.filter(pk=rider_platform).first()
                if rider_platform is not None
                else None,
                "wage_bracket": WageBracket.FROM_5000,
            }
            join_apply(user=user, org=direct_union, data=data)
        linked += 1
    return linked
