"""The form of the regional figures page. It keeps what was typed; ``labourlaw.services`` decides
what is valid and says why."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartunion.labourlaw.services import SOURCE_MAX_LENGTH


def _amount(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class RegionalFigureForm(forms.Form):
    region_code = forms.CharField(
        label=_("Division code"),
        required=False,
        help_text=_("110000 for the whole of Beijing; a district's code (110111) for figures of its own."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12}),
    )
    effective_from = forms.CharField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    minimum_wage = _amount(_("Monthly minimum wage (yuan)"), _("Such as 2540.00."))
    average_wage = _amount(
        _("Average monthly wage (yuan)"),
        _(
            "The previous year's average monthly wage the city publishes, for the cap on compensation; may be empty."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SOURCE_MAX_LENGTH}),
        help_text=_("The notice, who published it and when."),
    )
    source_date = forms.CharField(
        label=_("Date of the source"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
