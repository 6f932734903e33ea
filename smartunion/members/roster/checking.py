"""Roster import and export: a grassroots union loads its members from an .xlsx or .csv file, and
exports the members in its scope.

The file format (the downloadable template, ``roster_template``): one header row, then one member
a row. Columns are found by their header (or a common variant, HEADER_VARIANTS), in any order; the
columns not read are listed in the preview.

===========================  ========  ===============================================================
header                       required  content
===========================  ========  ===============================================================
姓名                          yes       real name, by the one rule for names (core.personal)
身份证号                       yes       18-character resident ID number (GB 11643); the birth date and
                                       sex are taken from it. Keep the column as text in Excel: a number
                                       loses its last digits (1.1010519491231e+17) and is refused
手机号                         yes       mainland mobile number, 11 digits
用工形式                       yes       全日制用工, 劳务派遣, 非全日制用工, 快递员, 外卖骑手, 网约车司机,
                                       货车司机, 家政服务员, 其他平台用工 (EMPLOYMENT_FORM_NAMES: synonyms)
用人单位统一社会信用代码         yes       18 characters (GB 32100); the employer must be in the enterprise
                                       register (a platform company is also recorded as the platform)
入会日期                       no        2024-03-01, 2024/3/1, 20240301 or 2024年3月1日 (default: today)
工资档次                       no        3000元以下, 3000-5000元, 5000-8000元, 8000-12000元, 12000元以上,
                                       or the monthly wage as a number
职业标签                       no        occupation tag names separated by commas (环卫工人,户外劳动者)
===========================  ========  ===============================================================

How an import runs:

1. ``roster_import_validate`` stores the upload under ``VAR_DIR/imports`` (files over
   ROSTER_MAX_UPLOAD_BYTES are refused before anything is read), reads it (python-calamine for
   .xlsx, the csv module for .csv in UTF-8 with or without BOM, else GB18030), checks every row and
   collects every problem as (line as Excel shows it, column header, reason). File-level problems
   (empty, corrupt, missing columns, too big) raise ValidationFailed on ``file`` and write nothing.
   A valid roster's checked rows are staged in a file encrypted as a whole (core.crypto), and the
   upload itself — ID numbers in plain text — is deleted: plain personal data lives on disk only
   while the request runs (PIPL 第十九条, 第五十一条).
2. ``roster_import_commit`` re-checks the staged rows against the database (someone may have
   joined elsewhere meanwhile) and writes people, memberships, their first history event and tags
   in ONE transaction, with one ``roster.import`` audit record; ID numbers and mobiles are
   encrypted field by field (AES-GCM or SM4-GCM, core.crypto) as the rows stream to the database. Rows of people already members of
   this union are skipped, so running the same file again creates nothing. Rosters of more than
   ROSTER_SYNC_ROWS rows are committed by a background task (core.tasks); progress goes to the
   cache, because the rows written so far are invisible to other connections until the single
   transaction commits.

The database stage writes through the database's bulk path (COPY on PostgreSQL, executemany on
SQLite) with primary keys reserved up front, not ``bulk_create``: at 100,000 rows ``bulk_create``
was five times slower than the raw load and missed the 0.4 × raw target (docs/decisions/0007).
Imported members get no password hash and no user account: they activate their worker account
later by one-time code sent to the mobile number.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import require_perm
from smartunion.core import crypto
from smartunion.core.audit import audit_record
from smartunion.core.codes import (
    credit_code_error,
    id_number_error,
    mobile_error,
    normalise_id_number,
    normalise_mobile,
)
from smartunion.core.errors import Conflict, NotFound, ValidationFailed
from smartunion.core.locks import advisory_lock
from smartunion.core.personal import real_name_clean
from smartunion.core.scoping import scope_for_orgs, scopes_disabled
from smartunion.core.tasks import run_in_background
from smartunion.members.models import OccupationTag, RosterImport, RosterImportStatus, Sex, WageBracket
from smartunion.members.roster import files as roster_files
from smartunion.members.roster.format import (
    COLUMN_BY_KEY,
    COLUMNS,
    EMPLOYMENT_FORM_NAMES,
    FORM_LOOKUP,
    FORMATS,
    TOTALS_WORDS,
    WAGE_BOUNDS,
    WAGE_BRACKET_NAMES,
    WAGE_LOOKUP,
    file_error,
)
from smartunion.members.roster.lookups import _chunks, database_check
from smartunion.members.roster.reading import Table, _cell_present, _normalise_header, read_roster
from smartunion.members.roster.writing import bulk_write_session, cyclic_gc_paused, write_staged
from smartunion.members.services import allocate_membership_numbers, birth_and_sex
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org

logger = logging.getLogger(__name__)


# The blind-index purposes members.services uses for Person.id_number_index and mobile_index.
ID_NUMBER_PURPOSE = "id_number"
MOBILE_PURPOSE = "mobile"


# --- checking --------------------------------------------------------------------------------------


@dataclass(slots=True)
class CheckedRow:
    line: int
    real_name: str
    id_number: str
    mobile: str
    employment_form: str
    credit_code: str
    join_date: date | None
    wage_bracket: str
    tag_ids: list[int]
    birth_date: date
    sex: str
    id_index: str = ""
    mobile_index: str = ""
    employer_id: int | None = None
    platform_id: int | None = None
    existing_person_id: int | None = None


@dataclass
class Checked:
    rows: list[CheckedRow]
    errors: list[tuple[int, str, str]]  # (line, column header, reason)
    skipped: int
    total: int
    seconds: float = 0.0
    # What the preview says beside the errors: see ``RosterImport.report`` and ``_report``.
    report: dict[str, Any] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
EXCEL_EPOCH = date(1899, 12, 30)


def _parse_date(value: Any) -> date | None:
    """A date cell, a date written as text, or an Excel serial number; None when it is none."""
    if value.__class__ is str and len(value) == 10:
        try:
            return date.fromisoformat(value)  # 2024-03-01, the common case
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100_000 and float(value).is_integer():  # an Excel date serial number
            return EXCEL_EPOCH + timedelta(days=int(value))
        if not float(value).is_integer():
            return None
        text = str(int(value))  # 20240301 typed as a number
    else:
        text = _text(value)
    text = text.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def _wage_bracket(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    else:
        if value in WAGE_LOOKUP:
            return WAGE_LOOKUP[value]
        text = (
            re.sub(r"[\s,，]", "", _text(value))
            .replace("–", "-")
            .replace("—", "-")
            .replace("~", "-")
            .replace("至", "-")
        )
        if text in WAGE_LOOKUP:
            return WAGE_LOOKUP[text]
        try:
            amount = float(text.removesuffix("元"))
        except ValueError:
            return None
    if amount < 0:
        return None
    for bound, bracket in WAGE_BOUNDS:
        if amount < bound:
            return bracket
    return WageBracket.OVER_12000


_TAG_SPLIT = re.compile(r"[,，、;；\s]+")
# What Excel writes for a long number it holds as a number when it saves a CSV: 1.10105E+17.
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")
SUMMARY_GROUPS = 20


def _unread_columns(table: Table) -> list[str]:
    """The columns the import does not read, by header, or by letter when a column has data but no
    header: the preview lists them, so no data is dropped without a word."""
    used = set(table.columns.values())
    header = table.header
    unread, headerless = [], []
    for position, cell in enumerate(header):
        if position not in used:
            text = _normalise_header(cell)
            if text:
                unread.append(text)
            else:
                headerless.append(position)
    width = max(map(len, table.rows), default=0)
    headerless += range(len(header), width)
    for position in headerless:
        if any(position < len(row) and _cell_present(row[position]) for row in table.rows):
            unread.append(
                _("column %(letter)s (no header)") % {"letter": roster_files.column_letters(position)}
            )
    return unread


def _totals_word(row: list[Any]) -> str | None:
    """The totals word (合计) a row starts a cell with, or None: only rows with errors are asked."""
    for cell in row:
        if cell.__class__ is str:
            text = "".join(cell.split())
            for word in TOTALS_WORDS:
                if text.startswith(word):
                    return word
    return None


def _summary(errors: list[tuple[int, str, str]], labels: dict[str, str]) -> list[dict]:
    """The errors counted per column and kind, the most frequent first, when a kind repeats: at
    90,000 errors the first 1,000 lines do not show what is wrong with the file."""
    counts: dict[tuple[str, str], int] = {}
    for _line, header, reason in errors:
        key = (header, labels.get(reason, reason))
        counts[key] = counts.get(key, 0) + 1
    if not counts or max(counts.values()) < 2:
        return []
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:SUMMARY_GROUPS]
    return [{"field": header, "problem": problem, "rows": rows} for (header, problem), rows in ranked]


def check_roster(table: Table, *, org: Org, today: date | None = None) -> Checked:
    """Check every row, then the rows against the database; collect every problem."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    columns = table.columns
    errors: list[tuple[int, str, str]] = []
    checked: list[CheckedRow] = []
    tags = {}
    for tag_id, code, name in OccupationTag.objects.values_list("id", "code", "name"):
        tags[name] = tag_id
        tags[code] = tag_id
    code_problems: dict[str, str | None] = {}
    seen_ids: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}
    # A problem names the column as the file does (联系电话, not the template's 手机号).
    h = {c.key: c.header for c in COLUMNS}
    for key, index in columns.items():
        if index < len(table.header) and _normalise_header(table.header[index]):
            h[key] = _normalise_header(table.header[index])
    position = {key: columns.get(key) for key in COLUMN_BY_KEY}
    formula_cells = table.formula_cells
    msg_formula = _("This cell is a formula; paste the value instead.")
    msg_required = _("This field is required.")
    msg_id_numeric = _(
        "Excel stored this ID number as a number (%(value)s) and lost its last digits. Format the column "
        "as text and type the number again."
    )
    msg_mobile_numeric = _(
        "Excel stored this mobile number as a number (%(value)s) and lost its last digits. Format the column "
        "as text and type the number again."
    )
    # The errors whose wording names the row's value are counted together in the summary.
    label_numeric = _("stored as numbers, their digits lost")
    labels: dict[str, str] = {}
    totals: list[tuple[int, str]] = []
    msg_form = _("Unknown employment form. Use one of: %(names)s.") % {
        "names": "、".join(n[0] for n in EMPLOYMENT_FORM_NAMES.values())
    }
    msg_date = _("Not a date. Write it like 2024-03-01.")
    msg_date_future = _("The join date is in the future.")
    msg_date_before_birth = _("The join date is before the birth date.")
    msg_wage = _("Unknown wage bracket. Use one of: %(names)s, or the monthly wage.") % {
        "names": "、".join(n[0] for n in WAGE_BRACKET_NAMES.values())
    }
    mobile_re = re.compile(r"^1[3-9]\d{9}$")
    # A missing optional column reads the empty cell added past the row's end (past the longest row:
    # a column the import does not read may follow the last one it reads).
    width = max(max(columns.values()) + 1, max(map(len, table.rows), default=0))
    p_name, p_id, p_mobile, p_form, p_code, p_join, p_wage, p_tags = (
        width if position[key] is None else position[key]
        for key in (
            "real_name",
            "id_number",
            "mobile",
            "employment_form",
            "credit_code",
            "join_date",
            "wage_bracket",
            "tags",
        )
    )
    padding = [""] * (width + 1)

    # Rosters repeat the same dates, brackets and tag lists: each distinct cell is parsed once.
    dates: dict[Any, date | None] = {}
    births: dict[str, date] = {}
    male, female = Sex.MALE.value, Sex.FEMALE.value
    wages: dict[Any, str] = {}
    tag_lists: dict[str, tuple[list[int], list[str]]] = {}
    text = _text
    for line, row in zip(table.lines, table.rows, strict=True):
        if len(row) <= width:
            row = row + padding[: width + 1 - len(row)]
        before = len(errors)
        if formula_cells:
            for key, index in columns.items():
                if (line, index) in formula_cells:
                    errors.append((line, h[key], msg_formula))
            if len(errors) != before:
                word = _totals_word(row)
                if word is not None:  # a SUM under the wages, say
                    del errors[before:]
                    totals.append((line, word))
                continue

        # The one rule for names, which the join form, enrolment and the member edit apply too.
        real_name = row[p_name]
        real_name, problem = real_name_clean(real_name if real_name.__class__ is str else text(real_name))
        if not real_name:
            errors.append((line, h["real_name"], msg_required))
        elif problem:
            errors.append((line, h["real_name"], problem))

        raw_id = row[p_id]
        id_number = ""
        birth = sex = None
        if raw_id.__class__ is not str and isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            problem = msg_id_numeric % {"value": f"{raw_id:.14g}"}
            labels[problem] = label_numeric
            errors.append((line, h["id_number"], problem))
        else:
            id_number = raw_id if raw_id.__class__ is str else text(raw_id)
            if len(id_number) == 18 and id_number.isascii() and id_number.isalnum():
                id_number = id_number.upper()
            else:  # full-width digits, spaces, zero-width characters, Excel's leading '
                id_number = normalise_id_number(id_number)
            if not id_number:
                errors.append((line, h["id_number"], msg_required))
            else:
                problem = id_number_error(id_number, today=today)
                if problem:
                    if _SCIENTIFIC.fullmatch(id_number):  # a CSV Excel saved: the same loss
                        problem = msg_id_numeric % {"value": id_number}
                        labels[problem] = label_numeric
                    errors.append((line, h["id_number"], problem))
                elif id_number in seen_ids:
                    problem = _("The same ID number is on line %(line)d.") % {"line": seen_ids[id_number]}
                    labels[problem] = _("the same ID number as an earlier line")
                    errors.append((line, h["id_number"], problem))
                else:
                    seen_ids[id_number] = line
                    # As members.services.birth_and_sex: characters 7-14 are the birth date (valid:
                    # id_number_error said so), the 17th is odd for men.
                    birth = births.get(id_number[6:14])
                    if birth is None:
                        birth = births[id_number[6:14]] = birth_and_sex(id_number)[0]
                    sex = male if id_number[16] in "13579" else female

        mobile = row[p_mobile]
        mobile = written = mobile.strip() if mobile.__class__ is str else text(mobile)
        if len(mobile) == 11 and mobile.isascii() and mobile.isdigit():
            valid_mobile = mobile[0] == "1" and mobile[1] in "3456789"  # mobile_re, without the regex
        else:
            mobile = normalise_mobile(mobile)  # +86, 0086, dashes, spaces, full-width digits
            valid_mobile = mobile_re.match(mobile) is not None
        if not mobile:
            errors.append((line, h["mobile"], msg_required))
        elif not valid_mobile:
            if _SCIENTIFIC.fullmatch(written):
                problem = msg_mobile_numeric % {"value": written}
                labels[problem] = label_numeric
            else:
                problem = mobile_error(mobile)
            errors.append((line, h["mobile"], problem))
        elif mobile in seen_mobiles:
            problem = _("The same mobile number is on line %(line)d.") % {"line": seen_mobiles[mobile]}
            labels[problem] = _("the same mobile number as an earlier line")
            errors.append((line, h["mobile"], problem))
        else:
            seen_mobiles[mobile] = line

        form_text = row[p_form]
        form = FORM_LOOKUP.get(form_text)
        if form is None:
            form_text = text(form_text)
            form = FORM_LOOKUP.get(form_text)
            if not form_text:
                errors.append((line, h["employment_form"], msg_required))
            elif form is None:
                errors.append((line, h["employment_form"], msg_form))

        raw_code = row[p_code]
        credit_code = (
            (raw_code.strip() if raw_code.__class__ is str else text(raw_code)).replace(" ", "").upper()
        )
        if not credit_code:
            errors.append((line, h["credit_code"], msg_required))
        else:
            if credit_code not in code_problems:  # a roster names a few employers many times
                code_problems[credit_code] = credit_code_error(credit_code)
            if code_problems[credit_code]:
                errors.append((line, h["credit_code"], code_problems[credit_code]))

        join_date = None
        raw_join = row[p_join]
        if raw_join is not None and raw_join != "":
            try:
                join_date = dates[raw_join]
            except KeyError:
                join_date = dates[raw_join] = _parse_date(raw_join) if _cell_present(raw_join) else date.min
            except TypeError:  # not hashable
                join_date = _parse_date(raw_join)
            if join_date == date.min:
                join_date = None  # blank
            elif join_date is None:
                errors.append((line, h["join_date"], msg_date))
            elif join_date > today:
                errors.append((line, h["join_date"], msg_date_future))
            elif birth is not None and join_date < birth:
                errors.append((line, h["join_date"], msg_date_before_birth))

        wage = ""
        raw_wage = row[p_wage]
        if raw_wage is not None and raw_wage != "":
            if raw_wage not in wages:
                wages[raw_wage] = (_wage_bracket(raw_wage) or "") if _cell_present(raw_wage) else "-"
            wage = wages[raw_wage]
            if wage == "-":
                wage = ""  # blank
            elif not wage:
                errors.append((line, h["wage_bracket"], msg_wage))

        tag_ids: list[int] = []
        raw_tags = row[p_tags]
        if raw_tags is not None and raw_tags != "":
            raw_tags = text(raw_tags)
            if raw_tags not in tag_lists:
                found, unknown = [], []
                for name in _TAG_SPLIT.split(raw_tags):
                    if name in tags:
                        if tags[name] not in found:
                            found.append(tags[name])
                    elif name:
                        unknown.append(name)
                tag_lists[raw_tags] = (found, unknown)
            found, unknown = tag_lists[raw_tags]
            tag_ids = list(found)
            if unknown:
                problem = _("Unknown occupation tags: %(names)s.") % {"names": "、".join(unknown)}
                labels[problem] = _("unknown occupation tags")
                errors.append((line, h["tags"], problem))

        if len(errors) != before:
            word = _totals_word(row)
            if word is not None:  # the sheet's totals: skipped, and the preview says so
                del errors[before:]
                totals.append((line, word))
            continue
        # Positional: the order of CheckedRow's fields (a keyword call costs a third more).
        checked.append(
            CheckedRow(
                line, real_name, id_number, mobile, form, credit_code, join_date, wage, tag_ids, birth, sex
            )
        )

    # The employers must be in the register: one query for all the codes.
    codes = {row.credit_code for row in checked}
    enterprises: dict[str, tuple[int, bool]] = {}
    with scopes_disabled():
        for chunk in _chunks(sorted(codes)):
            for pk, code, is_platform in Enterprise.objects.filter(credit_code__in=chunk).values_list(
                "pk", "credit_code", "is_platform"
            ):
                enterprises[code] = (pk, is_platform)
    unknown_employer = _(
        "No enterprise with this credit code is in the register. Register the employer first."
    )
    kept = []
    for row in checked:
        found = enterprises.get(row.credit_code)
        if found is None:
            errors.append((row.line, h["credit_code"], unknown_employer))
            continue
        row.employer_id = found[0]
        row.platform_id = found[0] if found[1] else None
        kept.append(row)
    # The same keyed hashes as members.services.id_number_index and mobile_index, in bulk.
    id_indexes = crypto.blind_index_many([r.id_number for r in kept], purpose=ID_NUMBER_PURPOSE)
    mobile_indexes = crypto.blind_index_many([r.mobile for r in kept], purpose=MOBILE_PURPOSE)
    for row, id_index, mob_index in zip(kept, id_indexes, mobile_indexes, strict=True):
        row.id_index, row.mobile_index = id_index, mob_index

    verdicts = database_check([(r.line, r.id_index, r.mobile_index, r.real_name) for r in kept], org=org)
    rows = []
    for row in kept:
        verdict = verdicts.get(row.line)
        if verdict is None:
            rows.append(row)
        elif verdict[0] == "existing":
            row.existing_person_id = verdict[1]
            rows.append(row)
        elif verdict[0] == "error":
            errors.append((row.line, h[verdict[1]], verdict[2]))
    skipped = sum(1 for v in verdicts.values() if v[0] == "skip")
    order = {h[c.key]: i for i, c in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e[0], order.get(e[1], 99)))
    warnings = sorted(
        (line, h[key], reason)
        for line, verdict in verdicts.items()
        if verdict[0] != "error"
        for key, reason in verdict[-1]
    )
    report = _report(
        unread=_unread_columns(table), totals=totals, summary=_summary(errors, labels), warnings=warnings
    )
    return Checked(
        rows=rows,
        errors=errors,
        skipped=skipped,
        total=len(table.rows) - len(totals),
        seconds=time.perf_counter() - started,
        report=report,
    )


def _report(
    *,
    unread: list[str],
    totals: list[tuple[int, str]],
    summary: list[dict],
    warnings: list[tuple[int, str, str]],
) -> dict[str, Any]:
    """``RosterImport.report``: only what there is to say."""
    report: dict[str, Any] = {}
    if unread:
        report["unread_columns"] = unread
    if totals:
        report["totals"] = [{"line": line, "word": word} for line, word in totals]
    if summary:
        report["summary"] = summary
    if warnings:
        report["warnings"] = _error_dicts(warnings)
    return report


# --- staging: the checked rows, kept encrypted until the import --------------------------------------

# One staged row. The file holding them is encrypted as a whole (core.crypto), so no plain personal
# data rests on disk between the check and the import; the fields are encrypted one by one while
# they are written, so that on PostgreSQL the encryption runs while the server indexes earlier rows.
STAGED_FIELDS = (
    "line",
    "real_name",
    "id_number",
    "id_number_index",
    "mobile",
    "mobile_index",
    "birth_date",
    "sex",
    "employment_form",
    "employer_id",
    "platform_id",
    "wage_bracket",
    "join_date",
    "tag_ids",
    "existing_person_id",
)


def stage_rows(rows: list[CheckedRow]) -> list[list]:
    # Rosters repeat dates and tag lists: each distinct one is one shared object here, which marshal
    # writes once and reads back once (a 100,000-row roster reads back in two thirds of the time).
    iso: dict[date, str] = {}
    tag_lists: dict[tuple[int, ...], list[int]] = {}
    staged = []
    append = staged.append
    for r in rows:
        birth = iso.get(r.birth_date)
        if birth is None:
            birth = iso[r.birth_date] = r.birth_date.isoformat()
        joined = r.join_date
        if joined is not None:
            joined = iso.get(joined) or iso.setdefault(joined, joined.isoformat())
        tags = tag_lists.setdefault(tuple(r.tag_ids), r.tag_ids)
        # str(): the choices are str subclasses, which marshal (and COPY) want as plain str.
        append(
            [
                r.line,
                r.real_name,
                r.id_number,
                r.id_index,
                r.mobile,
                r.mobile_index,
                birth,
                str(r.sex),
                str(r.employment_form),
                r.employer_id,
                r.platform_id,
                str(r.wage_bracket),
                joined,
                tags,
                r.existing_person_id,
            ]
        )
    return staged


def _imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_staged(rows: list[list]) -> str:
    path = _imports_dir() / f"{uuid.uuid4().hex}.staged"
    # marshal: lists of str, int and None, 5 times faster to read back than JSON; the file is
    # sealed by authenticated encryption, so what is read back is what was written here.
    blob = crypto.encrypt_blob(marshal.dumps((STAGED_FIELDS, rows)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(blob)
    return str(path)


def _read_staged(path: str) -> list[list]:
    fields, rows = marshal.loads(crypto.decrypt_blob(Path(path).read_bytes()))  # noqa: S302 (sealed, ours)
    if tuple(fields) != STAGED_FIELDS:
        raise ValueError("The staged roster was written by another version.")
    return rows


def _remove(path: str) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


# --- the services ----------------------------------------------------------------------------------


def _require_import_org(actor, org: Org) -> None:
    if not Org.objects.filter(pk=org.pk).exists():  # outside the actor's scope: it does not exist
        raise NotFound(_("This organisation does not exist."))
    require_perm(actor, "members.change", org)
    if org.kind not in GRASSROOTS_KINDS and not org.accepts_direct_joining:
        raise ValidationFailed(fields={"org": [_("A roster is imported into a grassroots union.")]})


def _format_of(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise roster_files.unsupported_suffix_error(suffix) or file_error(
            _("Upload the roster as an .xlsx or .csv file.")
        )
    return FORMATS[suffix]


def _store_upload(upload, file_format: str) -> Path:
    path = _imports_dir() / f"{uuid.uuid4().hex}.upload.{file_format}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        for chunk in chunks:
            out.write(chunk)
    return path


def _error_dicts(errors: list[tuple[int, str, str]]) -> list[dict]:
    return [
        {"line": line, "field": header, "reason": reason}
        for line, header, reason in errors[: settings.ROSTER_MAX_ERRORS]
    ]


STAGED_MAX_AGE = timedelta(days=7)
HIDDEN_LINES_SHOWN = 20


def _reading_report(table: Table) -> dict[str, Any]:
    """What the preview says of the reading: which sheet was read, and member rows Excel hides."""
    report: dict[str, Any] = {}
    if table.sheet_name:
        report["sheet"] = {"name": table.sheet_name, "of": table.sheet_count}
    if table.hidden_lines:
        report["hidden_rows"] = {
            "count": len(table.hidden_lines),
            "lines": table.hidden_lines[:HIDDEN_LINES_SHOWN],
        }
    return report


def roster_imports_expire() -> int:
    """Checked rosters nobody imported within a week are dropped with their staged file (PIPL
    第十九条: kept no longer than needed); the union uploads the file again if it still wants it."""
    with scopes_disabled():
        stale = list(
            RosterImport.objects.filter(
                status=RosterImportStatus.READY, created_at__lt=timezone.now() - STAGED_MAX_AGE
            ).values_list("pk", "stored_path")
        )
        for pk, path in stale:
            _remove(path)
            RosterImport.objects.filter(pk=pk, status=RosterImportStatus.READY).update(
                status=RosterImportStatus.FAILED,
                stored_path="",
                finished_at=timezone.now(),
                failure_reason=_("Not imported within a week; upload the roster again."),
            )
    return len(stale)


@cyclic_gc_paused()
def roster_import_validate(*, actor, org: Org, upload, client_address: str = "") -> RosterImport:
    """Check an uploaded roster; returns the import with its preview: the errors, or the rows
    ready to import. A file that cannot be a roster raises ValidationFailed on ``file``."""
    _require_import_org(actor, org)
    roster_imports_expire()
    file_format = _format_of(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    limit = settings.ROSTER_MAX_UPLOAD_BYTES
    if size is not None and size > limit:  # refused before a byte is read
        # In bytes too: a file one byte over the limit is "20.00 MB", which alone reads as within it.
        raise file_error(
            _(
                "The file is %(size_mb)s MB (%(size)s bytes), over the limit of %(limit_mb)s MB "
                "(%(limit)s bytes). Split the roster into smaller files."
            )
            % {
                "size_mb": f"{size / 1048576:.2f}",
                "size": f"{size:,}",
                "limit_mb": f"{limit / 1048576:.2f}".rstrip("0").rstrip("."),
                "limit": f"{limit:,}",
            }
        )
    if size == 0:
        raise file_error(_("The file is empty."))
    stored = _store_upload(upload, file_format)
    try:
        if stored.stat().st_size > limit:
            raise file_error(
                _("The file is over the size limit of %(limit)s MB.") % {"limit": f"{limit / 1048576:.0f}"}
            )
        timings = {}
        started = time.perf_counter()
        table = read_roster(stored, file_format)
        reading = _reading_report(table)
        timings["read_s"] = round(time.perf_counter() - started, 3)
        checked = check_roster(table, org=org)
        del table  # see below
        timings["check_s"] = round(checked.seconds, 3)
        roster_import = RosterImport(
            org=org,
            uploaded_by=actor if actor is not None and actor.pk else None,
            original_filename=(getattr(upload, "name", "") or "")[-255:],
            file_format=file_format,
            file_size=stored.stat().st_size,
            total_rows=checked.total,
            skipped_count=checked.skipped,
            errors=_error_dicts(checked.errors),
            error_count=len(checked.errors),
            report=checked.report,
        )
        roster_import.report.update(reading)
        if checked.errors:
            roster_import.status = RosterImportStatus.INVALID
            roster_import.finished_at = timezone.now()
        elif not checked.rows:
            # Everyone in the file is a member here already: nothing to import, and the preview says
            # so instead of offering to import 0 members.
            roster_import.status = RosterImportStatus.DONE
            roster_import.finished_at = timezone.now()
        else:
            started = time.perf_counter()
            staged = stage_rows(checked.rows)
            # Only the staged rows hold their strings now: marshal tracks every object held twice
            # (to write it once), which tripled its time while the file's cells and the checked
            # rows held them too.
            checked.rows = []
            roster_import.stored_path = _write_staged(staged)
            del staged
            timings["stage_s"] = round(time.perf_counter() - started, 3)
            roster_import.status = RosterImportStatus.READY
        roster_import.timings = timings
        try:
            with transaction.atomic():
                roster_import.save()
                audit_record(
                    action="roster.validate",
                    actor=actor,
                    obj=roster_import,
                    org=org,
                    client_address=client_address,
                    data={"rows": checked.total, "errors": len(checked.errors), "skipped": checked.skipped},
                )
        except Exception:
            _remove(roster_import.stored_path)  # no record points at it
            raise
    finally:
        stored.unlink(missing_ok=True)  # the plain file goes; only the encrypted rows stay
    return roster_import


def roster_import_get(*, pk) -> RosterImport:
    try:
        roster_import = RosterImport.objects.select_related("org", "uploaded_by").get(pk=int(pk))
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This import does not exist.")) from None
    if roster_import.status == RosterImportStatus.COMMITTING and _worker_gone(roster_import):
        # The server process stopped (a restart, a crash) during the import: its transaction was
        # rolled back with the connection, so nothing was written. Say so, and let it be retried.
        RosterImport.objects.filter(pk=roster_import.pk, status=RosterImportStatus.COMMITTING).update(
            status=RosterImportStatus.FAILED,
            finished_at=timezone.now(),
            failure_reason=_("The server stopped during the import and nothing was written. Try again."),
        )
        roster_import.refresh_from_db()
    return roster_import


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_gone(roster_import: RosterImport) -> bool:
    """Is the process that runs this import gone? Known only for a process of this machine."""
    host, _sep, pid = str(roster_import.timings.get("worker", "")).rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def roster_imports_recent(*, org: Org | None = None, limit: int = 10):
    qs = RosterImport.objects.select_related("org")
    if org is not None:
        qs = qs.filter(org=org)
    return list(qs.order_by("-created_at", "-id")[:limit])


def _progress_key(pk: int) -> str:
    return f"roster-import:{pk}:progress"


def roster_import_progress(roster_import: RosterImport) -> int | None:
    """Rows written so far. While the import's one transaction is open its rows are invisible to
    other connections, so the writer reports progress through the cache; None while that is not
    known (the cache is down or not shared between the server's processes): the status, from the
    database, still says when the import ends."""
    if roster_import.status == RosterImportStatus.COMMITTING:
        written = cache.get(_progress_key(roster_import.pk))
        return int(written) if written is not None else None
    return roster_import.processed_rows


def roster_import_commit(*, actor, roster_import: RosterImport, client_address: str = "") -> RosterImport:
    """Import a checked roster, all or nothing. Large rosters go to a background task; the
    returned import is then "committing" and its progress can be polled."""
    require_perm(actor, "members.change", roster_import.org)
    claimed = (
        RosterImport.objects.filter(
            pk=roster_import.pk, status__in=[RosterImportStatus.READY, RosterImportStatus.FAILED]
        )
        .exclude(stored_path="")
        .update(
            status=RosterImportStatus.COMMITTING,
            failure_reason="",
            processed_rows=0,
            timings={**roster_import.timings, "worker": _worker_name()},
        )
    )
    if not claimed:
        roster_import.refresh_from_db()
        if roster_import.status in (RosterImportStatus.COMMITTING, RosterImportStatus.DONE):
            raise Conflict(_("This roster is already being imported or was imported."))
        if roster_import.status == RosterImportStatus.FAILED:
            raise Conflict(_("Nothing is left to import from this file: upload the roster again."))
        raise Conflict(_("This roster has errors: correct the file and upload it again."))
    cache.set(_progress_key(roster_import.pk), 0, timeout=24 * 3600)
    to_write = roster_import.total_rows - roster_import.skipped_count
    if to_write > settings.ROSTER_SYNC_ROWS:
        run_in_background(
            _commit_task, roster_import.pk, actor.pk if actor is not None else None, client_address
        )
    else:
        _commit(roster_import.pk, actor, client_address)
    roster_import.refresh_from_db()
    return roster_import


def _commit_task(pk: int, actor_pk: int | None, client_address: str) -> None:
    from smartunion.accounts.models import User

    with scopes_disabled():
        actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
        org = RosterImport.objects.select_related("org").get(pk=pk).org
    with scope_for_orgs([org]):  # a background task works in the scope of its org
        _commit(pk, actor, client_address)


# Any constant: the key of PostgreSQL's advisory lock that roster imports write under.
ROSTER_WRITE_LOCK = 7_305_612_031


@contextlib.contextmanager
def roster_write_lock() -> Iterator[None]:
    """One roster import at a time from its re-check to its COMMIT: two rosters committed at once
    would otherwise each check the register before the other wrote, and could give one mobile
    number to two people (nothing unique in the database stops that) or fail on an ID number with
    a bare database error. PostgreSQL: a session advisory lock, so the membership-number counter is
    still locked only for a moment; SQLite: one write transaction (BEGIN IMMEDIATE holds the
    database's write lock from the start, which serialises every writer anyway)."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with advisory_lock(ROSTER_WRITE_LOCK):
        yield


@cyclic_gc_paused()
def _commit(pk: int, actor, client_address: str) -> None:
    roster_import = RosterImport.objects.select_related("org").get(pk=pk)
    timings = dict(roster_import.timings)
    written = False
    try:
        with roster_write_lock():
            written = _check_and_write(
                roster_import, actor=actor, client_address=client_address, timings=timings
            )
    except Exception as exc:
        logger.exception("Roster import %s failed", pk)
        reason = (
            _(
                "The import failed and nothing was written: someone saved a person or a membership in it at "
                "the same moment. Check the roster again."
            )
            if isinstance(exc, IntegrityError)
            else _("The import failed and nothing was written (%(error)s).") % {"error": type(exc).__name__}
        )
        RosterImport.objects.filter(pk=pk).update(
            status=RosterImportStatus.FAILED, finished_at=timezone.now(), failure_reason=reason[:500]
        )
        return
    finally:
        cache.delete(_progress_key(pk))
    # After the COMMIT: nothing here may turn a written import into a failed one.
    _remove(roster_import.stored_path)
    if written:
        try:
            RosterImport.objects.filter(pk=pk).update(timings=timings)
        except DatabaseError:
            logger.warning("Roster import %s: timings not saved", pk, exc_info=True)


def _check_and_write(roster_import: RosterImport, *, actor, client_address: str, timings: dict) -> bool:
    """The re-check against the register, then the write; under ``roster_write_lock``. Returns
    whether the rows were written (otherwise the import now has errors)."""
    pk, org = roster_import.pk, roster_import.org
    started = time.perf_counter()
    staged = _read_staged(roster_import.stored_path)
    # The database may have changed since the check: look again, in bulk.
    verdicts = database_check([(r[0], r[3], r[5], r[1]) for r in staged], org=org)
    errors, rows, skipped = [], [], 0
    headers = {c.key: c.header for c in COLUMNS}
    for r in staged:
        verdict = verdicts.get(r[0])
        if verdict is None:
            rows.append(r)
        elif verdict[0] == "skip":
            skipped += 1
        elif verdict[0] == "existing":
            r[14] = verdict[1]
            rows.append(r)
        else:
            errors.append((r[0], headers[verdict[1]], verdict[2]))
    timings["recheck_s"] = round(time.perf_counter() - started, 3)
    if errors:
        RosterImport.objects.filter(pk=pk).update(
            status=RosterImportStatus.INVALID,
            errors=_error_dicts(errors),
            error_count=len(errors),
            finished_at=timezone.now(),
            stored_path="",
            timings=timings,
        )
        return False
    write_started = time.perf_counter()
    numbers = allocate_membership_numbers(len(rows)) if rows else []

    def progress(done: int) -> None:
        cache.set(_progress_key(pk), done, timeout=24 * 3600)

    with bulk_write_session(), transaction.atomic():
        result = write_staged(
            rows, org=org, actor=actor, numbers=numbers, progress=progress, reason=_("Imported from a roster")
        )
        skipped_total = roster_import.skipped_count + skipped
        audit_record(
            action="roster.import",
            actor=actor,
            obj=roster_import,
            org=org,
            client_address=client_address,
            data={
                "created": result.created,
                "rejoined": result.rejoined,
                "skipped": skipped_total,
                "rows": roster_import.total_rows,
            },
        )
        timings["write_s"] = round(time.perf_counter() - write_started, 3)
        RosterImport.objects.filter(pk=pk).update(
            status=RosterImportStatus.DONE,
            created_count=result.created + result.rejoined,
            skipped_count=skipped_total,
            processed_rows=roster_import.total_rows,
            finished_at=timezone.now(),
            stored_path="",
            timings=timings,
        )
    # The database stage in full: numbers, the bulk writes, the audit record and the COMMIT.
    timings["write_s"] = round(time.perf_counter() - write_started, 3)
    timings["commit_s"] = round(time.perf_counter() - started, 3)
    return True
