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

Here: the limits and refusals, the signature (1), the zip package (2, 3) and the CSV; the sheets'
scans (4) and the reading of an .xlsx are in ``roster.xlsx``.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

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
