"""Member search and the member list, through the scoped managers.

Search at a million members: a full mobile (the contact number on the record, or the sign-in number
of the worker account linked to it) or a full ID number is an exact blind-index lookup; digits
short of a full number are refused with a message (they cannot match a blind index, and as a name
prefix they would find nobody); anything else is a name prefix (an index range scan on
``real_name``). Lists use keyset pagination on (key, id) and never COUNT(*).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core import crypto
from smartunion.core.codes import normalise_input
from smartunion.core.errors import ValidationFailed
from smartunion.core.personal import (
    id_number_index,
    is_mobile,
    mask_id_number,
    mask_mobile,
    mobile_index,
    normalise_mobile,
)
from smartunion.core.prepared import prepared
from smartunion.core.scoping import current_scope, path_upper_bound, scope_sql, subtree_q
from smartunion.members.models import (
    CURRENT_STATUSES,
    Membership,
    Person,
)
from smartunion.orgs.models import Org

_ID_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")
# Digits (with the spaces, dashes and "+" people type in numbers) and nothing else.
_DIGITS_RE = re.compile(r"^\+?[0-9][0-9\s-]*$")


@dataclass(frozen=True)
class SearchKind:
    kind: str  # "mobile" | "id_number" | "name" | "all" | "partial_number"
    value: str


def classify_query(q: str) -> SearchKind:
    q = normalise_input(q)
    if not q:
        return SearchKind("all", "")
    if is_mobile(q):
        return SearchKind("mobile", normalise_mobile(q))
    if _ID_RE.match(q):
        return SearchKind("id_number", q.upper())
    if _DIGITS_RE.match(q):
        return SearchKind("partial_number", q)
    return SearchKind("name", q)


def member_query_error(kind: SearchKind) -> ValidationFailed | None:
    """Digits short of a full number find nobody (numbers are matched whole, through their blind
    index): say what to type instead of answering with an empty list. On the field ``q``."""
    if kind.kind != "partial_number":
        return None
    digits = re.sub(r"\D", "", kind.value)
    if len(digits) <= 11:
        message = _("Enter the full 11-digit mobile number.")
    else:
        message = _("Enter the full 18-character ID number.")
    return ValidationFailed(fields={"q": [message]})


def _mobile_match(value: str) -> Q:
    """The contact mobile on the record, or the sign-in mobile of the worker account linked to it
    (both carry the same blind index)."""
    index = mobile_index(value)
    # A scalar subquery (the sign-in mobile is unique), so PostgreSQL ORs two index scans instead
    # of joining every person to the accounts table.
    account = Subquery(User.objects.filter(mobile_index=index).values("pk")[:1])
    return Q(mobile_index=index) | Q(user_id=account)


def person_search(
    *, q: str = "", org: Org | None = None, status: str = "", with_memberships: bool = False
) -> QuerySet[Person]:
    """People in scope matching ``q`` (full contact or sign-in mobile, full ID number, or name
    prefix), ordered for keyset pagination by (real_name, id). Digits short of a full number raise
    ``ValidationFailed`` on ``q``. ``with_memberships``: each person's memberships in scope, newest
    first, in ``memberships_newest`` (one query for the page)."""
    kind = classify_query(q)
    if (error := member_query_error(kind)) is not None:
        raise error
    qs = Person.objects.filter(closed_at__isnull=True).select_related("org", "employer")
    if kind.kind == "mobile":
        qs = qs.filter(_mobile_match(kind.value))
    elif kind.kind == "id_number":
        qs = qs.filter(id_number_index=id_number_index(kind.value))
    elif kind.kind == "name":
        qs = qs.filter(real_name__startswith=kind.value)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="org"))
    if status:
        # Through the scoped manager: a membership out of scope is neither shown nor filtered on.
        qs = qs.filter(pk__in=Membership.objects.filter(status=status).values("person"))
    if with_memberships:
        newest_first = Membership.objects.order_by("-created_at", "-id")
        qs = qs.prefetch_related(Prefetch("memberships", queryset=newest_first, to_attr="memberships_newest"))
    return qs.order_by("real_name", "id")


# --- The member list, at a million members ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One line of the member list: masked personal data only, and the person's held membership or
    open application (``status`` and ``number`` empty without one)."""

    id: int
    real_name: str
    id_number_masked: str
    mobile_masked: str
    birth_date: date | None
    sex: str
    employment_form: str
    org_id: int
    org_name: str
    employer_id: int | None
    employer_name: str | None
    status: str
    number: str


def member_rows(
    *, q: str = "", org: Org | None = None, status: str = "", after: tuple[str, int] | None = None, limit: int
) -> list[MemberRow]:
    """Up to ``limit`` people in scope matching ``q`` (as ``person_search``: a full contact or
    sign-in mobile or ID number exactly, digits short of one refused, anything else as a name
    prefix), ordered by (real_name, id), after the row ``after``.

    The hot path of member search (bench/member_search.py, PERFORMANCE.md): one statement, written
    in SQL because building and compiling the equivalent queryset costs more than the database
    takes to answer it. Scope comes from the one mechanism (``core.scoping.scope_sql``), which fails
    closed like the managers; tests/members/test_member_rows.py holds it to ``person_search``.

    On PostgreSQL the statement takes one of two fixed shapes, so that the server plans it once per
    connection and reuses the plan (decision 0011): planning the statement anew cost more than
    running it. Which shape fits depends on how much of the tree the search covers, and a plan
    reused for every scope cannot know that, so the shape is chosen here (``_covers_much_of_tree``).
    """
    kind = classify_query(q)
    if (error := member_query_error(kind)) is not None:
        raise error
    if connection.vendor == "postgresql":
        sql, params = _member_rows_sql_postgresql(kind=kind, org=org, status=status, after=after, limit=limit)
    else:
        sql, params = _member_rows_sql(kind=kind, org=org, status=status, after=after, limit=limit)
    with prepared(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for (
        pid,
        real_name,
        id_enc,
        mobile_enc,
        birth_date,
        sex,
        form,
        org_id,
        org_name,
        emp_id,
        emp_name,
        pair,
    ) in fetched:
        member_status, _sep, number = (pair or "").partition("|")
        rows.append(
            MemberRow(
                id=pid,
                real_name=real_name,
                id_number_masked=mask_id_number(crypto.decrypt(id_enc)) if id_enc else "",
                mobile_masked=mask_mobile(crypto.decrypt(mobile_enc)) if mobile_enc else "",
                birth_date=birth_date,
                sex=sex,
                employment_form=form,
                org_id=org_id,
                org_name=org_name,
                employer_id=emp_id,
                employer_name=emp_name,
                status=member_status,
                number=number,
            )
        )
    return rows


def _person_conditions(kind: SearchKind, *, status: str, after: tuple[str, int] | None, prefix_test: bool):
    """The conditions on ``p`` (members_person) that do not depend on the shape of the statement."""
    where = ["p.closed_at IS NULL"]
    params: list = []
    if kind.kind == "mobile":
        # The contact mobile, or the sign-in mobile of the linked account (unique: at most one).
        where.append(
            "(p.mobile_index = %s OR p.user_id = (SELECT u.id FROM accounts_user u WHERE u.mobile_index = %s))"
        )
        params += [mobile_index(kind.value)] * 2
    elif kind.kind == "id_number":
        where.append("p.id_number_index = %s")
        params.append(id_number_index(kind.value))
    elif kind.kind == "name":
        if connection.vendor == "postgresql":
            # A range (real_name compares bytewise, "C"), its bounds hidden from the planner behind
            # (SELECT %s): LIKE with a parameter cannot use the index in a reused plan, and a bound
            # the planner can see makes it guess the rows of one surname from the histogram and
            # sometimes fetch all 15,000 of them to sort (60 ms). Unseen, every run gets the plan
            # that walks the index in order, and the server plans the statement once.
            where.append("p.real_name >= (SELECT %s::text) AND p.real_name < (SELECT %s::text)")
            params += [kind.value, path_upper_bound(kind.value)]
        else:
            name = connection.ops.lookup_cast("startswith", "CharField") % "p.real_name"
            where.append(f"{name} {connection.operators['startswith'] % '%s'}")
            params.append(connection.ops.prep_for_like_query(kind.value) + "%")
    if status:
        # A status filter sees the memberships in scope only, like the column it filters.
        membership_scope, membership_params = scope_sql(Membership, org="mo.path", prefix_test=prefix_test)
        where.append(
            "EXISTS (SELECT 1 FROM members_membership sm INNER JOIN orgs_org mo ON mo.id = sm.org_id"  # noqa: S608
            f" WHERE sm.person_id = p.id AND sm.status = %s AND {membership_scope})"
        )
        params += [status, *membership_params]
    if after is not None:
        where.append("(p.real_name > %s OR (p.real_name = %s AND p.id > %s))")
        params += [after[0], after[0], after[1]]
    return where, params


def _current_membership_sql(*, prefix_test: bool) -> tuple[str, list]:
    """The current membership in scope of ``p`` (held or applying, newest first: as
    ``records.person_current_membership``), as 'status|number'."""
    membership_scope, membership_params = scope_sql(Membership, org="mo.path", prefix_test=prefix_test)
    sql = (
        "(SELECT m.status || '|' || COALESCE(m.number, '') FROM members_membership m"  # noqa: S608
        "  INNER JOIN orgs_org mo ON mo.id = m.org_id"
        f"  WHERE m.person_id = p.id AND m.status IN ({', '.join(['%s'] * len(CURRENT_STATUSES))})"
        f"  AND {membership_scope} ORDER BY m.created_at DESC, m.id DESC LIMIT 1)"
    )
    return sql, [*CURRENT_STATUSES, *membership_params]


def _member_rows_sql(
    *, kind: SearchKind, org: Org | None, status: str, after, limit: int
) -> tuple[str, list]:
    """SQLite: one statement with the joins; nothing is planned ahead there."""
    person_scope, person_params = scope_sql(Person, org="o.path")
    current, current_params = _current_membership_sql(prefix_test=False)
    where, params = _person_conditions(kind, status=status, after=after, prefix_test=False)
    where = [person_scope, *where]
    params = [*person_params, *params]
    if org is not None:
        where.append("o.path >= %s AND o.path < %s")
        params += [org.path, path_upper_bound(org.path)]
    # Constant fragments, every value a parameter:
    sql = (
        "SELECT p.id, p.real_name, p.id_number_encrypted, p.mobile_encrypted, p.birth_date, p.sex,"  # noqa: S608
        f" p.employment_form, o.id, o.name, e.id, e.name, {current}"
        " FROM members_person p INNER JOIN orgs_org o ON o.id = p.org_id"
        " LEFT OUTER JOIN orgs_enterprise e ON e.id = p.employer_id"
        f" WHERE {' AND '.join(where)} ORDER BY p.real_name, p.id LIMIT %s"
    )
    return sql, [*current_params, *params, limit]


# The columns of a row, the names looked up for the page's rows only (after the LIMIT).
_PG_ROW = (
    "SELECT p.id, p.real_name, p.id_number_encrypted, p.mobile_encrypted, p.birth_date, p.sex, p.employment_form,"
    " p.org_id, (SELECT o.name FROM orgs_org o WHERE o.id = p.org_id),"
    " p.employer_id, (SELECT e.name FROM orgs_enterprise e WHERE e.id = p.employer_id), "
)
_PERSON_COLUMNS = (
    "p.id, p.real_name, p.id_number_encrypted, p.mobile_encrypted, p.birth_date, p.sex, p.employment_form,"
    " p.org_id, p.employer_id, p.user_id"
)


def _member_rows_sql_postgresql(
    *, kind: SearchKind, org: Org | None, status: str, after, limit: int
) -> tuple[str, list]:
    """One of two shapes, each planned once per connection (see ``member_rows``):

    - people first: walk the people in name order (or find the one by mobile or ID number) and
      keep those whose union is in scope; right when the search covers much of the tree, or looks
      up one number;
    - unions first: for each union in scope, its first people by name, then the first of those;
      right for a district, a street or one union, where walking the whole city's names in order
      would pass over thousands of people out of scope."""
    current, current_params = _current_membership_sql(prefix_test=True)
    where, params = _person_conditions(kind, status=status, after=after, prefix_test=True)
    if kind.kind in ("mobile", "id_number") or _covers_much_of_tree(org):
        union_path = "(SELECT so.path FROM orgs_org so WHERE so.id = p.org_id)"
        person_scope, person_params = scope_sql(Person, org=union_path, prefix_test=True)
        where = [*where, person_scope]
        params = [*params, *person_params]
        if org is not None:
            where.append(f"starts_with({union_path}, %s)")
            params.append(org.path)
        sql = (
            f"{_PG_ROW}{current} FROM members_person p"  # noqa: S608
            f" WHERE {' AND '.join(where)} ORDER BY p.real_name, p.id LIMIT %s"
        )
        return sql, [*current_params, *params, limit]
    union_scope, union_params = scope_sql(Person, org="lo.path")
    union_where = [union_scope]
    if org is not None:
        union_where.append("lo.path >= %s AND lo.path < %s")
        union_params = [*union_params, org.path, path_upper_bound(org.path)]
    sql = (
        f"{_PG_ROW}{current} FROM ("  # noqa: S608
        f"SELECT {_PERSON_COLUMNS.replace('p.', 'lp.')} FROM orgs_org lo CROSS JOIN LATERAL ("
        f"SELECT {_PERSON_COLUMNS} FROM members_person p WHERE p.org_id = lo.id AND {' AND '.join(where)}"
        " ORDER BY p.real_name, p.id LIMIT %s) lp"
        f" WHERE {' AND '.join(union_where)} ORDER BY lp.real_name, lp.id LIMIT %s) p"
        " ORDER BY p.real_name, p.id"
    )
    return sql, [*current_params, *params, limit, *union_params, limit]


# Which shape fits a scope changes only as the tree grows: each process keeps the answer for a
# while, for the few hundred scopes its staff search in (a bounded cache, oldest out first).
_BREADTH_SECONDS = 600.0
_BREADTH_ENTRIES = 512
_breadth: dict[tuple, tuple[float, bool]] = {}


def _covers_much_of_tree(org: Org | None) -> bool:
    """Does a search in the active scope (narrowed to ``org``) cover a quarter of the
    organisations or more? Then walking people in name order finds a page after a few dozen rows;
    below that, starting from the unions is the safer plan."""
    active = current_scope()
    key = (
        active.unrestricted if active else None,
        active.prefixes if active else (),
        org.path if org else "",
    )
    now = time.monotonic()
    cached = _breadth.get(key)
    if cached is not None and now - cached[0] < _BREADTH_SECONDS:
        return cached[1]
    union_scope, union_params = scope_sql(Person, org="path")
    condition, params = union_scope, list(union_params)
    if org is not None:
        condition += " AND path >= %s AND path < %s"
        params += [org.path, path_upper_bound(org.path)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FILTER (WHERE {condition}), count(*) FROM orgs_org", params)  # noqa: S608
        in_scope, total = cursor.fetchone()
    broad = in_scope * 4 >= total
    if len(_breadth) >= _BREADTH_ENTRIES:
        _breadth.pop(next(iter(_breadth), None), None)  # oldest out; safe if a thread got there first
    _breadth[key] = (now, broad)
    return broad
