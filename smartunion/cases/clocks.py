"""The statutory clocks a case carries, computed from its dates by ``labourlaw.deadlines`` and kept
on the row, so the queue sorts and flags by them in the database:

- first contact: a target (default one working day from receipt; the federation's setting);
- the legal-aid decision: 7 days, counted as the settings say (法律援助法 第四十三条;
  《办理法律援助案件程序规定》 第十三条 counts working days);
- the mediation window: 15 days from receipt (劳动争议调解仲裁法 第十四条), after which the worker
  may go to arbitration;
- the arbitration limitation: one year, and for unpaid wages none while employed, one year from the
  end of employment (第二十七条); legal aid is urgent when fewer than 7 days remain (法律援助法
  第四十四条);
- payment: an agreement's payment date, until paid (第十五条, 第十六条).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from smartunion.cases.models import NO_CLOCK, Case, CaseKind, CaseStatus, Clock, DisputeType, PaymentStatus
from smartunion.labourlaw import deadlines

CLOCK_FIELDS = [
    "first_contact_due",
    "decision_due",
    "mediation_window_ends",
    "limitation_ends",
    "next_clock",
    "next_clock_kind",
    "is_urgent",
]
DECISION_PENDING = (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)


# Labour remuneration (劳动报酬): wages and overtime pay. While employment lasts a claim for it has no
# limitation (劳动争议调解仲裁法 第二十七条第四款); every other claim has the one year.
REMUNERATION = frozenset({DisputeType.UNPAID_WAGES, DisputeType.OVERTIME})


def only_remuneration(types) -> bool:
    """The unpaid-wages rule decides the case's limitation only when every claim is for pay: one
    claim of another kind keeps the one-year clock running, and the earliest end is the case's."""
    return bool(types) and set(types) <= REMUNERATION


def set_dates(case: Case, *, unpaid_wages: bool | None = None) -> None:
    """Fill the clock dates from the receipt and the dispute's dates (a new case, or changed dates)."""
    received = timezone.localdate(case.received_at)
    case.first_contact_due = deadlines.first_contact_due(received)
    case.decision_due = (
        deadlines.legal_aid_decision_due(received) if case.kind == CaseKind.LEGAL_AID else None
    )
    case.mediation_window_ends = (
        deadlines.mediation_window_ends(received) if case.kind == CaseKind.MEDIATION else None
    )
    if unpaid_wages is None:
        types = set(case.claims.values_list("dispute_type", flat=True)) if case.pk is not None else set()
        unpaid_wages = only_remuneration(types)
    case.limitation_ends = deadlines.limitation_ends(
        knew_on=case.dispute_date,
        employment_end=case.employment_end,
        unpaid_wages=unpaid_wages,
        still_employed=case.employment_end is None,
    )


def running(case: Case) -> dict[str, date]:
    """The clocks still running, by kind."""
    clocks: dict[str, date] = {}
    if case.is_open:
        if case.first_contact_at is None and case.first_contact_due:
            clocks[Clock.FIRST_CONTACT] = case.first_contact_due
        if case.kind == CaseKind.LEGAL_AID and case.status in DECISION_PENDING and case.decision_due:
            clocks[Clock.DECISION] = case.decision_due
        if case.kind == CaseKind.MEDIATION and case.mediation_window_ends:
            clocks[Clock.MEDIATION_WINDOW] = case.mediation_window_ends
        if case.limitation_ends:
            clocks[Clock.LIMITATION] = case.limitation_ends
    elif (
        case.status == CaseStatus.AGREED
        and case.payment_due
        and case.payment_status in (PaymentStatus.PENDING, PaymentStatus.PARTLY_PAID)
    ):
        clocks[Clock.PAYMENT] = case.payment_due
    return clocks


def refresh(case: Case, *, today: date | None = None) -> None:
    """Set ``next_clock``, its kind and the urgency flag from the running clocks (no save)."""
    today = today or timezone.localdate()
    clocks = running(case)
    if clocks:
        kind, when = min(clocks.items(), key=lambda item: item[1])
        case.next_clock, case.next_clock_kind = when, kind
    else:
        case.next_clock, case.next_clock_kind = NO_CLOCK, ""
    case.is_urgent = bool(
        case.kind == CaseKind.LEGAL_AID
        and case.is_open
        and case.limitation_ends
        and deadlines.is_urgent(case.limitation_ends, today)
    )


def window_passed(case: Case, *, today: date | None = None) -> bool:
    """Day 15 has come without an agreement: the worker may apply for arbitration (第十四条)."""
    today = today or timezone.localdate()
    return bool(
        case.kind == CaseKind.MEDIATION
        and case.mediation_window_ends
        and today >= case.mediation_window_ends
        and case.status not in (CaseStatus.AGREED, CaseStatus.WITHDRAWN, CaseStatus.DECLINED)
    )
