"""Roster export: the members of a union's subtree within the exporting staff member's scope, as .xlsx
or .csv in the import's columns and a few more. ID numbers and mobiles are masked unless the staff
member holds ``members.unmask`` and asks; an unmasked export is audited once, with its row count
(decision 0007)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import require_perm
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.core.personal import mask_id_number, mask_mobile
from smartunion.core.scoping import subtree_q
from smartunion.members.models import HOLDING_STATUSES, Membership, MembershipStatus, OccupationTag, Person
from smartunion.members.roster.format import (
    COLUMNS,
    EMPLOYMENT_FORM_NAMES,
    FORMULA_PREFIXES,
    WAGE_BRACKET_NAMES,
    XLSX_CONTENT_TYPE,
)
from smartunion.orgs.models import Org

# The masked export has the birth YEAR: the mask 110105********123X hides exactly the eight digits of
# the birth date, so a full date beside it would give the ID number back. The unmasked export
# (members.unmask, audited) has the date.
EXPORT_EXTRA_HEADERS = ("会员编号", "所属工会", "会员状态", "性别", "出生年份", "用人单位")
EXPORT_EXTRA_HEADERS_UNMASKED = ("会员编号", "所属工会", "会员状态", "性别", "出生日期", "用人单位")


@dataclass
class RosterExport:
    file: IO[bytes]
    filename: str
    content_type: str
    rows: int


def csv_safe(value: str) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def roster_export(
    *, actor, org: Org, unmask: bool = False, file_format: str = "xlsx", client_address: str = ""
) -> RosterExport:
    """The members (active, suspended, retained) of ``org``'s subtree within the actor's scope.
    ID numbers and mobiles are masked unless the actor holds ``members.unmask`` and asks; an
    unmasked export is audited once, with the number of rows."""
    if not Org.objects.filter(pk=org.pk).exists():
        raise NotFound(_("This organisation does not exist."))
    require_perm(actor, "members.view", org)
    if unmask:
        require_perm(actor, "members.unmask", org)
    if file_format not in ("xlsx", "csv"):
        raise ValidationFailed(fields={"format": [_("Choose .xlsx or .csv.")]})
    form_names = {code: names[0] for code, names in EMPLOYMENT_FORM_NAMES.items()}
    wage_names = {code: names[0] for code, names in WAGE_BRACKET_NAMES.items()}
    status_names = {
        MembershipStatus.ACTIVE: "正常",
        MembershipStatus.SUSPENDED: "暂停",
        MembershipStatus.RETAINED: "保留会籍",
    }
    sex_names = {"M": "男", "F": "女"}
    tag_names = dict(OccupationTag.objects.values_list("id", "name"))
    Tags = Person.occupation_tags.through  # noqa: N806
    memberships = (
        Membership.objects.filter(subtree_q(org.path, field="org"), status__in=HOLDING_STATUSES)
        .order_by("org__path", "number", "id")
        .values_list(
            "person_id",
            "person__real_name",
            "person__id_number_encrypted",
            "person__mobile_encrypted",
            "person__employment_form",
            "person__employer__credit_code",
            "join_date",
            "person__wage_bracket",
            "number",
            "org__name",
            "status",
            "person__sex",
            "person__birth_date",
            "person__employer__name",
        )
    )
    headers = [c.header for c in COLUMNS] + list(
        EXPORT_EXTRA_HEADERS_UNMASKED if unmask else EXPORT_EXTRA_HEADERS
    )
    decrypt = crypto.decrypt

    def records() -> Iterator[list[str]]:
        batch: list[tuple] = []

        def flush() -> Iterator[list[str]]:
            tags: dict[int, list[str]] = {}
            for person_id, tag_id in Tags.objects.filter(person_id__in=[b[0] for b in batch]).values_list(
                "person_id", "occupationtag_id"
            ):
                tags.setdefault(person_id, []).append(tag_names.get(tag_id, ""))
            for (
                person_id,
                name,
                id_enc,
                mobile_enc,
                form,
                credit,
                joined,
                wage,
                number,
                union,
                status,
                sex,
                birth,
                employer,
            ) in batch:
                id_number = decrypt(id_enc) if id_enc else ""
                mobile = decrypt(mobile_enc) if mobile_enc else ""
                if not unmask:
                    id_number = mask_id_number(id_number) if id_number else ""
                    mobile = mask_mobile(mobile) if mobile else ""
                yield [
                    name,
                    id_number,
                    mobile,
                    form_names.get(form, form),
                    credit or "",
                    joined.isoformat() if joined else "",
                    wage_names.get(wage, ""),
                    ",".join(tags.get(person_id, [])),
                    number or "",
                    union,
                    status_names.get(status, status),
                    sex_names.get(sex, ""),
                    (birth.isoformat() if unmask else str(birth.year)) if birth else "",
                    employer or "",
                ]
            batch.clear()

        for row in memberships.iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) >= 2000:
                yield from flush()
        if batch:
            yield from flush()

    out = tempfile.TemporaryFile()
    count = 0
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(headers)
        for record in records():
            writer.writerow([csv_safe(v) for v in record])
            count += 1
        text.flush()
        text.detach()
        content_type = "text/csv; charset=utf-8"
    else:
        workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = workbook.add_worksheet("会员名册")
        bold = workbook.add_format({"bold": True})
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        for line, record in enumerate(records(), start=1):
            for col, value in enumerate(record):
                if value:
                    sheet.write_string(line, col, value)  # always text: a "=..." cell never becomes a formula
            count += 1
        workbook.close()
        content_type = XLSX_CONTENT_TYPE
    out.seek(0)
    with transaction.atomic():
        audit_record(
            action=AuditAction.ROSTER_EXPORT_UNMASKED if unmask else AuditAction.ROSTER_EXPORT,
            actor=actor,
            obj=org,
            org=org,
            client_address=client_address,
            data={"rows": count, "format": file_format},
        )
    filename = f"会员名册-{org.name}-{stamp}{'-完整' if unmask else ''}.{file_format}"
    return RosterExport(file=out, filename=filename, content_type=content_type, rows=count)
