"""The calculator's API: no token, money as strings with two decimals, formula and basis on every
answer, and bad input as 422 with the field's path."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BASE = "/api/v1/calculator"
WORK = {"monthly_wage": "8000", "start_date": "2019-03-01", "end_date": "2025-08-31"}


def fields_of(response) -> dict:
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    assert body["code"] == "validation_error"
    return body["fields"]


def test_economic_compensation_with_the_regions_figures(api):
    response = api.post(f"{BASE}/economic-compensation", {**WORK, "region_code": "110105"})
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["months"] == "7.00"
    assert body["amount"] == "56000.00"
    assert "8000.00元 × 7 = 56000.00元" in body["formula"]
    assert "第四十七条" in body["basis"]


def test_the_cap_with_figures_passed_in_the_request(api):
    body = {
        "monthly_wage": 50000,
        "start_date": "2005-01-01",
        "end_date": "2025-12-31",
        "local_average_wage": "10000",
        "local_minimum_wage": 2000,
    }
    answer = api.post(f"{BASE}/economic-compensation", body).json()
    assert answer == {
        "months": "12.00",
        "amount": "360000.00",  # 3 × 10,000 × 12
        "formula": answer["formula"],
        "basis": answer["basis"],
    }
    assert "三倍30000.00元" in answer["formula"]


def test_unlawful_termination_is_twice_as_much(api):
    first = api.post(f"{BASE}/economic-compensation", {**WORK, "region_code": "110000"}).json()
    second = api.post(f"{BASE}/unlawful-termination", {**WORK, "region_code": "110000"}).json()
    assert second["amount"] == "112000.00" == f"{2 * float(first['amount']):.2f}"
    assert second["months"] == "14.00"
    assert "第八十七条" in second["basis"]


def test_overtime(api):
    response = api.post(
        f"{BASE}/overtime",
        {"monthly_wage": "5220.00", "workday_hours": 10, "restday_hours": "8", "holiday_hours": 8.0},
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json() | {"formula": "", "basis": ""} == {
        "daily_wage": "240.00",
        "hourly_wage": "30.00",
        "workday_amount": "450.00",
        "restday_amount": "480.00",
        "holiday_amount": "720.00",
        "total": "1650.00",
        "formula": "",
        "basis": "",
    }


def test_double_wages_with_and_without_a_contract(api):
    body = {
        "monthly_wage": "6000",
        "start_date": "2023-01-15",
        "written_contract_date": None,
        "end_date": "2025-06-30",
    }
    answer = api.post(f"{BASE}/double-wages", body).json()
    assert (answer["months"], answer["amount"]) == ("11.00", "66000.00")
    answer = api.post(f"{BASE}/double-wages", {**body, "written_contract_date": "2023-05-15"}).json()
    assert (answer["months"], answer["amount"]) == ("3.00", "18000.00")
    assert "第八十二条" in answer["basis"]


def test_final_award_with_the_region_and_with_a_figure(api):
    answer = api.post(f"{BASE}/final-award", {"claim_amount": "30000", "region_code": "110111"}).json()
    assert answer == {"final": True, "threshold": "30480.00", "basis": answer["basis"]}
    answer = api.post(f"{BASE}/final-award", {"claim_amount": "30000", "local_minimum_wage": "2000"}).json()
    assert (answer["final"], answer["threshold"]) == (False, "24000.00")


@pytest.mark.parametrize(
    ("kind", "day", "ends"),
    [
        ("mediation_window", "2026-09-16", "2026-10-08"),  # day 15 is National Day
        ("legal_aid_decision", "2026-09-16", "2026-09-24"),  # counts the worked Sunday 09-20
        ("limitation", "2025-10-03", "2026-10-08"),
        ("limitation_unpaid_wages", "2025-06-30", "2026-06-30"),
    ],
)
def test_deadlines(api, kind, day, ends):
    answer = api.post(f"{BASE}/deadline", {"kind": kind, "date": day}).json()
    assert answer["ends"] == ends
    assert "第" in answer["basis"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-100", "不能为负数"),
        ("六千", "数字"),
        ("6000.123", "两位小数"),
        ("1e12", "数字"),
        (1e12, "太大"),
        ("999999999999", "太大"),
        (True, ""),
        ([6000], ""),
    ],
)
def test_a_bad_wage_is_named_by_its_path(api, value, words):
    fields = fields_of(
        api.post(f"{BASE}/economic-compensation", {**WORK, "region_code": "110105", "monthly_wage": value})
    )
    assert list(fields) == ["body.monthly_wage"]
    assert words in fields["body.monthly_wage"][0]


def test_an_end_before_the_start_and_a_bad_date(api):
    fields = fields_of(
        api.post(f"{BASE}/unlawful-termination", {**WORK, "region_code": "110105", "end_date": "2018-01-01"})
    )
    assert list(fields) == ["body.end_date"]
    fields = fields_of(api.post(f"{BASE}/double-wages", {**WORK, "written_contract_date": "2025-02-30"}))
    assert list(fields) == ["body.written_contract_date"]


def test_missing_figures_say_which_to_pass(api):
    fields = fields_of(api.post(f"{BASE}/economic-compensation", WORK))
    assert set(fields) == {"body.local_minimum_wage", "body.local_average_wage"}
    assert "最低工资" in fields["body.local_minimum_wage"][0]
    fields = fields_of(api.post(f"{BASE}/economic-compensation", {**WORK, "region_code": "310101"}))
    assert "310101" in fields["body.local_average_wage"][0]
    # Beijing's figures start in 2023-09: an earlier end of employment has none.
    early = {**WORK, "end_date": "2020-01-31", "start_date": "2019-01-01", "region_code": "110105"}
    assert set(fields_of(api.post(f"{BASE}/economic-compensation", early))) == {
        "body.local_minimum_wage",
        "body.local_average_wage",
    }
    passed = {**early, "local_minimum_wage": "2200", "local_average_wage": "9000"}
    assert api.post(f"{BASE}/economic-compensation", passed).status_code == 200
    fields = fields_of(api.post(f"{BASE}/final-award", {"claim_amount": "100"}))
    assert list(fields) == ["body.local_minimum_wage"]


def test_a_bad_region_code_and_negative_hours(api):
    fields = fields_of(api.post(f"{BASE}/final-award", {"claim_amount": "100", "region_code": "99"}))
    assert "body.region_code" in fields
    fields = fields_of(
        api.post(
            f"{BASE}/overtime",
            {"monthly_wage": "6000", "workday_hours": "-1", "restday_hours": 0, "holiday_hours": 0},
        )
    )
    assert list(fields) == ["body.workday_hours"]


def test_an_unknown_kind_a_missing_field_and_an_unknown_field(api):
    fields = fields_of(api.post(f"{BASE}/deadline", {"kind": "arbitration", "date": "2026-01-01"}))
    assert list(fields) == ["body.kind"]
    fields = fields_of(
        api.post(
            f"{BASE}/double-wages",
            {"monthly_wage": "6000", "start_date": "2025-01-01", "end_date": "2025-06-30"},
        )
    )
    assert list(fields) == ["body.written_contract_date"]
    fields = fields_of(
        api.post(
            f"{BASE}/overtime",
            {
                "monthly_wage": "6000",
                "workday_hours": 1,
                "restday_hours": 0,
                "holiday_hours": 0,
                "night_hours": 1,
            },
        )
    )
    assert list(fields) == ["body.night_hours"]


def test_a_signed_in_client_gets_the_same_answer(api_as):
    api = api_as("fangshan_staff")
    assert (
        api.post(f"{BASE}/deadline", {"kind": "mediation_window", "date": "2026-09-16"}).json()["ends"]
        == "2026-10-08"
    )
