"""The statutory calculator on the mobile web (/m/calculator/): anyone may use it, signed in or not;
nothing is stored. One page per calculation; each shows its result with the formula and the
articles it rests on, or the mistakes on their fields with everything typed kept. The rules are the
labourlaw app's (``labourlaw.compute``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from smartunion.core.errors import ValidationFailed
from smartunion.labourlaw import compute
from smartunion.mobile.forms.base import MobileForm
from smartunion.mobile.forms.calculator import (
    BEIJING,
    CompensationForm,
    DeadlineForm,
    DoubleWagesForm,
    FinalAwardForm,
    OvertimeForm,
)


@dataclass(frozen=True)
class Result:
    rows: list[tuple[str, str]]  # (label, value) for the result's list
    formula: str
    basis: str
    note: str = ""


def _yuan(value) -> str:
    return pgettext("calculator", "%(amount)s yuan") % {"amount": f"{value:,.2f}"}


def _months(value) -> str:
    return pgettext("calculator", "%(n)s months") % {"n": f"{value:.2f}".rstrip("0").rstrip(".")}


def _compensation(data: dict, *, unlawful: bool) -> Result:
    found = compute.compensation(unlawful=unlawful, **data)
    result = found.result
    return Result(
        rows=[
            (pgettext("calculator", "Months of wage"), _months(result.months)),
            (pgettext("calculator", "Monthly wage counted"), _yuan(result.wage_used)),
            (pgettext("calculator", "Amount"), _yuan(result.amount)),
        ],
        formula=result.formula,
        basis=result.basis,
        note=pgettext("calculator", "Figures used: %(source)s") % {"source": found.figures.source},
    )


def _overtime(data: dict) -> Result:
    result = compute.overtime(**data)
    return Result(
        rows=[
            (pgettext("calculator", "Daily wage"), _yuan(result.daily_wage)),
            (pgettext("calculator", "Hourly wage"), _yuan(result.hourly_wage)),
            (pgettext("calculator", "Working days, 150%"), _yuan(result.workday_amount)),
            (pgettext("calculator", "Rest days, 200%"), _yuan(result.restday_amount)),
            (pgettext("calculator", "Statutory holidays, 300%"), _yuan(result.holiday_amount)),
            (pgettext("calculator", "Total"), _yuan(result.total)),
        ],
        formula=result.formula,
        basis=result.basis,
    )


def _double_wages(data: dict) -> Result:
    result = compute.double_wages(**{**data, "written_contract_date": data["written_contract_date"] or None})
    return Result(
        rows=[
            (pgettext("calculator", "Months owed"), _months(result.months)),
            (pgettext("calculator", "Amount"), _yuan(result.amount)),
        ],
        formula=result.formula,
        basis=result.basis,
    )


def _final_award(data: dict) -> Result:
    found = compute.final_award(**data)
    result = found.result
    verdict = (
        pgettext("calculator", "Final: the award on this claim ends the matter for the employer.")
        if result.final
        else pgettext("calculator", "Not final: either side may take the award to court.")
    )
    return Result(
        rows=[
            (pgettext("calculator", "Threshold"), _yuan(result.threshold)),
            (pgettext("calculator", "Award"), verdict),
        ],
        formula=result.formula,
        basis=result.basis,
        note=pgettext("calculator", "Figures used: %(source)s") % {"source": found.figures.source},
    )


def _deadline(data: dict) -> Result:
    result = compute.deadline(kind=data["kind"], day=data["date"])
    ends = (
        result.ends.isoformat()
        if result.ends
        else pgettext("calculator", "No time limit runs while you still work there.")
    )
    return Result(
        rows=[(pgettext("calculator", "Last day"), ends)],
        formula=pgettext(
            "calculator",
            "A period that ends on a weekend or a statutory holiday ends on the next working day.",
        ),
        basis=result.basis,
    )


@dataclass(frozen=True)
class Calculator:
    slug: str
    title: Promise
    lead: Promise
    form: type[MobileForm]
    run: Callable[[dict], Result]
    initial: dict


CALCULATORS = [
    Calculator(
        "compensation",
        pgettext_lazy("calculator", "Economic compensation"),
        pgettext_lazy(
            "calculator",
            "When the contract ends and the employer owes compensation (Labour Contract Law, Art. 47).",
        ),
        CompensationForm,
        lambda data: _compensation(data, unlawful=False),
        {"region_code": BEIJING},
    ),
    Calculator(
        "unlawful",
        pgettext_lazy("calculator", "Unlawful dismissal"),
        pgettext_lazy("calculator", "Twice the economic compensation (Labour Contract Law, Art. 87)."),
        CompensationForm,
        lambda data: _compensation(data, unlawful=True),
        {"region_code": BEIJING},
    ),
    Calculator(
        "overtime",
        pgettext_lazy("calculator", "Overtime pay"),
        pgettext_lazy("calculator", "150%, 200% and 300% of the hourly wage (Labour Law, Art. 44)."),
        OvertimeForm,
        _overtime,
        {},
    ),
    Calculator(
        "double-wages",
        pgettext_lazy("calculator", "Double wages without a contract"),
        pgettext_lazy(
            "calculator", "No written contract after the first month (Labour Contract Law, Art. 82)."
        ),
        DoubleWagesForm,
        _double_wages,
        {},
    ),
    Calculator(
        "final-award",
        pgettext_lazy("calculator", "Is the award final?"),
        pgettext_lazy(
            "calculator",
            "A claim up to 12 months of the minimum wage (Mediation and Arbitration Law, Art. 47).",
        ),
        FinalAwardForm,
        _final_award,
        {"region_code": BEIJING},
    ),
    Calculator(
        "deadline",
        pgettext_lazy("calculator", "Deadlines"),
        pgettext_lazy(
            "calculator", "Mediation, legal aid and the arbitration time limit, with holidays counted."
        ),
        DeadlineForm,
        _deadline,
        {},
    ),
]
BY_SLUG = {calculator.slug: calculator for calculator in CALCULATORS}


@require_GET
def calculator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "mobile/calculator/home.html", {"calculators": CALCULATORS})


@require_GET
def calculator_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The form is sent by GET: a calculation changes nothing, and its address can be shared."""
    calculator = BY_SLUG.get(slug)
    if calculator is None:
        raise Http404
    submitted = any(name in request.GET for name in calculator.form.base_fields)
    form = calculator.form(request.GET if submitted else None, initial=calculator.initial)
    result = None
    if submitted and form.is_valid():
        try:
            result = calculator.run(dict(form.cleaned_data))
        except ValidationFailed as exc:
            form.add_domain_error(exc)
    context = {"calculator": calculator, "calculators": CALCULATORS, "form": form, "result": result}
    return render(request, "mobile/calculator/page.html", context, status=400 if form.errors else 200)
