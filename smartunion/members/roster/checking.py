"""Checking a roster: every row in plain Python, collecting every problem as (line as Excel shows it,
column header as the file names it, reason), then the rows against the register (the employers, and
the people already registered, by blind index in bulk). The row loop is the import's hot path: it
keeps what it uses in local variables and calls no function per cell that it can avoid (decision
0007); its set-up and the passes after it are functions of their own."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.core import crypto
from smartunion.core.codes import credit_code_error
from smartunion.core.personal import (
    id_number_birth_date,
    id_number_clean,
    id_number_sex,
    mobile_clean,
    real_name_clean,
)
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import OccupationTag
from smartunion.members.roster.cells import _parse_date, _text, _wage_bracket
from smartunion.members.roster.format import (
    COLUMNS,
    EMPLOYMENT_FORM_NAMES,
    FORM_LOOKUP,
    TOTALS_WORDS,
    WAGE_BRACKET_NAMES,
)
from smartunion.members.roster.lookups import _chunks, database_check
from smartunion.members.roster.reading import Table, _cell_present, _normalise_header
from smartunion.members.roster.report import _report, _summary, _unread_columns
from smartunion.orgs.models import Enterprise, Org


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


_TAG_SPLIT = re.compile(r"[,，、;；\s]+")
# What Excel writes for a long number it holds as a number when it saves a CSV: 1.10105E+17.
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")


def _totals_word(row: list[Any]) -> str | None:
    """The totals word (合计) a row starts a cell with, or None: only rows with errors are asked."""
    for cell in row:
        if cell.__class__ is str:
            text = "".join(cell.split())
            for word in TOTALS_WORDS:
                if text.startswith(word):
                    return word
    return None


def check_roster(table: Table, *, org: Org, today: date | None = None) -> Checked:
    """Check every row, then the rows against the database; collect every problem."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    columns = table.columns
    errors: list[tuple[int, str, str]] = []
    checked: list[CheckedRow] = []
    tags = _occupation_tags()
    code_problems: dict[str, str | None] = {}
    seen_ids: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}
    h = _problem_headers(table)
    formula_cells = table.formula_cells
    (
        msg_formula,
        msg_required,
        msg_id_numeric,
        msg_mobile_numeric,
        label_numeric,
        msg_form,
        msg_date,
        msg_date_future,
        msg_date_before_birth,
        msg_wage,
    ) = _row_messages()
    labels: dict[str, str] = {}
    totals: list[tuple[int, str]] = []
    width, (p_name, p_id, p_mobile, p_form, p_code, p_join, p_wage, p_tags) = _cell_positions(table)
    padding = [""] * (width + 1)

    # Rosters repeat the same dates, brackets and tag lists: each distinct cell is parsed once.
    dates: dict[Any, date | None] = {}
    births: dict[str, date] = {}
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
            # The one rule for ID numbers (core.personal), as the join form, enrolment and the edit.
            raw_id = raw_id if raw_id.__class__ is str else text(raw_id)
            id_number, problem = id_number_clean(raw_id, today=today)
            if not id_number:
                errors.append((line, h["id_number"], msg_required))
            elif problem:
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
                # core.personal.birth_and_sex, each birth date read once per roster.
                birth = births.get(id_number[6:14])
                if birth is None:
                    birth = births[id_number[6:14]] = id_number_birth_date(id_number)
                sex = id_number_sex(id_number)

        # The one rule for mobiles (core.personal), as the join form, enrolment and the edit.
        written = row[p_mobile]
        if written.__class__ is not str:
            written = text(written)
        mobile, problem = mobile_clean(written)
        if not mobile:
            errors.append((line, h["mobile"], msg_required))
        elif problem:
            if _SCIENTIFIC.fullmatch(written.strip()):  # a CSV Excel saved: the same loss
                problem = msg_mobile_numeric % {"value": written.strip()}
                labels[problem] = label_numeric
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

    rows, verdicts = _against_register(checked, org=org, errors=errors, h=h)
    _sort_errors(errors, h)
    report = _report(
        unread=_unread_columns(table),
        totals=totals,
        summary=_summary(errors, labels),
        warnings=_warnings(verdicts, h),
    )
    return Checked(
        rows=rows,
        errors=errors,
        skipped=sum(1 for v in verdicts.values() if v[0] == "skip"),
        total=len(table.rows) - len(totals),
        seconds=time.perf_counter() - started,
        report=report,
    )


# --- the set-up of the row loop: what it looks up, once per roster -------------------------------


def _occupation_tags() -> dict[str, int]:
    """The occupation tags' ids by name and by code: a roster may name a tag either way."""
    tags = {}
    for tag_id, code, name in OccupationTag.objects.values_list("id", "code", "name"):
        tags[name] = tag_id
        tags[code] = tag_id
    return tags


def _problem_headers(table: Table) -> dict[str, str]:
    """Each column's header in the problems found in it."""
    # A problem names the column as the file does (联系电话, not the template's 手机号).
    h = {c.key: c.header for c in COLUMNS}
    for key, index in table.columns.items():
        if index < len(table.header) and _normalise_header(table.header[index]):
            h[key] = _normalise_header(table.header[index])
    return h


class _RowMessages(NamedTuple):
    """The wording of the problems the row loop finds, translated once per roster."""

    formula: str
    required: str
    id_numeric: str
    mobile_numeric: str
    label_numeric: str
    form: str
    date: str
    date_future: str
    date_before_birth: str
    wage: str


def _row_messages() -> _RowMessages:
    return _RowMessages(
        formula=_("This cell is a formula; paste the value instead."),
        required=_("This field is required."),
        id_numeric=_(
            "Excel stored this ID number as a number (%(value)s) and lost its last digits. Format the column "
            "as text and type the number again."
        ),
        mobile_numeric=_(
            "Excel stored this mobile number as a number (%(value)s) and lost its last digits. Format the column "
            "as text and type the number again."
        ),
        # The errors whose wording names the row's value are counted together in the summary.
        label_numeric=_("stored as numbers, their digits lost"),
        form=_("Unknown employment form. Use one of: %(names)s.")
        % {"names": "、".join(n[0] for n in EMPLOYMENT_FORM_NAMES.values())},
        date=_("Not a date. Write it like 2024-03-01."),
        date_future=_("The join date is in the future."),
        date_before_birth=_("The join date is before the birth date."),
        wage=_("Unknown wage bracket. Use one of: %(names)s, or the monthly wage.")
        % {"names": "、".join(n[0] for n in WAGE_BRACKET_NAMES.values())},
    )


# The columns the row loop reads, in the order of its position variables.
_ROW_KEYS = (
    "real_name",
    "id_number",
    "mobile",
    "employment_form",
    "credit_code",
    "join_date",
    "wage_bracket",
    "tags",
)


def _cell_positions(table: Table) -> tuple[int, list[int]]:
    """The width every row is padded to, and where each of ``_ROW_KEYS`` is in a row."""
    columns = table.columns
    # A missing optional column reads the empty cell added past the row's end (past the longest row:
    # a column the import does not read may follow the last one it reads).
    width = max(max(columns.values()) + 1, max(map(len, table.rows), default=0))
    return width, [width if columns.get(key) is None else columns[key] for key in _ROW_KEYS]


# --- after the row loop: the register, then the preview --------------------------------------------


def _against_register(
    checked: list[CheckedRow], *, org: Org, errors: list[tuple[int, str, str]], h: dict[str, str]
) -> tuple[list[CheckedRow], dict[int, tuple]]:
    """The rows that passed the row loop against the register: each employer must be in it, then the
    people already registered, by the rows' blind indexes (``database_check``). Problems are added to
    ``errors``; returns the rows to stage and the verdicts."""
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
    # The same keyed hashes as core.personal.id_number_index and mobile_index, in bulk.
    id_indexes = crypto.blind_index_many([r.id_number for r in kept], purpose=crypto.IndexPurpose.ID_NUMBER)
    mobile_indexes = crypto.blind_index_many([r.mobile for r in kept], purpose=crypto.IndexPurpose.MOBILE)
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
    return rows, verdicts


def _sort_errors(errors: list[tuple[int, str, str]], h: dict[str, str]) -> None:
    """By line, then in the template's order of the columns."""
    order = {h[c.key]: i for i, c in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e[0], order.get(e[1], 99)))


def _warnings(verdicts: dict[int, tuple], h: dict[str, str]) -> list[tuple[int, str, str]]:
    """The verdicts' warnings, by line: what a row says otherwise than the record, which the import
    does not change."""
    return sorted(
        (line, h[key], reason)
        for line, verdict in verdicts.items()
        if verdict[0] != "error"
        for key, reason in verdict[-1]
    )
