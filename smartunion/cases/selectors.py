"""Reads of cases. Staff reads go through the scoped manager (a case outside the scope does not
exist: 404) narrowed to what the user's flags let them see (``visible_q``); a worker's reads state
their own rule (their own cases only) inside ``scopes_disabled()``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User, UserKind
from smartunion.accounts.permissions import orgs_with_perm_paths
from smartunion.cases.models import (
    CLOSED_STATUSES,
    NO_CLOCK,
    OPEN_STATUSES,
    ApplicationDraft,
    Case,
    CaseDocument,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Claim,
    Evidence,
    PaymentStatus,
    RoutingRule,
    Share,
)
from smartunion.cases.policies import FLAG_KINDS, can_be_assigned, can_view_case, is_applicant
from smartunion.core.audit import AuditAction
from smartunion.core.errors import NotFound
from smartunion.core.scoping import Scope, scopes_disabled
from smartunion.holidays.calendar import overrides_between, working_days_between
from smartunion.orgs.models import Org, OrgKind

QUEUE_ORDER = ("next_clock", "id")
CLOCK_FILTERS = ("overdue", "due_soon", "urgent", "none")
DUE_SOON_DAYS = 3


# Cases sit at a centre, or at a top node when no centre took them (services.routing): the orgs a
# queue looks in are these, found once per request, so the queue filters on ``org_id`` and reads
# the partial indexes in clock order instead of joining the tree.
CASE_HOLDING_KINDS = (OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE)


def _case_org_ids(user: User, flag: str) -> list[int]:
    # Once per request, like the grants (accounts.permissions): kept on the user object.
    cache: dict[str, list[int]] = user.__dict__.setdefault("_case_org_ids", {})
    if flag not in cache:
        prefixes = orgs_with_perm_paths(user, flag)
        if not prefixes:
            cache[flag] = []
        else:
            in_grants = Scope(prefixes=prefixes).q(("",), null_visible_at_root=False)
            with scopes_disabled():  # the grants' own subtrees, stated above
                cache[flag] = list(
                    Org.objects.filter(in_grants)
                    .filter(Q(kind__in=CASE_HOLDING_KINDS) | Q(depth=1))
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
    return cache[flag]


def _listed_q(user: User) -> Q:
    """The cases ``user`` may list (without those merely assigned to them): the kinds their handling
    flags cover at the centres under those grants, and every case under a ``cases.view`` grant."""
    condition = Q(pk__in=[])
    for flag, kinds in FLAG_KINDS.items():
        ids = _case_org_ids(user, flag)
        if ids:
            condition |= Q(org_id__in=ids, kind__in=kinds)
    ids = _case_org_ids(user, "cases.view")
    if ids:
        condition |= Q(org_id__in=ids)
    return condition


def visible_q(user: User) -> Q:
    """The cases ``user`` may see: those they may list, and the cases assigned to them."""
    condition = _listed_q(user)
    if user.pk:
        condition |= Q(assignee_id=user.pk)
    return condition


def numbers_q(user: User) -> Q:
    """The cases counted in ``user``'s numbers: those they may list, and for a cockpit viewer every
    case of the cockpit's subtrees (counts and sums only, never a case or a name)."""
    condition = visible_q(user)
    prefixes = orgs_with_perm_paths(user, "cockpit.view")
    if prefixes:
        condition |= Scope(prefixes=prefixes).q(("org",), null_visible_at_root=False)
    return condition


@dataclass(frozen=True)
class QueueFilters:
    view: str = "centre"  # "centre": the centre's queue; "mine": assigned to me; "all": every visible
    status: str = ""  # a status, "open" (default) or "closed"
    kind: str = ""
    dispute_type: str = ""
    clock: str = ""  # overdue | due_soon | urgent | none
    centre: int | None = None
    q: str = ""  # a case number


def case_queue(*, user: User, filters: QueueFilters, today: date | None = None) -> QuerySet[Case]:
    """The queue's cases, to be read in the keyset order ``QUEUE_ORDER`` (nearest clock, then id). The
    ends page it as plain rows (``case_queue_values``), a fixed number of queries whatever the page
    size; the start page counts it."""
    today = today or timezone.localdate()
    # "mine" is the cases assigned to the user; the centre's queue what their grants list. Each is
    # one condition the partial indexes (models.Case.Meta) serve in the queue's order.
    visible = Q(assignee_id=user.pk) if filters.view == "mine" else _listed_q(user)
    qs = Case.objects.filter(visible)
    status = filters.status or "open"
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if filters.kind in CaseKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.dispute_type:
        qs = qs.filter(Exists(Claim.objects.filter(case=OuterRef("pk"), dispute_type=filters.dispute_type)))
    if filters.centre:
        qs = qs.filter(org_id=filters.centre)
    if filters.clock == "overdue":
        qs = qs.filter(next_clock__lt=today)
    elif filters.clock == "due_soon":
        qs = qs.filter(next_clock__gte=today, next_clock__lte=today + timedelta(days=DUE_SOON_DAYS))
    elif filters.clock == "urgent":
        qs = qs.filter(is_urgent=True)
    elif filters.clock == "none":
        qs = qs.filter(next_clock=NO_CLOCK)
    number = filters.q.strip().upper()
    if number:
        qs = qs.filter(number__startswith=number)
    return qs


# A queue's lines as plain rows (the API's hot path): no model per row.
QUEUE_VALUES = (
    "id",
    "number",
    "kind",
    "status",
    "channel",
    "org_id",
    "org__name",
    "org__path",
    "assignee_id",
    "assignee__display_name",
    "assignee__username",
    "applicant_name",
    "employer_name",
    "received_at",
    "amount_claimed",
    "next_clock",
    "next_clock_kind",
    "is_urgent",
    "is_collective",
)


def case_queue_values(*, user: User, filters: QueueFilters) -> QuerySet:
    """The queue as dicts of ``QUEUE_VALUES``, in the queue's order (page it with a keyset)."""
    return case_queue(user=user, filters=filters).values(*QUEUE_VALUES)


def case_get(*, user: User, pk: Any) -> Case:
    """One case the staff member may see; 404 otherwise (outside the scope or the user's flags)."""
    try:
        case = (
            Case.objects.filter(visible_q(user)).select_related("org", "assignee", "employer").get(pk=int(pk))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This case does not exist.")) from None
    if not can_view_case(user, case):
        raise NotFound(_("This case does not exist."))
    return case


def case_claims(*, case: Case) -> list[Claim]:
    return list(case.claims.all())


def case_timeline(*, case: Case, public_only: bool) -> list[CaseEvent]:
    """The case's events, oldest first; the worker's timeline never shows internal notes."""
    with scopes_disabled():
        events = case.events.select_related("actor").order_by("at", "id")
        if public_only:
            events = events.filter(is_internal=False).exclude(public_text="")
        return list(events)


def case_evidence(*, case: Case) -> list[Evidence]:
    return list(case.evidence.all())


def evidence_get(*, case: Case, pk: Any) -> Evidence:
    try:
        return case.evidence.get(pk=int(pk))
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This file does not exist.")) from None


def case_documents(*, case: Case) -> list[CaseDocument]:
    return list(case.documents.select_related("created_by"))


def document_get(*, case: Case, pk: Any) -> CaseDocument:
    try:
        return case.documents.get(pk=int(pk))
    except (CaseDocument.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This document does not exist.")) from None


def case_shares(*, case: Case) -> list[Share]:
    return list(case.shares.all())


def assignable_staff(*, case: Case) -> list[User]:
    """Who the case may be assigned to: active staff holding its handling flag on its centre."""
    with scopes_disabled():
        candidates = User.objects.filter(kind="staff", is_active=True, grants__isnull=False).distinct()
        return [u for u in candidates.order_by("display_name", "pk")[:500] if can_be_assigned(u, case)]


# --- The worker's own cases ---------------------------------------------------------------------


def _mine_q(user: User) -> Q:
    condition = Q(applicant_id=user.pk)
    if user.mobile_index:  # entered by staff before the worker had an account (policies.is_applicant)
        condition |= Q(applicant__isnull=True, applicant_mobile_index=user.mobile_index)
    return condition


def my_cases(*, user: User) -> list[Case]:
    if not getattr(user, "is_authenticated", False) or user.is_staff_member:
        return []
    with scopes_disabled():
        return list(
            Case.objects.filter(_mine_q(user)).select_related("org").order_by("-received_at", "-id")[:200]
        )


def my_case_get(*, user: User, pk: Any) -> Case:
    """One of the worker's own cases; anyone else's is 404."""
    with scopes_disabled():
        try:
            case = Case.objects.select_related("org").get(pk=int(pk))
        except (Case.DoesNotExist, ValueError, TypeError):
            raise NotFound(_("This case does not exist.")) from None
    if not is_applicant(user, case):
        raise NotFound(_("This case does not exist."))
    return case


def case_looked_up(*, pk: Any) -> Case:
    """A case the caller proved the applicant's code for (``services.case_lookup``); the caller
    keeps that proof (the mobile web: in the session, for that case only)."""
    with scopes_disabled():
        try:
            return Case.objects.select_related("org").get(pk=int(pk))
        except (Case.DoesNotExist, ValueError, TypeError):
            raise NotFound(_("This case does not exist.")) from None


def case_by_number(*, number: str) -> Case | None:
    with scopes_disabled():
        return Case.objects.select_related("org").filter(number=(number or "").strip().upper()).first()


def draft_get(*, user: User, kind: str) -> ApplicationDraft | None:
    """The worker's draft application of ``kind``, if they saved one (any device)."""
    if not getattr(user, "is_authenticated", False) or user.is_staff_member:
        return None
    return ApplicationDraft.objects.filter(user=user, kind=kind).first()


def my_drafts(*, user: User) -> list[ApplicationDraft]:
    if not getattr(user, "is_authenticated", False) or user.is_staff_member:
        return []
    return list(ApplicationDraft.objects.filter(user=user).order_by("-updated_at"))


# What staff did with a worker's case that the worker's "who opened my record" lists.
ACCESS_ACTIONS = (
    AuditAction.CASE_VIEW,
    AuditAction.CASE_EVIDENCE_VIEW,
    AuditAction.CASE_DOCUMENT_VIEW,
    AuditAction.CASE_UNMASK,
)


def case_access_q(user: User) -> Q:
    """The audit records of staff opening the worker's cases, their evidence and documents, or
    showing their numbers in full (filled into ``members.selectors.ACCESS_HISTORY_EXTRA``)."""
    with scopes_disabled():
        # A subquery, not a list: the access history stays one query however many cases.
        ids = Case.objects.filter(_mine_q(user)).annotate(sid=Cast("pk", CharField())).values("sid")
    return Q(
        object_type=Case._meta.label_lower,
        object_id__in=ids,
        action__in=ACCESS_ACTIONS,
        actor__kind=UserKind.STAFF,
    )


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("centre").order_by("kind", "region_prefix", "industry", "pk")


# --- Numbers per centre and subtree -------------------------------------------------------------


def _working_days(first: date, last: date, overrides: dict[date, bool]) -> int:
    return working_days_between(first, last, overrides=overrides) if last > first else 0


def case_numbers(*, user: User, centre: int | None = None, since: date | None = None) -> dict[str, Any]:
    """Cases by kind, type and status; the median working days to first contact and to close;
    agreements; amounts claimed, agreed and paid; ratings. Over the cases ``user`` may see, and a
    cockpit viewer's subtrees (``numbers_q``)."""
    qs = Case.objects.filter(numbers_q(user))
    if centre:
        qs = qs.filter(org_id=centre)
    if since:
        qs = qs.filter(received_at__date__gte=since)
    by_kind = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    by_type = dict(
        Claim.objects.filter(case__in=qs)
        .values_list("dispute_type")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    money = qs.aggregate(claimed=Sum("amount_claimed"), agreed=Sum("amount_agreed"), paid=Sum("amount_paid"))
    ratings = dict(qs.exclude(rating="").values_list("rating").annotate(n=Count("id")).order_by())
    # Medians over a sample of the latest 2,000 closed/contacted cases: a figure, not a scan.
    sample = list(
        qs.exclude(first_contact_at__isnull=True, closed_at__isnull=True)
        .order_by("-id")
        .values_list("received_at", "first_contact_at", "closed_at")[:2000]
    )
    overrides: dict[date, bool] = {}
    if sample:
        first = min(timezone.localdate(r[0]) for r in sample)
        overrides = overrides_between(first, timezone.localdate() + timedelta(days=1))
    to_contact = [
        _working_days(timezone.localdate(r), timezone.localdate(c), overrides) for r, c, _x in sample if c
    ]
    to_close = [
        _working_days(timezone.localdate(r), timezone.localdate(c), overrides) for r, _c, c in sample if c
    ]
    zero = Decimal("0.00")
    return {
        "total": sum(by_kind.values()),
        "by_kind": {k: by_kind.get(k, 0) for k in CaseKind.values},
        "by_status": {s: by_status.get(s, 0) for s in CaseStatus.values},
        "by_type": by_type,
        "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
        "agreements": by_status.get(CaseStatus.AGREED, 0),
        "median_working_days_to_first_contact": statistics.median(to_contact) if to_contact else None,
        "median_working_days_to_close": statistics.median(to_close) if to_close else None,
        "amount_claimed": money["claimed"] or zero,
        "amount_agreed": money["agreed"] or zero,
        "amount_paid": money["paid"] or zero,
        "paid_in_full": qs.filter(payment_status=PaymentStatus.PAID).count(),
        "ratings": {r: ratings.get(r, 0) for r in ("satisfied", "neutral", "dissatisfied")},
    }
