"""Roster import and export: every bad row named by line and field with nothing written, a good
roster imported all or nothing, a re-run that creates nothing, masked and unmasked exports."""

from __future__ import annotations

import codecs
import csv
import io
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from smartunion.accounts.models import User
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.personal import id_number_index
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import (
    Membership,
    MembershipEvent,
    MembershipNumber,
    Person,
    RosterImport,
    RosterImportStatus,
)
from smartunion.members.roster import (
    COLUMNS,
    roster_export,
    roster_import_commit,
    roster_import_get,
    roster_import_validate,
    roster_template,
)
from smartunion.members.selectors import person_access_history
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff, restore_migration_data
from tests.factories import (
    EnterpriseFactory,
    OrgFactory,
    StaffFactory,
    make_id_number,
    make_mobile,
    make_person,
)

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


def roster_rows(enterprise, count: int, *, start: int = 0) -> list[list[str]]:
    """Valid fictitious members: distinct ID numbers and mobiles."""
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
                "快递员,户外劳动者",
            ]
        )
    return rows


def xlsx_file(rows, headers=HEADERS, *, name="名册.xlsx", formulas=(), numbers=()) -> SimpleUploadedFile:
    """``formulas``: (row index, column index, formula); ``numbers``: (row index, column index, number)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value not in ("", None):
                sheet.write_string(r, col, value)
    for r, col, formula in formulas:
        sheet.write_formula(r + 1, col, formula, None, "张三")
    for r, col, number in numbers:
        sheet.write_number(r + 1, col, number)
    workbook.close()
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, headers=HEADERS, *, name="名册.csv", encoding="utf-8", bom=True) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    data = out.getvalue().encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # staged rosters go to a directory of this test's own


@pytest.fixture
def staff(personas):
    return personas["union_a_staff"]


def counts() -> tuple[int, int, int]:
    with scopes_disabled():
        return Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count()


def validate(staff, org, upload):
    with as_staff(staff):
        return roster_import_validate(actor=staff, org=org, upload=upload)


def commit(staff, roster_import):
    with as_staff(staff):
        return roster_import_commit(actor=staff, roster_import=roster_import)


# --- the template -------------------------------------------------------------------------------------


def test_the_template_has_the_fixed_headers_and_notes(db):
    content, filename, content_type = roster_template(file_format="xlsx")
    assert filename.endswith(".xlsx") and "spreadsheetml" in content_type
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names == ["会员名册", "填写说明"]
    assert workbook.get_sheet_by_index(0).to_python()[0] == [
        "姓名",
        "身份证号",
        "手机号",
        "用工形式",
        "用人单位统一社会信用代码",
        "入会日期",
        "工资档次",
        "职业标签",
    ]
    notes = [row[0] for row in workbook.get_sheet_by_index(1).to_python()]
    assert "身份证号" in notes and "用工形式可填" in notes
    content, filename, _type = roster_template(file_format="csv")
    assert content.startswith(codecs.BOM_UTF8)
    assert content.decode("utf-8-sig").strip() == ",".join(HEADERS)


# --- a good roster ------------------------------------------------------------------------------------


def test_a_valid_roster_is_imported_with_encrypted_data_and_one_audit_record(tree, staff):
    rows = roster_rows(tree.enterprise_a, 5)
    roster_import = validate(staff, tree.union_a, xlsx_file(rows))
    assert roster_import.status == RosterImportStatus.READY
    assert (roster_import.total_rows, roster_import.error_count, roster_import.skipped_count) == (5, 0, 0)
    assert counts() == (0, 0, 0)  # checking writes no member
    # Between the check and the import only an encrypted file rests on disk; the upload is gone.
    staged = Path(roster_import.stored_path).read_bytes()
    assert staged.startswith(b"aes-256-gcm$")
    assert not any(
        r[1].encode() in staged or r[2].encode() in staged or r[0].encode() in staged for r in rows
    )
    assert [p.name for p in Path(roster_import.stored_path).parent.iterdir()] == [
        Path(roster_import.stored_path).name
    ]

    with scopes_disabled():
        users_before = User.objects.count()
    roster_import = commit(staff, roster_import)
    assert roster_import.status == RosterImportStatus.DONE
    assert (roster_import.created_count, roster_import.skipped_count, roster_import.processed_rows) == (
        5,
        0,
        5,
    )
    with scopes_disabled():
        assert User.objects.count() == users_before  # no accounts, no password hashes
    assert counts() == (5, 5, 5)
    with scopes_disabled():
        person = Person.objects.get(id_number_index=id_number_index(rows[2][1]))
        assert person.real_name == "测试2" and person.id_number == rows[2][1] and person.mobile == rows[2][2]
        assert person.birth_date == date(1980, 1, 3) and person.sex in ("M", "F")
        assert person.employer == tree.enterprise_a and person.user is None
        assert person.employment_form == "courier" and person.wage_bracket == "5000_8000"
        assert sorted(person.occupation_tags.values_list("name", flat=True)) == ["快递员", "户外劳动者"]
        membership = Membership.objects.get(person=person)
        assert membership.status == "active" and membership.org == tree.union_a
        assert membership.join_date == date(2024, 3, 1) and len(membership.number) == 10
        assert len(set(Membership.objects.values_list("number", flat=True))) == 5
        assert MembershipEvent.objects.get(membership=membership).to_status == "active"
        # Encrypted at rest: the raw columns hold no plain ID number or mobile.
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number_encrypted, mobile_encrypted FROM members_person")
            raw = " ".join(" ".join(row) for row in cursor.fetchall())
        assert all(r[1] not in raw and r[2] not in raw for r in rows)
        record = AuditEvent.objects.get(action="roster.import")
        assert record.data == {"created": 5, "rejoined": 0, "skipped": 0, "rows": 5}
        assert record.actor == staff and record.org == tree.union_a
        assert not any(r[1] in str(record.data) or r[0] in record.object_repr for r in rows)
    # The staged file is gone once imported.
    assert roster_import.stored_path == "" and not any(Path(settings.VAR_DIR, "imports").iterdir())


def test_running_the_same_file_again_creates_nothing(tree, staff):
    rows = roster_rows(tree.enterprise_a, 4)
    commit(staff, validate(staff, tree.union_a, xlsx_file(rows)))
    before = counts()
    again = validate(staff, tree.union_a, xlsx_file(rows))
    # Nothing new: done at the check, with nothing staged and nothing offered to import.
    assert (again.status, again.total_rows, again.skipped_count, again.error_count) == ("done", 4, 4, 0)
    assert (again.created_count, again.stored_path) == (0, "")
    with pytest.raises(Conflict):
        commit(staff, again)
    assert counts() == before == (4, 4, 4)


def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(tree, staff):
    rows = roster_rows(tree.enterprise_a, 3)
    uploads = [
        csv_file(rows[:1]),
        csv_file(rows[1:2], bom=False),
        csv_file(rows[2:], encoding="gb18030", bom=False),
    ]
    for upload in uploads:
        roster_import = commit(staff, validate(staff, tree.union_a, upload))
        assert roster_import.created_count == 1, roster_import.errors
    with scopes_disabled():
        assert sorted(Person.objects.values_list("real_name", flat=True)) == ["测试0", "测试1", "测试2"]


def test_a_title_row_extra_columns_and_another_order_are_fine(tree, staff):
    rows = roster_rows(tree.enterprise_a, 2)
    headers = ["序号", "手机号", "姓名", "身份证号", "用人单位统一社会信用代码", "用工形式"]
    reordered = [[str(i), r[2], r[0], r[1], r[4], r[3]] for i, r in enumerate(rows, start=1)]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_string(0, 0, "甲公司工会会员名册")
    sheet.write_row(2, 1, headers)
    for r, row in enumerate(reordered, start=3):
        sheet.write_row(r, 1, row)
    workbook.close()
    roster_import = validate(staff, tree.union_a, SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert roster_import.status == "ready" and roster_import.total_rows == 2
    commit(staff, roster_import)
    with scopes_disabled():
        membership = Membership.objects.select_related("person").get(person__real_name="测试1")
    assert membership.join_date is not None and membership.person.wage_bracket == ""


# --- bad rows: named by line and field, nothing written ------------------------------------------------


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def _errors(roster_import) -> list[tuple[int, str, str]]:
    return [(e["line"], e["field"], e["reason"]) for e in roster_import.errors]


def test_every_bad_row_is_named_by_line_and_field_and_nothing_is_written(tree, staff):
    other_union_member, _m = make_person(org=tree.union_b, real_name="乙会员")
    mobile_owner, _m = make_person(org=tree.union_a, real_name="已有手机")
    rows = roster_rows(tree.enterprise_a, 16)
    good_id = rows[0][1]
    rows[0][1] = good_id[:17] + ("0" if good_id[17] != "0" else "1")  # line 2: wrong check character
    future = (timezone.localdate() + timedelta(days=30)).strftime("%Y%m%d")
    rows[1][1] = make_id_number(birth=future, serial=1)  # line 3: future birth date
    rows[2][2] = "1234567"  # line 4: malformed mobile
    rows[3][4] = "91110105MA01ABCD1X"  # line 5: a credit code with a wrong check character
    rows[4][4] = EnterpriseFactory.build().credit_code  # line 6: valid code, not in the register
    rows[6][1] = rows[5][1]  # line 8: same ID number as line 7
    rows[8][2] = rows[7][2]  # line 10: same mobile as line 9
    rows[9][0] = '=HYPERLINK("http://evil.example","点我")'  # line 11: CSV injection
    rows[10][3] = "临时工"  # line 12: unknown employment form
    rows[11][5] = (timezone.localdate() + timedelta(days=3)).isoformat()  # line 13: join date in the future
    rows[12][1] = other_union_member.id_number  # line 14: a member of another union
    rows[13][2] = mobile_owner.mobile  # line 15: a mobile registered to another person
    rows[14][1] = make_id_number(birth="19900230", serial=5)  # line 16: 30 February
    rows[15][7] = "宇航员"  # line 17: unknown tag
    before = counts()
    roster_import = validate(staff, tree.union_a, xlsx_file(rows))
    assert roster_import.status == RosterImportStatus.INVALID
    errors = _errors(roster_import)
    by_line = {line: (field, reason) for line, field, reason in errors}
    assert by_line[2] == ("身份证号", zh("The check character is wrong: this ID number was mistyped."))
    assert by_line[3] == ("身份证号", zh("The birth date in this ID number is impossible."))
    assert by_line[4] == ("手机号", zh("A mainland mobile number has 11 digits and starts with 13 to 19."))
    assert by_line[5] == (
        "用人单位统一社会信用代码",
        zh("The check character is wrong: this code was mistyped."),
    )
    assert by_line[6] == (
        "用人单位统一社会信用代码",
        "企业名录中没有这个统一社会信用代码的企业，请先登记该用人单位。",
    )
    assert by_line[8] == ("身份证号", "与第 7 行的身份证号相同。")
    assert by_line[10] == ("手机号", "与第 9 行的手机号相同。")
    assert by_line[11][0] == "姓名" and "公式" in by_line[11][1]
    assert by_line[12][0] == "用工形式" and "快递员" in by_line[12][1]
    assert by_line[13] == ("入会日期", "入会日期晚于今天。")
    assert by_line[14][0] == "身份证号" and "其他工会" in by_line[14][1]
    assert by_line[15] == ("手机号", "这个手机号已登记在另一个人名下。")
    assert by_line[16] == ("身份证号", zh("The birth date in this ID number does not exist."))
    assert by_line[17] == ("职业标签", "未知的职业标签：宇航员。")
    assert 7 not in by_line and 9 not in by_line  # the first of a pair is fine
    assert roster_import.error_count == len(errors) == 14
    assert counts() == before
    with pytest.raises(Conflict):
        commit(staff, roster_import)
    assert counts() == before


def test_a_formula_cell_and_an_id_number_stored_as_a_number_are_refused(tree, staff):
    rows = roster_rows(tree.enterprise_a, 3)
    rows[0][0] = ""
    rows[1][1] = ""
    upload = xlsx_file(
        rows,
        formulas=[(0, 0, '=HYPERLINK("http://evil.example","张三")')],
        numbers=[(1, 1, 110105194912310021)],
    )
    roster_import = validate(staff, tree.union_a, upload)
    errors = _errors(roster_import)
    assert errors[0][:2] == (2, "姓名") and "公式" in errors[0][2]
    assert (
        errors[1][:2] == (3, "身份证号") and "1.1010519491231e+17" in errors[1][2] and "文本" in errors[1][2]
    )
    assert len(errors) == 2 and counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda e: xlsx_file([], ["姓名", "证件", "电话", "用工形式", "用人单位统一社会信用代码"]),
            "名册缺少以下列：身份证号、手机号。请使用模板中的列名。 无法识别的列：证件、电话。",
        ),
        (lambda e: SimpleUploadedFile("名册.xlsx", b""), "文件是空的。"),
        (lambda e: csv_file([]), "名册只有列名，没有会员数据行。"),
        (
            lambda e: SimpleUploadedFile("名册.xlsx", b"PK\x03\x04 this is not really a workbook" * 10),
            "无法作为 Excel 工作簿（.xlsx）读取这个文件：文件已损坏，或是把别的文件改成了 .xlsx 扩展名。",
        ),
        (
            lambda e: SimpleUploadedFile("名册.xlsx", "姓名,身份证号\n张三,1\n".encode()),
            "无法作为 Excel 工作簿（.xlsx）读取这个文件：文件已损坏，或是把别的文件改成了 .xlsx 扩展名。",
        ),
        (lambda e: SimpleUploadedFile("名册.txt", b"x"), "请上传 .xlsx 或 .csv 格式的名册。"),
        (
            lambda e: SimpleUploadedFile("名册.csv", b"\x00\x01\x02PK"),
            "这不是文本 CSV 文件。请将名册另存为 CSV（UTF-8）或 .xlsx。",
        ),
    ],
    ids=[
        "renamed-columns",
        "empty",
        "headers-only",
        "corrupt",
        "text-renamed-xlsx",
        "wrong-extension",
        "binary-csv",
    ],
)
def test_a_file_that_cannot_be_a_roster_is_refused_with_one_message(tree, staff, upload, message):
    with pytest.raises(ValidationFailed) as caught:
        validate(staff, tree.union_a, upload(tree.enterprise_a))
    assert caught.value.fields == {"file": [message]}
    with scopes_disabled():
        assert RosterImport.objects.count() == 0
    assert counts() == (0, 0, 0)


class HugeUpload:
    """A 50 MB upload that fails the test if anything reads it."""

    name = "名册.xlsx"
    size = 50 * 1024 * 1024

    def chunks(self):
        raise AssertionError("the file was read")

    read = chunks


def test_a_50_mb_upload_is_refused_before_it_is_read(tree, staff):
    with pytest.raises(ValidationFailed) as caught:
        validate(staff, tree.union_a, HugeUpload())
    assert caught.value.fields["file"] == [
        "文件大小为 50.00 MB（52,428,800 字节），超过上限 20 MB（20,971,520 字节）。请把名册拆成几个较小的文件。"
    ]
    assert counts() == (0, 0, 0)


def test_a_file_one_byte_over_the_limit_says_by_how_much(tree, staff, settings):
    one_over = HugeUpload()
    one_over.size = settings.ROSTER_MAX_UPLOAD_BYTES + 1
    with pytest.raises(ValidationFailed) as caught:
        validate(staff, tree.union_a, one_over)
    # "20.0 MB, limit 20 MB" read as within the limit: the bytes say why it is not.
    assert caught.value.fields["file"] == [
        "文件大小为 20.00 MB（20,971,521 字节），超过上限 20 MB（20,971,520 字节）。请把名册拆成几个较小的文件。"
    ]
    # A file of exactly the limit is not refused for its size.
    settings.ROSTER_MAX_UPLOAD_BYTES = len(csv_file(roster_rows(tree.enterprise_a, 2)).read())
    assert validate(staff, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 2))).total_rows == 2


# --- commit: all or nothing ---------------------------------------------------------------------------------


def test_a_failure_while_writing_rolls_everything_back(tree, staff):
    rows = roster_rows(tree.enterprise_a, 6)
    roster_import = validate(staff, tree.union_a, xlsx_file(rows))
    # Someone takes the membership number the fifth row will get: the write fails half-way.
    with scopes_disabled():
        last = MembershipNumber.objects.get_or_create(pk=1)[0].last
        make_person(org=tree.union_b, status="applying")
        Membership.objects.filter(status="applying").update(number=f"{last + 5:010d}")
    before = counts()
    roster_import = commit(staff, roster_import)
    assert roster_import.status == RosterImportStatus.FAILED
    assert "没有写入任何数据" in roster_import.failure_reason
    assert counts() == before
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action="roster.import").exists()


def test_a_staged_file_altered_on_disk_is_refused(tree, staff):
    roster_import = validate(staff, tree.union_a, xlsx_file(roster_rows(tree.enterprise_a, 2)))
    staged = Path(roster_import.stored_path)
    data = bytearray(staged.read_bytes())
    data[-1] ^= 1
    staged.write_bytes(bytes(data))
    roster_import = commit(staff, roster_import)
    assert (
        roster_import.status == RosterImportStatus.FAILED
        and "DecryptionError" in roster_import.failure_reason
    )
    assert counts() == (0, 0, 0)


def test_a_roster_nobody_imports_within_a_week_is_dropped_with_its_file(tree, staff):
    old = validate(staff, tree.union_a, xlsx_file(roster_rows(tree.enterprise_a, 2)))
    with scopes_disabled():
        RosterImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    validate(staff, tree.union_a, xlsx_file(roster_rows(tree.enterprise_a, 1, start=50)))
    with scopes_disabled():
        old_after = RosterImport.objects.get(pk=old.pk)
    assert old_after.status == RosterImportStatus.FAILED and "一周" in old_after.failure_reason
    assert not Path(old.stored_path).exists()
    with pytest.raises(Conflict):
        commit(staff, old_after)  # nothing left to import: upload again
    assert counts() == (0, 0, 0)


def test_an_import_whose_server_process_died_is_marked_failed_and_can_be_retried(tree, staff, settings):
    """The process running an import stopped (a restart, a crash, a worker lost for good): its
    transaction rolled back, and its import gives no sign of life after being queued or started.
    Past ROSTER_COMMIT_STALE_SECONDS its page says so, and it can be retried."""
    roster_import = validate(staff, tree.union_a, xlsx_file(roster_rows(tree.enterprise_a, 2)))
    silent_since = timezone.now() - timedelta(seconds=settings.ROSTER_COMMIT_STALE_SECONDS + 1)
    with scopes_disabled():
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status="committing", timings={"heartbeat": silent_since.isoformat()}
        )
    with as_staff(staff):
        seen = roster_import_get(pk=roster_import.pk)
    assert seen.status == RosterImportStatus.FAILED and "服务器" in seen.failure_reason
    assert commit(staff, seen).status == RosterImportStatus.DONE
    assert counts() == (2, 2, 2)


def test_an_import_alive_within_the_limit_is_still_importing(tree, staff, settings):
    roster_import = validate(staff, tree.union_a, xlsx_file(roster_rows(tree.enterprise_a, 2)))
    lately = timezone.now() - timedelta(seconds=settings.ROSTER_COMMIT_STALE_SECONDS - 60)
    with scopes_disabled():
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status="committing", timings={"heartbeat": lately.isoformat()}
        )
    with as_staff(staff):
        seen = roster_import_get(pk=roster_import.pk)
    assert seen.status == RosterImportStatus.COMMITTING and not seen.failure_reason


def test_a_change_since_the_check_is_caught_at_commit(tree, staff):
    rows = roster_rows(tree.enterprise_a, 3)
    roster_import = validate(staff, tree.union_a, xlsx_file(rows))
    make_person(org=tree.union_b, id_number=rows[1][1], mobile=make_mobile())  # joined elsewhere meanwhile
    before = counts()
    roster_import = commit(staff, roster_import)
    assert roster_import.status == RosterImportStatus.INVALID
    assert _errors(roster_import)[0][:2] == (3, "身份证号")
    assert counts() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared, field", [("mobile", "手机号"), ("id_number", "身份证号")])
def test_two_rosters_committed_at_once_never_give_one_number_to_two_people(monkeypatch, shared, field):
    """Two unions commit rosters at the same moment, each on its own connection, with another person
    on one mobile number (or one ID number) in each. Each re-check is held at a barrier for the
    other: were both checked before either wrote, both would pass. Imports write one at a time, so
    the second sees the first's rows: one is done, the other names the row, with nothing written."""
    import threading

    from smartunion.members.roster import importing as roster

    restore_migration_data()
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        unions = [OrgFactory(name=f"{n}工会", parent=city, region_code="110105") for n in ("甲", "乙")]
        staff = [StaffFactory(home_org=u, roles=[("grassroots_staff", u)]) for u in unions]
        enterprises = [EnterpriseFactory(org=u, covering_union=u) for u in unions]
    rows = [roster_rows(enterprises[0], 3, start=0), roster_rows(enterprises[1], 3, start=3)]
    column = 2 if shared == "mobile" else 1
    rows[1][1][column] = rows[0][2][column]  # line 3 of the second roster, line 4 of the first
    imports = [validate(staff[n], unions[n], csv_file(rows[n])) for n in (0, 1)]
    assert [i.status for i in imports] == [RosterImportStatus.READY] * 2

    barrier = threading.Barrier(2)
    real_check = roster.database_check

    def check_then_wait(*args, **kwargs):
        verdicts = real_check(*args, **kwargs)
        try:
            barrier.wait(timeout=2)  # both checked before either writes, unless writes queue
        except threading.BrokenBarrierError:
            pass
        return verdicts

    monkeypatch.setattr(roster, "database_check", check_then_wait)
    outcomes: dict[int, RosterImport] = {}

    def run(n):
        try:
            outcomes[n] = commit(staff[n], imports[n])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(outcomes[n].status for n in (0, 1))
    assert statuses == sorted([RosterImportStatus.DONE, RosterImportStatus.INVALID]), [
        (o.status, o.failure_reason) for o in outcomes.values()
    ]
    refused = next(o for o in outcomes.values() if o.status == RosterImportStatus.INVALID)
    assert [(line, name) for line, name, _reason in _errors(refused)] == [
        (3 if refused.pk == imports[1].pk else 4, field)
    ]
    with scopes_disabled():
        assert Person.objects.count() == 3
        index = "mobile_index" if shared == "mobile" else "id_number_index"
        assert Person.objects.values(index).distinct().count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_large_roster_is_imported_in_the_background(settings):
    restore_migration_data()
    settings.ROSTER_SYNC_ROWS = 10
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        union = OrgFactory(name="大工会", parent=city, region_code="110105")
        enterprise = EnterpriseFactory(org=union, covering_union=union)
        staff = StaffFactory(home_org=union, roles=[("grassroots_staff", union)])
    roster_import = validate(staff, union, csv_file(roster_rows(enterprise, 40)))
    roster_import = commit(staff, roster_import)
    assert roster_import.status in (RosterImportStatus.COMMITTING, RosterImportStatus.DONE)
    deadline = time.monotonic() + 30
    while roster_import.status == RosterImportStatus.COMMITTING and time.monotonic() < deadline:
        time.sleep(0.05)
        with scopes_disabled():
            roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
    assert roster_import.created_count == 40
    assert counts() == (40, 40, 40)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["joined_elsewhere", "mobile_taken", "left_elsewhere"])
def test_a_change_since_the_check_is_caught_in_the_background_too(settings, change):
    """The background task re-checks too: a change is reported with nothing written, and a person
    who left another union meanwhile joins again."""
    restore_migration_data()
    settings.ROSTER_SYNC_ROWS = 10
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        union = OrgFactory(name="大工会", parent=city, region_code="110105")
        other = OrgFactory(name="别的工会", parent=city, region_code="110105")
        enterprise = EnterpriseFactory(org=union, covering_union=union)
        staff = StaffFactory(home_org=union, roles=[("grassroots_staff", union)])
    rows = roster_rows(enterprise, 40)
    roster_import = validate(staff, union, csv_file(rows))
    if change == "joined_elsewhere":
        make_person(org=other, id_number=rows[5][1])
    elif change == "mobile_taken":
        make_person(org=other, mobile=rows[5][2])
    else:
        left, _membership = make_person(org=other, id_number=rows[5][1], real_name=rows[5][0], status="left")
    before = counts()
    roster_import = commit(staff, roster_import)
    deadline = time.monotonic() + 30
    while roster_import.status == RosterImportStatus.COMMITTING and time.monotonic() < deadline:
        time.sleep(0.05)
        with scopes_disabled():
            roster_import.refresh_from_db()
    if change == "left_elsewhere":
        assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
        assert roster_import.created_count == 40
        assert counts() == (40, 41, 40)
        with scopes_disabled():
            assert Membership.objects.get(person=left, status="active").org == union
    else:
        assert roster_import.status == RosterImportStatus.INVALID, roster_import.failure_reason
        assert _errors(roster_import)[0][:2] == (7, "身份证号" if change == "joined_elsewhere" else "手机号")
        assert counts() == before
        with scopes_disabled():
            assert not AuditEvent.objects.filter(action="roster.import").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares bytewise already")
def test_the_columns_a_roster_import_looks_up_and_indexes_compare_bytewise():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name, collation_name FROM information_schema.columns
               WHERE (table_name = 'members_person' AND column_name IN ('id_number_index', 'mobile_index'))
                  OR (table_name = 'members_membership' AND column_name = 'number')"""
        )
        assert sorted(cursor.fetchall()) == [
            ("members_membership", "number", "C"),
            ("members_person", "id_number_index", "C"),
            ("members_person", "mobile_index", "C"),
        ]


# --- scope ------------------------------------------------------------------------------------------------


def test_a_grassroots_union_cannot_import_into_or_export_another(tree, staff):
    with pytest.raises(NotFound):
        validate(staff, tree.union_b, xlsx_file(roster_rows(tree.enterprise_b, 1)))
    with pytest.raises(NotFound), as_staff(staff):
        roster_export(actor=staff, org=tree.union_b)
    other = StaffFactory(home_org=tree.union_b, roles=[("grassroots_staff", tree.union_b)])
    theirs = validate(other, tree.union_b, xlsx_file(roster_rows(tree.enterprise_b, 1)))
    with pytest.raises(NotFound), as_staff(staff):
        roster_import_get(pk=theirs.pk)
    assert counts() == (0, 0, 0)


def test_only_grassroots_unions_take_a_roster(tree, personas):
    staff = personas["fangshan_staff"]
    with pytest.raises(ValidationFailed) as caught:
        validate(staff, tree.fangshan, xlsx_file(roster_rows(tree.enterprise_a, 1)))
    assert "org" in caught.value.fields


# --- export ----------------------------------------------------------------------------------------------


def _read(export) -> bytes:
    with export.file:
        return export.file.read()


def _sheet(export) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(_read(export))).get_sheet_by_index(0).to_python()


def test_the_masked_export_has_no_full_id_number_or_mobile(tree, staff):
    person, membership = make_person(org=tree.union_a, real_name="王五", employer=tree.enterprise_a)
    make_person(org=tree.union_b, real_name="乙会员")
    with as_staff(staff):
        export = roster_export(actor=staff, org=tree.union_a)
    rows = _sheet(export)
    assert rows[0][:8] == HEADERS and rows[0][8] == "会员编号"
    assert len(rows) == 2 and export.rows == 1
    assert rows[1][0] == "王五" and rows[1][8] == membership.number
    assert rows[1][1] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert rows[1][2] == person.mobile[:3] + "****" + person.mobile[-4:]
    assert rows[1][4] == tree.enterprise_a.credit_code
    with scopes_disabled():
        assert AuditEvent.objects.get(action="roster.export").data == {"rows": 1, "format": "xlsx"}
        assert not AuditEvent.objects.filter(action="roster.export_unmasked").exists()


def test_the_unmasked_export_needs_the_permission_and_is_audited(tree, staff, personas):
    admin = personas["fangshan_admin"]
    with as_staff(admin):  # before the person joined: not in their history
        roster_export(actor=admin, org=tree.union_a, unmask=True).file.close()
    person, _m = make_person(org=tree.union_a, real_name="王五")
    with pytest.raises(Forbidden), as_staff(staff):
        roster_export(actor=staff, org=tree.union_a, unmask=True)
    with as_staff(admin):
        export = roster_export(actor=admin, org=tree.fangshan, unmask=True)
        roster_export(actor=admin, org=tree.union_b, unmask=True).file.close()  # not their union
    rows = _sheet(export)
    assert [person.id_number, person.mobile] == rows[1][1:3]
    with scopes_disabled():
        record = AuditEvent.objects.filter(action="roster.export_unmasked", org=tree.fangshan).get()
    assert record.actor == admin and record.data == {"rows": 1, "format": "xlsx"}
    # The worker sees this export, and only this one, in their access history.
    assert [(e.action, e.org) for e in person_access_history(person=person)] == [
        ("roster.export_unmasked", tree.fangshan)
    ]


def test_an_export_longer_than_one_batch_has_every_member_with_their_tags(tree, staff, settings):
    settings.ROSTER_SYNC_ROWS = 10_000  # imported inline, in this test's transaction
    rows = roster_rows(tree.enterprise_a, 2100)
    commit(staff, validate(staff, tree.union_a, csv_file(rows)))
    with as_staff(staff):
        export = roster_export(actor=staff, org=tree.union_a)
    sheet = _sheet(export)
    assert export.rows == 2100 and len(sheet) == 2101
    assert {r[0] for r in sheet[1:]} == {r[0] for r in rows}
    assert all(r[7] in ("快递员,户外劳动者", "户外劳动者,快递员") for r in sheet[1:])


def test_a_formula_looking_value_is_exported_as_text(tree, staff):
    make_person(org=tree.union_a, real_name='=HYPERLINK("http://evil.example","点我")')
    with as_staff(staff):
        export = roster_export(actor=staff, org=tree.union_a)
    content = _read(export)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == '=HYPERLINK("http://evil.example","点我")'
    with as_staff(staff):
        export = roster_export(actor=staff, org=tree.union_a, file_format="csv")
    text = _read(export).decode("utf-8-sig")
    assert "'=HYPERLINK(" in text


def test_an_export_reimports_into_a_fresh_union(tree, personas):
    """An unmasked export keeps the template's first columns: it can be imported again."""
    person, _m = make_person(org=tree.union_a, real_name="王五", employer=tree.enterprise_a)
    admin = personas["fangshan_admin"]
    with as_staff(admin):
        export = roster_export(actor=admin, org=tree.union_a, unmask=True)
        roster_import = roster_import_validate(
            actor=admin, org=tree.union_a, upload=SimpleUploadedFile("back.xlsx", _read(export))
        )
    assert (roster_import.status, roster_import.skipped_count) == ("done", 1)  # nothing new
    assert roster_import.report["unread_columns"] == [
        "会员编号",
        "所属工会",
        "会员状态",
        "性别",
        "出生日期",
        "用人单位",
    ]


def _rows(export) -> list[list]:
    with export.file:
        content = export.file.read()
    if export.filename.endswith(".csv"):
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_masked_export_has_the_birth_year_only(tree, personas, file_format):
    person, _m = make_person(org=tree.union_a, real_name="王五", id_number=make_id_number(birth="19870415"))
    staff = personas["union_a_staff"]
    with as_staff(staff):
        rows = _rows(roster_export(actor=staff, org=tree.union_a, file_format=file_format))

    header, row = rows[0], rows[1]
    assert "出生年份" in header and "出生日期" not in header
    assert row[1] == person.id_number_masked
    assert str(row[header.index("出生年份")]) == "1987"
    flat = "".join(str(cell) for cell in row)
    assert "1987-04-15" not in flat and "1987-04" not in flat and "19870415" not in flat


def test_the_unmasked_export_has_the_birth_date(tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="王五", id_number=make_id_number(birth="19870415"))
    admin = personas["fangshan_admin"]
    with as_staff(admin):
        rows = _rows(roster_export(actor=admin, org=tree.union_a, unmask=True))

    header, row = rows[0], rows[1]
    assert row[1] == person.id_number
    assert "出生日期" in header and row[header.index("出生日期")] == "1987-04-15"
