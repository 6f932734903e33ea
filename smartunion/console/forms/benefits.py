"""Forms of the benefits pages: merchants (stores, agreements, clerks), the service catalogue and
voucher campaigns. They parse and keep the user's input; the services decide what is valid, and
their errors go back on these fields (numbers stay text, so a bad one is shown as typed)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartunion.benefits.models import CampaignKind, CampaignStatus, MerchantKind
from smartunion.console.forms.orgs import OrgField
from smartunion.members.models import EmploymentForm, OccupationTag

PICTURE_MAX_BYTES = 2 * 1024 * 1024
PICTURE_FORMATS = {"JPEG", "PNG", "WEBP"}
# What a phone's date-and-time picker sends (<input type="datetime-local">).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def _date(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _datetime(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def _number(label, *, required: bool = True, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class MerchantFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *MerchantKind.choices]
    )


class MerchantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *MerchantKind.choices])
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters (GB 32100-2015); the last one is a check character."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    org = OrgField(label=_("Registered under"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].widget.attrs.update(inputmode="tel")
        if editing:
            # Where the merchant is registered decides whose staff manage it: not changed here.
            del self.fields["org"]


class StoreForm(forms.Form):
    prefix = "store"
    name = forms.CharField(label=_("Store name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    division_code = forms.CharField(label=_("Division code"), max_length=12, required=False)
    latitude = _number(_("Latitude"), required=False)
    longitude = _number(_("Longitude"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].widget.attrs.update(inputmode="numeric")


class AgreementForm(forms.Form):
    prefix = "agreement"
    signed_on = _date(_("Signed on"))
    starts_on = _date(_("Valid from"))
    ends_on = _date(_("Valid until"))
    discount_percent = _number(
        _("Discount (%)"), help_text=_("What the merchant takes off a voucher's face value, 0 to 100.")
    )
    settlement_terms = forms.CharField(
        label=_("Settlement terms"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClerkForm(forms.Form):
    prefix = "clerk"
    user = forms.TypedChoiceField(label=_("Staff account"), coerce=int)
    store = forms.TypedChoiceField(label=_("Store"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, candidates=(), stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in candidates}
        self.stores = {s.pk: s for s in stores}
        self.fields["user"].choices = [("", "—")] + [
            (u.pk, f"{u.display_name or u.username} ({u.username})") for u in candidates
        ]
        self.fields["store"].choices = [("", _("Any store"))] + [(s.pk, s.name) for s in stores]
        if not candidates:
            self.fields["user"].help_text = _(
                "No staff account in your scope holds the merchant clerk's role yet: grant it first."
            )

    def clean_user(self):
        return self.candidates[self.cleaned_data["user"]]

    def clean_store(self):
        pk = self.cleaned_data.get("store")
        return self.stores.get(pk) if pk else None


class EligibilityFields(forms.Form):
    """Who may use it: the organisation's subtree (a picker), optionally employment forms and
    occupation tags."""

    org = OrgField(label=_("For members of"))
    employment_forms = forms.MultipleChoiceField(
        label=_("Only these employment forms"),
        required=False,
        choices=EmploymentForm.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every form."),
    )
    occupation_tags = forms.ModelMultipleChoiceField(
        label=_("Only these occupations"),
        required=False,
        queryset=OccupationTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every occupation."),
    )


class ServiceFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [(c.code, c.name) for c in categories]


class ServiceForm(EligibilityFields):
    merchant = forms.TypedChoiceField(label=_("Provider"), coerce=int)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    benefit = forms.CharField(
        label=_("Member benefit"), max_length=200, help_text=_("For example: 20% off for members.")
    )
    member_price = _number(_("Member price (yuan)"), required=False)
    available_from = _date(_("Available from"))
    available_until = _date(_("Available until"), required=False)
    picture = forms.ImageField(
        label=_("Picture"),
        required=False,
        help_text=_("A JPEG, PNG or WebP image of at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    field_order = [
        "merchant",
        "category",
        "title",
        "description",
        "benefit",
        "member_price",
        "available_from",
        "available_until",
        "picture",
        "published",
    ]

    def __init__(self, *args, merchants=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.merchants = {m.pk: m for m in merchants}
        self.categories = {c.pk: c for c in categories}
        self.fields["merchant"].choices = [("", "—")] + [(m.pk, m.name) for m in merchants]
        self.fields["category"].choices = [("", "—")] + [(c.pk, c.name) for c in categories]

    def clean_merchant(self):
        return self.merchants[self.cleaned_data["merchant"]]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if not picture or not hasattr(picture, "image"):
            return picture  # nothing new (or the stored one, kept)
        if picture.size > PICTURE_MAX_BYTES:
            raise ValidationError(_("The picture is larger than 2 MB: make it smaller and upload it again."))
        if (picture.image.format or "").upper() not in PICTURE_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG or WebP picture."))
        return picture


class CampaignFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CampaignStatus.choices]
    )


class CampaignForm(EligibilityFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    merchant = forms.TypedChoiceField(label=_("Merchant"), coerce=int)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    benefit = forms.CharField(label=_("Benefit"), required=False, max_length=200)
    face_value = _number(_("Face value (yuan)"))
    quota = _number(_("Total quota"), help_text=_("How many vouchers in all."))
    per_member_limit = _number(
        _("Limit per member"), help_text=_("A lottery gives each winner one voucher: the limit is 1.")
    )
    release_at = _datetime(_("Release time"))
    claim_until = _datetime(_("Claim window ends"))
    valid_from = _date(_("Usable from"))
    valid_until = _date(_("Usable until"))

    field_order = [
        "kind",
        "title",
        "merchant",
        "description",
        "benefit",
        "face_value",
        "quota",
        "per_member_limit",
        "release_at",
        "claim_until",
        "valid_from",
        "valid_until",
    ]

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.merchants = {m.pk: m for m in merchants}
        self.fields["merchant"].choices = [("", "—")] + [(m.pk, m.name) for m in merchants]
        for name in ("quota", "per_member_limit"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_merchant(self):
        return self.merchants[self.cleaned_data["merchant"]]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=CampaignStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)
