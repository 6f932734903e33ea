"""The statutory clocks over the 2026 holiday calendar (chinese-calendar's data through the holidays
app, plus the override table): National Day is 2026-10-01..07, Mid-Autumn 2026-09-25 (a Friday) with
2026-09-20 (a Sunday) worked instead, and 2026-10-10 (a Saturday) is worked after National Day."""

from __future__ import annotations

from datetime import date

import pytest

from smartunion.holidays.calendar import is_workday
from smartunion.holidays.models import HolidayOverride
from smartunion.labourlaw.deadlines import (
    first_contact_due,
    is_urgent,
    legal_aid_decision_due,
    limitation_ends,
    mediation_window_ends,
)

pytestmark = pytest.mark.django_db


def test_the_calendar_the_tests_rely_on():
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert is_workday(date(2026, 10, 8))
    assert is_workday(date(2026, 9, 20)) and is_workday(date(2026, 10, 10))  # adjusted weekends
    assert not is_workday(date(2026, 9, 25))


# --- the 15-day mediation window (劳动争议调解仲裁法 第十四条) ----------------------------------------


def test_the_window_is_fifteen_days_after_receipt():
    assert mediation_window_ends(date(2026, 3, 2)) == date(2026, 3, 17)  # a Tuesday


@pytest.mark.parametrize("received", [date(2026, 9, 16), date(2026, 9, 19), date(2026, 9, 22)])
def test_a_window_ending_in_national_day_ends_on_the_next_working_day(received):
    # Day 15 falls on 2026-10-01, 10-04 and 10-07: each moves to Thursday 2026-10-08.
    assert mediation_window_ends(received) == date(2026, 10, 8)


def test_a_window_ending_on_an_ordinary_weekend_moves_to_monday():
    assert mediation_window_ends(date(2026, 3, 6)) == date(2026, 3, 23)  # day 15 is Saturday 03-21


def test_a_window_ending_on_an_adjusted_working_saturday_stays_there():
    assert mediation_window_ends(date(2026, 9, 25)) == date(2026, 10, 10)


def test_an_override_moves_the_window():
    HolidayOverride.objects.create(date=date(2026, 3, 17), is_workday=False, note="地方假日")
    assert mediation_window_ends(date(2026, 3, 2)) == date(2026, 3, 18)


# --- the legal-aid decision: 7 days, working days by default ---------------------------------------


def test_seven_working_days_skip_national_day():
    # From Tuesday 2026-09-29: 09-30, 10-08, 10-09, 10-10 (the worked Saturday), 10-12, 10-13, 10-14.
    assert legal_aid_decision_due(date(2026, 9, 29)) == date(2026, 10, 14)


def test_seven_working_days_count_an_adjusted_working_sunday():
    # From Wednesday 2026-09-16: 09-17, 09-18, 09-20 (worked Sunday), 09-21, 09-22, 09-23, 09-24.
    assert legal_aid_decision_due(date(2026, 9, 16)) == date(2026, 9, 24)


def test_seven_calendar_days_when_the_setting_says_so(settings):
    settings.LEGAL_AID_DECISION_COUNTING = "days"
    assert legal_aid_decision_due(date(2026, 9, 16)) == date(2026, 9, 23)
    assert legal_aid_decision_due(date(2026, 9, 28)) == date(2026, 10, 8)  # day 7 is 10-05


def test_an_unknown_counting_rule_is_refused(settings):
    settings.LEGAL_AID_DECISION_COUNTING = "weeks"
    with pytest.raises(ValueError, match="LEGAL_AID_DECISION_COUNTING"):
        legal_aid_decision_due(date(2026, 9, 16))


# --- the limitation (第二十七条) --------------------------------------------------------------------


def test_one_year_from_when_the_worker_knew():
    ends = limitation_ends(
        knew_on=date(2025, 3, 10), employment_end=None, unpaid_wages=False, still_employed=True
    )
    assert ends == date(2026, 3, 10)


def test_a_year_ending_in_national_day_ends_after_it():
    ends = limitation_ends(
        knew_on=date(2025, 10, 3), employment_end=None, unpaid_wages=False, still_employed=False
    )
    assert ends == date(2026, 10, 8)


def test_a_year_from_29_february_ends_on_28_february():
    ends = limitation_ends(
        knew_on=date(2024, 2, 29), employment_end=None, unpaid_wages=False, still_employed=False
    )
    assert ends == date(2025, 2, 28)


def test_unpaid_wages_during_employment_have_no_limitation():
    assert (
        limitation_ends(knew_on=date(2020, 1, 1), employment_end=None, unpaid_wages=True, still_employed=True)
        is None
    )


def test_unpaid_wages_run_a_year_from_the_end_of_employment():
    ends = limitation_ends(
        knew_on=date(2020, 1, 1), employment_end=date(2025, 6, 30), unpaid_wages=True, still_employed=False
    )
    assert ends == date(2026, 6, 30)


# --- first contact and urgency --------------------------------------------------------------------


def test_first_contact_is_the_next_working_day(settings):
    assert first_contact_due(date(2026, 9, 30)) == date(2026, 10, 8)
    assert first_contact_due(date(2026, 9, 19)) == date(2026, 9, 20)  # Saturday → the worked Sunday
    settings.FIRST_CONTACT_WORKING_DAYS = 2
    assert first_contact_due(date(2026, 9, 30)) == date(2026, 10, 9)


def test_urgent_when_fewer_than_seven_days_remain():
    end = date(2026, 6, 30)
    assert not is_urgent(end, date(2026, 6, 23))  # 7 days remain
    assert is_urgent(end, date(2026, 6, 24))  # 6
    assert is_urgent(end, end)  # the last day
    assert not is_urgent(end, date(2026, 7, 1))  # over
    assert not is_urgent(None, date(2026, 7, 1))  # no limitation runs
