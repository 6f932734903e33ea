"""The roster's file format: its columns and the headers clerks write for them, the accepted names of
employment forms and wage brackets, and the downloadable template (``roster_template``)."""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils.translation import gettext_lazy

from smartunion.core.errors import ValidationFailed
from smartunion.members.models import EmploymentForm, OccupationTag, WageBracket


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # fixed Chinese header: the file format, not a translation
    required: bool
    note: Any


COLUMNS: tuple[Column, ...] = (
    Column("real_name", "姓名", True, gettext_lazy("Real name, at most 100 characters.")),
    Column(
        "id_number",
        "身份证号",
        True,
        gettext_lazy(
            "18-character resident ID number; birth date and sex are taken from it. Keep the column as text."
        ),
    ),
    Column(
        "mobile",
        "手机号",
        True,
        gettext_lazy("Mainland mobile number, 11 digits; the member activates their account with it."),
    ),
    Column("employment_form", "用工形式", True, gettext_lazy("One of the employment forms listed below.")),
    Column(
        "credit_code",
        "用人单位统一社会信用代码",
        True,
        gettext_lazy(
            "The employer's unified social credit code; the employer must be in the enterprise register."
        ),
    ),
    Column(
        "join_date", "入会日期", False, gettext_lazy("Optional; for example 2024-03-01. Empty means today.")
    ),
    Column(
        "wage_bracket",
        "工资档次",
        False,
        gettext_lazy("Optional; one of the wage brackets below, or the monthly wage."),
    ),
    Column("tags", "职业标签", False, gettext_lazy("Optional; occupation tags separated by commas.")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Other headers clerks write for the same columns (their own rosters, the tax or social-security
# export). The first of two columns for one key is read; the other is listed as not read.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号码", "公民身份号码", "证件号码", "身份证"),
    "mobile": ("手机号码", "联系电话", "联系方式", "手机"),
    "employment_form": ("用工性质",),
    "credit_code": ("统一社会信用代码",),
    "join_date": ("入会时间",),
    "wage_bracket": ("月工资", "工资"),
}
HEADER_KEYS = {c.header: c.key for c in COLUMNS} | {
    variant: key for key, variants in HEADER_VARIANTS.items() for variant in variants
}
# A row whose first words are one of these is the sheet's totals, not a member.
TOTALS_WORDS = ("合计", "总计", "小计", "共计")

# Accepted names of the employment forms (the first of each is the template's choice).
EMPLOYMENT_FORM_NAMES: dict[EmploymentForm, tuple[str, ...]] = {
    EmploymentForm.STANDARD: ("全日制用工", "全日制", "全日制职工", "标准用工", "标准劳动关系"),
    EmploymentForm.DISPATCHED: ("劳务派遣", "派遣", "劳务派遣工"),
    EmploymentForm.PART_TIME: ("非全日制用工", "非全日制", "兼职"),
    EmploymentForm.COURIER: ("快递员", "快递"),
    EmploymentForm.FOOD_DELIVERY: ("外卖骑手", "外卖送餐员", "外卖员", "骑手"),
    EmploymentForm.RIDE_HAILING: ("网约车司机", "网约车"),
    EmploymentForm.TRUCK_DRIVER: ("货车司机",),
    EmploymentForm.DOMESTIC: ("家政服务员", "家政", "家政工"),
    EmploymentForm.OTHER_PLATFORM: ("其他平台用工", "其他平台就业", "平台就业"),
}
# Written without spaces: a cell's spaces are removed before it is looked up.
WAGE_BRACKET_NAMES: dict[WageBracket, tuple[str, ...]] = {
    WageBracket.UNDER_3000: ("3000元以下", "3000以下"),
    WageBracket.FROM_3000: ("3000-5000元", "3000-5000"),
    WageBracket.FROM_5000: ("5000-8000元", "5000-8000"),
    WageBracket.FROM_8000: ("8000-12000元", "8000-12000"),
    WageBracket.OVER_12000: ("12000元以上", "12000以上"),
}
# Monthly wage -> bracket: (upper bound exclusive, bracket).
WAGE_BOUNDS = (
    (3000, WageBracket.UNDER_3000),
    (5000, WageBracket.FROM_3000),
    (8000, WageBracket.FROM_5000),
    (12000, WageBracket.FROM_8000),
)

# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 10


def _form_lookup() -> dict[str, str]:
    # Plain str values, not the choices' members: they are staged and written as they are.
    lookup = {}
    for code, names in EMPLOYMENT_FORM_NAMES.items():
        lookup[code.value] = code.value
        for name in names:
            lookup[name] = code.value
    return lookup


def _wage_lookup() -> dict[str, str]:
    lookup = {}
    for code, names in WAGE_BRACKET_NAMES.items():
        lookup[code.value] = code.value
        for name in names:
            lookup[name] = code.value
    return lookup


FORM_LOOKUP = _form_lookup()
WAGE_LOOKUP = _wage_lookup()


def file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


# --- the template ---------------------------------------------------------------------------------


def roster_template(*, file_format: str = "xlsx") -> tuple[bytes, str, str]:
    """The empty roster to fill in: (content, file name, content type)."""
    headers = [c.header for c in COLUMNS]
    if file_format == "csv":
        text = ",".join(headers) + "\r\n"
        return codecs.BOM_UTF8 + text.encode(), "会员名册模板.csv", "text/csv; charset=utf-8"

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    text = workbook.add_format({"num_format": "@"})  # text cells: Excel keeps an ID number's 18 digits
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "num_format": "@"})
    sheet = workbook.add_worksheet("会员名册")
    widths = {
        "real_name": 12,
        "id_number": 22,
        "mobile": 15,
        "employment_form": 14,
        "credit_code": 26,
        "join_date": 12,
        "wage_bracket": 14,
        "tags": 24,
    }
    for col, column in enumerate(COLUMNS):
        sheet.set_column(col, col, widths[column.key], text)
        sheet.write_string(0, col, column.header, bold)
        sheet.write_comment(0, col, ("" if column.required else "选填。") + str(column.note))
    sheet.freeze_panes(1, 0)
    last = 100_000
    form_col = [c.key for c in COLUMNS].index("employment_form")
    sheet.data_validation(
        1,
        form_col,
        last,
        form_col,
        {
            "validate": "list",
            "source": [names[0] for names in EMPLOYMENT_FORM_NAMES.values()],
        },
    )
    wage_col = [c.key for c in COLUMNS].index("wage_bracket")
    sheet.data_validation(
        1,
        wage_col,
        last,
        wage_col,
        {
            "validate": "list",
            "source": [names[0] for names in WAGE_BRACKET_NAMES.values()],
            "show_error": False,
        },
    )

    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 26)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 90)
    row = 0
    for values in (
        ["列名", "必填", "说明"],
        *([c.header, "是" if c.required else "否", str(c.note)] for c in COLUMNS),
    ):
        for col, value in enumerate(values):
            notes.write_string(row, col, value, bold if row == 0 else None)
        row += 1
    row += 1
    notes.write_string(row, 0, "用工形式可填", bold)
    notes.write_string(row, 2, "、".join(n[0] for n in EMPLOYMENT_FORM_NAMES.values()))
    row += 1
    notes.write_string(row, 0, "工资档次可填", bold)
    notes.write_string(row, 2, "、".join(n[0] for n in WAGE_BRACKET_NAMES.values()) + "，或月工资数额")
    row += 1
    notes.write_string(row, 0, "职业标签可填", bold)
    notes.write_string(row, 2, "、".join(OccupationTag.objects.values_list("name", flat=True)))
    row += 1
    notes.write_string(row, 0, "注意", bold)
    notes.write_string(
        row, 2, "第一行是列名，请勿修改；从第二行起每行一名会员。身份证号、手机号请保持文本格式。"
    )
    workbook.close()
    return buffer.getvalue(), "会员名册模板.xlsx", XLSX_CONTENT_TYPE
