"""Forms of signing in, registering and the worker's own account on the mobile web."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartunion.mobile.forms.base import MobileForm, code_field, mobile_field


class PasswordSignInForm(MobileForm):
    mobile = mobile_field()
    password = forms.CharField(
        label=pgettext_lazy("mobile", "Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeSignInForm(MobileForm):
    mobile = mobile_field()
    code = code_field()


class RegisterForm(MobileForm):
    display_name = forms.CharField(
        label=pgettext_lazy("mobile", "Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = mobile_field()
    code = code_field()
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

    mobile = mobile_field()
    code = code_field()
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
    mobile = mobile_field()
    code = code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].label = pgettext_lazy("mobile", "New mobile number")
