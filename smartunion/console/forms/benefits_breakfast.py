"""The forms of the settlement and love-breakfast pages. They keep what was typed; the benefits
services decide what is valid (amounts, dates, eligibility) and say why on the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartunion.benefits.models import LedgerAccount, StatementStatus

ROSTER_MAX_BYTES = 1024 * 1024  # a roster of ID numbers or mobiles: some thousands of rows
ROSTER_MAX_ROWS = 5000


def _date(label, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _amount(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class StatementFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *StatementStatus.choices]
    )
    merchant = forms.TypedChoiceField(label=_("Merchant"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [("", _("Any merchant")), *((m.pk, m.name) for m in merchants)]


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        help_text=_("The redemptions and meals of this month that are on no statement yet."),
        widget=forms.DateInput(attrs={"type": "month"}),
    )


class ProgrammeForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Run by"), coerce=int, empty_value=None, required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    starts_on = _date(_("Starts on"))
    ends_on = _date(_("Ends on"), _("Leave empty for a programme without an end."))
    warn_days = forms.CharField(
        label=_("Warn when the pool lasts fewer days than"),
        required=False,
        initial="14",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    occupation_tags = forms.MultipleChoiceField(
        label=_("For workers with these occupation tags"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member of the programme's area."),
    )
    active = forms.BooleanField(label=_("Running"), required=False, initial=True)

    def __init__(self, *args, orgs=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—"), *((o.pk, o.name) for o in orgs)]
        self.fields["occupation_tags"].choices = [(t.code, t.name) for t in tags]


class ShopForm(forms.Form):
    merchant = forms.TypedChoiceField(label=_("Shop"), coerce=int, empty_value=None, required=False)
    meal = forms.CharField(label=_("Standard meal"), required=False, max_length=200)
    price = _amount(_("Meal price (yuan)"), _("Such as 8.00."))

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [("", "—"), *((m.pk, m.name) for m in merchants)]


class FundingForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[
            (LedgerAccount.GOVERNMENT.value, LedgerAccount.GOVERNMENT.label),
            (LedgerAccount.MERCHANT_DISCOUNTS.value, LedgerAccount.MERCHANT_DISCOUNTS.label),
        ],
    )
    amount = _amount(_("Amount (yuan)"), _("Such as 5000.00."))
    memo = forms.CharField(label=_("Note"), required=False, max_length=300)


class DonationForm(forms.Form):
    donor = forms.CharField(label=_("Donor"), required=False, max_length=200)
    donor_contact = forms.CharField(label=_("Donor's contact"), required=False, max_length=100)
    amount = _amount(_("Amount (yuan)"))
    received_on = _date(_("Received on"))


class WorkerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, mobile or ID number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        required=False,
        help_text=_(
            "An .xlsx or .csv file with one ID number or mobile per row in its first column, at most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
