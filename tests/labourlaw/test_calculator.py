"""Worked examples of each formula (DOMAIN.md, "Wages, overtime, compensation"), and properties
that hold for any input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from smartunion.labourlaw.calculator import (
    add_months,
    double_wages,
    economic_compensation,
    final_award,
    overtime_pay,
    service_months,
    unlawful_termination,
)

D = Decimal
# Beijing from 2025-09-01 (the seeded figures): minimum 2,540, average 11,937.
BEIJING = {"local_average_wage": D("11937"), "local_minimum_wage": D("2540")}


def compensation(wage: str, start: date, end: date, **figures):
    return economic_compensation(monthly_wage=D(wage), start=start, end=end, **{**BEIJING, **figures})


# --- economic compensation (劳动合同法 第四十七条) -------------------------------------------------


def test_full_years_and_a_remainder_of_six_months_or_more_count_as_years():
    # 2019-03-01 .. 2025-08-31 is 6 years and 6 months: 7 months' wage.
    result = compensation("8000", date(2019, 3, 1), date(2025, 8, 31))
    assert result.months == D("7")
    assert result.amount == D("56000.00")
    assert "8000.00元 × 7 = 56000.00元" in result.formula
    assert "6年6个月" in result.formula
    assert "第四十七条" in result.basis and "实施条例》第二十七条" in result.basis


def test_a_remainder_under_six_months_counts_as_half_a_month():
    # 3 years, 5 months and 30 days: 3.5 months.
    result = compensation("9000", date(2022, 1, 1), date(2025, 6, 29))
    assert result.months == D("3.5")
    assert result.amount == D("31500.00")


def test_service_under_six_months_is_half_a_month():
    result = compensation("6000", date(2025, 1, 1), date(2025, 6, 30))  # exactly six months
    assert result.months == D("1")
    result = compensation("6000", date(2025, 1, 1), date(2025, 6, 29))  # a day short
    assert result.months == D("0.5")
    assert result.amount == D("3000.00")


def test_a_single_day_of_service_is_half_a_month():
    assert service_months(date(2025, 3, 3), date(2025, 3, 3)) == D("0.5")


def test_a_wage_below_the_local_minimum_is_raised_to_it():
    result = compensation("2000", date(2020, 1, 1), date(2025, 12, 31))  # 6 years
    assert result.raised_to_minimum
    assert result.wage_used == D("2540.00")
    assert result.amount == D("15240.00")  # 2,540 × 6, not 2,000 × 6
    assert "低于当地最低工资标准2540.00元" in result.formula


def test_above_three_times_the_average_the_wage_is_capped():
    # 3 × 11,937 = 35,811; 5 years of service: no year cap needed.
    result = compensation("50000", date(2021, 1, 1), date(2025, 12, 31))
    assert result.capped and result.wage_used == D("35811.00")
    assert result.months == D("5")
    assert result.amount == D("179055.00")
    assert "三倍35811.00元" in result.formula


def test_above_three_times_the_average_the_years_are_capped_at_twelve():
    result = compensation("50000", date(2005, 1, 1), date(2025, 12, 31))  # 21 years
    assert result.months == D("12")
    assert result.amount == D("429732.00")  # 35,811 × 12
    assert "十二年" in result.formula


def test_at_most_three_times_the_average_no_year_cap():
    result = compensation("35811", date(2005, 1, 1), date(2025, 12, 31))  # exactly 3×: not above
    assert not result.capped
    assert result.months == D("21")
    assert result.amount == D("752031.00")


def test_a_start_on_the_31st_steps_to_the_end_of_shorter_months():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    # 2024-01-31 .. 2024-07-30 (the day before the six-month mark, 2024-07-31): six months.
    assert service_months(date(2024, 1, 31), date(2024, 7, 30)) == D("1")
    assert service_months(date(2024, 1, 31), date(2024, 7, 29)) == D("0.5")


# --- unlawful termination (第八十七条) -------------------------------------------------------------


def test_unlawful_termination_is_twice_the_compensation():
    result = unlawful_termination(
        monthly_wage=D("8000"), start=date(2019, 3, 1), end=date(2025, 8, 31), **BEIJING
    )
    assert result.amount == D("112000.00")
    assert result.months == D("14")
    assert "56000.00元 × 2 = 112000.00元" in result.formula
    assert "第八十七条" in result.basis and "第二十五条" in result.basis


# --- overtime (劳动法 第四十四条) ------------------------------------------------------------------


def test_overtime_on_working_days_rest_days_and_holidays():
    result = overtime_pay(
        monthly_wage=D("5220"), workday_hours=D("10"), restday_hours=D("8"), holiday_hours=D("8")
    )
    # 5,220 ÷ 174 = 30 an hour; 5,220 ÷ 21.75 = 240 a day.
    assert result.hourly_wage == D("30.00") and result.daily_wage == D("240.00")
    assert result.workday_amount == D("450.00")  # 30 × 10 × 150%
    assert result.restday_amount == D("480.00")  # 30 × 8 × 200%
    assert result.holiday_amount == D("720.00")  # 30 × 8 × 300%
    assert result.total == D("1650.00")
    assert not result.over_monthly_limit
    assert "÷ 174" in result.formula and "÷ 21.75" in result.formula
    assert "第四十四条" in result.basis


def test_overtime_rounds_each_amount_once_half_up():
    result = overtime_pay(
        monthly_wage=D("6000"), workday_hours=D("1"), restday_hours=D("0"), holiday_hours=D("0")
    )
    # 6000 / 174 × 1.5 = 51.7241...
    assert result.workday_amount == D("51.72")
    assert result.hourly_wage == D("34.48")


def test_more_than_36_hours_of_overtime_is_flagged():
    result = overtime_pay(
        monthly_wage=D("6000"), workday_hours=D("30"), restday_hours=D("6.5"), holiday_hours=D("0")
    )
    assert result.over_monthly_limit
    assert "第四十一条" in result.formula and "36小时" in result.formula


# --- double wages (第八十二条) ---------------------------------------------------------------------


def test_double_wages_run_from_the_day_after_the_first_month_to_the_signing():
    # Started 2025-03-10; the first month ends 2025-04-09; signed 2025-07-10: 2025-04-10 .. 2025-07-09.
    result = double_wages(
        monthly_wage=D("7000"),
        start=date(2025, 3, 10),
        written_contract=date(2025, 7, 10),
        end=date(2025, 12, 31),
    )
    assert (result.first_day, result.last_day) == (date(2025, 4, 10), date(2025, 7, 9))
    assert result.months == D("3")
    assert result.amount == D("21000.00")
    assert "第八十二条" in result.basis and "第六条" in result.basis


def test_a_part_of_a_month_counts_by_its_days():
    # 2025-04-10 .. 2025-05-24: one month (to 2025-05-09) and 15 days of the 31-day step from 2025-05-10.
    result = double_wages(
        monthly_wage=D("6200"),
        start=date(2025, 3, 10),
        written_contract=date(2025, 5, 25),
        end=date(2025, 12, 31),
    )
    assert result.months == (D(1) + D(15) / D(31)).quantize(D("0.01"))  # 1.48
    assert result.amount == D("9176.00")


def test_double_wages_stop_before_the_first_anniversary_at_eleven_months():
    result = double_wages(
        monthly_wage=D("6000"), start=date(2023, 1, 15), written_contract=None, end=date(2025, 6, 30)
    )
    assert (result.first_day, result.last_day) == (date(2023, 2, 15), date(2024, 1, 14))
    assert result.months == D("11")
    assert result.amount == D("66000.00")


def test_no_double_wages_when_signed_within_the_first_month():
    result = double_wages(
        monthly_wage=D("6000"),
        start=date(2025, 3, 10),
        written_contract=date(2025, 4, 1),
        end=date(2025, 12, 31),
    )
    assert result.months == D("0") and result.amount == D("0")
    assert "一个月内" in result.formula


def test_double_wages_end_with_the_employment():
    result = double_wages(
        monthly_wage=D("6000"), start=date(2025, 1, 1), written_contract=None, end=date(2025, 3, 31)
    )
    assert (result.first_day, result.last_day) == (date(2025, 2, 1), date(2025, 3, 31))
    assert result.months == D("2")


# --- final awards (调解仲裁法 第四十七条) ---------------------------------------------------------


def test_a_claim_up_to_twelve_months_of_the_minimum_wage_is_final():
    at = final_award(claim_amount=D("30480.00"), local_minimum_wage=D("2540"))
    assert at.final and at.threshold == D("30480.00")
    above = final_award(claim_amount=D("30480.01"), local_minimum_wage=D("2540"))
    assert not above.final
    assert "第四十七条" in at.basis


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
wages = st.decimals(min_value=D("0"), max_value=D("200000"), places=2)
figures = st.tuples(
    st.decimals(min_value=D("1000"), max_value=D("5000"), places=2),
    st.decimals(min_value=D("5000"), max_value=D("30000"), places=2),
)


@settings(max_examples=200, deadline=None)
@given(wage=wages, start=dates, days=st.integers(0, 15000), figs=figures)
def test_unlawful_termination_is_always_twice_the_compensation(wage, start, days, figs):
    minimum, average = figs
    kwargs = {
        "monthly_wage": wage,
        "start": start,
        "end": start + timedelta(days=days),
        "local_minimum_wage": minimum,
        "local_average_wage": average,
    }
    assert unlawful_termination(**kwargs).amount == 2 * economic_compensation(**kwargs).amount


@settings(max_examples=200, deadline=None)
@given(wage=wages, start=dates, extra=st.integers(0, 3000), days=st.integers(0, 15000), figs=figures)
def test_compensation_never_falls_with_longer_service(wage, start, extra, days, figs):
    minimum, average = figs
    kwargs = {
        "monthly_wage": wage,
        "start": start,
        "local_minimum_wage": minimum,
        "local_average_wage": average,
    }
    end = start + timedelta(days=days)
    shorter = economic_compensation(end=end, **kwargs)
    longer = economic_compensation(end=end + timedelta(days=extra), **kwargs)
    assert longer.amount >= shorter.amount
    assert longer.months >= shorter.months


@settings(max_examples=200, deadline=None)
@given(wage=wages, more=wages, start=dates, days=st.integers(0, 15000), figs=figures)
def test_compensation_never_falls_with_a_higher_wage(wage, more, start, days, figs):
    minimum, average = figs
    kwargs = {
        "start": start,
        "end": start + timedelta(days=days),
        "local_minimum_wage": minimum,
        "local_average_wage": average,
    }
    low = economic_compensation(monthly_wage=wage, **kwargs)
    high = economic_compensation(monthly_wage=wage + more, **kwargs)
    # Not strictly: above 3× the average the years are capped, so a wage crossing the cap can earn
    # less than one just under it. Below the cap, or both above it, more wage never pays less.
    cap = 3 * average
    if (wage + more <= cap) or (max(wage, minimum) > cap):
        assert high.amount >= low.amount


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(0, 3000), signed=st.one_of(st.none(), st.integers(-10, 800)), wage=wages)
def test_double_wages_are_at_most_eleven_months_and_grow_with_time(start, days, signed, wage):
    contract = None if signed is None else start + timedelta(days=signed)
    end = start + timedelta(days=days)
    result = double_wages(monthly_wage=wage, start=start, written_contract=contract, end=end)
    assert D(0) <= result.months <= D(11)
    assert result.amount <= wage * 11
    later = double_wages(
        monthly_wage=wage, start=start, written_contract=contract, end=end + timedelta(days=30)
    )
    assert later.months >= result.months
