"""A clerk on a phone uploads a roster as clerks write it: a 序号 and a 备注 column, 联系电话 for the
mobile, a 合计 row, a returning member with another mobile, then a file of numbers Excel wrote in
scientific notation. The preview names what it did not read, what it skipped, what differs from the
record and what is wrong per column, and fits 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_console_widths import overflow, sign_in
from tests.factories import make_person
from tests.members.test_roster import roster_rows
from tests.members.test_roster_checks import csv_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_preview_says_what_it_did_not_read_skipped_and_found_different_on_a_phone(
    live_server, phone_page, screenshot, default_roles, tree, personas, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    clerk = personas["union_a_staff"]
    rows = roster_rows(tree.enterprise_a, 4)
    make_person(
        org=tree.union_b, real_name=rows[1][0], id_number=rows[1][1], mobile="13911110000", status="left"
    )
    headers = [
        "序号",
        "姓名",
        "身份证号码",
        "联系电话",
        "用工性质",
        "统一社会信用代码",
        "入会时间",
        "月工资",
        "备注",
    ]
    lines = [headers, *([str(i + 1), *row[:7], "备注文字"] for i, row in enumerate(rows))]
    lines.append(["合计", "4人", "", "", "", "", "", "", ""])
    good = tmp_path / "名册.csv"
    good.write_bytes(csv_text(lines).read())
    bad_rows = roster_rows(tree.enterprise_a, 5, start=10)
    for row in bad_rows:
        row[1] = "1.10105E+17"
    bad = tmp_path / "坏名册.csv"
    bad.write_bytes(csv_text([[*headers[1:8], "职业标签"], *bad_rows]).read())

    page = phone_page
    sign_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/console/roster/")
    page.set_input_files("input[name=file]", str(good))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".roster-report")).to_contain_text("以下列没有读取：序号、备注。")
    expect(page.locator(".roster-report")).to_contain_text("第 6 行是“合计”行，已跳过，不作为会员导入。")
    expect(page.locator(".roster-warnings")).to_contain_text("会员记录保留原登记的手机号")
    expect(page.get_by_role("button", name="导入 4 名会员")).to_be_visible()
    assert overflow(page) == []
    screenshot(page, "roster-preview-unread-totals-differs-375")

    page.goto(f"{live_server.url}/console/roster/")
    page.set_input_files("input[name=file]", str(bad))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".roster-summary")).to_contain_text("存成了数字，末尾几位已丢失")
    assert overflow(page) == []
    screenshot(page, "roster-preview-summary-375")
