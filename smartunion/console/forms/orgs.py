"""Forms of the organisation tree and the enterprise register. They parse and keep the user's
input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartunion.core.errors import NotFound
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
