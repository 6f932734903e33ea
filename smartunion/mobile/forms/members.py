"""Forms of joining, linking the member record and the worker's own data on the mobile web. The
rules are the members services'; their errors come back onto these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy

from smartunion.members.models import NEW_EMPLOYMENT_FORMS, EmploymentForm, OccupationTag
from smartunion.mobile.forms.base import MobileForm, code_field, mobile_field


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
    mobile = mobile_field()
    code = code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "New mobile number")


class MembershipLinkForm(MobileForm):
    """Link the member record union staff entered: the mobile they have on file, and its code."""

    mobile = mobile_field()
    code = code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "Mobile number your union has on file")


class CloseAccountForm(MobileForm):
    password = forms.CharField(
        label=pgettext_lazy("mobile", "Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
