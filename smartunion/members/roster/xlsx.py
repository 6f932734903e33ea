"""Reading an .xlsx roster, bounded (steps 3 and 4 of ``roster.files``): the workbook's sheets, the
active one first; each sheet's XML scanned in chunks for the last row and column holding a value,
hidden rows, formula cells and over-long text; the shared strings measured; and only then the sheet
read by python-calamine."""

from __future__ import annotations

import array
import html
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from smartunion.members.roster.files import (
    MAX_CELL_BYTES,
    MAX_GRID_CELLS,
    MAX_STRING_BYTES,
    MAX_WORKBOOK_CELLS,
    TITLE_ROWS,
    _check_directory,
    _corrupt,
    _long_cell,
    _old_format,
    _part_chunks,
    _split_at_last,
    _too_many_copies,
    _too_many_rows,
    column_letters,
    file_error,
)


@dataclass
class Sheet:
    """One sheet's rows as Excel shows them (row 1 first), and what the scan found in it."""

    rows: list[list[Any]]
    name: str = ""
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (line, column index)
    hidden_lines: set[int] = field(default_factory=set)
    sheet_count: int = 1


@dataclass
class SheetScan:
    last_row: int = 0  # the last row holding a value, as calamine will place it
    last_column: int = 0  # 1-based
    string_cells: int = 0
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden_lines: set[int] = field(default_factory=set)
    unnumbered: bool = False  # rows or cells without r="": placed by counting


_VALUE = rb"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b"  # a cell that holds something (calamine keeps it)
# Found by their literal start (fast), then looked at one by one: rare in a roster.
_FAR_COLUMN = re.compile(rb' r="([A-Z]{2,3})\d')
_VALUE_ROW = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="[A-Z]{1,3}(\d+)"' + _VALUE)
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_R = re.compile(rb'\br="(\d+)"')
_CELL_WITH_FORMULA = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?f[\s>/]'
)
_SHARED_REF = re.compile(rb'\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*<')
_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _far_row_pattern(limit: int) -> re.Pattern[bytes]:
    """Cell references in a row numbered with as many digits as ``limit`` or more."""
    return re.compile(rb' r="[A-Z]{1,3}(\d{%d,})"' % len(str(limit)))


def _far_pattern(limit: int) -> re.Pattern[bytes]:
    """A cell reference beyond column Z, or in a row numbered with as many digits as ``limit``."""
    return re.compile(rb' r="(?:[A-Z]{2,3}\d|[A-Z]\d{%d})' % len(str(limit)))


def _unnumbered_patterns(prefix: bytes) -> tuple[re.Pattern[bytes], ...]:
    """A cell or row whose number is not its first attribute, or that has none: placed by
    counting. Two patterns, each with a literal start, scan several times faster than one."""
    tag = b"<" + re.escape(prefix)
    return tuple(re.compile(tag + name + rb"(?:>|\s(?!r=))") for name in (b"c", b"row"))


def _holds_value(data: bytes, reference: bytes) -> bool:
    """Whether a cell of ``reference`` ("XFD" or "A1048576" or a pattern) holds a value in ``data``."""
    return re.search(rb'<(?:\w+:)?c\s[^>]*?\br="' + reference + rb'"' + _VALUE, data) is not None


def _scan_sheet(chunks: Iterator[bytes], row_limit: int) -> SheetScan:
    scan = SheetScan()
    far_row = _far_row_pattern(row_limit)
    far = _far_pattern(row_limit)
    rest = b""
    prefix = None
    for chunk in chunks:
        data, rest = _split_at_last(rest + chunk, b"<")
        if len(rest) > MAX_CELL_BYTES:
            raise _long_cell()
        if not data:
            continue
        if prefix is None:
            found = _PREFIX.search(data)
            prefix = (found.group(1) or b"") if found else b""
            unnumbered = _unnumbered_patterns(prefix)
        _check_text_runs(data)
        if not scan.unnumbered and any(pattern.search(data) for pattern in unnumbered):
            scan.unnumbered = True  # measured by _scan_unnumbered
        _scan_part(data, scan, far_row, far, prefix)
        if scan.last_row > row_limit:
            break  # enough to refuse
    else:
        if rest:
            _scan_part(rest, scan, far_row, far, prefix or b"")
            scan.unnumbered = scan.unnumbered or any(
                p.search(rest) for p in _unnumbered_patterns(prefix or b"")
            )
    return scan


def _check_text_runs(data: bytes, window: int = MAX_CELL_BYTES // 2) -> None:
    """No run of text without markup longer than a cell can hold: a run that long covers a whole
    window, so only windows without a "<" are measured."""
    for start in range(0, len(data), window):
        if data.find(b"<", start, start + window) == -1 and start + window <= len(data):
            begin = data.rfind(b"<", 0, start) + 1
            end = data.find(b"<", start + window)
            if (len(data) if end == -1 else end) - begin > MAX_CELL_BYTES:
                raise _long_cell()


def _scan_part(
    data: bytes, scan: SheetScan, far_row: re.Pattern[bytes], far: re.Pattern[bytes], prefix: bytes
) -> None:
    # Rows come in order: the last cells of the chunk say how far down it reached. A cell out of
    # order is caught by its number (far_row) or, beyond column Z, by the exact pass.
    numbers = [int(n) for n in _VALUE_ROW.findall(data[-4096:])]
    if far.search(data):
        for number in sorted({int(n) for n in far_row.findall(data)}, reverse=True):
            if number <= scan.last_row:
                break
            if _holds_value(data, rb"[A-Z]{1,3}%d" % number):
                numbers.append(number)
                break
        for letters in sorted(set(_FAR_COLUMN.findall(data)), key=_column_number, reverse=True):
            column = _column_number(letters)
            if column <= scan.last_column:
                break
            if _holds_value(data, letters + rb"\d+"):
                scan.last_column = column
                break
    if numbers:
        scan.last_row = max(scan.last_row, *numbers)
    scan.string_cells += data.count(b't="s"')
    if b"hidden=" in data:
        for match in _HIDDEN_ROW.finditer(data):
            found = _R.search(match.group(0))
            if found:
                scan.hidden_lines.add(int(found.group(1)))
    if b"<" + prefix + b"f" in data:  # formulas: rare
        for letters, number in _CELL_WITH_FORMULA.findall(data):
            scan.formula_cells.add((int(number), _column_number(letters) - 1))


def _last_value_row(chunks: Iterator[bytes]) -> int:
    """The exact last row holding a value: the grid's height when it is wider than column Z."""
    last = 0
    rest = b""
    for chunk in chunks:
        data, rest = _split_at_last(rest + chunk, b"<")
        numbers = set(_VALUE_ROW.findall(data))
        if numbers:
            last = max(last, *map(int, numbers))
    numbers = set(_VALUE_ROW.findall(rest))
    return max(last, *map(int, numbers)) if numbers else last


def _scan_unnumbered(chunks: Iterator[bytes], scan: SheetScan) -> None:
    """Rows or cells without their number: calamine places them by counting, so bound the grid
    as generously: every unnumbered row one further down, every row as wide as its cells."""
    widest = highest = unnumbered_rows = 0
    cells = 0  # of the row being counted: a row may run on over several chunks
    rest = b""

    def count(data: bytes) -> None:
        nonlocal widest, highest, unnumbered_rows, cells
        pieces = re.split(rb"<(?:\w+:)?row(?=[\s>/])", data)
        cells += len(re.findall(rb"<(?:\w+:)?c[\s>/]", pieces[0]))  # the row the last chunk ended in
        for row in pieces[1:]:
            widest = max(widest, cells)
            number = _R.search(row[: row.find(b">") + 1])
            if number:
                highest = max(highest, int(number.group(1)))
            else:
                unnumbered_rows += 1
            cells = len(re.findall(rb"<(?:\w+:)?c[\s>/]", row))

    for chunk in chunks:
        data, rest = _split_at_last(rest + chunk, b"<")
        count(data)
    count(rest)
    widest = max(widest, cells)
    scan.last_column += widest
    scan.last_row = max(scan.last_row, highest) + unnumbered_rows


@dataclass
class SharedStrings:
    lengths: array.array = field(default_factory=lambda: array.array("I"))

    @property
    def longest(self) -> int:
        return max(self.lengths, default=0)


def _scan_shared_strings(chunks: Iterator[bytes]) -> SharedStrings:
    strings = SharedStrings()
    rest = b""
    marker = b"<si"
    first = True
    for chunk in chunks:
        data = rest + chunk
        if first:
            prefix = re.search(rb"<(\w+:)?sst\b", data)
            if prefix and prefix.group(1):
                marker = b"<" + prefix.group(1) + b"si"
            first = False
        data, rest = _split_at_last(data, marker)
        if len(rest) > MAX_CELL_BYTES:
            raise _long_cell()
        pieces = data.split(marker)
        strings.lengths.extend(map(len, pieces[1:]))  # pieces[0] is what comes before the first
    if rest:
        strings.lengths.append(len(rest))
    if strings.longest > MAX_CELL_BYTES:
        raise _long_cell()
    return strings


def _string_bytes(chunks: Iterator[bytes], strings: SharedStrings) -> int:
    """The bytes of shared text calamine copies into the sheet's cells, one copy a cell."""
    total = 0
    lengths = strings.lengths
    rest = b""
    for chunk in chunks:
        data, rest = _split_at_last(rest + chunk, b"<c")
        for index in _SHARED_REF.findall(data):
            position = int(index)
            total += lengths[position] if position < len(lengths) else 0
    for index in _SHARED_REF.findall(rest):
        position = int(index)
        total += lengths[position] if position < len(lengths) else 0
    return total


def _workbook_sheets(
    handle, infos: dict[str, zipfile.ZipInfo]
) -> tuple[list[tuple[str, str]], int, set[str]]:
    """The worksheets as (name, part), the index of the active one, the shared-strings parts."""
    try:
        workbook = b"".join(_part_chunks(handle, infos["xl/workbook.xml"]))
        rels = b"".join(_part_chunks(handle, infos["xl/_rels/workbook.xml.rels"]))
    except KeyError:
        if "xl/workbook.bin" in infos or "mimetype" in infos or "content.xml" in infos:
            raise _old_format() from None  # .xlsb, .ods
        raise _corrupt() from None
    targets = {}
    shared = {name for name in infos if name.endswith("sharedStrings.xml")}
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rel_id = re.search(rb'\bId="([^"]+)"', rel.group(0))
        target = re.search(rb'\bTarget="([^"]+)"', rel.group(0))
        kind = re.search(rb'\bType="([^"]+)"', rel.group(0))
        if rel_id and target and kind:
            name = target.group(1).decode()
            name = name.lstrip("/") if name.startswith("/") else f"xl/{name}"
            if kind.group(1).endswith(b"/worksheet"):
                targets[rel_id.group(1)] = name
            elif kind.group(1).endswith(b"/sharedStrings"):
                shared.add(name)
    all_sheets = re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook)
    sheets: list[tuple[str, str]] = []
    active_tab = re.search(rb'\bactiveTab="(\d+)"', workbook)
    active_position = int(active_tab.group(1)) if active_tab else 0
    active = 0
    for position, element in enumerate(all_sheets):
        rel_id = re.search(rb'\br:id="([^"]+)"', element) or re.search(rb'\b\w+:id="([^"]+)"', element)
        name = re.search(rb'\bname="([^"]*)"', element)
        if rel_id and name and rel_id.group(1) in targets:
            if position == active_position:
                active = len(sheets)
            sheets.append((html.unescape(name.group(1).decode()), targets[rel_id.group(1)]))
    if len({name for name, _part in sheets}) != len(sheets):
        raise _corrupt()  # two sheets of one name: calamine would read the first, whatever was checked
    return sheets, active, shared


def read_xlsx_sheets(path: Path) -> Iterator[Sheet]:
    """The workbook's worksheets, the active one first, each read only once it is found bounded."""
    row_limit = settings.ROSTER_MAX_ROWS + TITLE_ROWS
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            infos = {info.filename: info for info in _check_directory(archive)}
            sheets, active, shared = _workbook_sheets(handle, infos)
            if not sheets:
                raise file_error(_("The file is empty."))
            parts = {part for _name, part in sheets}
            strings = SharedStrings()
            for name, info in infos.items():  # every other part: calamine may read it
                if name in parts:
                    continue
                if name in shared:
                    strings = _scan_shared_strings(_part_chunks(handle, info))
                else:
                    for _chunk in _part_chunks(handle, info):
                        pass
            order = [active, *(i for i in range(len(sheets)) if i != active)]
            workbook = None
            cells_read = 0
            for index in order:
                name, part = sheets[index]
                if part not in infos:
                    continue
                scan = _scan_sheet(_part_chunks(handle, infos[part]), row_limit)
                if scan.unnumbered:
                    _scan_unnumbered(_part_chunks(handle, infos[part]), scan)
                elif scan.last_column > 26 and scan.last_row <= row_limit:
                    scan.last_row = _last_value_row(_part_chunks(handle, infos[part]))
                if scan.last_row > row_limit:
                    raise _too_many_rows(row_limit)
                width = max(scan.last_column, 1)
                if max(scan.last_row, 1) * width > MAX_GRID_CELLS:
                    raise file_error(
                        _(
                            "The sheet %(sheet)s has content as far right as column %(column)s: %(rows)s rows by "
                            "%(columns)s columns is more than a roster can be. Delete the columns to the right of "
                            "the roster, or copy the roster alone into a new workbook."
                        )
                        % {
                            "sheet": name,
                            "column": column_letters(width - 1),
                            "rows": f"{scan.last_row:,}",
                            "columns": f"{width:,}",
                        }
                    )
                if (
                    strings.lengths
                    and scan.string_cells * strings.longest > MAX_STRING_BYTES
                    and (_string_bytes(_part_chunks(handle, infos[part]), strings) > MAX_STRING_BYTES)
                ):
                    raise _too_many_copies()
                # Up to column Z the scan does not measure the width (26 columns fit any grid): count it all.
                cells_read += max(scan.last_row, 1) * max(width, 26)
                if cells_read > MAX_WORKBOOK_CELLS:
                    return  # the sheets read so far are all that is looked through
                if workbook is None:
                    workbook = CalamineWorkbook.from_path(str(path))
                # Not skipping the empty area keeps rows and columns where Excel shows them.
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                yield Sheet(
                    rows=rows,
                    name=name,
                    formula_cells=scan.formula_cells,
                    hidden_lines=scan.hidden_lines,
                    sheet_count=len(sheets),
                )
    except CalamineError as exc:
        raise _corrupt() from exc
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, struct.error) as exc:
        raise _corrupt() from exc
