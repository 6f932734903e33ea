"""The statutory calculator (/calculator): no token needed, nothing stored. Each answer shows its
formula and the articles it rests on (labourlaw.calculator); bad input is 422 with the field's path
(``body.monthly_wage``), as everywhere in the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from smartunion.api.errors import error_responses
from smartunion.api.schemas.calculator import (
    CompensationIn,
    CompensationOut,
    DeadlineIn,
    DeadlineOut,
    DoubleWagesIn,
    FinalAwardIn,
    FinalAwardOut,
    OvertimeIn,
    OvertimeOut,
)
from smartunion.labourlaw import compute

router = Router(tags=["calculator"])


def _two(value) -> str:
    return f"{value:.2f}"


def _months_answer(result) -> dict:
    """``{"months", "amount", "formula", "basis"}``: compensation, damages and double wages."""
    return {
        "months": _two(result.months),
        "amount": _two(result.amount),
        "formula": result.formula,
        "basis": result.basis,
    }


def _compensation(payload: CompensationIn, *, unlawful: bool) -> dict:
    return _months_answer(compute.compensation(unlawful=unlawful, **payload.dict()).result)


@router.post(
    "/economic-compensation",
    auth=None,
    response={200: CompensationOut, **error_responses(422)},
    summary="Economic compensation",
    operation_id="calculator_economic_compensation",
)
def economic_compensation(request: HttpRequest, payload: CompensationIn):
    """劳动合同法 第四十七条: one month's wage per year of service (six months or more counts as a
    year, less as half a month); the wage not below the local minimum (实施条例 第二十七条); above
    three times the local average monthly wage, the wage is capped at three times it and the years
    at twelve. The figures are those of `region_code` on `end_date`, unless passed; a figure that
    is neither passed nor known is 422 on `body.local_minimum_wage` or `body.local_average_wage`."""
    return _compensation(payload, unlawful=False)


@router.post(
    "/unlawful-termination",
    auth=None,
    response={200: CompensationOut, **error_responses(422)},
    summary="Damages for unlawful termination",
    operation_id="calculator_unlawful_termination",
)
def unlawful_termination(request: HttpRequest, payload: CompensationIn):
    """劳动合同法 第八十七条: twice the economic compensation, with no compensation on top
    (实施条例 第二十五条). `months` is twice the months of economic compensation."""
    return _compensation(payload, unlawful=True)


@router.post(
    "/overtime",
    auth=None,
    response={200: OvertimeOut, **error_responses(422)},
    summary="Overtime pay",
    operation_id="calculator_overtime",
)
def overtime(request: HttpRequest, payload: OvertimeIn):
    """劳动法 第四十四条: 150% on working days, 200% on rest days, 300% on statutory holidays, of the
    hourly wage (monthly ÷ 174; daily: monthly ÷ 21.75). More than 36 hours in all is flagged in
    the formula as beyond the monthly limit of 第四十一条."""
    result = compute.overtime(**payload.dict())
    return {
        "daily_wage": _two(result.daily_wage),
        "hourly_wage": _two(result.hourly_wage),
        "workday_amount": _two(result.workday_amount),
        "restday_amount": _two(result.restday_amount),
        "holiday_amount": _two(result.holiday_amount),
        "total": _two(result.total),
        "formula": result.formula,
        "basis": result.basis,
    }


@router.post(
    "/double-wages",
    auth=None,
    response={200: CompensationOut, **error_responses(422)},
    summary="Double wages without a written contract",
    operation_id="calculator_double_wages",
)
def double_wages(request: HttpRequest, payload: DoubleWagesIn):
    """劳动合同法 第八十二条; 实施条例 第六条、第七条: one more month's wage for each month from the
    day after the first month of employment to the day before the written contract was signed (or
    before the first anniversary, or the end of employment), at most 11; a part of a month counts
    by its days over the days of that calendar month."""
    return _months_answer(compute.double_wages(**payload.dict()))


@router.post(
    "/final-award",
    auth=None,
    response={200: FinalAwardOut, **error_responses(422)},
    summary="Is the award on this claim final?",
    operation_id="calculator_final_award",
)
def final_award(request: HttpRequest, payload: FinalAwardIn):
    """劳动争议调解仲裁法 第四十七条: an award on one claim (an item) for pay, work-injury medical costs,
    economic compensation or damages is final when the claim is at most 12 months of the local
    monthly minimum wage in force today (`threshold`)."""
    result = compute.final_award(**payload.dict()).result
    return {"final": result.final, "threshold": _two(result.threshold), "basis": result.basis}


@router.post(
    "/deadline",
    auth=None,
    response={200: DeadlineOut, **error_responses(422)},
    summary="A statutory deadline",
    operation_id="calculator_deadline",
)
def deadline(request: HttpRequest, payload: DeadlineIn):
    """The last day of a period, with holidays and adjusted working days from the calendar:
    `mediation_window` (15 days from `date`, the receipt), `legal_aid_decision` (7 working days
    from the receipt), `limitation` (one year from the day the worker knew of the infringement),
    `limitation_unpaid_wages` (one year from `date`, the end of employment). A period ending on a
    rest day ends on the next working day."""
    result = compute.deadline(kind=payload.kind, day=payload.date)
    return {"ends": result.ends.isoformat() if result.ends else None, "basis": result.basis}
