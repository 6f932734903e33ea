"""Reading a roster file, bounded in memory and time whatever the file declares.

An .xlsx is a zip of XML parts, and what it declares is not to be trusted: one cell at XFD1048576
makes python-calamine allocate the whole grid up to it (512 GiB), a 10 KB part can inflate to 1 GiB,
one shared string is copied into every cell that refers to it. So before calamine sees a workbook:

1. The signature says what the file is: an .xls, a WPS .et or an encrypted workbook (all OLE2), an
   .xlsb, an .ods or an HTML page renamed .xlsx is told to be saved as an Excel workbook (.xlsx).
2. The zip directory: at most ``MAX_ENTRIES`` parts, each at most ``MAX_PART_BYTES`` uncompressed
   and ``MAX_RATIO`` times its compressed size, together at most ``MAX_TOTAL_BYTES``.
3. Every XML part calamine reads is inflated here first, in bounded chunks, and must give exactly
   the size and CRC the directory declares (a part that inflates further is refused), so calamine
   reads only what was checked.
4. The shared strings are measured (none longer than a cell can hold, ``MAX_CELL_BYTES``), and the
   sheet to be read is scanned in chunks for the last row and column that hold a value, hidden rows,
   formula cells and over-long text. The grid calamine will build must stay within
   ``ROSTER_MAX_ROWS`` rows (plus the title and header rows) and ``MAX_GRID_CELLS`` cells, and the
   text it copies out of the shared strings within ``MAX_STRING_BYTES``.

Only then is the sheet read. A CSV is read with the same row and cell limits. Every refusal is a
ValidationFailed on ``file`` with a message that says what to do.
"""

from __future__ import annotations

import array
import csv
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartunion.core.errors import ValidationFailed

MAX_ENTRIES = 1_000
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for parts over RATIO_FROM bytes (as Apache POI)
RATIO_FROM = 1024 * 1024
# Excel holds at most 32,767 characters in a cell: 4 bytes each in UTF-8, with room for markup.
MAX_CELL_CHARS = 32_767
MAX_CELL_BYTES = 256 * 1024
MAX_GRID_CELLS = 8_000_000  # calamine keeps 32 bytes a cell: 256 MB
# The grids of all the sheets looked through for the roster's header, together: a workbook of a
# thousand tiny sheets each declaring a full-size grid must not cost a thousand full reads.
MAX_WORKBOOK_CELLS = 2 * MAX_GRID_CELLS
MAX_STRING_BYTES = 256 * 1024 * 1024
MAX_CSV_COLUMNS = 16_384  # as Excel
TITLE_ROWS = 10  # rows above the header a roster may have (members.roster.HEADER_SEARCH_ROWS)
CHUNK = 1024 * 1024

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
OLD_FORMAT_SUFFIXES = {".xls", ".et", ".ett", ".xlt", ".xlsb", ".ods", ".numbers", ".wps", ".dbf"}


def file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


def _old_format() -> ValidationFailed:
    return file_error(
        _(
            "This is an old-format workbook (.xls, a WPS .et file or similar), not an Excel workbook (.xlsx). "
            "Open it and save it as an Excel workbook (.xlsx), then upload that file."
        )
    )


def _corrupt() -> ValidationFailed:
    return file_error(
        _(
            "The file cannot be read as an Excel workbook (.xlsx): it is damaged, or it is another kind of file "
            "renamed .xlsx."
        )
    )


def _too_big() -> ValidationFailed:
    return file_error(
        _(
            "The workbook unpacks to more than %(limit)s MB, or is packed far more tightly than a spreadsheet "
            "can be: it is not read. Save the roster alone in a new workbook (.xlsx) and upload that."
        )
        % {"limit": MAX_TOTAL_BYTES // (1024 * 1024)}
    )


def _long_cell() -> ValidationFailed:
    return file_error(
        _(
            "A cell holds more text than a spreadsheet cell can (%(limit)s characters): the file is not read. "
            "Delete that cell's content and upload the file again."
        )
        % {"limit": f"{MAX_CELL_CHARS:,}"}
    )


def _too_many_rows(row_limit: int) -> ValidationFailed:
    return file_error(
        _(
            "The sheet has content below row %(row)s; a roster has at most %(limit)s members. Split it into "
            "files of at most %(limit)s rows, or delete the rows below the roster."
        )
        % {"row": f"{row_limit:,}", "limit": f"{settings.ROSTER_MAX_ROWS:,}"}
    )


def _too_many_copies() -> ValidationFailed:
    return file_error(
        _(
            "The workbook repeats long texts in so many cells that reading it would take more than %(limit)s MB: "
            "it is not read. Shorten the long texts, or keep only the roster's columns."
        )
        % {"limit": MAX_STRING_BYTES // (1024 * 1024)}
    )


def unsupported_suffix_error(suffix: str) -> ValidationFailed | None:
    """The message for an upload named like an old-format workbook, or None."""
    return _old_format() if suffix in OLD_FORMAT_SUFFIXES else None


# --- what the file is ------------------------------------------------------------------------------


def sniff_format(path: Path, file_format: str) -> str:
    """The format the file's first bytes say ("xlsx" or "csv"); old formats raise their message."""
    with path.open("rb") as handle:
        head = handle.read(512)
        if head.startswith(OLE2):
            # An encrypted .xlsx is an OLE2 file with an EncryptedPackage stream.
            data = head + handle.read(settings.ROSTER_MAX_UPLOAD_BYTES)
            if ENCRYPTED_PACKAGE in data:
                raise file_error(
                    _(
                        "The workbook is protected by a password. Open it, remove the password, save it as an "
                        "Excel workbook (.xlsx) and upload it again."
                    )
                )
            raise _old_format()
    if head.startswith(ZIP):
        return "xlsx"
    if len(head) > 2 and head[0] == 0x09 and head[1] in (0x00, 0x02, 0x04, 0x08) and head[2] in (4, 6, 8, 16):
        raise _old_format()  # BIFF2 to BIFF5 written without an OLE2 container
    if file_format == "xlsx":
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
            raise _old_format()  # an "Excel" export that is a web page or SpreadsheetML 2003
        raise _corrupt()
    return file_format


# --- the zip package -------------------------------------------------------------------------------


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or len({info.filename for info in infos}) != len(infos):
        raise _corrupt()  # a part named twice: this check and calamine could each read another
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise file_error(
                _(
                    "The workbook is protected by a password. Open it, remove the password, save it as an "
                    "Excel workbook (.xlsx) and upload it again."
                )
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt()
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise _too_big()
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_big()
    return infos


def _part_chunks(handle, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, inflated in bounded chunks; exactly the declared size and CRC, or refused."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or not header.startswith(ZIP):
        raise _corrupt()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced = crc = 0
    pending = b""
    while True:
        if not pending:
            if not left:
                break
            pending = handle.read(min(64 * 1024, left))
            if not pending:
                raise _corrupt()
            left -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            try:
                out = inflater.decompress(pending, CHUNK)
            except zlib.error as exc:
                raise _corrupt() from exc
            pending = inflater.unconsumed_tail
        if out:
            produced += len(out)
            if produced > info.file_size:
                raise _too_big()  # inflates past what the directory declares
            crc = zlib.crc32(out, crc)
            yield out
        if inflater is not None and inflater.eof:
            break
    if inflater is not None:
        out = inflater.flush()
        produced += len(out)
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if not inflater.eof:
            raise _corrupt()
    if produced != info.file_size or crc != info.CRC:
        raise _corrupt()


def _split_at_last(data: bytes, marker: bytes) -> tuple[bytes, bytes]:
    """(complete, rest): ``rest`` starts at the last ``marker``, so no element is cut in two."""
    cut = data.rfind(marker)
    if cut <= 0:
        return b"", data
    return data[:cut], data[cut:]


# --- the sheets ------------------------------------------------------------------------------------


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
            number = _R.search(match.group(0))
            if number:
                scan.hidden_lines.add(int(number.group(1)))
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
    sheets = []
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
    from python_calamine import CalamineError, CalamineWorkbook

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


def column_letters(index: int) -> str:
    """Excel's name of the column at 0-based ``index``: A, B, … Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- CSV -------------------------------------------------------------------------------------------


def read_csv_rows(path: Path) -> list[list[str]]:
    """The CSV's rows (UTF-8 with or without BOM, else GB18030), within the row and cell limits."""
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise file_error(_("The file is not a text CSV file. Save the roster as CSV (UTF-8) or .xlsx."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise file_error(
                _("The file's text encoding is not recognised. Save it as CSV (UTF-8).")
            ) from exc
    del data
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    row_limit = settings.ROSTER_MAX_ROWS + TITLE_ROWS
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row)
            if len(rows) > row_limit:
                raise _too_many_rows(row_limit)
            if len(row) > MAX_CSV_COLUMNS or cells > MAX_GRID_CELLS:
                raise file_error(
                    _(
                        "Line %(line)s of the CSV file has %(columns)s columns: more than a roster can be. Delete the "
                        "columns to the right of the roster."
                    )
                    % {"line": f"{len(rows):,}", "columns": f"{len(row):,}"}
                )
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise _long_cell()
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _long_cell() from exc
        raise file_error(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc
    return rows
