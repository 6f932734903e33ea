"""Forms of the statutory calculator on the mobile web. They carry what was typed, unchanged; the
labourlaw app reads it and says what is wrong (its field names are the fields here), so the page and
the API refuse the same things with the same words."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy

from smartunion.labourlaw.deadlines import DEADLINE_KINDS
from smartunion.mobile.forms.base import MobileForm

BEIJING = "110000"


def _amount(label, *, help_text=None, placeholder="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": placeholder}
        ),
    )


def _date(label, *, help_text=None) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _region() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("calculator", "Region (division code)"),
        required=False,
        help_text=pgettext_lazy(
            "calculator",
            "110000 is Beijing; a district's own code (such as 110111) uses its figures if it has any.",
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12}),
    )


def _wage():
    return _amount(
        pgettext_lazy("calculator", "Monthly wage (yuan)"),
        help_text=pgettext_lazy(
            "calculator", "The average of the last 12 months before leaving, bonuses and allowances included."
        ),
        placeholder="6000",
    )


class CompensationForm(MobileForm):
    monthly_wage = _wage()
    start_date = _date(pgettext_lazy("calculator", "First day of work"))
    end_date = _date(pgettext_lazy("calculator", "Last day of work"))
    region_code = _region()
    local_minimum_wage = _amount(
        pgettext_lazy("calculator", "Local monthly minimum wage (yuan, optional)"),
        help_text=pgettext_lazy("calculator", "Leave empty to use the region's figure."),
    )
    local_average_wage = _amount(
        pgettext_lazy("calculator", "Local average monthly wage (yuan, optional)"),
        help_text=pgettext_lazy("calculator", "Leave empty to use the region's figure."),
    )


class OvertimeForm(MobileForm):
    monthly_wage = _amount(
        pgettext_lazy("calculator", "Monthly wage in the contract (yuan)"), placeholder="6000"
    )
    workday_hours = _amount(pgettext_lazy("calculator", "Overtime hours on working days"), placeholder="0")
    restday_hours = _amount(
        pgettext_lazy("calculator", "Hours worked on rest days without time off in lieu"), placeholder="0"
    )
    holiday_hours = _amount(
        pgettext_lazy("calculator", "Hours worked on statutory holidays"), placeholder="0"
    )


class DoubleWagesForm(MobileForm):
    monthly_wage = _amount(pgettext_lazy("calculator", "Monthly wage (yuan)"), placeholder="6000")
    start_date = _date(pgettext_lazy("calculator", "First day of work"))
    written_contract_date = _date(
        pgettext_lazy("calculator", "Day the written contract was signed"),
        help_text=pgettext_lazy("calculator", "Leave empty if none was signed."),
    )
    end_date = _date(
        pgettext_lazy("calculator", "Last day of work"),
        help_text=pgettext_lazy("calculator", "Still working there: today's date."),
    )


class FinalAwardForm(MobileForm):
    claim_amount = _amount(pgettext_lazy("calculator", "Amount of one claim (yuan)"), placeholder="20000")
    region_code = _region()
    local_minimum_wage = _amount(
        pgettext_lazy("calculator", "Local monthly minimum wage (yuan, optional)"),
        help_text=pgettext_lazy("calculator", "Leave empty to use the region's figure."),
    )


DEADLINE_LABELS = {
    "mediation_window": pgettext_lazy("calculator", "15-day mediation period (from the day it was received)"),
    "legal_aid_decision": pgettext_lazy("calculator", "Legal-aid decision (from the day it was received)"),
    "limitation": pgettext_lazy("calculator", "Arbitration time limit (from the day you knew of it)"),
    "limitation_unpaid_wages": pgettext_lazy(
        "calculator", "Time limit for unpaid wages (from the last day of work)"
    ),
}


class DeadlineForm(MobileForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("calculator", "Which deadline"),
        required=False,
        choices=[(kind, DEADLINE_LABELS[kind]) for kind in DEADLINE_KINDS],
    )
    date = _date(pgettext_lazy("calculator", "Starting date"))
