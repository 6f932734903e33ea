"""Workbooks built by hand, part by part, to say what a real roster would never say: a cell at
XFD1048576, a part that inflates a thousandfold, a shared string copied into thousands of cells.
Shared by the reading tests and the real-server test."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from xml.sax.saxutils import escape

from smartunion.members.roster import COLUMNS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = [c.header for c in COLUMNS]


def letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def row_xml(number: int, values, *, hidden: bool = False) -> str:
    cells = "".join(
        f'<c r="{letters(col)}{number}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
        for col, value in enumerate(values)
        if value not in ("", None)
    )
    hidden_attribute = ' hidden="1"' if hidden else ""
    return f'<row r="{number}"{hidden_attribute}>{cells}</row>'


def sheet_xml(rows_xml: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetData>{rows_xml}</sheetData></worksheet>'


def workbook(
    sheets: list[tuple[str, str | bytes]],
    *,
    shared: str | bytes | None = None,
    active: int = 0,
    level: int = 6,
) -> bytes:
    """An .xlsx from (sheet name, sheet XML) pairs; ``shared``: the sharedStrings part."""
    buffer = io.BytesIO()
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    sheet_elements = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _xml) in enumerate(sheets, 1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared is not None:
        sheet_rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                f"{overrides}</Types>"
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
                f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
                f'<bookViews><workbookView activeTab="{active}"/></bookViews><sheets>{sheet_elements}</sheets></workbook>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">{sheet_rels}</Relationships>'
            ),
        )
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for i, (_name, xml) in enumerate(sheets, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()


def streamed_part_workbook(header_rows: str, filler: bytes, size: int) -> bytes:
    """A workbook whose sheet holds ``size`` bytes of ``filler`` after its rows, compressed as it is
    written (a 300 MB part is never held in memory)."""
    buffer = io.BytesIO()
    base = workbook([("名册", sheet_xml(header_rows))])
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, source.read(info.filename))
        head, tail = source.read("xl/worksheets/sheet1.xml").decode().split("</sheetData>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            block = filler * (1024 * 1024 // len(filler))
            for _ in range(size // len(block)):
                part.write(block)
            part.write(("</sheetData>" + tail).encode())
    return buffer.getvalue()


def understate_part_size(data: bytes, name: str, declared: int) -> bytes:
    """The same zip with ``name``'s uncompressed size declared as ``declared`` in its local header
    and in the central directory: a part that inflates far beyond what the directory says."""
    data = bytearray(data)
    encoded = name.encode()
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, position + 24, declared)
            local = struct.unpack_from("<I", data, position + 42)[0]
            struct.pack_into("<I", data, local + 22, declared)
        position += 4
    return bytes(data)


def member_values(enterprise, count: int, *, start: int = 0) -> list[list[str]]:
    from datetime import date, timedelta

    from tests.factories import make_id_number

    rows = []
    for i in range(start, start + count):
        birth = (date(1980, 1, 1) + timedelta(days=i)).strftime("%Y%m%d")
        rows.append(
            [
                f"测试{i}",
                make_id_number(birth=birth, serial=i % 1000),
                f"137{i:08d}",
                "快递员",
                enterprise.credit_code,
                "2024-03-01",
                "5000-8000元",
                "",
            ]
        )
    return rows


def roster_rows_xml(enterprise, count: int, *, hidden: frozenset[int] = frozenset()) -> str:
    """The header on row 1, then ``count`` valid members; rows in ``hidden`` hidden."""
    rows = [row_xml(1, HEADERS)]
    for i, values in enumerate(member_values(enterprise, count)):
        rows.append(row_xml(i + 2, values, hidden=i + 2 in hidden))
    return "".join(rows)


# --- the bombs ---------------------------------------------------------------------------------------


def far_cell(enterprise) -> bytes:
    """A valid little roster, and one cell at XFD1048576: calamine would build the whole grid."""
    rows = roster_rows_xml(enterprise, 2) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook([("名册", sheet_xml(rows))])


def far_column(enterprise) -> bytes:
    """600 rows and one value in column XFD: 600 x 16,384 cells."""
    rows = roster_rows_xml(enterprise, 600).replace("</row>", '<c r="XFD2"><v>1</v></c></row>', 1)
    return workbook([("名册", sheet_xml(rows))])


def whitespace_bomb(enterprise) -> bytes:
    """A 300 MB sheet of spaces, a few hundred KB packed."""
    return streamed_part_workbook(roster_rows_xml(enterprise, 2), b" ", 300 * 1024 * 1024)


def lying_directory(enterprise) -> bytes:
    """A sheet that inflates to 64 MB while the zip directory says 2 KB."""
    data = streamed_part_workbook(roster_rows_xml(enterprise, 2), b" ", 64 * 1024 * 1024)
    return understate_part_size(data, "xl/worksheets/sheet1.xml", 2048)


def shared_strings_copies(enterprise) -> bytes:
    """One 100 KB shared string in 3,000 cells: calamine copies it into each, 300 MB."""
    long_text = "长" * (100 * 1024 // 3)
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="3000" uniqueCount="1">'
        f"<si><t>{long_text}</t></si></sst>"
    )
    rows = [row_xml(1, HEADERS)]
    rows += [f'<row r="{n}"><c r="H{n}" t="s"><v>0</v></c></row>' for n in range(2, 3002)]
    return workbook([("名册", sheet_xml("".join(rows)))], shared=shared)


def huge_shared_strings(enterprise) -> bytes:
    """A shared-strings table of 2,000,000 entries (150 MB), packed a hundredfold and more."""
    entry = b"<si><t>" + b"x" * 60 + b"</t></si>"
    body = entry * 2_000_000
    shared = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN.encode() + b'">' + body + b"</sst>"
    return workbook([("名册", sheet_xml(roster_rows_xml(enterprise, 2)))], shared=shared)


def million_rows(enterprise) -> bytes:
    """1,048,576 rows: the header, then a name on every row."""
    rows = [row_xml(1, HEADERS)]
    rows += [
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>张{n}</t></is></c></row>' for n in range(2, 1_048_577)
    ]
    return workbook([("名册", sheet_xml("".join(rows)))], level=1)


def ten_mb_text() -> str:
    """10 MB of text that does not pack much: not a bomb, just far too long for a cell."""
    return random.Random(7).randbytes(5 * 1024 * 1024).hex()


def ten_mb_cell(enterprise) -> bytes:
    """A name cell of 10 MB."""
    rows = roster_rows_xml(enterprise, 2).replace("<t>测试0</t>", "<t>" + ten_mb_text() + "</t>", 1)
    return workbook([("名册", sheet_xml(rows))], level=1)


def ten_mb_shared_string(enterprise) -> bytes:
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>{ten_mb_text()}</t></si></sst>'
    )
    rows = roster_rows_xml(enterprise, 2) + '<row r="4"><c r="A4" t="s"><v>0</v></c></row>'
    return workbook([("名册", sheet_xml(rows))], shared=shared)
