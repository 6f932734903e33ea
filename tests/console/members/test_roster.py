"""The console's roster pages: the template, upload and the preview of every bad row, the import
with its progress, and the export, masked or (confirmed, audited) in full."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from python_calamine import CalamineWorkbook

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Person, RosterImport, RosterImportStatus
from tests.console.conftest import page_text
from tests.factories import make_person
from tests.members.test_roster import csv_file, roster_rows, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # staged rosters go to a directory of this test's own


def member_count() -> int:
    with scopes_disabled():
        return Person.objects.count() + Membership.objects.count()


def upload(client, org, file):
    return client.post("/console/roster/", {"org": org.pk, "file": file})


def test_the_roster_page_offers_the_template_and_documents_the_columns(signed_in, tree):
    client = signed_in("union_a_staff")
    text = page_text(client.get("/console/roster/"))
    assert "会员名册" in text and "下载 Excel 模板" in text and "用人单位统一社会信用代码" in text
    assert f'value="{tree.union_a.pk}" checked> 甲公司工会' in text  # their one union, chosen for them
    response = client.get("/console/roster/template.xlsx")
    assert "attachment" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["姓名", "身份证号", "手机号"]
    response = client.get("/console/roster/template.csv")
    assert response.content.decode("utf-8-sig").startswith("姓名,身份证号,手机号")


def test_a_roster_with_errors_lists_line_field_and_reason_and_writes_nothing(signed_in, tree):
    rows = roster_rows(tree.enterprise_a, 3)
    rows[1][2] = "12345"
    rows[2][0] = "=cmd|' /C calc'!A0"
    client = signed_in("union_a_staff")
    response = upload(client, tree.union_a, xlsx_file(rows))
    assert response.status_code == 302
    text = page_text(client.get(response["Location"]))
    assert "这份名册有 2 处问题。没有导入任何会员" in text
    cells = re.findall(
        r"<tr><td class=\"num\">(\d+)</td><td class=\"nowrap\">(.*?)</td><td>(.*?)</td></tr>", text
    )
    assert [(line, field) for line, field, _reason in cells] == [("3", "手机号"), ("4", "姓名")]
    assert "公式" in cells[1][2]
    assert "名会员</button>" not in text  # no import button
    assert member_count() == 0


def test_a_file_that_is_not_a_roster_is_refused_on_the_form(signed_in, tree):
    client = signed_in("union_a_staff")
    response = upload(client, tree.union_a, xlsx_file([], ["姓名", "证件"]))
    assert response.status_code == 200
    text = page_text(response)
    assert "名册缺少以下列：身份证号、手机号、用工形式、用人单位统一社会信用代码" in text
    with scopes_disabled():
        assert RosterImport.objects.count() == 0
    assert member_count() == 0


def test_a_good_roster_is_previewed_then_imported(signed_in, tree):
    client = signed_in("union_a_staff")
    make_person(org=tree.union_a, real_name="老会员")
    response = upload(client, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 3)))
    detail = response["Location"]
    text = page_text(client.get(detail))
    assert "全部 3 行正确，可以导入" in text and "导入 3 名会员" in text
    assert member_count() == 2
    response = client.post(detail)
    text = page_text(client.get(response["Location"]))
    assert "名册已导入" in text and "已导入" in text
    assert re.search(r'stat-value">3</span><span class="stat-label">名会员已导入', text)
    assert member_count() == 2 + 6
    # Committing twice is refused with the reason.
    response = client.post(detail, follow=True)
    assert "这份名册正在导入或已经导入" in page_text(response)
    assert member_count() == 2 + 6


def test_the_progress_is_polled_while_committing_and_stops_when_done(signed_in, tree, personas):
    with scopes_disabled():
        roster_import = RosterImport.objects.create(
            org=tree.union_a,
            uploaded_by=personas["union_a_staff"],
            original_filename="大名册.xlsx",
            file_format="xlsx",
            status=RosterImportStatus.COMMITTING,
            total_rows=40_000,
        )
    cache.set(f"roster-import:{roster_import.pk}:progress", 10_000)
    client = signed_in("union_a_staff")
    url = f"/console/roster/imports/{roster_import.pk}/"
    response = client.get(url, HTTP_HX_REQUEST="true")
    text = page_text(response)
    assert text.lstrip().startswith('<section class="panel" id="progress"')  # only the partial
    assert 'hx-trigger="every 1s"' in text and '<progress value="10000" max="40000"' in text
    assert "已写入 10000 行，共 40000 行（25%）" in text
    with scopes_disabled():
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImportStatus.DONE, created_count=40_000, processed_rows=40_000
        )
    text = page_text(client.get(url, HTTP_HX_REQUEST="true"))
    assert "hx-trigger" not in text and "40000" in text and "名会员已导入" in text


def test_a_failed_import_shows_the_reason_and_offers_to_retry(signed_in, tree, personas):
    with scopes_disabled():
        roster_import = RosterImport.objects.create(
            org=tree.union_a,
            uploaded_by=personas["union_a_staff"],
            original_filename="名册.xlsx",
            file_format="xlsx",
            status=RosterImportStatus.FAILED,
            total_rows=2,
            stored_path="/nonexistent.staged",
            failure_reason="导入失败，没有写入任何数据（IntegrityError）。",
        )
    client = signed_in("union_a_staff")
    text = page_text(client.get(f"/console/roster/imports/{roster_import.pk}/"))
    assert "导入失败，没有写入任何数据（IntegrityError）。" in text and "重新导入" in text
    with scopes_disabled():
        RosterImport.objects.filter(pk=roster_import.pk).update(stored_path="")
    text = page_text(client.get(f"/console/roster/imports/{roster_import.pk}/"))
    assert "重新导入</button>" not in text and "重新上传文件" in text


@pytest.mark.parametrize("count", [1, 3])
def test_the_recent_imports_run_a_fixed_number_of_queries(
    signed_in, tree, personas, django_assert_num_queries, count
):
    with scopes_disabled():
        for i in range(count):
            RosterImport.objects.create(
                org=tree.union_a,
                uploaded_by=personas["union_a_staff"],
                original_filename=f"名册{i}号.xlsx",
                file_format="xlsx",
                status="invalid",
            )
    client = signed_in("union_a_staff")
    # session, user, grants, the recent imports with their union, the union to preselect, and the
    # session save (savepoint, release)
    with django_assert_num_queries(8):
        response = client.get("/console/roster/")
    assert page_text(response).count("号.xlsx") == count


# --- export ---------------------------------------------------------------------------------------


def test_the_masked_export_downloads_without_full_values(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="孙会员", mobile="13700001111")
    client = signed_in("union_a_staff")
    text = page_text(client.get("/console/roster/export/"))
    assert "导出会员名册" in text and "完整显示" not in text  # no unmasking offered
    response = client.post(
        "/console/roster/export/", {"org": tree.union_a.pk, "content": "masked", "file_format": "xlsx"}
    )
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["孙会员", person.id_number_masked, "137****1111"]
    assert person.id_number not in str(rows)
    # Asking for the full values without the permission is not possible.
    response = client.post(
        "/console/roster/export/",
        {"org": tree.union_a.pk, "content": "full", "file_format": "xlsx", "confirm": "on"},
    )
    assert response.status_code == 200 and "attachment" not in response.get("Content-Disposition", "")
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action="roster.export_unmasked").exists()


def test_the_full_export_must_be_confirmed_and_is_audited(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="孙会员", mobile="13700001111")
    client = signed_in("fangshan_admin")
    assert "完整显示" in page_text(client.get("/console/roster/export/"))
    data = {"org": tree.fangshan.pk, "content": "full", "file_format": "csv"}
    text = page_text(client.post("/console/roster/export/", data))
    assert "请确认你需要完整的身份证号和手机号" in text
    response = client.post("/console/roster/export/", {**data, "confirm": "on"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert person.id_number in content and "13700001111" in content
    with scopes_disabled():
        assert AuditEvent.objects.get(action="roster.export_unmasked").data == {"rows": 1, "format": "csv"}


def test_another_unions_roster_cannot_be_imported_exported_or_opened(signed_in, tree, personas):
    with scopes_disabled():
        theirs = RosterImport.objects.create(
            org=tree.union_b, original_filename="乙.xlsx", file_format="xlsx", status="ready", total_rows=1
        )
    make_person(org=tree.union_b, real_name="乙会员")
    client = signed_in("union_a_staff")
    assert client.get(f"/console/roster/imports/{theirs.pk}/").status_code == 404
    assert client.post(f"/console/roster/imports/{theirs.pk}/").status_code == 404
    response = upload(client, tree.union_b, xlsx_file(roster_rows(tree.enterprise_b, 1)))
    assert response.status_code == 404 and "乙公司工会" not in page_text(response)
    response = client.post(
        "/console/roster/export/", {"org": tree.union_b.pk, "content": "masked", "file_format": "xlsx"}
    )
    assert response.status_code == 404 and "乙会员" not in page_text(response)
    with scopes_disabled():
        assert RosterImport.objects.get(pk=theirs.pk).status == "ready"
    assert member_count() == 2
