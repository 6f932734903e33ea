"""Forms parse and keep the user's input; the services decide what is valid."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from smartunion.accounts.models import Role
from smartunion.core.audit import AuditAction
from smartunion.core.errors import NotFound
from smartunion.core.models import AuditOutcome
from smartunion.orgs.models import IndustrySection, OrgKind
from smartunion.orgs.selectors import org_get
from smartunion.orgs.services import MAX_HEADCOUNT


class OrgField(forms.Field):
    """An organisation picked by id; one outside the viewer's scope does not exist."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return org_get(pk=value)
        except NotFound:
            raise ValidationError(_("Choose an organisation from the list."), code="invalid") from None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


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


# --- Organisations -------------------------------------------------------------------------------


class OrgForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    region_code = forms.CharField(
        label=_("Division code"),
        max_length=12,
        help_text=_("GB/T 2260: 6 digits; 9 or 12 digits for streets and townships."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    accepts_direct_joining = forms.BooleanField(
        label=_("Accepts direct joining"),
        required=False,
        help_text=_("Gig and platform workers, and workers whose employer has no union, may join here."),
    )

    def __init__(self, *args, phone_hint: str = "", kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].widget.attrs.update(inputmode="numeric")
        if kinds:
            # Only the kinds that may stand where the node goes (the service's rule, KIND_RANK).
            self.fields["kind"].choices = [(k, label) for k, label in OrgKind.choices if k in kinds]
        if phone_hint:
            # The stored number is not shown in the page: blank keeps it.
            self.fields["contact_phone"].widget.attrs["placeholder"] = phone_hint
            self.fields["contact_phone"].help_text = _("Leave blank to keep the current number.")


class MoveForm(forms.Form):
    parent = OrgField(label=_("New parent"))


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


# --- Enterprises ---------------------------------------------------------------------------------


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        help_text=_("18 characters (GB 32100-2015); the last one is a check character."),
    )
    brand_names = forms.CharField(
        label=_("Brand names and aliases"),
        max_length=300,
        required=False,
        help_text=_(
            "The names workers know it by, separated by commas (美团, 美团外卖): searches find them."
        ),
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *IndustrySection.choices])
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, max_value=MAX_HEADCOUNT, initial=0)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    is_platform = forms.BooleanField(
        label=_("Platform company"),
        required=False,
        help_text=_("Delivery, ride-hailing and other platforms."),
    )
    org = OrgField(label=_("Responsible union"))
    covering_union = OrgField(label=_("Covering grassroots union"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The responsible union is where the record lives; it is not changed by editing.
            del self.fields["org"]


# --- Roles and staff -----------------------------------------------------------------------------


class RoleGrantForm(ConfirmForm):
    # Chosen in the staff picker (search by name, console/_staff_picker.html), not typed.
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


# --- Audit ---------------------------------------------------------------------------------------


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
