"""The statutory calculator on the mobile web: open to anyone, one page per calculation, the result
with its formula and basis, and mistakes in Chinese on their fields with everything typed kept."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">([^<]*)<', text(response))
    return match.group(1) if match else ""


def field_value(response, field: str) -> str:
    match = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', text(response))
    return match.group(1) if match else ""


def test_anyone_reaches_the_calculator_from_the_home_page(client):
    home = text(client.get("/m/"))
    assert 'href="/m/calculator/"' in home
    page = client.get("/m/calculator/")
    assert page.status_code == 200
    for slug in ("compensation", "unlawful", "overtime", "double-wages", "final-award", "deadline"):
        assert f'href="/m/calculator/{slug}/"' in text(page)
        assert client.get(f"/m/calculator/{slug}/").status_code == 200
    assert client.get("/m/calculator/nothing/").status_code == 404


def test_a_worker_sees_the_tile(client):
    client.force_login(WorkerFactory())
    assert 'id="tile-calculator"' in text(client.get("/m/"))


def test_compensation_with_beijing_figures_shows_formula_and_basis(client):
    response = client.get(
        "/m/calculator/compensation/",
        {
            "monthly_wage": "8000",
            "start_date": "2019-03-01",
            "end_date": "2025-08-31",
            "region_code": "110000",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "56,000.00 元" in page
    assert "8000.00元 × 7 = 56000.00元" in page
    assert "《中华人民共和国劳动合同法》第四十七条" in page
    assert "110000" in page and "2420" in page  # the figures used, with their source


def test_a_wage_below_the_minimum_is_explained(client):
    page = text(
        client.get(
            "/m/calculator/compensation/",
            {
                "monthly_wage": "2000",
                "start_date": "2020-01-01",
                "end_date": "2025-12-31",
                "region_code": "110105",
            },
        )
    )
    assert "低于当地最低工资标准2540.00元" in page
    assert "15,240.00 元" in page


def test_mistakes_are_shown_on_their_fields_and_nothing_is_lost(client):
    response = client.get(
        "/m/calculator/compensation/",
        {"monthly_wage": "-5", "start_date": "2025-05-01", "end_date": "2025-01-01", "region_code": "110105"},
    )
    assert response.status_code == 400
    assert field_error(response, "monthly_wage") == "金额不能为负数。"
    assert field_error(response, "end_date") == "离职日期早于入职日期。"
    assert field_value(response, "monthly_wage") == "-5"
    assert field_value(response, "start_date") == "2025-05-01"
    assert 'id="calculator-result"' not in text(response)


def test_a_region_without_figures_asks_for_them(client):
    response = client.get(
        "/m/calculator/compensation/",
        {
            "monthly_wage": "9000",
            "start_date": "2020-01-01",
            "end_date": "2025-12-31",
            "region_code": "310101",
        },
    )
    assert response.status_code == 400
    assert "310101" in field_error(response, "local_minimum_wage")
    assert "月最低工资标准" in field_error(response, "local_minimum_wage")


def test_overtime_double_wages_final_award_and_a_deadline(client):
    page = text(
        client.get(
            "/m/calculator/overtime/",
            {"monthly_wage": "5220", "workday_hours": "10", "restday_hours": "8", "holiday_hours": "8"},
        )
    )
    assert "1,650.00 元" in page and "第四十四条" in page
    page = text(
        client.get(
            "/m/calculator/double-wages/",
            {
                "monthly_wage": "6000",
                "start_date": "2023-01-15",
                "written_contract_date": "",
                "end_date": "2025-06-30",
            },
        )
    )
    assert "66,000.00 元" in page and "11 个月" in page
    page = text(client.get("/m/calculator/final-award/", {"claim_amount": "30000", "region_code": "110000"}))
    assert "30,480.00 元" in page and "终局" in page
    page = text(client.get("/m/calculator/deadline/", {"kind": "mediation_window", "date": "2026-09-16"}))
    assert "2026-10-08" in page and "第十四条" in page


def test_too_many_decimals_and_a_bad_date(client):
    response = client.get("/m/calculator/deadline/", {"kind": "limitation", "date": "2026-02-30"})
    assert field_error(response, "date") == "日历上没有这一天。"
    response = client.get(
        "/m/calculator/overtime/",
        {"monthly_wage": "5220.555", "workday_hours": "abc", "restday_hours": "", "holiday_hours": "0"},
    )
    assert field_error(response, "monthly_wage") == "最多填写两位小数。"
    assert "数字" in field_error(response, "workday_hours")
    assert "必填" in field_error(response, "restday_hours")
