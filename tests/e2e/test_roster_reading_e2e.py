"""A clerk on a phone uploads a workbook whose roster is on its second sheet, with two rows hidden:
the preview names the sheet read and lists the hidden rows, and fits 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_console_widths import overflow, sign_in
from tests.members import roster_bombs as bombs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_preview_names_the_sheet_read_and_the_hidden_rows_on_a_phone(
    live_server, phone_page, screenshot, default_roles, tree, personas, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    clerk = personas["union_a_staff"]
    notes = bombs.sheet_xml(bombs.row_xml(1, ["填写说明"]))
    roster = bombs.sheet_xml(bombs.roster_rows_xml(tree.enterprise_a, 6, hidden=frozenset({3, 6})))
    path = tmp_path / "名册.xlsx"
    path.write_bytes(bombs.workbook([("说明", notes), ("会员名册", roster)]))

    page = phone_page
    sign_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/console/roster/")
    page.set_input_files("input[name=file]", str(path))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".roster-reading")).to_contain_text(
        "已读取工作表“会员名册”：它的列名与名册相符（工作簿共 2 个工作表）。"
    )
    expect(page.locator(".roster-reading")).to_contain_text("Excel 中隐藏的行：2 行（第 3, 6 行）")
    expect(page.get_by_role("button", name="导入 6 名会员")).to_be_visible()
    assert overflow(page) == []
    screenshot(page, "roster-preview-sheet-and-hidden-rows-375")
