"""Forms of applying for mediation or legal aid and following a case on the mobile web. They only
carry what the worker types, as typed (the guided interview saves it in the draft before anything
is checked); every rule is the cases services' (``clean_application``, ``evidence_check``,
``case_rate``), whose field-path errors come back onto these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartunion.cases.models import DisputeType, MeansRoute
from smartunion.mobile.forms.base import MobileForm, code_field, mobile_field


def _text(label, *, max_length: int, textarea: bool = False, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 5, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    # Not cut here: the service says when an answer is too long, and the draft keeps it meanwhile.
    widget.attrs.setdefault("maxlength", max_length)
    return forms.CharField(label=label, required=False, strip=False, widget=widget)


def _date(label) -> forms.CharField:
    # A text field holding the date as typed: the service judges it (a future date, an end before the
    # start), and a wrong value stays on the page to be corrected.
    return forms.CharField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ApplicantForm(MobileForm):
    name = _text(pgettext_lazy("cases", "Your real name"), max_length=100, autocomplete="name")
    id_number = _text(
        pgettext_lazy("cases", "Resident ID number (optional)"),
        max_length=40,
        autocomplete="off",
        autocapitalize="characters",
        spellcheck="false",
    )
    occupation = _text(pgettext_lazy("cases", "Your job (optional)"), max_length=100)
    address = _text(pgettext_lazy("cases", "Where you live (optional)"), max_length=300)
    is_migrant_worker = forms.TypedChoiceField(
        label=pgettext_lazy("cases", "Did you come from the countryside to work in the city?"),
        choices=[("yes", pgettext_lazy("cases", "Yes")), ("no", pgettext_lazy("cases", "No"))],
        widget=forms.RadioSelect,
        required=False,
    )


class EmployerForm(MobileForm):
    """The employer typed in, when the register search did not find it."""

    name = _text(pgettext_lazy("cases", "Employer's name, as on its licence"), max_length=200)
    credit_code = _text(
        pgettext_lazy("cases", "Unified social credit code (18 characters)"),
        max_length=40,
        autocapitalize="characters",
        spellcheck="false",
    )


class DisputeForm(MobileForm):
    dispute_types = forms.MultipleChoiceField(
        label=pgettext_lazy("cases", "What is the dispute about? (tick all that apply)"),
        choices=DisputeType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employment_start = _date(pgettext_lazy("cases", "When did you start working there?"))
    employment_end = _date(pgettext_lazy("cases", "When did the job end? (empty if you still work there)"))
    dispute_date = _date(pgettext_lazy("cases", "When did the dispute start?"))


class FactsForm(MobileForm):
    facts = _text(pgettext_lazy("cases", "What happened?"), max_length=5000, textarea=True)
    request = _text(pgettext_lazy("cases", "What do you ask for?"), max_length=2000, textarea=True)


class MeansForm(MobileForm):
    means_route = forms.ChoiceField(
        label=pgettext_lazy("cases", "How do you meet the means test?"),
        choices=[
            (MeansRoute.WAIVED_MIGRANT, MeansRoute.WAIVED_MIGRANT.label),
            (MeansRoute.PLEDGE, MeansRoute.PLEDGE.label),
        ],
        widget=forms.RadioSelect,
        required=False,
    )


class EvidenceForm(MobileForm):
    file = forms.FileField(
        label=pgettext_lazy("cases", "A photo or PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
    description = _text(pgettext_lazy("cases", "What it shows (optional)"), max_length=200)


class RatingForm(MobileForm):
    rating = forms.ChoiceField(
        label=pgettext_lazy("cases", "How satisfied are you with the service?"),
        choices=[
            ("satisfied", pgettext_lazy("rating", "Satisfied")),
            ("neutral", pgettext_lazy("rating", "Neutral")),
            ("dissatisfied", pgettext_lazy("rating", "Dissatisfied")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    comment = _text(pgettext_lazy("cases", "Anything to add? (optional)"), max_length=500, textarea=True)


class LookupForm(MobileForm):
    number = _text(
        pgettext_lazy("cases", "Case number"),
        max_length=24,
        autocapitalize="characters",
        spellcheck="false",
        placeholder=_("e.g. TJ20260000123"),
    )
    mobile = mobile_field()
    code = code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("cases", "The mobile number given in the application")
