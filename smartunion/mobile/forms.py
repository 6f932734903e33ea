"""Forms of the mobile web. They only carry input and show errors: every rule (mobile format,
password strength, codes, lockout) lives in the accounts services, whose domain errors are put back
on the fields here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartunion.core.errors import DomainError, apply_to_form
from smartunion.members.models import NEW_EMPLOYMENT_FORMS, EmploymentForm, OccupationTag


class MobileForm(forms.Form):
    def add_domain_error(self, exc: DomainError) -> None:
        """Each message of a domain error on its field; what belongs to no field goes on top."""
        apply_to_form(self, exc)


def _mobile_field() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("mobile", "Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": _("11-digit mobile number")}
        ),
    )


def _code_field() -> forms.CharField:
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


class PasswordSignInForm(MobileForm):
    mobile = _mobile_field()
    password = forms.CharField(
        label=pgettext_lazy("mobile", "Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeSignInForm(MobileForm):
    mobile = _mobile_field()
    code = _code_field()


class RegisterForm(MobileForm):
    display_name = forms.CharField(
        label=pgettext_lazy("mobile", "Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = _mobile_field()
    code = _code_field()
    password = forms.CharField(
        label=pgettext_lazy("mobile", "Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree = forms.BooleanField(label=_("I have read and agree to the privacy notice"), required=False)


class PasswordChangeForm(MobileForm):
    old_password = forms.CharField(
        label=pgettext_lazy("mobile", "Current password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=pgettext_lazy("mobile", "New password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordResetForm(MobileForm):
    """忘记密码: the sign-in number, the code sent to it, a new password."""

    mobile = _mobile_field()
    code = _code_field()
    new_password = forms.CharField(
        label=pgettext_lazy("mobile", "New password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "Registered mobile number")


class SigninMobileForm(MobileForm):
    """A new sign-in number: the current password, the new number and the code sent to it."""

    password = forms.CharField(
        label=pgettext_lazy("mobile", "Current password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    mobile = _mobile_field()
    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "New mobile number")


# --- Joining, the card, the worker's own data -----------------------------------------------------


class JoinApplyForm(MobileForm):
    """The application form. Rules (ID check character, birth date, duplicates, consent, who may
    join where) are the service's: its errors come back onto these fields."""

    # Not stripped nor cut here: the service applies the one rule for names (core.personal), as the
    # roster import does. maxlength only guides the browser.
    real_name = forms.CharField(
        label=pgettext_lazy("mobile", "Real name"),
        strip=False,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
    )
    id_number = forms.CharField(
        label=pgettext_lazy("mobile", "Resident ID number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": pgettext_lazy("mobile", "18 characters"),
            }
        ),
    )
    employment_form = forms.ChoiceField(
        label=pgettext_lazy("mobile", "How you work"), choices=EmploymentForm.choices, required=False
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    occupation_tags = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("mobile", "Occupation (optional)"),
        queryset=OccupationTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sensitive_consent = forms.BooleanField(
        label=pgettext_lazy("mobile", "I consent to the union processing my ID number for my membership"),
        required=False,
    )

    def __init__(self, *args, tags=None, new_employment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if tags is not None:
            self.fields["occupation_tags"].queryset = tags
        if new_employment:
            # A union for new-employment-form workers (工会法 第三条), or a platform as the employer:
            # its applicants are riders, couriers and drivers, so their forms come first, and the
            # field starts on the rider's rather than on a standard employee's.
            field = self.fields["employment_form"]
            choices = EmploymentForm.choices
            field.choices = [
                (
                    pgettext_lazy("mobile", "New forms of employment"),
                    [c for c in choices if c[0] in NEW_EMPLOYMENT_FORMS],
                ),
                (
                    pgettext_lazy("mobile", "Other forms of employment"),
                    [c for c in choices if c[0] not in NEW_EMPLOYMENT_FORMS],
                ),
            ]
            field.initial = EmploymentForm.FOOD_DELIVERY
        else:
            self.fields["employment_form"].initial = EmploymentForm.STANDARD


class ContactUpdateForm(MobileForm):
    mobile = _mobile_field()
    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "New mobile number")


class MembershipLinkForm(MobileForm):
    """Link the member record union staff entered: the mobile they have on file, and its code."""

    mobile = _mobile_field()
    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "Mobile number your union has on file")


class CloseAccountForm(MobileForm):
    password = forms.CharField(
        label=pgettext_lazy("mobile", "Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
