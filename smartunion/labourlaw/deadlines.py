"""Interim deadline rules, until the labourlaw module with the full rules lands (issue 9)."""

from datetime import date, timedelta

from smartunion.holidays.calendar import add_working_days, is_workday


def _roll(d):
    while not is_workday(d) and d.weekday() < 5:
        d += timedelta(days=1)
    return d


def mediation_window_ends(received: date) -> date:
    return _roll(received + timedelta(days=15))


def legal_aid_decision_due(received: date) -> date:
    return add_working_days(received, 7)


def first_contact_due(received: date) -> date:
    return add_working_days(received, 1)


def limitation_ends(*, knew_on, employment_end, unpaid_wages: bool, still_employed: bool):
    if unpaid_wages and still_employed:
        return None
    if unpaid_wages and employment_end:
        return _roll(employment_end.replace(year=employment_end.year + 1))
    if knew_on is None:
        return None
    return _roll(knew_on.replace(year=knew_on.year + 1))


def is_urgent(limitation_end, today) -> bool:
    return limitation_end is not None and (limitation_end - today).days < 7
