"""Reading a roster, bounded whatever the file declares (members/roster/files.py and xlsx.py): each bomb
gets its message with nothing written and the upload removed; the sheet that holds the roster is read
and named; hidden rows are flagged; old formats are told to be saved as .xlsx."""

from __future__ import annotations

import io
import resource
import warnings
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from smartunion.core.errors import ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import RosterImport, RosterImportStatus
from tests.conftest import as_staff
from tests.members import roster_bombs as bombs

pytestmark = pytest.mark.django_db

TOO_MANY_ROWS = "工作表第 200,010 行以下还有内容，而一份名册最多 200,000 名会员。"
TOO_BIG = "工作簿解压后超过 512 MB，或压缩比远超正常表格，不予读取。"
LONG_CELL = "有单元格的文字超过表格单元格的上限（32,767 个字符），不予读取。"
OLD_FORMAT = "请另存为 Excel 工作簿 (.xlsx)"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def staff(personas):
    return personas["union_a_staff"]


def validate(staff, org, name: str, content: bytes) -> RosterImport:
    with as_staff(staff):
        from smartunion.members.roster import roster_import_validate

        return roster_import_validate(actor=staff, org=org, upload=SimpleUploadedFile(name, content))


def refused(staff, org, name: str, content: bytes) -> str:
    """The one message on ``file``; nothing written, no file left behind."""
    with pytest.raises(ValidationFailed) as caught:
        validate(staff, org, name, content)
    with scopes_disabled():
        assert RosterImport.objects.count() == 0
    imports = Path(settings.VAR_DIR, "imports")
    assert not imports.exists() or not any(imports.iterdir())
    assert list(caught.value.fields) == ["file"]
    return caught.value.fields["file"][0]


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- bounded in memory and time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (bombs.far_cell, TOO_MANY_ROWS),
        (bombs.far_column, "工作表“名册”最右到第 XFD 列还有内容：601 行 × 16,384 列超出了名册的范围。"),
        (bombs.whitespace_bomb, TOO_BIG),
        (bombs.lying_directory, TOO_BIG),
        (bombs.huge_shared_strings, TOO_BIG),
        (
            bombs.shared_strings_copies,
            "工作簿在大量单元格中重复引用长文本，读取需要超过 256 MB 内存，不予读取。",
        ),
        (bombs.million_rows, TOO_MANY_ROWS),
        (bombs.ten_mb_cell, LONG_CELL),
        (bombs.ten_mb_shared_string, LONG_CELL),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_workbook_that_declares_too_much_is_refused_before_it_is_read(tree, staff, build, message):
    content = build(tree.enterprise_a)
    assert len(content) < settings.ROSTER_MAX_UPLOAD_BYTES
    before = peak_mb()
    assert message in refused(staff, tree.union_a, "名册.xlsx", content)
    assert peak_mb() - before < 200  # calamine never built the grid


def test_the_row_limit_is_a_setting(tree, staff, settings):
    settings.ROSTER_MAX_ROWS = 3
    content = bombs.workbook([("名册", bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 20)))])
    assert "工作表第 13 行以下还有内容，而一份名册最多 3 名会员。" in refused(
        staff, tree.union_a, "名册.xlsx", content
    )
    content = bombs.workbook([("名册", bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 5)))])
    assert refused(staff, tree.union_a, "名册.xlsx", content) == (
        "名册有 5 行会员数据，一次最多导入 3 行。请拆分为每份不超过 3 行的文件。"
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xef\xbb\xbf" + "姓名,身份证号\n".encode() + "张三,1\n".encode() * 1_048_576, TOO_MANY_ROWS),
        ("姓名,身份证号\n".encode() + b"x" * (10 * 1024 * 1024) + b",1\n", LONG_CELL),
        (
            "姓名,身份证号\n".encode() + b"," * 20_000 + b"\n",
            "CSV 文件第 2 行有 20,001 列，超出了名册的范围。",
        ),
    ],
    ids=["1048576-rows", "10-mb-cell", "20001-columns"],
)
def test_a_csv_that_holds_too_much_is_refused(tree, staff, content, message):
    assert message in refused(staff, tree.union_a, "名册.csv", content)


def test_a_far_empty_formatted_cell_does_not_stop_a_roster(tree, staff):
    """Excel writes styled empty cells and rows far down: calamine keeps nothing for them."""
    rows = bombs.roster_rows_xml(tree.enterprise_a, 2)
    rows += (
        '<row r="1048576" ht="20" customHeight="1"><c r="XFD1048576" s="1"/><c r="A1048576" s="1"></c></row>'
    )
    roster_import = validate(
        staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", bombs.sheet_xml(rows))])
    )
    assert roster_import.status == RosterImportStatus.READY, roster_import.errors
    assert roster_import.total_rows == 2


def test_a_roster_with_columns_past_z_is_read(tree, staff):
    extra = [f"备注{i}" for i in range(30)]
    rows = [bombs.row_xml(1, [*bombs.HEADERS, *extra])]
    rows += [
        bombs.row_xml(n + 2, [*values, *extra])
        for n, values in enumerate(bombs.member_values(tree.enterprise_a, 3))
    ]
    roster_import = validate(
        staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", bombs.sheet_xml("".join(rows)))])
    )
    assert roster_import.status == RosterImportStatus.READY, roster_import.errors
    assert roster_import.total_rows == 3


# --- which sheet -----------------------------------------------------------------------------------------


def test_the_roster_on_the_second_sheet_is_read_and_named(tree, staff):
    notes = bombs.sheet_xml(bombs.row_xml(1, ["填写说明"]) + bombs.row_xml(2, ["第一行是列名"]))
    roster = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 3))
    content = bombs.workbook([("说明", notes), ("会员名册", roster)])
    roster_import = validate(staff, tree.union_a, "名册.xlsx", content)
    assert roster_import.status == RosterImportStatus.READY, roster_import.errors
    assert roster_import.total_rows == 3
    assert roster_import.report["sheet"] == {"name": "会员名册", "of": 2}


def test_the_active_sheet_is_read_first(tree, staff):
    first = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 2))
    second = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 4))
    content = bombs.workbook([("旧名册", first), ("新名册", second)], active=1)
    roster_import = validate(staff, tree.union_a, "名册.xlsx", content)
    assert roster_import.total_rows == 4 and roster_import.report["sheet"] == {"name": "新名册", "of": 2}


def test_a_workbook_whose_sheets_all_lack_columns_names_the_closest(tree, staff):
    content = bombs.workbook(
        [
            ("说明", bombs.sheet_xml(bombs.row_xml(1, ["说明"]))),
            (
                "名单",
                bombs.sheet_xml(
                    bombs.row_xml(1, ["姓名", "身份证号", "手机号"]) + bombs.row_xml(2, ["张三", "1", "2"])
                ),
            ),
        ]
    )
    message = refused(staff, tree.union_a, "名册.xlsx", content)
    assert message.startswith(
        "工作簿中没有一个工作表含有名册的全部必填列。工作表“名单”：名册缺少以下列：用工形式"
    )


def test_a_template_with_its_notes_sheet_reads_the_roster_sheet(tree, staff):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("填写说明").write_string(0, 0, "说明")
    sheet = book.add_worksheet("会员名册")
    for col, header in enumerate(bombs.HEADERS):
        sheet.write_string(0, col, header)
    for r, values in enumerate(bombs.member_values(tree.enterprise_a, 2), start=1):
        for col, value in enumerate(values):
            if value:
                sheet.write_string(r, col, value)
    book.close()
    roster_import = validate(staff, tree.union_a, "名册.xlsx", buffer.getvalue())
    assert roster_import.status == RosterImportStatus.READY, roster_import.errors
    assert roster_import.report["sheet"] == {"name": "会员名册", "of": 2}


# --- hidden rows -----------------------------------------------------------------------------------------


def test_hidden_rows_are_flagged_in_the_preview(tree, staff, staff_client):
    rows = bombs.roster_rows_xml(tree.enterprise_a, 5, hidden=frozenset({3, 5}))
    roster_import = validate(
        staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", bombs.sheet_xml(rows))])
    )
    assert roster_import.report["hidden_rows"] == {"count": 2, "lines": [3, 5]}
    page = staff_client(staff).get(f"/console/roster/imports/{roster_import.pk}/").content.decode()
    assert "Excel 中隐藏的行：2 行（第 3, 5 行）" in page
    assert "已读取工作表“名册”。" in page


# --- old formats -------------------------------------------------------------------------------------------


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("名册.xlsx", OLE2, OLD_FORMAT),  # an .xls renamed
        ("名册.xls", OLE2, OLD_FORMAT),
        ("名册.et", OLE2, OLD_FORMAT),
        ("名册.csv", OLE2, OLD_FORMAT),
        ("名册.xlsx", OLE2 + "EncryptedPackage".encode("utf-16-le"), "工作簿设有密码保护"),
        ("名册.xlsx", b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 100, OLD_FORMAT),  # BIFF5 without OLE2
        (
            "名册.xlsx",
            b"<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></body></html>",
            OLD_FORMAT,
        ),
    ],
    ids=["xls-renamed", "xls", "et", "xls-named-csv", "encrypted", "biff5", "html"],
)
def test_an_old_format_file_is_told_to_be_saved_as_xlsx(tree, staff, name, content, message):
    assert message in refused(staff, tree.union_a, name, content)


def test_an_xlsb_renamed_xlsx_is_told_to_be_saved_as_xlsx(tree, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert OLD_FORMAT in refused(staff, tree.union_a, "名册.xlsx", buffer.getvalue())


CORRUPT = "无法作为 Excel 工作簿（.xlsx）读取这个文件"


def test_a_part_named_twice_is_refused(tree, staff):
    """The checks here and calamine could each read another of the two: refused whole."""
    good = bombs.workbook([("名册", bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 2)))])
    buffer = io.BytesIO(good)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("xl/worksheets/sheet1.xml", bombs.sheet_xml(bombs.row_xml(1, ["x"])))
    assert CORRUPT in refused(staff, tree.union_a, "名册.xlsx", buffer.getvalue())


def test_two_sheets_of_one_name_are_refused(tree, staff):
    sheet = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 2))
    assert CORRUPT in refused(
        staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", sheet), ("名册", sheet)])
    )


def unnumbered_row(values) -> str:
    """A row as some generators write it: no r="" on the row or its cells; calamine counts them."""
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f"<row>{cells}</row>"


def test_a_sheet_without_cell_numbers_is_read(tree, staff):
    rows = unnumbered_row(bombs.HEADERS) + "".join(
        unnumbered_row(values) for values in bombs.member_values(tree.enterprise_a, 3)
    )
    roster_import = validate(
        staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", bombs.sheet_xml(rows))])
    )
    assert roster_import.status == RosterImportStatus.READY, roster_import.errors
    assert roster_import.total_rows == 3


def test_a_wide_row_without_cell_numbers_is_measured_too(tree, staff):
    rows = unnumbered_row(bombs.HEADERS) + "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"
    rows += "".join(unnumbered_row(values) for values in bombs.member_values(tree.enterprise_a, 600))
    message = refused(staff, tree.union_a, "名册.xlsx", bombs.workbook([("名册", bombs.sheet_xml(rows))]))
    assert "最右到第 XFD 列还有内容" in message
