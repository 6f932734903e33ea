"""Reading a roster: the sheet whose header names the required columns, the header row among the first
rows (by header or a common variant, in any order), and the member rows under it. The file itself is
read bounded whatever it declares (``roster.files``, ``roster.xlsx``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartunion.members.roster import files as roster_files
from smartunion.members.roster import xlsx
from smartunion.members.roster.format import COLUMNS, HEADER_KEYS, HEADER_SEARCH_ROWS, file_error


@dataclass
class Table:
    """The data rows of a roster: Excel line numbers, the raw cells, where each column is."""

    lines: list[int]
    rows: list[list[Any]]
    columns: dict[str, int]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (line, column index)
    header: list[Any] = field(default_factory=list)  # the header row's cells, as read
    sheet_name: str = ""  # the workbook's sheet that was read ("" for a CSV)
    sheet_count: int = 1
    hidden_lines: list[int] = field(default_factory=list)  # member rows Excel hides (filtered, folded)


def _normalise_header(value: Any) -> str:
    text = str(value or "").replace("\ufeff", "")
    text = re.sub(r"[\s*＊]|[（(](必填|选填|可选)[)）]", "", text)
    return text


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int], list[str]]:
    """The header row among the first rows: the one naming the most known columns."""
    best, best_index, best_columns, best_unknown = -1, 0, {}, []
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        unknown = []
        for position, cell in enumerate(row):
            header = _normalise_header(cell)
            if header in HEADER_KEYS:
                columns.setdefault(HEADER_KEYS[header], position)
            elif header:
                unknown.append(header)
        if len(columns) > best:
            best, best_index, best_columns, best_unknown = len(columns), index, columns, unknown
    return best_index, best_columns, best_unknown


def _header_error(columns: dict[str, int], unknown: list[str]) -> str | None:
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if not missing:
        return None
    message = _("The roster misses the columns %(missing)s. Use the headers of the template.") % {
        "missing": "、".join(missing)
    }
    if unknown:
        message += " " + _("Columns not recognised: %(unknown)s.") % {"unknown": "、".join(unknown[:10])}
    return message


def read_roster(path: Path, file_format: str) -> Table:
    """Read the data rows; raise ValidationFailed on ``file`` for a file that cannot be a roster.

    An .xlsx is read bounded whatever it declares (roster.files, roster.xlsx). Of its sheets, the
    active one is read if its header names the required columns, else the first other sheet whose
    header does; the table says which sheet was read."""
    file_format = roster_files.sniff_format(path, file_format)
    if file_format == "xlsx":
        sheets = xlsx.read_xlsx_sheets(path)
    else:
        sheets = iter([xlsx.Sheet(rows=roster_files.read_csv_rows(path))])
    chosen = best = None
    for sheet in sheets:
        if not any(any(_cell_present(c) for c in row) for row in sheet.rows):
            continue
        found = (sheet, *_find_header(sheet.rows))
        if _header_error(found[2], found[3]) is None:
            chosen = found
            break
        if best is None or len(found[2]) > len(best[2]):
            best = found
    if chosen is None:
        if best is None:
            raise file_error(_("The file is empty."))
        message = _header_error(best[2], best[3])
        assert message is not None  # no sheet was chosen: each, best too, has a header error
        if best[0].sheet_count > 1:
            message = _(
                "No sheet of the workbook has the roster's columns. In the sheet %(sheet)s: %(problem)s"
            ) % {"sheet": best[0].name, "problem": message}
        raise file_error(message)
    sheet, header_index, columns, _unknown = chosen
    raw_rows, start_line = sheet.rows, 1
    lines, rows = [], []
    positions = list(columns.values())
    first = columns["real_name"]  # required, and filled on every member row: looked at first
    for offset, row in enumerate(raw_rows[header_index + 1 :], start=header_index + 1):
        cell = row[first] if first < len(row) else None
        if (cell.strip() if cell.__class__ is str else cell is not None) or any(
            p < len(row) and _cell_present(row[p]) for p in positions
        ):
            lines.append(start_line + offset)
            rows.append(row)
    if not rows:
        raise file_error(_("The roster has its column headers but no member rows."))
    if len(rows) > settings.ROSTER_MAX_ROWS:
        raise file_error(
            _(
                "The roster has %(rows)s member rows; at most %(limit)s can be imported at once. Split it "
                "into files of at most %(limit)s rows."
            )
            % {"rows": f"{len(rows):,}", "limit": f"{settings.ROSTER_MAX_ROWS:,}"}
        )
    hidden = sorted(set(lines).intersection(sheet.hidden_lines)) if sheet.hidden_lines else []
    return Table(
        lines=lines,
        rows=rows,
        columns=columns,
        formula_cells=sheet.formula_cells,
        header=raw_rows[header_index],
        sheet_name=sheet.name,
        sheet_count=sheet.sheet_count,
        hidden_lines=hidden,
    )


def _cell_present(value: Any) -> bool:
    return value is not None and (value.__class__ is not str or bool(value.strip()))
