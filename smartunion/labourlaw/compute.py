"""The calculator as the ends call it: raw input in (as typed on the phone or sent as JSON), every
mistake reported at once on its field (the API's body names: ``monthly_wage``, ``start_date``, ...),
the regional figures found, and the pure functions of ``calculator`` run. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.core.codes import division_code_error, normalise_input
from smartunion.core.errors import ValidationFailed
from smartunion.labourlaw import calculator, deadlines
from smartunion.labourlaw.inputs import MAX_HOURS, parse_date, parse_number
from smartunion.labourlaw.selectors import regional_figure_for


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def number(self, field: str, value: object, *, maximum: Decimal | None = None, required: bool = True):
        if value is None or value == "":
            if required:
                self.add(field, _("This field is required."))
            return None
        try:
            return parse_number(value) if maximum is None else parse_number(value, maximum=maximum)
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def date(self, field: str, value: object, *, required: bool = True) -> date | None:
        if value is None or value == "":
            if required:
                self.add(field, _("This field is required."))
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


@dataclass(frozen=True)
class Figures:
    minimum_wage: Decimal | None
    average_wage: Decimal | None
    source: str  # where the figures came from, for the page: the region's row, or "given"


def _figures(
    errors: _Errors,
    *,
    region_code: object,
    minimum: object,
    average: object,
    on: date | None,
    need_average: bool,
) -> Figures:
    """The figures passed, else those of the region on ``on``; a figure neither passed nor known is
    a field error naming the figure to pass."""
    given_minimum = errors.number("local_minimum_wage", minimum, required=False)
    given_average = errors.number("local_average_wage", average, required=False) if need_average else None
    if given_minimum is not None and given_minimum <= 0:
        errors.add("local_minimum_wage", _("Enter an amount greater than zero."))
    if given_average is not None and given_average <= 0:
        errors.add("local_average_wage", _("Enter an amount greater than zero."))
    code = normalise_input(region_code) if isinstance(region_code, str) else ""
    if region_code not in (None, "") and not isinstance(region_code, str):
        errors.add("region_code", _("Enter a division code such as 110105."))
        code = ""
    elif code and (message := division_code_error(code)):
        errors.add("region_code", message)
        code = ""
    row = None
    if code and on is not None and (given_minimum is None or (need_average and given_average is None)):
        row = regional_figure_for(region_code=code, on=on)
    minimum_wage = given_minimum if given_minimum is not None else (row.minimum_wage if row else None)
    average_wage = given_average if given_average is not None else (row.average_wage if row else None)
    when = on.isoformat() if on else ""
    if minimum_wage is None and "local_minimum_wage" not in errors.fields and on is not None:
        errors.add(
            "local_minimum_wage", _missing(code, row is not None, when, _("the local monthly minimum wage"))
        )
    if need_average and average_wage is None and "local_average_wage" not in errors.fields and on is not None:
        errors.add(
            "local_average_wage", _missing(code, row is not None, when, _("the local average monthly wage"))
        )
    source = _("the figures you entered")
    if row is not None:
        source = _("the figures of region %(code)s in force from %(date)s: %(source)s") % {
            "code": row.region_code,
            "date": row.effective_from.isoformat(),
            "source": row.source,
        }
    return Figures(minimum_wage, average_wage, source)


def _missing(code: str, region_found: bool, when: str, figure: str) -> str:
    if not code:
        return _("Pass %(figure)s in yuan, or a region_code whose figures are known.") % {"figure": figure}
    if region_found:
        return _("The figures of %(code)s on %(date)s do not include %(figure)s: pass it in yuan.") % {
            "code": code,
            "date": when,
            "figure": figure,
        }
    return _("No figures are known for %(code)s on %(date)s: pass %(figure)s in yuan.") % {
        "code": code,
        "date": when,
        "figure": figure,
    }


@dataclass(frozen=True)
class Compensation:
    result: calculator.CompensationResult
    figures: Figures


def compensation(
    *,
    unlawful: bool,
    monthly_wage: object,
    start_date: object,
    end_date: object,
    region_code: object = None,
    local_average_wage: object = None,
    local_minimum_wage: object = None,
) -> Compensation:
    """劳动合同法 第四十七条 (``unlawful=False``) or 第八十七条 (``unlawful=True``); the region's
    figures are those in force on the last day of employment."""
    errors = _Errors()
    wage = errors.number("monthly_wage", monthly_wage)
    start = errors.date("start_date", start_date)
    end = errors.date("end_date", end_date)
    if start and end and end < start:
        errors.add("end_date", _("The end of employment is before its start."))
    figures = _figures(
        errors,
        region_code=region_code,
        minimum=local_minimum_wage,
        average=local_average_wage,
        on=None if "end_date" in errors.fields else end,  # a wrong end names no figures to look up
        need_average=True,
    )
    errors.raise_if_any()
    assert wage is not None and start and end and figures.minimum_wage and figures.average_wage
    function = calculator.unlawful_termination if unlawful else calculator.economic_compensation
    result = function(
        monthly_wage=wage,
        start=start,
        end=end,
        local_average_wage=figures.average_wage,
        local_minimum_wage=figures.minimum_wage,
    )
    return Compensation(result, figures)


def overtime(
    *, monthly_wage: object, workday_hours: object, restday_hours: object, holiday_hours: object
) -> calculator.OvertimeResult:
    """劳动法 第四十四条."""
    errors = _Errors()
    wage = errors.number("monthly_wage", monthly_wage)
    hours = [
        errors.number(name, value, maximum=MAX_HOURS)
        for name, value in (
            ("workday_hours", workday_hours),
            ("restday_hours", restday_hours),
            ("holiday_hours", holiday_hours),
        )
    ]
    errors.raise_if_any()
    assert wage is not None and None not in hours
    workday, restday, holiday = (h for h in hours if h is not None)
    return calculator.overtime_pay(
        monthly_wage=wage, workday_hours=workday, restday_hours=restday, holiday_hours=holiday
    )


def double_wages(
    *, monthly_wage: object, start_date: object, written_contract_date: object, end_date: object
) -> calculator.DoubleWagesResult:
    """劳动合同法 第八十二条; ``written_contract_date`` None (or empty) when none was signed."""
    errors = _Errors()
    wage = errors.number("monthly_wage", monthly_wage)
    start = errors.date("start_date", start_date)
    signed = errors.date("written_contract_date", written_contract_date, required=False)
    end = errors.date("end_date", end_date)
    if start and end and end < start:
        errors.add("end_date", _("The end of employment is before its start."))
    if start and signed and signed < start:
        errors.add(
            "written_contract_date",
            _("The contract was signed before the employment started: no double wages are owed."),
        )
    errors.raise_if_any()
    assert wage is not None and start and end
    return calculator.double_wages(monthly_wage=wage, start=start, written_contract=signed, end=end)


@dataclass(frozen=True)
class FinalAward:
    result: calculator.FinalAwardResult
    figures: Figures


def final_award(
    *,
    claim_amount: object,
    region_code: object = None,
    local_minimum_wage: object = None,
    on: date | None = None,
) -> FinalAward:
    """劳动争议调解仲裁法 第四十七条, with the minimum wage in force ``on`` (default today)."""
    errors = _Errors()
    claim = errors.number("claim_amount", claim_amount)
    figures = _figures(
        errors,
        region_code=region_code,
        minimum=local_minimum_wage,
        average=None,
        on=on or timezone.localdate(),
        need_average=False,
    )
    errors.raise_if_any()
    assert claim is not None and figures.minimum_wage
    return FinalAward(
        calculator.final_award(claim_amount=claim, local_minimum_wage=figures.minimum_wage), figures
    )


def deadline(*, kind: object, day: object) -> deadlines.Deadline:
    """One of ``deadlines.DEADLINE_KINDS`` from ``day``."""
    errors = _Errors()
    if kind not in deadlines.DEADLINE_KINDS:
        errors.add(
            "kind", _("Choose one of: %(choices)s.") % {"choices": ", ".join(deadlines.DEADLINE_KINDS)}
        )
    when = errors.date("date", day)
    errors.raise_if_any()
    assert isinstance(kind, str) and when is not None
    return deadlines.deadline_for(kind, when)
