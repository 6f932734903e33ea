"""The roster's checks as clerks write rosters (issue 7, items 9 and 11 to 15): the headers they use,
numbers Excel wrote in scientific notation, ID numbers and mobiles pasted with invisible characters,
one rule for names on every path, a returning member whose row differs from the record, totals rows,
errors summarised per column, and a file with nothing new."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartunion.console.forms.members import MemberEnrolForm
from smartunion.core.errors import ValidationFailed
from smartunion.core.personal import (
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Person, RosterImportStatus
from smartunion.members.roster import COLUMNS, HEADER_VARIANTS, Table, check_roster, roster_import_commit
from smartunion.members.services import clean_person_data, person_set_mobile
from smartunion.mobile.forms.members import JoinApplyForm
from tests.conftest import as_staff
from tests.console.conftest import page_text
from tests.factories import make_id_number, make_person
from tests.members.test_roster import HEADERS, csv_file, roster_rows, validate, xlsx_file, zh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def staff(personas):
    return personas["union_a_staff"]


@pytest.fixture
def signed_in(staff_client, personas):
    return lambda name: staff_client(personas[name])


def errors_of(roster_import) -> dict[int, tuple[str, str]]:
    return {e["line"]: (e["field"], e["reason"]) for e in roster_import.errors}


def csv_text(lines: list[list[str]], *, bom: bool = True) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return SimpleUploadedFile("名册.csv", (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode())


def people() -> dict[str, Person]:
    with scopes_disabled():
        return {p.real_name: p for p in Person.objects.all()}


# --- item 9: the headers clerks write; the columns not read are named -----------------------------------


@pytest.mark.parametrize(
    "key, variant", [(key, variant) for key, variants in HEADER_VARIANTS.items() for variant in variants]
)
def test_every_common_header_variant_is_read(tree, staff, key, variant):
    headers = [variant if c.key == key else c.header for c in COLUMNS]
    rows = roster_rows(tree.enterprise_a, 2)
    roster_import = validate(staff, tree.union_a, csv_file(rows, headers))
    assert (roster_import.status, roster_import.error_count, roster_import.total_rows) == ("ready", 0, 2)
    assert "unread_columns" not in roster_import.report


def test_a_problem_names_the_column_as_the_file_does(tree, staff):
    headers = ["姓名", "公民身份号码", "联系电话", "用工性质", "统一社会信用代码"]
    rows = [row[:5] for row in roster_rows(tree.enterprise_a, 2)]
    rows[0][2] = "010-12345678"  # a landline under 联系电话
    rows[1][1] = rows[1][1][:17]
    assert errors_of(validate(staff, tree.union_a, csv_file(rows, headers))) == {
        2: ("联系电话", zh("A mainland mobile number has 11 digits and starts with 13 to 19.")),
        3: ("公民身份号码", "身份证号应为 18 位，这个是 17 位。"),
    }


def test_the_issues_variants_all_at_once_and_the_columns_not_read_are_listed(tree, staff, signed_in):
    headers = [
        "序号",
        "姓名",
        "公民身份号码",
        "联系电话",
        "用工性质",
        "统一社会信用代码",
        "入会时间",
        "月工资",
        "备注",
        "手机",
    ]
    rows = [
        [str(i + 1), *row[:7], "老会员", "13900000000"]
        for i, row in enumerate(roster_rows(tree.enterprise_a, 3))
    ]
    rows[0].append("第十一列的数据")  # under no header
    upload = xlsx_file(rows, headers)
    client = signed_in("union_a_staff")
    response = client.post("/console/roster/", {"org": tree.union_a.pk, "file": upload})
    text = page_text(client.get(response["Location"]))

    assert "全部 3 行正确，可以导入" in text
    # 序号 and 备注 by their header, the second mobile column too, the headerless one by its letter.
    assert "以下列没有读取：序号、备注、手机、K 列（没有列名）。" in text


# --- item 11: numbers Excel wrote in scientific notation into a CSV --------------------------------------


def test_csv_numbers_in_scientific_notation_get_the_excel_number_message(tree, staff):
    rows = roster_rows(tree.enterprise_a, 3)
    rows[0][1] = "1.10105E+17"
    rows[1][2] = "1.39001E+10"
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    errors = errors_of(roster_import)
    assert errors[2][0] == "身份证号" and "1.10105E+17" in errors[2][1] and "文本" in errors[2][1]
    assert errors[2][1].startswith("Excel 把这个身份证号存成了数字")
    assert errors[3] == (
        "手机号",
        zh(
            "Excel stored this mobile number as a number (%(value)s) and lost its last digits. Format the column as "
            "text and type the number again."
        )
        % {"value": "1.39001E+10"},
    )
    assert roster_import.error_count == 2


# --- item 12: ID numbers and mobiles cleaned alike; the refused character named --------------------------


def _id_with_x() -> str:
    for serial in range(1000):
        number = make_id_number(birth="19850612", serial=serial)
        if number.endswith("X"):
            return number
    raise AssertionError("no check character X")


def test_id_numbers_and_mobiles_as_people_paste_them_are_imported_clean(tree, staff):
    with_x = _id_with_x()
    full_width = with_x[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    rows = roster_rows(tree.enterprise_a, 9)
    ids = [r[1] for r in rows]
    rows[0][1] = full_width
    rows[1][1] = ids[1][:6] + "\u200b" + ids[1][6:]  # a zero-width space from a chat
    rows[2][1] = "'" + ids[2]  # Excel's text marker, typed by hand
    rows[3][1] = "\ufeff" + ids[3]  # a byte-order mark pasted along
    rows[4][2] = "86" + rows[4][2]
    rows[5][2] = "0086 " + rows[5][2]
    rows[6][2] = "(+86)" + rows[6][2]
    rows[7][2] = f"{rows[7][2][:3]}—{rows[7][2][3:7]}–{rows[7][2][7:]}"  # em and en dashes
    rows[8][2] = "'" + rows[8][2]
    mobiles = [r[2] for r in roster_rows(tree.enterprise_a, 9)]
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    assert roster_import.errors == [] and roster_import.status == "ready"
    with as_staff(staff):
        roster_import_commit(actor=staff, roster_import=roster_import)
    found = people()
    assert found["测试0"].id_number == with_x
    assert [found[f"测试{i}"].id_number for i in (1, 2, 3)] == ids[1:4]
    assert [found[f"测试{i}"].mobile for i in range(4, 9)] == mobiles[4:9]


def test_a_refused_id_number_or_mobile_names_the_offending_character(tree, staff):
    rows = roster_rows(tree.enterprise_a, 3)
    rows[0][1] = rows[0][1][:10] + "。" + rows[0][1][11:]
    rows[1][2] = rows[1][2][:5] + "O" + rows[1][2][6:]  # the letter O for a zero
    rows[2][1] = rows[2][1][:17]
    errors = errors_of(validate(staff, tree.union_a, csv_file(rows)))
    assert errors[2] == (
        "身份证号",
        "身份证号由 17 位数字和 1 位校验码（数字或 X）组成，不能包含 “。” (U+3002)。",
    )
    assert errors[3] == ("手机号", "手机号应为 11 位数字，不能包含 “O”。")
    assert errors[4] == ("身份证号", "身份证号应为 18 位，这个是 17 位。")


def test_the_forms_clean_id_numbers_and_mobiles_as_the_roster_does(tree):
    number = make_id_number()
    assert validate_id_number("\ufeff'" + number[:6] + "\u200b " + number[6:].lower()) == number
    assert normalise_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    for written in (
        "8613912345678",
        "0086 139 1234 5678",
        "(+86)139-1234-5678",
        "139—1234–5678",
        "'13912345678",
    ):
        assert validate_mobile(written) == "13912345678", written
    with pytest.raises(ValidationFailed) as caught:
        validate_mobile("139l2345678")
    assert caught.value.fields == {
        "mobile": [
            zh("A mainland mobile number has 11 digits; it cannot contain %(char)s.") % {"char": "“l”"}
        ]
    }
    assert normalise_mobile("１３９ １２３４ ５６７８") == "13912345678"


# --- item 13: one rule for names, the roster's verdict the form's ---------------------------------------


@pytest.mark.parametrize(
    "written, stored",
    [
        ("张 三", "张三"),
        ("王　小　明", "王小明"),
        ("  李四 ", "李四"),
        ("阿卜杜拉 · 艾买提", "阿卜杜拉·艾买提"),
        ("Ａｈｍａｄ  Ａｌｉ", "Ahmad Ali"),
    ],
)
def test_names_are_taken_in_their_plain_form_on_every_path(tree, staff, written, stored):
    assert clean_person_data({"real_name": written})["real_name"] == stored
    rows = roster_rows(tree.enterprise_a, 1)
    rows[0][0] = written
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    with as_staff(staff):
        roster_import_commit(actor=staff, roster_import=roster_import)
    assert list(people()) == [stored]


@pytest.mark.parametrize(
    "name, message",
    [
        ("张\u200b三", "姓名不能包含不可见字符或换行；这里有 U+200B。"),
        ("张三\n", "姓名不能包含不可见字符或换行；这里有 U+000A。"),
        ("张\r\n三", "姓名不能包含不可见字符或换行；这里有 U+000D。"),
        (
            "张?",
            "姓名不能包含问号。名册中的问号通常是文件以不支持这些字的编码保存时丢失的汉字：请另存为 CSV UTF-8 或 .xlsx 后重新上传。",
        ),
        ("=1+1", "姓名不能以 = + - 或 @ 开头（在表格软件中会被当作公式）。"),
    ],
)
def test_a_name_the_join_form_refuses_the_roster_refuses_with_the_same_words(tree, staff, name, message):
    rows = roster_rows(tree.enterprise_a, 2)
    rows[1][0] = name
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    assert errors_of(roster_import) == {3: ("姓名", message)}
    with pytest.raises(ValidationFailed) as caught:
        clean_person_data({"real_name": name})
    assert [zh(m) for m in caught.value.fields["real_name"]] == [message]


NAME_PARTS = st.sampled_from(
    [
        "张",
        "三",
        "李",
        "小",
        "明",
        "·",
        " ",
        "　",
        "\u00a0",
        "\u200b",
        "\ufeff",
        "\n",
        "\r",
        "\t",
        "?",
        "？",
        "\ufffd",
        "=",
        "+",
        "-",
        "@",
        "Ａ",
        "a",
        "Z",
        "1",
        "１",
        "ﬁ",
        "é",
        "\u0301",
        "丽",
        "\x00",
    ]
)
NAMES = st.one_of(
    st.text(max_size=12),
    st.lists(NAME_PARTS, max_size=12).map("".join),
    st.integers(95, 105).map(lambda n: "张 " * n),
)


def roster_verdict(name: str, enterprise, org) -> tuple[str | None, str | None]:
    """(the name the roster stores, or None; the reason on 姓名, or None)."""
    row = roster_rows(enterprise, 1)[0]
    row[0] = name
    table = Table(lines=[2], rows=[row], columns={c.key: i for i, c in enumerate(COLUMNS)}, header=HEADERS)
    checked = check_roster(table, org=org)
    reasons = [reason for _line, field, reason in checked.errors if field == "姓名"]
    return (checked.rows[0].real_name if checked.rows else None), (reasons[0] if reasons else None)


def form_verdict(name: str) -> tuple[str | None, str | None]:
    """The join form's: the form's own field checks, then the service's rule."""
    form = JoinApplyForm(data={"real_name": name})
    if not form.is_valid() and "real_name" in form.errors:
        return None, "form"
    try:
        return clean_person_data({"real_name": form.cleaned_data["real_name"]})["real_name"], None
    except ValidationFailed as exc:
        return None, exc.fields["real_name"][0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_the_roster_and_the_join_form_agree_on_every_name(tree, name):
    with scopes_disabled(), translation.override("en"):
        stored, roster_reason = roster_verdict(name, tree.enterprise_a, tree.union_a)
        accepted, form_reason = form_verdict(name)
    assert stored == accepted
    if stored is None and form_reason not in ("form", "Please enter the real name."):
        assert roster_reason == form_reason


# The same for ID numbers and mobiles: the roster's verdict (accepted, the number as stored, or the
# reason it is refused) is the join form's and enrolment's for any text (core.personal, issue 8).

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
INVISIBLE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def _sprinkle(number: str, extras: list[str], positions: list[int]) -> str:
    for extra, position in zip(extras, positions, strict=False):
        position %= len(number) + 1
        number = number[:position] + extra + number[position:]
    return number


@st.composite
def valid_id_numbers(draw) -> str:
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)))
    return make_id_number(
        region=draw(st.sampled_from(["110105", "310101", "440300"])),
        birth=f"{birth:%Y%m%d}",
        serial=draw(st.integers(0, 999)),
    )


@st.composite
def id_numbers_as_pasted(draw) -> str:
    number = draw(valid_id_numbers())
    if draw(st.booleans()):
        number = number.lower()  # x for X
    if draw(st.booleans()):
        number = number.translate(FULL_WIDTH)  # typed with a Chinese input method
    extras = draw(
        st.lists(st.sampled_from([" ", "\u3000", "\t", "\n", *INVISIBLE, "-", ".", "'"]), max_size=4)
    )
    number = _sprinkle(
        number, extras, draw(st.lists(st.integers(0, 40), min_size=len(extras), max_size=len(extras)))
    )
    prefix = draw(st.sampled_from(["", "'", "\u2018", "`", "\ufeff'", " '"]))
    return prefix + number


ID_PARTS = st.sampled_from(
    [
        "0",
        "1",
        "2",
        "5",
        "9",
        "X",
        "x",
        "ｘ",
        "Ｘ",
        "１",
        "٣",
        "८",
        " ",
        "\u3000",
        "\n",
        *INVISIBLE,
        "'",
        "-",
        ".",
        "E+17",
        "\x00",
    ]
)
ID_NUMBERS = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="0123456789Xx", min_size=16, max_size=19),
    st.lists(ID_PARTS, max_size=24).map("".join),
    id_numbers_as_pasted(),
    # What Excel writes for a long number it holds as a number: 1.10105E+17.
    valid_id_numbers().map(lambda n: f"{int(n[:17]):.5E}"),
    # One character changed: a mistyped digit, the check character, another script's digit.
    st.tuples(valid_id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X٣８")).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    ),
)


@st.composite
def mobiles_as_written(draw) -> str:
    mobile = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    if draw(st.booleans()):
        mobile = mobile.translate(FULL_WIDTH)
    separators = st.sampled_from(
        [" ", "-", "—", "–", ".", "\u200b", "\ufeff", "（", "）", "(", ")", "/", "\u3000"]
    )
    extras = draw(st.lists(separators, max_size=3))
    mobile = _sprinkle(
        mobile, extras, draw(st.lists(st.integers(0, 13), min_size=len(extras), max_size=len(extras)))
    )
    prefix = draw(
        st.sampled_from(["", "+86", "+86 ", "(+86)", "0086", "0086 ", "86", "'", "＋８６", "+ 86", "086"])
    )
    return prefix + mobile


MOBILE_PARTS = st.sampled_from(
    [
        "1",
        "3",
        "8",
        "9",
        "0",
        "2",
        "１",
        "３",
        "٣",
        "८",
        "l",
        "O",
        "+86",
        "0086",
        "86",
        " ",
        "-",
        "—",
        ".",
        "(",
        ")",
        "\u200b",
        "'",
        "E+10",
        "\x00",
    ]
)
MOBILES = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="0123456789", min_size=10, max_size=14),
    st.lists(MOBILE_PARTS, max_size=16).map("".join),
    mobiles_as_written(),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True).map(lambda m: f"{int(m):.5E}"),
    # Digits of other scripts, which NFKC leaves as they are: not a mobile.
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True).map(lambda m: m[:3] + "٠١٢٣٤٥٦٧٨"[:8]),
)

ROSTER_ONLY_REASONS = ("This field is required.", "Excel stored this")


def roster_number_verdict(key: str, header: str, value: str, tree) -> tuple[str | None, str | None]:
    """(the number the roster stores, or None; the reason on its column, or None)."""
    row = roster_rows(tree.enterprise_a, 1)[0]
    row[[c.key for c in COLUMNS].index(key)] = value
    row[[c.key for c in COLUMNS].index("join_date")] = ""  # a birth date read from the number: no clash
    table = Table(lines=[2], rows=[row], columns={c.key: i for i, c in enumerate(COLUMNS)}, header=HEADERS)
    checked = check_roster(table, org=tree.union_a)
    reasons = [reason for _line, field, reason in checked.errors if field == header]
    assert len(reasons) == len(checked.errors), checked.errors  # nothing else in the row is wrong
    return (getattr(checked.rows[0], key) if checked.rows else None), (reasons[0] if reasons else None)


def service_verdict(key: str, value: str) -> tuple[str | None, str | None]:
    """What the join form, the API, enrolment and the member edit store: members.services."""
    try:
        return clean_person_data({key: value})[key], None
    except ValidationFailed as exc:
        return None, exc.fields[key][0]


def page_verdict(form_class, key: str, value: str) -> tuple[str | None, str | None] | None:
    """The page's: its field (which strips the value), then the service; None when the field itself
    refuses the text (longer than the input box, a NUL character), which no roster cell has."""
    form = form_class(data={key: value})
    form.is_valid()
    if key in form.errors:
        return None
    return service_verdict(key, form.cleaned_data[key])


def assert_the_roster_agrees(key: str, header: str, form_class, value: str, tree) -> None:
    with scopes_disabled(), translation.override("en"):
        stored, roster_reason = roster_number_verdict(key, header, value, tree)
        accepted, reason = service_verdict(key, value)
        by_page = page_verdict(form_class, key, value)
    assert stored == accepted
    if stored is None and not roster_reason.startswith(ROSTER_ONLY_REASONS):
        assert roster_reason == reason
    if by_page is not None:
        assert by_page == (accepted, reason)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ID_NUMBERS)
def test_the_roster_and_the_join_form_agree_on_every_id_number(tree, value):
    assert_the_roster_agrees("id_number", "身份证号", JoinApplyForm, value, tree)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=MOBILES)
def test_the_roster_and_enrolment_agree_on_every_mobile(tree, value):
    assert_the_roster_agrees("mobile", "手机号", MemberEnrolForm, value, tree)


@pytest.mark.parametrize(
    "key, value, stored",
    [
        (
            "id_number",
            "'" + make_id_number(birth="19850612", serial=7).lower(),
            make_id_number(birth="19850612", serial=7),
        ),
        ("mobile", "＋８６ １３９ １２３４ ５６７８", "13912345678"),
        ("mobile", "139٠٠١٣٠٠٠٨", None),  # Arabic-Indic digits: the roster took them before issue 8
        ("mobile", "13९12345678", None),  # a Devanagari digit
    ],
)
def test_the_roster_stores_what_the_forms_store(tree, key, value, stored):
    header = {"id_number": "身份证号", "mobile": "手机号"}[key]
    with scopes_disabled(), translation.override("en"):
        assert roster_number_verdict(key, header, value, tree)[0] == stored
        assert service_verdict(key, value)[0] == stored


# --- item 14: a returning member whose row differs from the record ----------------------------------------


def test_a_returning_member_under_another_name_is_refused(tree, staff):
    rows = roster_rows(tree.enterprise_a, 2)
    make_person(org=tree.union_b, real_name="罗师傅", id_number=rows[1][1], status="left")
    rows[1][0] = "冒名者"
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    assert errors_of(roster_import) == {
        3: ("姓名", zh("This ID number is on file under another name: check the number."))
    }
    assert people()["罗师傅"].org_id == tree.union_b.pk


def test_a_different_mobile_is_warned_and_the_record_keeps_its_own(tree, staff, signed_in):
    rows = roster_rows(tree.enterprise_a, 4)
    returning, _m = make_person(
        org=tree.union_b, real_name=rows[1][0], id_number=rows[1][1], mobile="13911110000", status="left"
    )
    member_here, _m = make_person(
        org=tree.union_a, real_name="王 五 旧名", id_number=rows[2][1], mobile="13911112222"
    )
    no_mobile, _m = make_person(org=tree.union_b, real_name=rows[3][0], id_number=rows[3][1], status="left")
    with scopes_disabled():
        person_set_mobile(no_mobile, "")
        no_mobile.save()
    client = signed_in("union_a_staff")
    response = client.post("/console/roster/", {"org": tree.union_a.pk, "file": csv_file(rows)})
    text = page_text(client.get(response["Location"]))

    assert "与已登记信息不同的行" in text
    assert "会员记录保留原登记的手机号，不采用名册中的号码" in text
    assert "已是本工会会员，但登记的姓名与名册不同；会员记录不会被修改" in text
    with scopes_disabled():
        roster_import = member_here.org.roster_imports.get()
    assert [(w["line"], w["field"]) for w in roster_import.report["warnings"]] == [
        (3, "手机号"),
        (4, "姓名"),
        (4, "手机号"),
    ]
    client.post(f"/console/roster/imports/{roster_import.pk}/")
    found = people()
    assert found[rows[1][0]].mobile == "13911110000"  # kept
    assert found["王 五 旧名"].mobile == "13911112222"
    assert found[rows[3][0]].mobile == rows[3][2]  # had none: takes the roster's
    with scopes_disabled():
        assert Membership.objects.filter(person=returning, org=tree.union_a, status="active").exists()
        assert Membership.objects.filter(person=no_mobile, org=tree.union_a, status="active").exists()


# --- item 15: totals rows, errors per column, nothing new -------------------------------------------------


def test_totals_rows_are_skipped_and_said(tree, staff, signed_in):
    rows = roster_rows(tree.enterprise_a, 4)
    lines = [
        HEADERS,
        rows[0],
        rows[1],
        ["小计：2人", "", "", "", "", "", "", ""],
        rows[2],
        rows[3],
        ["", "", "", "", "", "", "合 计", ""],
        ["总计", "4", "", "", "", "", "", ""],
    ]
    client = signed_in("union_a_staff")
    response = client.post("/console/roster/", {"org": tree.union_a.pk, "file": csv_text(lines)})
    text = page_text(client.get(response["Location"]))

    assert "全部 4 行正确，可以导入" in text
    for line, word in ((4, "小计"), (7, "合计"), (8, "总计")):
        assert f"第 {line} 行是“{word}”行，已跳过，不作为会员导入。" in text


def test_repeated_errors_are_summarised_per_column_before_the_lines(tree, staff, signed_in):
    rows = roster_rows(tree.enterprise_a, 6)
    for row in rows[:5]:
        row[1] = "1.10105E+17"
    rows[5][2] = "12345"
    client = signed_in("union_a_staff")
    response = client.post("/console/roster/", {"org": tree.union_a.pk, "file": csv_file(rows)})
    text = page_text(client.get(response["Location"]))

    summary = text.index("按列汇总的问题")
    assert summary < text.index("需要改正的问题")
    assert '<td class="nowrap">身份证号</td><td>存成了数字，末尾几位已丢失</td><td class="num">5</td>' in text
    assert (
        '<td class="nowrap">手机号</td><td>'
        + zh("A mainland mobile number has 11 digits and starts with 13 to 19.")
        + '</td><td class="num">1</td>'
        in text
    )


def test_a_summary_counts_large_numbers_with_separators(tree, staff):
    rows = roster_rows(tree.enterprise_a, 1200)
    for row in rows:
        row[1] = "1.10105E+17"
    roster_import = validate(staff, tree.union_a, csv_file(rows))
    assert roster_import.report["summary"] == [
        {"field": "身份证号", "problem": "存成了数字，末尾几位已丢失", "rows": 1200}
    ]
    assert roster_import.error_count == 1200 and len(roster_import.errors) == 1000


def test_a_file_with_nothing_new_says_so(tree, staff, signed_in):
    rows = roster_rows(tree.enterprise_a, 3)
    client = signed_in("union_a_staff")
    first = client.post("/console/roster/", {"org": tree.union_a.pk, "file": csv_file(rows)})
    client.post(first["Location"])
    again = client.post("/console/roster/", {"org": tree.union_a.pk, "file": csv_file(rows)})
    text = page_text(client.get(again["Location"]))

    assert "没有可导入的新内容：文件中的 3 人都已是本工会会员。" in text
    assert "导入 0 名会员" not in text and "名会员已导入" not in text
    with scopes_disabled():
        assert Membership.objects.filter(org=tree.union_a).count() == 3
        assert member_imports(tree.union_a) == [
            (RosterImportStatus.DONE, 3, 0),
            (RosterImportStatus.DONE, 0, 3),
        ]


def member_imports(org) -> list[tuple[str, int, int]]:
    return [(i.status, i.created_count, i.skipped_count) for i in org.roster_imports.order_by("pk")]
