"""The audit log's filter form: it parses and keeps the reader's filters."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartunion.console.forms.orgs import OrgField
from smartunion.core.audit import AuditAction
from smartunion.core.models import AuditOutcome

# The filter's days become instants in the local time zone; a day at the very edge of the calendar
# (0001-01-01, 9999-12-31) has none, so the fields stay well inside it.
AUDIT_EARLIEST_DAY = date(1900, 1, 1)
AUDIT_LATEST_DAY = date(9998, 12, 31)


class AuditDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value):
        super().validate(value)
        if value is not None and not AUDIT_EARLIEST_DAY <= value <= AUDIT_LATEST_DAY:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": AUDIT_EARLIEST_DAY.isoformat(), "last": AUDIT_LATEST_DAY.isoformat()},
            )


class AuditFilterForm(forms.Form):
    # The labels the log shows (AuditAction), never the internal codes to type.
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuditAction.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any")), *AuditOutcome.choices]
    )
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    date_from = AuditDateField(label=_("From"), required=False)
    date_to = AuditDateField(label=_("To"), required=False)
    org = OrgField(label=_("Organisation"), required=False)
