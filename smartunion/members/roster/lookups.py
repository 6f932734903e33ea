"""The roster's rows against the people already registered, in bulk: a lookup of 100,000 blind indexes
is a few statements with the values as ONE parameter (decision 0007), at the check and again at the
import's re-check."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db import connection
from django.utils.translation import gettext as _

from smartunion.members.models import CURRENT_STATUSES, Membership, MembershipStatus, Person
from smartunion.orgs.models import Org


def _chunks(values: list, size: int | None = None) -> Iterator[list]:
    size = size or (5000 if connection.vendor == "sqlite" else 20000)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(sql: str, column: str, values: list) -> Iterator[tuple]:
    """Run ``sql`` whose ``{in}`` is "``column`` is one of ``values``", with the values as ONE
    parameter (an array on PostgreSQL, a JSON list on SQLite): a bulk lookup of 100,000 blind
    indexes costs a few statements, not 100,000 placeholders. System work: no scope applies."""
    if not values:
        return
    postgres = connection.vendor == "postgresql"
    if postgres:
        # One comma-joined text the server splits: 10 times faster than adapting a 100,000-item
        # list. The values are hex digests or integers, never commas.
        cast = "::bigint[]" if isinstance(values[0], int) else ""
        condition = f"{column} = ANY(string_to_array(%s, ','){cast})"
    else:
        condition = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (our own column names)
        values = sorted(values)  # SQLite builds its lookup table from them twice as fast in order
    with connection.cursor() as cursor:
        for chunk in _chunks(values, 100_000):
            param = ",".join(map(str, chunk)) if postgres else json.dumps(chunk)
            cursor.execute(sql.replace("{in}", condition), [param])
            yield from cursor.fetchall()


def database_check(entries: list[tuple[int, str, str, str]], *, org: Org) -> dict[int, tuple]:
    """Rows against the people already registered, by blind index and in bulk.

    ``entries``: (line, ID-number index, mobile index, name). Returns, for the lines that need it,
    ("skip", warnings) — already a member of this union: re-running a file is safe; ("existing",
    person id, warnings) — a registered person with no current membership, who joins again; or
    ("error", column key, reason). ``warnings``: (column key, reason) for what the row says
    otherwise than the record, which the import does not change; a returning person under another
    name is an error, as in staff enrolment."""
    if not entries:
        return {}
    by_id: dict[str, tuple[int, str | None, str]] = {}
    mobile_owners: dict[str, set[int]] = {}
    current: dict[int, tuple[int, str]] = {}
    person = Person._meta.db_table
    membership = Membership._meta.db_table
    for pk, index, mob, name in _select_in(
        f"SELECT id, id_number_index, mobile_index, real_name FROM {person} WHERE {{in}}",  # noqa: S608
        "id_number_index",
        list({e[1] for e in entries}),  # in any order: PostgreSQL sorts the array for the index scan
    ):
        by_id[index] = (pk, mob, name)
    for pk, mob in _select_in(
        f"SELECT id, mobile_index FROM {person} WHERE {{in}}",  # noqa: S608
        "mobile_index",
        list({e[2] for e in entries}),
    ):
        mobile_owners.setdefault(mob, set()).add(pk)
    statuses = ", ".join(f"'{s}'" for s in CURRENT_STATUSES)
    for person_id, org_id, status in _select_in(
        f"SELECT person_id, org_id, status FROM {membership} WHERE status IN ({statuses}) AND {{in}}",  # noqa: S608
        "person_id",
        [found[0] for found in by_id.values()],
    ):
        current[person_id] = (org_id, status)
    verdicts: dict[int, tuple] = {}
    if not by_id and not mobile_owners:
        return verdicts  # the usual roster of new members: nobody known, no mobile taken
    elsewhere = _("This person is already a member of another union; a change of union is a transfer.")
    applying = _("This person has an application waiting for an answer; decide it in the application queue.")
    mobile_taken = _("This mobile number is registered to another person.")
    other_name = _("This ID number is on file under another name: check the number.")
    other_name_here = _(
        "Already a member of this union, on file under another name; the record is not changed. "
        "Correct the name on the member's page if it changed."
    )
    other_mobile = _(
        "The record keeps the mobile number on file; the roster's number is not taken. The member changes it "
        "themselves, or staff on the member's page."
    )
    no_owners: set[int] = set()
    for line, id_index, mob_index, name in entries:
        person = by_id.get(id_index)
        owners = mobile_owners.get(mob_index, no_owners)
        if person is None and not owners:
            continue  # a new person with a mobile nobody has
        person_id = person[0] if person else None
        # What the row says otherwise than the record: the import changes neither silently.
        warnings = []
        if person is not None and person[1] is not None and person[1] != mob_index:
            warnings.append(("mobile", other_mobile))
        if person_id is not None and person_id in current:
            org_id, status = current[person_id]
            if status == MembershipStatus.APPLYING:
                verdicts[line] = ("error", "id_number", applying)
            elif org_id == org.pk:
                if name != person[2]:
                    warnings.insert(0, ("real_name", other_name_here))
                verdicts[line] = ("skip", warnings)
            else:
                verdicts[line] = ("error", "id_number", elsewhere)
            continue
        if owners - {person_id}:
            verdicts[line] = ("error", "mobile", mobile_taken)
        elif person_id is not None:
            if name != person[2]:
                verdicts[line] = ("error", "real_name", other_name)
            else:
                verdicts[line] = ("existing", person_id, warnings)
    return verdicts
