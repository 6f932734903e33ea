"""Demo cases for ``seed_demo``: a working queue on every demo account's home after ``make run``.

Two parts, both deterministic from the seed:

- **The showcase** (``SHOWCASE``, 37 cases in 房山 and 顺义, the districts with demo staff), written
  through the real services (``case_apply``, ``case_transition``, ``contact_log``,
  ``material_request``, ``case_record_payment``, ``case_rate``), so their timelines, inbox messages
  and audit records are what the product writes. Every status of every kind, contacts with both
  sides, a material request, agreements paid, partly paid, unpaid and still due (one past its date),
  clocks near and past (first contact, the 15-day window, the legal-aid decision), urgent legal aid,
  a collective case with representatives, ratings, and cases of each demo worker (13800130001-3) so
  they see them on the phone. Story 2: 王建国's mediation at the 房山 centre, closed with
  21,673.30 yuan paid. Each case is written at "now" and then dated back step by step
  (``_Writer``): receipt, moves, contacts and the worker's rating get the days a real case would
  have had, and the clocks are computed again from the dated receipt. The audit records keep the
  moment they were written: the audit chain is never rewritten.
- **The volume** (``CASE_COUNTS`` per scale, or ``count``): cases over every district's centres,
  written through ``core.bulk`` (keys reserved, binary COPY on PostgreSQL, executemany on SQLite)
  in batches, as ``members.demo`` writes members: the case, its claims, its timeline events and the
  first contact, with the clocks computed by ``cases.clocks`` (the deadline functions memoised by
  their inputs, since each asks the holiday calendar). They route as ``cases.services.route`` sends
  them, and are assigned to the demo mediator or legal-aid officer who may take them (the
  district's, else the city's). ``bench/case_queue.py`` loads a million of them this way.

Generated applicants are fictitious: names from ``members.demo``'s tables, mobiles under 147 (a
prefix neither the generated members nor the demo workers use), unique by construction (a
permutation of the applicant's index). Text messages are not sent (a silent sender); inbox messages
go to the demo workers, as they would.

Why a hook: ``seed_demo`` lives in ``members``, which sits below ``cases`` in the layers and must
not import it. ``cases/apps.py`` adds this step to ``members.demo.DEMO_STEPS`` in ``ready()``, the
way ``holidays`` and ``orgs`` let higher apps react to them (docs/architecture.md, "Layers"). The
alternative, moving the command into ``cases``, would make every later domain's demo data go
through ``cases``. One audit record (counts only) marks the run: a second ``seed_demo`` adds
nothing.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.cases import clocks
from smartunion.cases.models import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    Claim,
    Contact,
    ContactChannel,
    ContactParty,
    DisputeType,
    EventKind,
    MaterialRequest,
    MeansRoute,
    PaymentStatus,
)
from smartunion.cases.policies import can_be_assigned
from smartunion.cases.services import (
    case_apply,
    case_rate,
    case_record_payment,
    case_transition,
    contact_log,
    material_request,
    route,
)
from smartunion.cases.services.workflow import _public_text
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.bulk import adapted_for_sqlite, cyclic_gc_paused, load_rows, reserve_ids
from smartunion.core.models import AuditEvent
from smartunion.core.personal import mobile_index
from smartunion.core.scoping import scopes_disabled
from smartunion.labourlaw import deadlines
from smartunion.members import demo as members_demo
from smartunion.members.models import Person
from smartunion.orgs import demo as orgs_demo
from smartunion.orgs.models import Enterprise, Org

MARKER_ACTION = AuditAction.DEMO_CASES
# The volume per scale, besides the showcase. Large: a tenth of its million members.
CASE_COUNTS: dict[str, int] = {"tiny": 200, "small": 1_000, "medium": 20_000, "large": 100_000}
BATCH = 10_000
MOBILE_KEYS_LABEL = "cases:mobile"
MOBILE_BITS = 28  # 147 + 8 digits: 10**8 numbers
BULK_FIRST_APPLICANT = 1_000  # showcase applicants are 0-999
DISTRICT_SLUGS = {code: slug for code, _name, slug, _weight, _streets in orgs_demo.DISTRICTS}


class _SilentSender:
    """The demo's text messages go nowhere (the inbox messages are written as usual)."""

    def send(self, mobile: str, code: str) -> None:
        pass

    def send_text(self, mobile: str, text: str) -> None:
        pass


# --- Generated applicants ---------------------------------------------------------------------------


def applicant_mobile(i: int, seed: int) -> str:
    """The mobile of generated applicant ``i``: 147 and a permutation of i, so never twice."""
    keys = members_demo._keys(f"{seed}:{MOBILE_KEYS_LABEL}")
    return f"147{members_demo.permute(i, bits=MOBILE_BITS, domain=10**8, keys=keys):08d}"


def applicant_id_number(district: str, i: int, seed: int) -> str:
    """A valid ID number of ``district`` for applicant ``i``, past any generated member's."""
    return members_demo.id_number_for(district, 5_000_000 + i, seed)


FACTS = {
    DisputeType.UNPAID_WAGES: (
        "公司自{month}起拖欠工资，多次催要未果。",
        "离职时公司未结清最后{n}个月工资。",
    ),
    DisputeType.OVERTIME: (
        "每天工作{n}小时以上，周末经常加班，公司从未支付加班费。",
        "节假日安排加班，公司只发基本工资。",
    ),
    DisputeType.TERMINATION: (
        "公司以经营困难为由口头辞退，未支付经济补偿。",
        "公司单方解除劳动合同，未提前通知也未支付补偿。",
    ),
    DisputeType.SOCIAL_INSURANCE: ("公司未为我缴纳社会保险。", "入职{n}年，公司只缴了部分月份的社保。"),
    DisputeType.WORK_INJURY: ("工作中受伤，公司不承担医疗费和停工留薪期工资。",),
    DisputeType.CONTRACT: ("入职后公司一直未签订书面劳动合同。",),
    DisputeType.OTHER: ("公司扣押身份证件，不让离职。",),
}
REQUESTS = {
    DisputeType.UNPAID_WAGES: "支付拖欠工资",
    DisputeType.OVERTIME: "支付加班费",
    DisputeType.TERMINATION: "支付经济补偿",
    DisputeType.SOCIAL_INSURANCE: "补缴社会保险",
    DisputeType.WORK_INJURY: "支付工伤医疗费和停工留薪期工资",
    DisputeType.CONTRACT: "支付未签劳动合同的二倍工资",
    DisputeType.OTHER: "返还身份证件，办理离职手续",
}
CONTACT_SUMMARIES = (
    "电话了解情况，申请人说明了欠薪月份和金额，约定补充工资流水。",
    "与申请人通话，核对劳动合同和考勤记录。",
    "申请人到中心面谈，提交了工资条照片。",
)
EMPLOYER_SUMMARIES = (
    "联系用人单位人事负责人，对方承认欠薪，同意协商。",
    "与单位法务通话，单位对加班时长有异议，约定下周面谈。",
)
REASONS: dict[str, tuple[str, ...]] = {
    CaseStatus.DECLINED: ("不属于劳动争议受理范围（合伙经营纠纷），已告知向法院起诉。",),
    CaseStatus.WITHDRAWN: ("单位已主动支付，申请人撤回申请。", "申请人决定直接申请仲裁。"),
    CaseStatus.NOT_AGREED: ("双方对金额分歧较大，调解不成，已告知可申请劳动仲裁。",),
    CaseStatus.AID_REFUSED: ("经审查不符合经济困难标准，且不属于免予核查的情形。",),
    CaseStatus.ANSWERED: ("已电话答复：可先向单位书面催告，再申请调解或仲裁。",),
}
RATINGS = (("satisfied", 70), ("neutral", 20), ("dissatisfied", 10))


# --- The showcase -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One showcase case: where, what, and how far it has come. ``status`` is the case's final
    status; ``paid`` the total the employer paid on an agreement ("" when none is recorded)."""

    district: str
    kind: str
    status: str
    age: int  # days since receipt
    worker: int | None = None  # a demo worker (0-2) who applied online; else staff entered it
    channel: str = Channel.PHONE
    claims: tuple[tuple[str, str], ...] = ((DisputeType.UNPAID_WAGES, "8600.00"),)
    dispute_ago: int = 20  # days from the dispute to the receipt
    still_employed: bool = False
    agreed: str = ""
    paid: str = ""
    due_in: int = 10  # the agreement's payment date, days from today
    employer: str = ""  # an enterprise by name, else one of the district's
    contacts: bool = True  # log contacts with both sides once in progress
    material: bool = False
    collective: int = 0  # workers in a collective case
    rating: tuple[str, str] = ("", "")
    means_route: str = MeansRoute.WAIVED_MIGRANT


FS, SY = "110111", "110113"
M, LA, C = CaseKind.MEDIATION, CaseKind.LEGAL_AID, CaseKind.CONSULTATION
S = CaseStatus
WAGES, OVERTIME, TERMINATION = DisputeType.UNPAID_WAGES, DisputeType.OVERTIME, DisputeType.TERMINATION
ONLINE, WALK_IN, STATION = Channel.ONLINE, Channel.WALK_IN, Channel.STATION
PLEDGE = MeansRoute.PLEDGE
SHOWCASE: tuple[Story, ...] = (
    # 房山: the mediation centre. Story 2: 王建国's unpaid wages, agreed and paid in full.
    Story(FS, M, S.AGREED, 40, worker=0, channel=ONLINE, claims=((WAGES, "21673.30"),), agreed="21673.30",
          paid="21673.30", due_in=-12, dispute_ago=25, rating=("satisfied", "调解员很负责，两周就拿到了工资。")),
    Story(FS, M, S.RECEIVED, 0, claims=((WAGES, "6400.00"),)),
    Story(FS, M, S.RECEIVED, 3, channel=WALK_IN, claims=((WAGES, "12800.00"), (OVERTIME, "3150.00"))),
    Story(FS, M, S.ACCEPTED, 1, channel=STATION, claims=((TERMINATION, "15000.00"),)),
    Story(FS, M, S.ASSIGNED, 4, worker=1, channel=ONLINE, claims=((OVERTIME, "4860.00"),), still_employed=True,
          employer="北京骑士即时物流有限公司"),
    Story(FS, M, S.IN_PROGRESS, 13, claims=((WAGES, "9870.50"),), material=True),
    Story(FS, M, S.IN_PROGRESS, 18, channel=WALK_IN, claims=((WAGES, "33600.00"), (TERMINATION, "18000.00"))),
    Story(FS, M, S.AGREED, 9, claims=((WAGES, "7200.00"),), agreed="7200.00", due_in=12),
    Story(FS, M, S.AGREED, 30, channel=STATION, claims=((WAGES, "18500.00"),), agreed="16000.00", paid="9000.00",
          due_in=4),
    Story(FS, M, S.AGREED, 45, claims=((TERMINATION, "26000.00"),), agreed="20000.00", paid="0", due_in=-10),
    Story(FS, M, S.AGREED, 22, claims=((WAGES, "5600.00"),), agreed="5600.00", due_in=-3),
    Story(FS, M, S.NOT_AGREED, 28, claims=((OVERTIME, "14200.00"), (WAGES, "3000.00"))),
    Story(FS, M, S.WITHDRAWN, 11, channel=WALK_IN, claims=((WAGES, "4300.00"),)),
    Story(FS, M, S.DECLINED, 6, claims=((DisputeType.OTHER, ""),)),
    Story(FS, M, S.IN_PROGRESS, 8, channel=STATION, claims=((WAGES, "186400.00"),), collective=12, material=True),
    # 房山: the legal-service centre (legal aid and consultations); the second one is urgent.
    Story(FS, LA, S.ACCEPTED, 6, claims=((WAGES, "11200.00"),)),
    Story(FS, LA, S.IN_PROGRESS, 2, claims=((TERMINATION, "42000.00"),), dispute_ago=360, means_route=PLEDGE),
    Story(FS, LA, S.AID_GRANTED, 20, channel=WALK_IN, claims=((DisputeType.WORK_INJURY, "58000.00"),)),
    Story(FS, LA, S.AID_REFUSED, 16, claims=((DisputeType.CONTRACT, "36000.00"),), means_route=PLEDGE),
    Story(FS, C, S.ANSWERED, 14, worker=1, channel=ONLINE, claims=((DisputeType.SOCIAL_INSURANCE, ""),),
          still_employed=True, rating=("neutral", "")),
    Story(FS, C, S.RECEIVED, 0, claims=((OVERTIME, ""),), still_employed=True),
    Story(FS, C, S.ACCEPTED, 1, channel=WALK_IN, claims=((DisputeType.CONTRACT, ""),), still_employed=True),
    # 顺义: the mediation centre.
    Story(SY, M, S.RECEIVED, 1, claims=((WAGES, "8800.00"),)),
    Story(SY, M, S.ASSIGNED, 2, channel=STATION, claims=((TERMINATION, "21000.00"),)),
    Story(SY, M, S.IN_PROGRESS, 12, claims=((WAGES, "15600.00"),)),
    # Past day 15, even when that day is moved over a long holiday (a rest day moves it to today).
    Story(SY, M, S.IN_PROGRESS, 26, channel=WALK_IN, claims=((OVERTIME, "7600.00"),)),
    Story(SY, M, S.AGREED, 35, channel=WALK_IN, claims=((WAGES, "9600.00"),), agreed="9600.00", paid="9600.00",
          due_in=-15),
    Story(SY, M, S.NOT_AGREED, 25, claims=((TERMINATION, "30000.00"),)),
    Story(SY, M, S.WITHDRAWN, 3, claims=((WAGES, "2500.00"),)),
    # 顺义: the legal-service centre. 赵磊 is story 1's courier, his legal aid in progress.
    Story(SY, LA, S.IN_PROGRESS, 5, worker=2, channel=ONLINE, claims=((OVERTIME, "16800.00"),),
          still_employed=True, employer="北京快马货运信息技术有限公司"),
    Story(SY, C, S.ANSWERED, 60, worker=2, channel=ONLINE, claims=((OVERTIME, ""),), still_employed=True,
          rating=("dissatisfied", "等了好几天才回复。")),
    Story(SY, LA, S.IN_PROGRESS, 14, claims=((WAGES, "7300.00"),)),  # its decision is overdue
    Story(SY, LA, S.AID_GRANTED, 18, channel=STATION, claims=((WAGES, "24500.00"),)),
    Story(SY, LA, S.WITHDRAWN, 9, claims=((WAGES, "6100.00"),), means_route=PLEDGE),
    Story(SY, C, S.IN_PROGRESS, 3, channel=WALK_IN, claims=((TERMINATION, ""),)),
    Story(SY, C, S.WITHDRAWN, 7, claims=((WAGES, ""),)),
    Story(SY, LA, S.RECEIVED, 0, channel=STATION, claims=((WAGES, "13900.00"),)),
)  # fmt: skip

# The moves from receipt to each status (contact_log makes the move to in progress).
PATHS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (),
    S.ACCEPTED: (S.ACCEPTED,),
    S.DECLINED: (S.DECLINED,),
    S.WITHDRAWN: (S.ACCEPTED, S.WITHDRAWN),
    S.ASSIGNED: (S.ACCEPTED, S.ASSIGNED),
    S.IN_PROGRESS: (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS),
}
for _closing in (S.AGREED, S.NOT_AGREED, S.AID_GRANTED, S.AID_REFUSED, S.ANSWERED):
    PATHS[_closing] = (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, _closing)


# Days from one step to the next (in progress: the first contact; the closing: nine days on).
STEP_DAYS: dict[str, float] = {S.ACCEPTED: 0.15, S.ASSIGNED: 0.1, S.DECLINED: 1.0, S.WITHDRAWN: 3.0}


def handler_username(district: str, kind: str) -> str:
    role = "mediator" if kind == CaseKind.MEDIATION else "legal_aid_officer"
    return f"{DISTRICT_SLUGS[district]}.{role}"


class _Writer:
    """Writes one showcase case through the services, then dates each step back to its day."""

    def __init__(self, *, now: datetime, seed: int):
        self.now = now
        self.today = timezone.localdate(now)
        self.seed = seed

    def _stamp(self, case: Case, top: int, when: datetime, **fields: Any) -> Case:
        """Date the events written since ``top`` (and ``fields`` of the case) to ``when``."""
        CaseEvent.objects.filter(case_id=case.pk, pk__gt=top).update(at=when)
        if fields:
            Case.objects.filter(pk=case.pk).update(**fields)
        return Case.objects.select_related("org").get(pk=case.pk)

    @staticmethod
    def _top() -> int:
        return CaseEvent.objects.aggregate(top=Max("pk"))["top"] or 0

    def write(
        self, n: int, story: Story, *, staff: dict[str, User], workers: list[User], rng: random.Random
    ) -> Case:
        received = self.now - timedelta(days=story.age, hours=rng.randint(0, 3), minutes=rng.randint(0, 59))
        handler = staff[handler_username(story.district, story.kind)]
        actor = workers[story.worker] if story.worker is not None else handler
        data = self._application(n, story, actor=actor, rng=rng, received=timezone.localdate(received))
        top = self._top()
        case, _created = case_apply(actor=actor, data=data, channel=story.channel)
        # Dated back: the receipt, then the clocks from it.
        case = self._stamp(case, top, received)
        case.received_at = received
        clocks.set_dates(case)
        clocks.refresh(case)
        case.save(update_fields=["received_at", *clocks.CLOCK_FIELDS])
        times = self._times(story, received)
        for to in PATHS[story.status]:
            when = times.pop(0)
            top = self._top()
            if to == S.IN_PROGRESS:
                contact_log(
                    case=case,
                    actor=handler,
                    at=when,
                    channel=ContactChannel.PHONE,
                    party=ContactParty.WORKER,
                    summary=rng.choice(CONTACT_SUMMARIES),
                )
                case = self._stamp(case, top, when)
                if story.contacts:
                    when = times.pop(0)
                    top = self._top()
                    contact_log(
                        case=case,
                        actor=handler,
                        at=when,
                        channel=ContactChannel.MEETING if story.collective else ContactChannel.PHONE,
                        party=ContactParty.EMPLOYER,
                        summary=rng.choice(EMPLOYER_SUMMARIES),
                    )
                    case = self._stamp(case, top, when)
                if story.material:
                    top = self._top()
                    material_request(
                        case=case,
                        actor=handler,
                        items="工资条或银行流水（近12个月）；考勤记录或排班截图；劳动合同或工牌照片。",
                        due=max(timezone.localdate(when) + timedelta(days=7), self.today + timedelta(days=2)),
                    )
                    MaterialRequest.objects.filter(case_id=case.pk).update(requested_at=when)
                    case = self._stamp(case, top, when)
                continue
            reasons = REASONS.get(to, ("",))
            case = case_transition(
                case=case,
                to=to,
                actor=handler,
                reason=reasons[n % len(reasons)],
                assignee=handler if to == S.ASSIGNED else None,
                amount_agreed=story.agreed if to == S.AGREED else None,
                payment_due=self.today + timedelta(days=story.due_in) if to == S.AGREED else None,
            )
            dated: dict[str, Any] = {}
            if to == S.ACCEPTED:
                dated["accepted_at"] = when
            elif not case.is_open:
                dated["closed_at"] = when
            case = self._stamp(case, top, when, **dated)
        last = case.closed_at or received
        if story.paid:
            # Recorded some days after the agreement; "not paid" only once the date has passed.
            when = last + (self.now - last) / 2
            if Decimal(story.paid) == 0 and case.payment_due:
                due = datetime.combine(case.payment_due, datetime.min.time(), tzinfo=received.tzinfo)
                when = min(self.now, max(when, due + timedelta(days=1)))
            top = self._top()
            case = case_record_payment(case=case, actor=handler, paid=story.paid)
            case = self._stamp(case, top, when)
            last = when
        if story.rating[0] and story.worker is not None:
            when = min(self.now, last + timedelta(days=1))
            top = self._top()
            case_rate(case=case, user=actor, rating=story.rating[0], comment=story.rating[1])
            case = self._stamp(case, top, when, rated_at=when)
        return case

    def _times(self, story: Story, received: datetime) -> list[datetime]:
        """When each step happened: hours to accept and assign, the first contact within a day,
        the employer two days later, the closing within the 15-day window; squeezed into the time
        since receipt when the case is younger."""
        gaps: list[float] = []
        for to in PATHS[story.status]:
            if to == S.IN_PROGRESS:
                gaps += [0.6] + ([2.0] if story.contacts else [])
            else:
                gaps.append(STEP_DAYS.get(to, 9.0))
        offsets = [sum(gaps[: k + 1]) for k in range(len(gaps))]
        room = (self.now - received).total_seconds() / 86_400 * 0.95
        if offsets and offsets[-1] > room:
            offsets = [o * room / offsets[-1] for o in offsets]
        return [received + timedelta(days=o) for o in offsets]

    def _application(
        self, n: int, story: Story, *, actor: User, rng: random.Random, received: date
    ) -> dict[str, Any]:
        dispute = received - timedelta(days=story.dispute_ago)
        start = dispute - timedelta(days=rng.randint(300, 2500))
        types = [t for t, _amount in story.claims]
        month = (dispute - timedelta(days=90)).strftime("%Y年%m月")
        facts = " ".join(
            rng.choice(FACTS[DisputeType(t)]).format(month=month, n=rng.randint(2, 4)) for t in types
        )
        if story.worker is not None:
            name, mobile, id_number = actor.display_name, actor.mobile, ""
        else:
            male = rng.random() < 0.6
            name = members_demo.name_for(rng, male=male)
            mobile = applicant_mobile(n, self.seed)
            id_number = applicant_id_number(story.district, n, self.seed)
        data: dict[str, Any] = {
            "kind": story.kind,
            "applicant": {
                "name": name,
                "mobile": mobile,
                "id_number": id_number,
                "occupation": rng.choice(["仓库管理员", "快递员", "外卖骑手", "保洁员", "建筑工人", "厨师"]),
                "address": f"北京市{'房山区' if story.district == FS else '顺义区'}",
                "is_migrant_worker": story.kind == CaseKind.LEGAL_AID
                and story.means_route == MeansRoute.WAIVED_MIGRANT,
            },
            "employer": {"id": self._employer(story, actor, rng)},
            "claims": [
                {"type": t, "amount": amount or None, "description": REQUESTS[DisputeType(t)]}
                for t, amount in story.claims
            ],
            "employment_start": start.isoformat(),
            "employment_end": None if story.still_employed else dispute.isoformat(),
            "dispute_date": dispute.isoformat(),
            "facts": facts,
            "request": "；".join(REQUESTS[DisputeType(t)] for t in types),
        }
        if story.kind == CaseKind.LEGAL_AID:
            data["means_route"] = story.means_route
        if story.collective:
            data["participants"] = [
                {
                    "name": members_demo.name_for(rng, male=rng.random() < 0.8),
                    "mobile": applicant_mobile(n * 50 + 500 + k, self.seed) if k < 300 else "",
                    "is_representative": k < 2,
                }
                for k in range(story.collective)
            ]
            data["facts"] = f"{story.collective}名工人在同一工地务工，" + facts
        return data

    def _employer(self, story: Story, actor: User, rng: random.Random) -> int:
        if story.employer:
            found = Enterprise.objects.filter(name=story.employer).values_list("pk", flat=True).first()
            if found:
                return found
        if not actor.is_staff_member:
            person = (
                Person.objects.filter(user=actor, employer__isnull=False).select_related("employer").first()
            )
            if person is not None and person.employer and person.employer.region_code == story.district:
                return person.employer.pk
        choices = list(
            Enterprise.objects.filter(region_code=story.district, is_platform=False)
            .order_by("credit_code")
            .values_list("pk", flat=True)
        )
        return rng.choice(choices)


def seed_showcase(*, scale: str, seed: int, now: datetime | None = None) -> list[Case]:
    """The showcase cases (needs the demo tree and its accounts); inside the caller's transaction."""
    now = now or timezone.now()
    usernames = {handler_username(s.district, s.kind) for s in SHOWCASE}
    staff = {u.username: u for u in User.objects.filter(username__in=usernames)}
    _staff, accounts = orgs_demo.plan_accounts(orgs_demo.build_plan(scale=scale, seed=seed))
    found = [User.objects.filter(mobile_index=mobile_index(w.mobile)).first() for w in accounts]
    workers = [w for w in found if w is not None]
    if len(staff) < len(usernames) or len(workers) < len(found):
        return []  # not the demo federation's accounts: nothing to show them
    writer = _Writer(now=now, seed=seed)
    rng = random.Random(f"{seed}:cases:showcase")  # noqa: S311 - reproducible demo data
    return [writer.write(n, story, staff=staff, workers=workers, rng=rng) for n, story in enumerate(SHOWCASE)]


# --- The volume -------------------------------------------------------------------------------------

# The generated cases come in over HISTORY_DAYS; one received d days ago is still open with
# probability 1 - d / OPEN_DAYS (at least STUCK_OPEN): about 3 % of them are open.
HISTORY_DAYS, OPEN_DAYS, STUCK_OPEN = 730, 40, 0.01
# Each kind's final statuses and their weights, among the open and among the closed ones.
STATUS_WEIGHTS: dict[str, list[tuple[str, int]]] = {
    CaseKind.MEDIATION: [
        (S.RECEIVED, 4),
        (S.ACCEPTED, 3),
        (S.ASSIGNED, 4),
        (S.IN_PROGRESS, 14),
        (S.AGREED, 42),
        (S.NOT_AGREED, 18),
        (S.WITHDRAWN, 10),
        (S.DECLINED, 5),
    ],
    CaseKind.LEGAL_AID: [
        (S.RECEIVED, 4),
        (S.ACCEPTED, 4),
        (S.ASSIGNED, 4),
        (S.IN_PROGRESS, 12),
        (S.AID_GRANTED, 55),
        (S.AID_REFUSED, 10),
        (S.WITHDRAWN, 6),
        (S.DECLINED, 5),
    ],
    CaseKind.CONSULTATION: [
        (S.RECEIVED, 6),
        (S.ACCEPTED, 3),
        (S.ASSIGNED, 3),
        (S.IN_PROGRESS, 6),
        (S.ANSWERED, 78),
        (S.WITHDRAWN, 4),
    ],
}
KIND_WEIGHTS: list[tuple[str, int]] = [
    (CaseKind.MEDIATION, 60),
    (CaseKind.LEGAL_AID, 25),
    (CaseKind.CONSULTATION, 15),
]
CLAIM_WEIGHTS: list[tuple[str, int]] = [
    (DisputeType.UNPAID_WAGES, 40),
    (DisputeType.OVERTIME, 18),
    (DisputeType.TERMINATION, 16),
    (DisputeType.SOCIAL_INSURANCE, 10),
    (DisputeType.WORK_INJURY, 6),
    (DisputeType.CONTRACT, 7),
    (DisputeType.OTHER, 3),
]
CHANNEL_WEIGHTS: list[tuple[str, int]] = [
    (Channel.ONLINE, 50),
    (Channel.PHONE, 20),
    (Channel.WALK_IN, 15),
    (Channel.STATION, 15),
]
PAYMENT_WEIGHTS: list[tuple[str, int]] = [
    (PaymentStatus.PAID, 50),
    (PaymentStatus.PARTLY_PAID, 15),
    (PaymentStatus.UNPAID, 10),
    (PaymentStatus.PENDING, 25),
]
NEEDS_ASSIGNEE = frozenset(
    {S.ASSIGNED, S.IN_PROGRESS, S.AGREED, S.NOT_AGREED, S.AID_GRANTED, S.AID_REFUSED, S.ANSWERED}
)

CASE_COLUMNS = (
    "id", "number", "kind", "status", "channel", "org", "assignee", "applicant", "applicant_name",
    "applicant_mobile_encrypted", "applicant_mobile_index", "applicant_id_number_encrypted",
    "applicant_sex", "applicant_birth_date", "applicant_occupation", "applicant_address",
    "is_migrant_worker", "means_route", "person", "employer", "employer_name", "employer_credit_code",
    "employer_region_code", "employer_address", "employer_legal_rep", "employment_start",
    "employment_end", "dispute_date", "facts", "request", "is_collective", "received_at",
    "first_contact_due", "decision_due", "mediation_window_ends", "limitation_ends", "next_clock",
    "next_clock_kind", "is_urgent", "accepted_at", "first_contact_at", "closed_at", "reason",
    "amount_claimed", "amount_agreed", "amount_paid", "payment_status", "payment_due", "rating",
    "rating_comment", "rated_at", "submission_key", "created_by", "created_at", "updated_at",
)  # fmt: skip
CLAIM_COLUMNS = ("case", "dispute_type", "amount", "description", "calculation", "position")
EVENT_COLUMNS = (
    "case", "at", "kind", "actor", "from_status", "to_status", "public_text", "internal_text",
    "is_internal", "data",
)  # fmt: skip
CONTACT_COLUMNS = ("id", "case", "at", "channel", "party", "summary", "logged_by", "created_at")


def _table(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


@dataclass
class _Centre:
    org: Org
    handler: User | None


@dataclass
class _Employer:
    pk: int
    name: str
    credit_code: str
    region_code: str
    address: str
    centres: dict[str, _Centre] = field(default_factory=dict)


class _Clocks:
    """``clocks.set_dates`` and ``clocks.refresh`` for a million rows: the deadline functions
    memoised by their inputs (each asks the holiday calendar), ``refresh`` on one reused case."""

    def __init__(self, today: date):
        self.today = today
        self.case = Case()
        self.memo: dict[tuple, date | None] = {}

    def _memo(self, key: tuple, compute: Callable[[], date | None]) -> date | None:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def compute(self, row: dict[str, Any], unpaid_wages: bool) -> None:
        received = timezone.localdate(row["received_at"])
        kind = row["kind"]
        row["first_contact_due"] = self._memo(("fc", received), lambda: deadlines.first_contact_due(received))
        row["decision_due"] = (
            self._memo(("d", received), lambda: deadlines.legal_aid_decision_due(received))
            if kind == CaseKind.LEGAL_AID
            else None
        )
        row["mediation_window_ends"] = (
            self._memo(("w", received), lambda: deadlines.mediation_window_ends(received))
            if kind == CaseKind.MEDIATION
            else None
        )
        knew, end = row["dispute_date"], row["employment_end"]
        row["limitation_ends"] = self._memo(
            ("l", knew, end, unpaid_wages),
            lambda: deadlines.limitation_ends(
                knew_on=knew, employment_end=end, unpaid_wages=unpaid_wages, still_employed=end is None
            ),
        )
        case = self.case
        for name in (
            "kind", "status", "first_contact_at", "first_contact_due", "decision_due",
            "mediation_window_ends", "limitation_ends", "payment_due", "payment_status",
        ):  # fmt: skip
            setattr(case, name, row[name])
        clocks.refresh(case, today=self.today)
        row["next_clock"], row["next_clock_kind"], row["is_urgent"] = (
            case.next_clock,
            case.next_clock_kind,
            case.is_urgent,
        )


class _Volume:
    """Generates and writes the bulk cases, batch by batch."""

    def __init__(self, *, seed: int, now: datetime, employers: list[_Employer]):
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.employers = employers
        self.clocks = _Clocks(self.today)
        self.mobile_keys = members_demo._keys(f"{seed}:{MOBILE_KEYS_LABEL}")
        self.kinds = _table(KIND_WEIGHTS)
        self.statuses = {
            kind: (
                _table([(s, w) for s, w in pairs if s in OPEN_STATUSES]),
                _table([(s, w) for s, w in pairs if s not in OPEN_STATUSES]),
            )
            for kind, pairs in STATUS_WEIGHTS.items()
        }
        self.claim_types = _table(CLAIM_WEIGHTS)
        self.channels = _table(CHANNEL_WEIGHTS)
        self.payments = _table(PAYMENT_WEIGHTS)
        self.ratings = _table(list(RATINGS))
        # The worker-facing texts, translated once (the same messages the services write).
        self.template = Case()
        self.texts: dict[tuple, str] = {}
        self.created_text = _(
            "Your application %(number)s was received and sent to %(centre)s. You can follow it here."
        )
        self.agreed_text = _("An agreement was reached: %(amount)s yuan, to be paid by %(due)s.")
        self.contact_text = _("Your mediator or lawyer was in touch with you (%(how)s).") % {
            "how": ContactChannel.PHONE.label
        }
        self.paid_texts: dict[str, str] = {
            PaymentStatus.PAID: _("The employer has paid all %(amount)s yuan agreed."),
            PaymentStatus.PARTLY_PAID: _("The employer has paid %(amount)s of %(agreed)s yuan."),
            PaymentStatus.UNPAID: _(
                "The employer has not paid. You may ask a court for a payment order; the application "
                "is ready under your case."
            ),
        }

    @staticmethod
    def _pick(rng: random.Random, table: tuple[list[str], list[int]]) -> str:
        return rng.choices(table[0], weights=table[1])[0]

    def _move_text(self, centre: Org, to: str, reason: str) -> str:
        key = (centre.pk, to, reason)
        if key not in self.texts:
            self.template.org = centre
            self.texts[key] = _public_text(self.template, to, reason)
        return self.texts[key]

    def batch(self, number: int, count: int, ids: Sequence[int], contact_ids: Sequence[int]):
        rng = random.Random(f"{self.seed}:cases:{number}")  # noqa: S311 - reproducible demo data
        first = number * BATCH
        cases: list[tuple] = []
        claims: list[tuple] = []
        events: list[tuple] = []
        contacts: list[tuple] = []
        mobiles = [
            f"147{members_demo.permute(BULK_FIRST_APPLICANT + i, bits=MOBILE_BITS, domain=10**8, keys=self.mobile_keys):08d}"
            for i in range(first, first + count)
        ]
        sealed = zip(
            crypto.encrypt_many(mobiles),
            crypto.blind_index_many(mobiles, purpose=crypto.IndexPurpose.MOBILE),
            strict=True,
        )
        contact_at = 0
        for n, (mobile_sealed, mobile_idx) in enumerate(sealed):
            pk = ids[n]
            kind = self._pick(rng, self.kinds)
            employer = self.employers[rng.randrange(len(self.employers))]
            centre = employer.centres[kind]
            # Received over the last two years at an even pace: a case of the last weeks is likely
            # still open, an older one closed (but for a few left behind, past their clocks).
            age = rng.uniform(0, HISTORY_DAYS)
            is_open = rng.random() < max(STUCK_OPEN, 1 - age / OPEN_DAYS)
            status = self._pick(rng, self.statuses[kind][0 if is_open else 1])
            if status in NEEDS_ASSIGNEE and centre.handler is None:
                status = S.ACCEPTED
            received = self.now - timedelta(days=age)
            received_on = timezone.localdate(received)
            dispute = received_on - timedelta(days=rng.randint(1, 150))
            if dispute.month == 2 and dispute.day == 29:
                dispute -= timedelta(days=1)
            still_employed = rng.random() < 0.35
            start = dispute - timedelta(days=rng.randint(120, 3000))
            n_claims = 1 if rng.random() < 0.7 else 2
            types = list(dict.fromkeys(self._pick(rng, self.claim_types) for _k in range(n_claims)))
            amounts = [
                None if kind == CaseKind.CONSULTATION else Decimal(rng.randint(150_000, 6_000_000)) / 100
                for _t in types
            ]
            claimed = sum((a for a in amounts if a is not None), Decimal("0.00"))
            # The course: each step some hours or days after the one before, never after now.
            steps: dict[str, datetime] = {"received": received}
            path = PATHS[status]
            gaps: dict[str, float] = {
                S.ACCEPTED: rng.uniform(0.05, 1.5),
                S.DECLINED: rng.uniform(0.5, 3),
                S.ASSIGNED: rng.uniform(0.05, 2),
                S.IN_PROGRESS: rng.uniform(0.1, 3),
                S.WITHDRAWN: rng.uniform(1, 10),
            }
            at = received
            for to in path:
                at = at + timedelta(days=gaps.get(to, rng.uniform(3, 40)))
                steps[to] = at
            last = max(steps.values())
            if last > self.now:  # squeeze the course into the time since receipt
                scale = (self.now - received) / (last - received) * 0.98
                steps = {k: received + (v - received) * scale for k, v in steps.items()}
            closed_at = steps.get(status) if not is_open else None
            first_contact_at = steps.get(S.IN_PROGRESS)
            handler = centre.handler
            assignee = handler if status in NEEDS_ASSIGNEE else None
            reasons = REASONS.get(status, ("",))
            reason = reasons[rng.randrange(len(reasons))]
            agreed = paid = None
            payment_status: str = ""
            payment_due: date | None = None
            if status == S.AGREED:
                agreed = (claimed * Decimal(rng.uniform(0.5, 1.0))).quantize(Decimal("0.01"))
                payment_due = timezone.localdate(closed_at) + timedelta(days=rng.randint(7, 30))
                payment_status = self._pick(rng, self.payments)
                if payment_status == PaymentStatus.PAID:
                    paid = agreed
                elif payment_status == PaymentStatus.PARTLY_PAID:
                    paid = (agreed * Decimal(rng.uniform(0.2, 0.9))).quantize(Decimal("0.01"))
                elif payment_status == PaymentStatus.UNPAID and payment_due >= self.today:
                    payment_status = PaymentStatus.PENDING  # "not paid" only once the date passed
            rating, rated_at = "", None
            if closed_at is not None and rng.random() < 0.3:
                rating = self._pick(rng, self.ratings)
                rated_at = min(self.now, closed_at + timedelta(days=rng.uniform(0.1, 3)))
            means = ""
            migrant = False
            if kind == CaseKind.LEGAL_AID:
                migrant = rng.random() < 0.6
                means = MeansRoute.WAIVED_MIGRANT if migrant else MeansRoute.PLEDGE
            channel = self._pick(rng, self.channels)
            case_number = f"{NUMBER_PREFIX[CaseKind(kind)]}{received_on:%Y}{pk:07d}"
            row: dict[str, Any] = {
                "id": pk,
                "number": case_number,
                "kind": kind,
                "status": status,
                "channel": channel,
                "org": centre.org.pk,
                "assignee": assignee.pk if assignee else None,
                "applicant": None,
                "applicant_name": members_demo.name_for(rng, male=rng.random() < 0.6),
                "applicant_mobile_encrypted": mobile_sealed,
                "applicant_mobile_index": mobile_idx,
                "applicant_id_number_encrypted": "",
                "applicant_sex": "",
                "applicant_birth_date": None,
                "applicant_occupation": "",
                "applicant_address": "",
                "is_migrant_worker": migrant,
                "means_route": means,
                "person": None,
                "employer": employer.pk,
                "employer_name": employer.name,
                "employer_credit_code": employer.credit_code,
                "employer_region_code": employer.region_code,
                "employer_address": employer.address,
                "employer_legal_rep": "",
                "employment_start": start,
                "employment_end": None if still_employed else dispute,
                "dispute_date": dispute,
                "facts": FACTS[DisputeType(types[0])][0].format(month=f"{dispute:%Y年%m月}", n=3),
                "request": "；".join(REQUESTS[DisputeType(t)] for t in types),
                "is_collective": False,
                "received_at": received,
                "accepted_at": steps.get(S.ACCEPTED),
                "first_contact_at": first_contact_at,
                "closed_at": closed_at,
                "reason": reason,
                "amount_claimed": claimed,
                "amount_agreed": agreed,
                "amount_paid": paid or Decimal("0.00"),
                "payment_status": payment_status,
                "payment_due": payment_due,
                "rating": rating,
                "rating_comment": "",
                "rated_at": rated_at,
                "submission_key": None,
                "created_by": None if channel == Channel.ONLINE or handler is None else handler.pk,
                "created_at": received,
                "updated_at": max(steps.values()),
            }
            self.clocks.compute(row, unpaid_wages=clocks.only_remuneration(types))
            cases.append(tuple(row[c] for c in CASE_COLUMNS))
            for position, (t, amount) in enumerate(zip(types, amounts, strict=True)):
                claims.append((pk, t, amount, REQUESTS[DisputeType(t)], {}, position))
            # The timeline, as the services write it.
            events.append(
                (pk, received, EventKind.CREATED, None, "", "",
                 self.created_text % {"number": case_number, "centre": centre.org.name}, "", False,
                 {"channel": channel, "centre": centre.org.pk})
            )  # fmt: skip
            before: str = S.RECEIVED
            for to in path:
                when = steps[to]
                actor = handler.pk if handler else None
                if to == S.IN_PROGRESS:
                    contact_id = contact_ids[contact_at]
                    contact_at += 1
                    summary = CONTACT_SUMMARIES[rng.randrange(len(CONTACT_SUMMARIES))]
                    contacts.append(
                        (
                            contact_id,
                            pk,
                            when,
                            ContactChannel.PHONE,
                            ContactParty.WORKER,
                            summary,
                            actor,
                            when,
                        )
                    )
                    events.append(
                        (pk, when, EventKind.TRANSITION, actor, before, to,
                         self._move_text(centre.org, to, ""), "", False, {})
                    )  # fmt: skip
                    events.append(
                        (pk, when, EventKind.CONTACT, actor, "", "", self.contact_text, summary, False,
                         {"contact": contact_id, "party": ContactParty.WORKER, "channel": ContactChannel.PHONE})
                    )  # fmt: skip
                else:
                    if to == S.AGREED and payment_due is not None:
                        text = self.agreed_text % {"amount": f"{agreed:,.2f}", "due": payment_due.isoformat()}
                    else:
                        text = self._move_text(centre.org, to, reason if to == status else "")
                    data = {"assignee": actor} if to == S.ASSIGNED else {}
                    events.append(
                        (pk, when, EventKind.TRANSITION, actor, before, to, text,
                         reason if to == status else "", False, data)
                    )  # fmt: skip
                before = to
            if payment_status in self.paid_texts and payment_due is not None:
                when = min(
                    self.now, datetime.combine(payment_due, datetime.min.time(), tzinfo=received.tzinfo)
                )
                amount = paid or Decimal("0.00")
                text = self.paid_texts[payment_status] % {
                    "amount": f"{amount:,.2f}",
                    "agreed": f"{agreed:,.2f}",
                }
                events.append(
                    (pk, when, EventKind.PAYMENT, handler.pk if handler else None, "", "", text, "", False,
                     {"paid": str(amount), "status": payment_status})
                )  # fmt: skip
            if rating:
                events.append(
                    (pk, rated_at, EventKind.RATING, None, "", "", "", "", True, {"rating": rating})
                )  # fmt: skip
        return cases, claims, events, contacts, contact_at


def _employers() -> list[_Employer]:
    """Every enterprise with the centre each kind of case routes to, and who handles it there."""
    candidates = list(
        User.objects.filter(
            username__in=[
                f"{slug}.{role}"
                for _c, slug in orgs_demo.STAFF_NODES
                for role in ("mediator", "legal_aid_officer")
            ]
        ).order_by("-username")  # shunyi, fangshan, then city: a district's own handler first
    )
    centres: dict[tuple[str, str, str], _Centre] = {}
    by_org: dict[tuple[int, str], User | None] = {}
    employers = []
    for pk, name, code, region, address, industry in Enterprise.objects.order_by("credit_code").values_list(
        "pk", "name", "credit_code", "region_code", "address", "industry"
    ):
        employer = _Employer(pk, name, code, region, address)
        for kind in CaseKind.values:
            key = (kind, region, industry)
            if key not in centres:
                org = route(kind=kind, region_code=region, industry=industry)
                if (org.pk, kind) not in by_org:
                    probe = Case(org=org, kind=kind)
                    by_org[(org.pk, kind)] = next((u for u in candidates if can_be_assigned(u, probe)), None)
                centres[key] = _Centre(org, by_org[(org.pk, kind)])
            employer.centres[kind] = centres[key]
        employers.append(employer)
    return employers


def _json(value: dict) -> Any:
    """A JSON column's value as the bulk path takes it: the dict for PostgreSQL's COPY (jsonb), its
    text for SQLite."""
    return value if connection.vendor == "postgresql" else json.dumps(value)


def load_cases(
    *,
    count: int,
    seed: int,
    now: datetime | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> dict[str, int]:
    """Write ``count`` generated cases through ``core.bulk``; returns the counts by status. Inside
    the caller's transaction."""
    now = now or timezone.now()
    started = time.monotonic()
    employers = _employers()
    if not employers or count <= 0:
        return {}
    volume = _Volume(seed=seed, now=now, employers=employers)
    statuses: dict[str, int] = {}
    case_ids = reserve_ids(Case, count)
    with cyclic_gc_paused():
        for number in range(math.ceil(count / BATCH)):
            size = min(BATCH, count - number * BATCH)
            ids = case_ids[number * BATCH : number * BATCH + size]
            contact_ids = reserve_ids(Contact, size)
            cases, claims, events, contacts, used = volume.batch(number, size, ids, contact_ids)
            load_rows(Case, CASE_COLUMNS, adapted_for_sqlite(cases))
            load_rows(Claim, CLAIM_COLUMNS, adapted_for_sqlite(r[:4] + (_json(r[4]), r[5]) for r in claims))
            load_rows(Contact, CONTACT_COLUMNS, adapted_for_sqlite(contacts))
            load_rows(CaseEvent, EVENT_COLUMNS, adapted_for_sqlite(r[:9] + (_json(r[9]),) for r in events))
            for row in cases:
                statuses[row[3]] = statuses.get(row[3], 0) + 1
            if progress is not None:
                progress(number * BATCH + size, count, time.monotonic() - started)
    return statuses


# --- The run ----------------------------------------------------------------------------------------


@dataclass
class CasesResult:
    created: bool
    counts: dict[str, int]
    seconds: float = 0.0


def cases_marker() -> AuditEvent | None:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=MARKER_ACTION).order_by("seq").first()


def seed_cases(
    *,
    scale: str,
    seed: int = orgs_demo.DEFAULT_SEED,
    count: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> CasesResult:
    """Add the demo cases once (a second call changes nothing): the showcase through the services,
    then ``count`` (or the scale's number of) cases through the bulk path. One audit record."""
    marker = cases_marker()
    if marker is not None:
        return CasesResult(False, marker.data.get("counts", {}))
    total = CASE_COUNTS.get(scale, 0) if count is None else count
    started = time.monotonic()
    now = timezone.now()
    with (
        override_settings(OTP_SENDER=f"{__name__}._SilentSender"),
        translation.override(settings.LANGUAGE_CODE),
        scopes_disabled(),
        transaction.atomic(),
    ):
        showcase = seed_showcase(scale=scale, seed=seed, now=now)
        statuses = load_cases(count=total, seed=seed, now=now, progress=progress)
        for case in showcase:
            statuses[case.status] = statuses.get(case.status, 0) + 1
        counts = {"cases": sum(statuses.values()), "showcase": len(showcase)}
        counts.update({s: statuses[s] for s in CaseStatus.values if s in statuses})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case, cases_claim, cases_caseevent, cases_contact")
        city = Org.objects.filter(depth=1).order_by("path").first()
        audit_record(action=MARKER_ACTION, obj=city, data={"scale": scale, "seed": seed, "counts": counts})
    return CasesResult(True, counts, time.monotonic() - started)


def seed_step(
    *, scale: str, seed: int, progress: Callable[[str], None] | None = None
) -> members_demo.DemoStepResult:
    """``seed_demo``'s step (registered in ``cases/apps.py``)."""
    last = [0.0]

    def report(done: int, total: int, seconds: float) -> None:
        if progress is not None and (done == total or seconds - last[0] >= 5):
            last[0] = seconds
            progress(f"cases: {done:,}/{total:,}")

    result = seed_cases(scale=scale, seed=seed, progress=report)
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
    if result.created:
        return members_demo.DemoStepResult(True, f"Cases added in {result.seconds:.1f} s: {counts}")
    return members_demo.DemoStepResult(False, f"Cases already seeded: {counts}")


def register_demo_step() -> None:
    """Add the cases to ``seed_demo`` (called from ``cases/apps.py``)."""
    if seed_step not in members_demo.DEMO_STEPS:
        members_demo.DEMO_STEPS.append(seed_step)
