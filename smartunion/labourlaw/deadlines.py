"""Statutory clocks (DOMAIN.md, "Working days and deadlines"), counted with the holiday calendar of
``holidays.calendar`` (the chinese-calendar package plus the administrator's overrides). The cases
app calls these; the calculator's deadline endpoint shows them.

Counting (民法典 第二百零一条至第二百零三条, the general rules for periods): a period counted in
days or years starts the day after the event; a year ends on the corresponding day of the next year
(no such day, as for 29 February: the month's last day); a period whose last day is a rest day
(a weekend or statutory holiday, 法定休假日) ends on the next working day; an adjusted working
weekend (调休) is a working day. A period counted in working days skips weekends and holidays and
counts adjusted working weekends.

Settings (read at each call, so they can change without a restart):

- ``LEGAL_AID_DECISION_COUNTING``: ``"working_days"`` (default, 《办理法律援助案件程序规定》
  第十三条) or ``"days"`` (法律援助法 第四十三条 read as calendar days ⚠, DOMAIN.md).
- ``FIRST_CONTACT_WORKING_DAYS``: the first-contact target, in working days (default 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from smartunion.holidays.calendar import add_working_days, is_workday, overrides_between
from smartunion.labourlaw.calculator import add_months

MEDIATION_DAYS = 15  # 劳动争议调解仲裁法 第十四条
LEGAL_AID_DECISION_DAYS = 7  # 法律援助法 第四十三条; 《办理法律援助案件程序规定》第十三条
URGENT_DAYS = 7  # 法律援助法 第四十四条
WORKING_DAYS, CALENDAR_DAYS = "working_days", "days"

BASIS_MEDIATION = (
    "《中华人民共和国劳动争议调解仲裁法》第十四条；《中华人民共和国民法典》第二百零一条、第二百零三条"
)
BASIS_LEGAL_AID_WORKING = "《中华人民共和国法律援助法》第四十三条；《办理法律援助案件程序规定》第十三条"
BASIS_LEGAL_AID_DAYS = (
    "《中华人民共和国法律援助法》第四十三条；《中华人民共和国民法典》第二百零一条、第二百零三条"
)
BASIS_LIMITATION = (
    "《中华人民共和国劳动争议调解仲裁法》第二十七条第一款；《中华人民共和国民法典》第二百零一条至第二百零三条"
)
BASIS_LIMITATION_WAGES = (
    "《中华人民共和国劳动争议调解仲裁法》第二十七条第四款；《中华人民共和国民法典》第二百零一条至第二百零三条"
)


@dataclass(frozen=True)
class Deadline:
    ends: date | None  # None: no limitation runs (unpaid wages during employment)
    basis: str


def next_working_day_from(day: date) -> date:
    """``day`` if it is a working day, else the first working day after it (民法典 第二百零三条)."""
    overrides = overrides_between(day, day + timedelta(days=40))
    while not is_workday(day, overrides):
        day += timedelta(days=1)
    return day


def days_after(start: date, days: int) -> date:
    """The last day of a period of ``days`` days starting the day after ``start``, moved to the next
    working day when it falls on a rest day."""
    return next_working_day_from(start + timedelta(days=days))


def one_year_after(start: date) -> date:
    """The last day of a one-year period from ``start`` (民法典 第二百零二条、第二百零三条)."""
    return next_working_day_from(add_months(start, 12))


def legal_aid_counting() -> str:
    rule = getattr(settings, "LEGAL_AID_DECISION_COUNTING", WORKING_DAYS)
    if rule not in (WORKING_DAYS, CALENDAR_DAYS):
        raise ValueError(
            f"LEGAL_AID_DECISION_COUNTING must be {WORKING_DAYS!r} or {CALENDAR_DAYS!r}, not {rule!r}"
        )
    return rule


# --- the clocks ----------------------------------------------------------------------------------


def mediation_window(received: date) -> Deadline:
    """劳动争议调解仲裁法 第十四条: no agreement within 15 days of the mediation body receiving the
    application → the party may apply for arbitration (show the worker that option on this day)."""
    return Deadline(days_after(received, MEDIATION_DAYS), BASIS_MEDIATION)


def mediation_window_ends(received: date) -> date:
    ends = mediation_window(received).ends
    assert ends is not None
    return ends


def legal_aid_decision(received: date) -> Deadline:
    """法律援助法 第四十三条: decide within 7 days of receiving the application; counted in working
    days by default (《办理法律援助案件程序规定》第十三条), or in days by setting."""
    if legal_aid_counting() == WORKING_DAYS:
        return Deadline(add_working_days(received, LEGAL_AID_DECISION_DAYS), BASIS_LEGAL_AID_WORKING)
    return Deadline(days_after(received, LEGAL_AID_DECISION_DAYS), BASIS_LEGAL_AID_DAYS)


def legal_aid_decision_due(received: date) -> date:
    due = legal_aid_decision(received).ends
    assert due is not None
    return due


def limitation(*, knew_on: date) -> Deadline:
    """劳动争议调解仲裁法 第二十七条第一款: one year from when the party knew or should have known of
    the infringement (interruptions and suspensions are for the case file, not counted here)."""
    return Deadline(one_year_after(knew_on), BASIS_LIMITATION)


def limitation_unpaid_wages(*, employment_end: date | None, still_employed: bool) -> Deadline:
    """劳动争议调解仲裁法 第二十七条第四款: unpaid wages during employment are not limited; once the
    employment ends, the claim is made within one year of its end."""
    if still_employed or employment_end is None:
        return Deadline(None, BASIS_LIMITATION_WAGES)
    return Deadline(one_year_after(employment_end), BASIS_LIMITATION_WAGES)


def limitation_ends(
    *, knew_on: date | None, employment_end: date | None, unpaid_wages: bool, still_employed: bool
) -> date | None:
    """When the arbitration limitation of a claim ends: for unpaid wages, None while employed and a
    year from the end of employment after; for any other claim a year from ``knew_on``. None also
    when the date it runs from is not known."""
    if unpaid_wages:
        return limitation_unpaid_wages(employment_end=employment_end, still_employed=still_employed).ends
    if knew_on is None:
        return None
    return limitation(knew_on=knew_on).ends


def first_contact_due(received: date) -> date:
    """The service target for a first contact with the worker: ``FIRST_CONTACT_WORKING_DAYS``
    working days after receipt (default 1). A target of the platform, not of a statute."""
    return add_working_days(received, int(getattr(settings, "FIRST_CONTACT_WORKING_DAYS", 1)))


def days_remaining(ends: date, today: date) -> int:
    return (ends - today).days


def is_urgent(limitation_end: date | None, today: date) -> bool:
    """法律援助法 第四十四条: aid may start before review when fewer than 7 days remain before the
    limitation ends (today counted as a remaining day: on the last day, 0 days remain). A limitation
    already over, or none running, is not urgent."""
    if limitation_end is None:
        return False
    return 0 <= days_remaining(limitation_end, today) < URGENT_DAYS


DEADLINE_KINDS = ("mediation_window", "legal_aid_decision", "limitation", "limitation_unpaid_wages")


def deadline_for(kind: str, day: date) -> Deadline:
    """The calculator's deadline: ``day`` is the receipt (mediation_window, legal_aid_decision), the
    day the worker knew of the infringement (limitation) or the end of employment
    (limitation_unpaid_wages)."""
    if kind == "mediation_window":
        return mediation_window(day)
    if kind == "legal_aid_decision":
        return legal_aid_decision(day)
    if kind == "limitation":
        return limitation(knew_on=day)
    if kind == "limitation_unpaid_wages":
        return limitation_unpaid_wages(employment_end=day, still_employed=False)
    raise ValueError(f"unknown deadline kind {kind!r}")
