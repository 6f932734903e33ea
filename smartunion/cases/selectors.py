"""Reads of cases. Staff reads go through the scoped manager (a case outside the scope does not
exist: 404) narrowed to what the user's flags let them see (``visible_q``); a worker's reads state
their own rule (their own cases only) inside ``scopes_disabled()``."""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import CharField, Count, Exists, Field, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User, UserKind
from smartunion.accounts.permissions import orgs_with_perm_paths, scope_for_user
from smartunion.cases.models import (
    CLOSED_STATUSES,
    NO_CLOCK,
    OPEN_STATUS_VALUES,
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
from smartunion.core.pagination import InvalidCursor
from smartunion.core.scoping import (
    EMPTY_SCOPE,
    Scope,
    collapse_prefixes,
    current_scope,
    path_upper_bound,
    scope_sql,
    scopes_disabled,
)
from smartunion.holidays.calendar import overrides_between, working_days_between
from smartunion.orgs.models import Org, OrgKind

QUEUE_ORDER = ("next_clock", "id")
CLOCK_FILTERS = ("overdue", "due_soon", "urgent", "none")
DUE_SOON_DAYS = 3


# Cases sit at a centre, or at a top node when no centre took them (services.routing): the orgs a
# queue looks in are these, found once per request, so the queue filters on ``org_id`` and reads
# the partial indexes in clock order instead of joining the tree.
CASE_HOLDING_KINDS = (OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE)


CASE_FLAGS = ("cases.mediate", "cases.legal_aid", "cases.view")


def _case_orgs(user: User) -> list[tuple[int, str, str, str]]:
    """(id, path, kind, name) of the orgs cases sit at in the subtrees of ``user``'s grants, by path:
    one query per request, kept on the user object like the grants (accounts.permissions). The
    queue's centres (``_case_org_ids``) and the filter's choices (``queue_centres``) are read from
    it."""
    cached = user.__dict__.get("_case_orgs")
    if cached is None:
        prefixes = collapse_prefixes(
            [
                *scope_for_user(user).prefixes,
                *(p for flag in CASE_FLAGS for p in orgs_with_perm_paths(user, flag)),
            ]
        )
        cached = []
        if prefixes:
            # In SQL: the queryset's construction cost more than its answer, on every page of the
            # queue (bench/case_queue.py). The grants' own subtrees, stated here, not the scope.
            subtrees = " OR ".join(["(path >= %s AND path < %s)"] * len(prefixes))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, path, kind, name FROM orgs_org WHERE ({subtrees})"  # noqa: S608 - parameters
                    f" AND ({_in_sql('kind', CASE_HOLDING_KINDS)} OR depth = 1) ORDER BY path",
                    [bound for p in prefixes for bound in (p, path_upper_bound(p))],
                )
                cached = cursor.fetchall()
        user.__dict__["_case_orgs"] = cached
    return cached


def _case_org_ids(user: User, flag: str) -> list[int]:
    """The orgs whose cases ``flag`` lets ``user`` list: those under the flag's grants."""
    prefixes = orgs_with_perm_paths(user, flag)
    if not prefixes:
        return []
    return sorted(pk for pk, path, _kind, _name in _case_orgs(user) if path.startswith(prefixes))


def queue_centres(*, user: User) -> list[tuple[int, str]]:
    """(id, name) of the mediation and legal-service centres in the request's scope, by path: the
    queue filter's choices."""
    scope = current_scope() or EMPTY_SCOPE
    return [
        (pk, name)
        for pk, path, kind, name in _case_orgs(user)
        if kind in CASE_HOLDING_KINDS and scope.covers_path(path)
    ]


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
    ends page it as plain rows (``case_queue_rows``), a fixed number of queries whatever the page
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


# A queue's lines as plain rows: the keys of each row ``case_queue_rows`` returns.
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
_QUEUE_COLUMNS = (
    "c.id, c.number, c.kind, c.status, c.channel, c.org_id, o.name, o.path, c.assignee_id, u.display_name, "
    "u.username, c.applicant_name, c.employer_name, c.received_at, c.amount_claimed, c.next_clock, "
    "c.next_clock_kind, c.is_urgent, c.is_collective"
)


def _in_sql(column: str, values) -> str:
    """``column IN (…)`` of ids (integers from the database) or choice values (code constants),
    written in."""
    return f"{column} IN ({', '.join(_literal(v) for v in values)})"


def _literal(value) -> str:
    if isinstance(value, int):
        return str(int(value))
    if not re.fullmatch(r"[a-z_]+", str(value)):
        raise ValueError(value)
    return f"'{value}'"


# Code constants, written into the statement: the partial indexes' condition (models.Case.Meta) must
# stand in it as values for the planner to prove it, in a reused plan too.
_OPEN_SQL = ", ".join(_literal(s) for s in OPEN_STATUS_VALUES)
_CLOSED_SQL = ", ".join(_literal(s.value) for s in CLOSED_STATUSES)


def _queue_where(user: User, filters: QueueFilters, today: date) -> tuple[list[str], list[Any]]:
    """``case_queue``'s conditions in SQL, on ``c`` (cases_case)."""
    where: list[str] = []
    params: list[Any] = []
    if filters.view == "mine":
        where.append("c.assignee_id = %s")
        params.append(user.pk)
    else:
        listed = [
            f"({_in_sql('c.org_id', ids)} AND {_in_sql('c.kind', kinds)})"
            for flag, kinds in FLAG_KINDS.items()
            if (ids := _case_org_ids(user, flag))
        ]
        if ids := _case_org_ids(user, "cases.view"):
            listed.append(_in_sql("c.org_id", ids))
        where.append(f"({' OR '.join(listed)})" if listed else "1 = 0")
    status = filters.status or "open"
    if status == "open":
        where.append(f"c.status IN ({_OPEN_SQL})")
    elif status == "closed":
        where.append(f"c.status IN ({_CLOSED_SQL})")
    elif status in CaseStatus.values:
        where.append("c.status = %s")
        params.append(status)
    if filters.kind in CaseKind.values:
        where.append("c.kind = %s")
        params.append(filters.kind)
    if filters.dispute_type:
        where.append("EXISTS (SELECT 1 FROM cases_claim cl WHERE cl.case_id = c.id AND cl.dispute_type = %s)")
        params.append(filters.dispute_type)
    if filters.centre:
        where.append("c.org_id = %s")
        params.append(int(filters.centre))
    if filters.clock == "overdue":
        where.append("c.next_clock < %s")
        params.append(today)
    elif filters.clock == "due_soon":
        where.append("c.next_clock >= %s AND c.next_clock <= %s")
        params += [today, today + timedelta(days=DUE_SOON_DAYS)]
    elif filters.clock == "urgent":
        where.append("c.is_urgent = %s")
        params.append(True)
    elif filters.clock == "none":
        where.append("c.next_clock = %s")
        params.append(NO_CLOCK)
    number = filters.q.strip().upper()
    if number:
        column = connection.ops.lookup_cast("startswith", "CharField") % "c.number"
        # django-stubs declares `operators` on each backend's wrapper, not on the base class.
        where.append(f"{column} {connection.operators['startswith'] % '%s'}")  # type: ignore[attr-defined]
        params.append(connection.ops.prep_for_like_query(number) + "%")
    return where, params


def _after(after: Sequence[Any]) -> tuple[date, int]:
    try:
        clock, pk = after
        return date.fromisoformat(clock), int(pk)
    except (ValueError, TypeError):
        raise InvalidCursor(after) from None


def case_queue_rows(
    *, user: User, filters: QueueFilters, after: Sequence[Any] | None = None, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` of ``case_queue``'s cases as dicts keyed by ``QUEUE_VALUES``, in the queue's
    order (``QUEUE_ORDER``), after the row whose keys are ``after`` (``core.pagination.keyset_rows``
    pages it; ``InvalidCursor`` when they do not fit).

    The hot path of the queue (bench/case_queue.py): one statement, written in SQL because building
    and compiling the queryset cost more than the database takes to answer it, as
    ``members.selectors.member_rows``. Scope comes from the one mechanism (``scope_sql``), stated in
    a subquery on the case's centre rather than on the joined centre. On the join, the planner
    starts from the centres in scope, guesses that few of them hold the mediator's cases, and
    fetches every open case assigned to them to sort it (4 ms at a million cases); as a condition
    on the case's own row that it cannot see into, it keeps walking the partial index in clock
    order and stops after a page. tests/cases/test_queue_rows.py holds it to ``case_queue``."""
    where, params = _queue_where(user, filters, timezone.localdate())
    scope, scope_params = scope_sql(Case, org="so.path", prefix_test=True)
    where.append(f"(SELECT {scope} FROM orgs_org so WHERE so.id = c.org_id)")  # noqa: S608 - parameters
    params += scope_params
    if after is not None:
        clock, pk = _after(after)
        where.append("(c.next_clock > %s OR (c.next_clock = %s AND c.id > %s))")
        params += [clock, clock, pk]
    sql = (
        f"SELECT {_QUEUE_COLUMNS} FROM cases_case c INNER JOIN orgs_org o ON o.id = c.org_id"  # noqa: S608
        f" LEFT JOIN accounts_user u ON u.id = c.assignee_id WHERE {' AND '.join(where)}"
        " ORDER BY c.next_clock, c.id LIMIT %s"
    )
    params.append(int(limit))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    converters = _queue_converters(connection.vendor)
    rows = []
    for values in fetched:
        if converters:
            values = list(values)
            for i, field, convert in converters:
                values[i] = convert(values[i], field, connection)
        rows.append(dict(zip(QUEUE_VALUES, values, strict=True)))
    return rows


# The model field behind each of QUEUE_VALUES, for _queue_converters.
_QUEUE_FIELDS = (
    *((Case, name) for name in ("id", "number", "kind", "status", "channel", "org")),
    (Org, "name"),
    (Org, "path"),
    (Case, "assignee"),
    (User, "display_name"),
    (User, "username"),
    *(
        (Case, name)
        for name in (
            "applicant_name",
            "employer_name",
            "received_at",
            "amount_claimed",
            "next_clock",
            "next_clock_kind",
            "is_urgent",
            "is_collective",
        )
    ),
)


@functools.cache
def _queue_converters(vendor: str) -> tuple[tuple[int, Any, Any], ...]:
    """What the ORM does to each column's value on this backend (SQLite: dates and times from text,
    decimals from floats); nothing on PostgreSQL."""
    found = []
    for i, (model, name) in enumerate(_QUEUE_FIELDS):
        field = cast(Field, model._meta.get_field(name))
        col = field.get_col("c")
        for convert in (*connection.ops.get_db_converters(col), *field.get_db_converters(connection)):
            found.append((i, col, convert))
    return tuple(found)


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
