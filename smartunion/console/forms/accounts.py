"""Forms of staff sign-in, the staff member's own account, role grants and staff accounts. They
parse and keep the user's input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from smartunion.accounts.models import Role
from smartunion.console.forms.orgs import OrgField

# --- Sign-in -------------------------------------------------------------------------------------


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update(autocomplete="one-time-code", autofocus=True, inputmode="text")


class EnrolForm(forms.Form):
    otp = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        help_text=_("Enter the 6-digit code your authenticator app now shows for smartunion."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update(
            autocomplete="one-time-code", autofocus=True, inputmode="numeric"
        )


class ConfirmForm(forms.Form):
    """Re-authentication for granting power: the password or a current authenticator code."""

    confirm = forms.CharField(
        label=_("Your password or current code"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("Re-enter your own password, or the 6-digit code your authenticator app shows now."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].widget.attrs.update(autocomplete="off")


# --- Roles and staff -----------------------------------------------------------------------------


class RoleGrantForm(ConfirmForm):
    # Chosen in the staff picker (search by name, console/accounts/_staff_picker.html), not typed.
    username = forms.CharField(
        label=_("Staff username"),
        max_length=150,
        widget=forms.HiddenInput,
        error_messages={"required": _("Search for the staff member by name and choose them.")},
    )
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all(), empty_label="—")
    org = OrgField(label=_("On the organisation"))
    field_order = ["username", "role", "org", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Role names are data; the built-in ones have translations.
        self.fields["role"].label_from_instance = lambda role: gettext(role.name)


class StaffForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=100)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters with letters and digits; the new colleague changes it later."),
    )
    home_org = OrgField(label=_("Organisation"))


# --- The signed-in staff member's own account ----------------------------------------------------


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned
