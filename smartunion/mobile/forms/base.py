"""The base of the mobile web's forms. They only carry input and show errors: every rule (mobile
format, password strength, codes, lockout) lives in the services, whose domain errors are put back on
the fields here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartunion.core.errors import DomainError, apply_to_form


class MobileForm(forms.Form):
    def add_domain_error(self, exc: DomainError) -> None:
        """Each message of a domain error on its field; what belongs to no field goes on top."""
        apply_to_form(self, exc)


def mobile_field() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("mobile", "Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": _("11-digit mobile number")}
        ),
    )


def code_field() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("mobile", "Verification code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": pgettext_lazy("mobile", "6 digits"),
            }
        ),
    )
