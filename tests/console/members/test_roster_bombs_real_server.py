"""The roster bombs of the outside trial (issue 7), uploaded to a real gunicorn through the console's
roster page as a clerk would: each gets its message, nothing is written, the upload is removed, and
the server lives on under a 1.5 GB memory limit (512 GiB was what the far cell once asked for)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import RosterImport
from smartunion.members.roster import XLSX_CONTENT_TYPE
from tests.factories import STAFF_PASSWORD, totp_now
from tests.members import roster_bombs as bombs

pytestmark = pytest.mark.django_db(transaction=True)

TOO_MANY_ROWS = "工作表第 200,010 行以下还有内容"
TOO_BIG = "工作簿解压后超过 512 MB，或压缩比远超正常表格，不予读取。"
LONG_CELL = "有单元格的文字超过表格单元格的上限（32,767 个字符），不予读取。"

BOMBS = [
    ("far cell", "名册.xlsx", bombs.far_cell, TOO_MANY_ROWS),
    ("far column", "名册.xlsx", bombs.far_column, "最右到第 XFD 列还有内容"),
    ("zip bomb", "名册.xlsx", bombs.whitespace_bomb, TOO_BIG),
    ("understated part", "名册.xlsx", bombs.lying_directory, TOO_BIG),
    ("huge shared strings", "名册.xlsx", bombs.huge_shared_strings, TOO_BIG),
    (
        "shared string in 3,000 cells",
        "名册.xlsx",
        bombs.shared_strings_copies,
        "工作簿在大量单元格中重复引用长文本",
    ),
    ("1,048,576 rows", "名册.xlsx", bombs.million_rows, TOO_MANY_ROWS),
    ("10 MB cell", "名册.xlsx", bombs.ten_mb_cell, LONG_CELL),
    ("10 MB shared string", "名册.xlsx", bombs.ten_mb_shared_string, LONG_CELL),
    (
        "1,048,576 CSV rows",
        "名册.csv",
        lambda e: "姓名,身份证号\n".encode() + "张三,1\n".encode() * 1_048_576,
        TOO_MANY_ROWS,
    ),
    (
        "an .xls renamed",
        "名册.xlsx",
        lambda e: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "请另存为 Excel 工作簿 (.xlsx)",
    ),
]


def test_every_roster_bomb_is_refused_by_the_real_server_which_survives(
    real_server, tree, personas, tmp_path
):
    clerk = personas["union_a_staff"]
    server = real_server(
        memory_mb=1500,
        env={
            # Its own var/ (so the test sees what it leaves in imports/), with the test's keys.
            "SMARTUNION_VAR_DIR": str(tmp_path),
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
            "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
            "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
        },
    )
    client = server.client(timeout=120)
    signed_in = client.post_form("/console/login/", {"username": clerk.username, "password": STAFF_PASSWORD})
    assert "/console/login/otp/" in signed_in.url, signed_in.text[:500]
    home = client.post_form("/console/login/otp/", {"otp": totp_now(clerk)})
    assert home.status == 200 and "/console/login" not in home.url, home.text[:500]
    imports = Path(tmp_path, "imports")

    for label, name, build, message in BOMBS:
        content = build(tree.enterprise_a)
        assert len(content) < settings.ROSTER_MAX_UPLOAD_BYTES, label
        content_type = XLSX_CONTENT_TYPE if name.endswith(".xlsx") else "text/csv"
        answer = client.post_multipart(
            "/console/roster/", {"org": str(tree.union_a.pk)}, {"file": (name, content, content_type)}
        )
        assert answer.status == 200, f"{label}: {answer.status}\n{server.log()}"
        assert message in answer.text, f"{label}: the page does not say {message!r}\n{server.log()[-3000:]}"
        with scopes_disabled():
            assert RosterImport.objects.count() == 0, label
        assert not imports.exists() or not any(imports.iterdir()), f"{label}: the upload was left behind"
        assert server.alive(), f"{label}: the server died\n{server.log()}"

    # And a real roster still goes through, on its second sheet, named in the preview.
    notes = bombs.sheet_xml(bombs.row_xml(1, ["填写说明"]))
    roster = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 3))
    content = bombs.workbook([("说明", notes), ("会员名册", roster)])
    answer = client.post_multipart(
        "/console/roster/", {"org": str(tree.union_a.pk)}, {"file": ("名册.xlsx", content, XLSX_CONTENT_TYPE)}
    )
    assert "/console/roster/imports/" in answer.url, answer.text[:2000]
    assert "已读取工作表“会员名册”" in answer.text and "导入 3 名会员" in answer.text
    assert not [path for path in imports.iterdir() if ".upload." in path.name]  # only the sealed rows stay
    assert server.alive()
