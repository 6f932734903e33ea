"""Forms of the member pages: they parse and keep the input; the members services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartunion.console.forms.orgs import OrgField
from smartunion.core.errors import NotFound
from smartunion.members.models import EmploymentForm, MembershipStatus, OccupationTag, WageBracket
from smartunion.orgs.selectors import enterprise_get, public_union_get


class EnterpriseField(forms.Field):
    """An enterprise picked by id; one outside the viewer's scope does not exist."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return enterprise_get(pk=value)
        except NotFound:
            raise ValidationError(
                _("Choose the employer from the enterprise register."), code="invalid"
            ) from None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class UnionField(forms.Field):
    """A receiving union for a transfer, anywhere in the federation: a grassroots union or one that
    accepts direct joining (the same unions a worker may apply to)."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return public_union_get(pk=value)
        except NotFound:
            raise ValidationError(_("Choose the receiving union from the list."), code="invalid") from None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    org = OrgField(label=_("Union"), required=False)
    status = forms.ChoiceField(
        label=_("Membership status"),
        required=False,
        choices=[("", _("Any status")), *MembershipStatus.choices],
    )


def _real_name_field() -> forms.CharField:
    # Not stripped nor cut here: the service applies the one rule for names (core.personal), as the
    # roster import does. maxlength only guides the browser.
    return forms.CharField(
        label=_("Real name"), strip=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )


class MemberEnrolForm(forms.Form):
    org = OrgField(label=_("Grassroots union"))
    real_name = _real_name_field()
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=40,
        help_text=_("18 characters; birth date and sex are read from it."),
    )
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)
    employment_form = forms.ChoiceField(label=_("Employment form"), choices=EmploymentForm.choices)
    employer = EnterpriseField(label=_("Employer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["mobile"].widget.attrs.update(inputmode="tel", autocomplete="off")


class MemberEditForm(forms.Form):
    real_name = _real_name_field()
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    employment_form = forms.ChoiceField(label=_("Employment form"), choices=EmploymentForm.choices)
    wage_bracket = forms.ChoiceField(
        label=_("Wage bracket"), required=False, choices=[("", "—"), *WageBracket.choices]
    )
    occupation_tags = forms.ModelMultipleChoiceField(
        label=_("Occupation tags"),
        required=False,
        queryset=OccupationTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    employer = EnterpriseField(label=_("Employer"), required=False)

    def __init__(self, *args, mobile_hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs.update(inputmode="tel", autocomplete="off")
        if mobile_hint:
            # The stored number is not put in the page: blank keeps it.
            self.fields["mobile"].widget.attrs["placeholder"] = mobile_hint
            self.fields["mobile"].help_text = _("Leave blank to keep the current number.")


class StatusChangeForm(forms.Form):
    # Nothing is chosen in advance: suspending or ending a membership is a decision, never a default.
    to = forms.ChoiceField(
        choices=MembershipStatus.choices, error_messages={"required": _("Choose the new status.")}
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class TransferRequestForm(forms.Form):
    to_org = UnionField(label=_("Receiving union"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For example: changed job to another company."),
    )


class TransferCancelForm(forms.Form):
    """Call off a waiting transfer; the reason is optional and kept with it."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DecisionForm(forms.Form):
    """Approve, or reject with a reason (the service requires the reason)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection; the worker reads it."),
    )


# --- The roster ----------------------------------------------------------------------------------


class RosterUploadForm(forms.Form):
    # The service judges the file (empty, corrupt, too big): the form only carries it.
    file = forms.FileField(label=_("Roster file (.xlsx or .csv)"), allow_empty_file=True)


class RosterExportForm(forms.Form):
    MASKED, FULL = "masked", "full"
    content = forms.ChoiceField(
        label=_("ID numbers and mobiles"),
        choices=[
            (MASKED, _("Masked (110105********123X, 138****5678)")),
            (FULL, _("In full (recorded in the audit log)")),
        ],
        initial=MASKED,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I need the full ID numbers and mobiles for union work, and I know this export is recorded."),
        required=False,
    )
    file_format = forms.ChoiceField(
        label=_("File"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")],
        initial="xlsx",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, may_unmask: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_unmask:
            self.fields["content"].choices = self.fields["content"].choices[:1]

    def clean(self):
        data = super().clean()
        if data.get("content") == self.FULL and not data.get("confirm"):
            self.add_error("confirm", _("Confirm that you need the full values."))
        return data
