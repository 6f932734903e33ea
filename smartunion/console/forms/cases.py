"""Forms of the case pages: they parse and keep what the staff member typed; the cases services
decide what is valid (amounts, dates, transitions) and their errors go back on the fields."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from html import escape as esc

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smartunion.cases.models import (
    CaseKind,
    CaseStatus,
    Channel,
    ContactChannel,
    ContactParty,
    DisputeType,
    DocumentKind,
    MeansRoute,
)
from smartunion.cases.selectors import CLOCK_FILTERS
from smartunion.console.case_messages import CONTACT_TEMPLATES, contact_template, contact_templates
from smartunion.core.errors import NotFound
from smartunion.orgs.models import IndustrySection
from smartunion.orgs.selectors import public_enterprise_get

CLOCK_LABELS = {
    "overdue": _("Past a clock"),
    "due_soon": _("A clock ends within 3 days"),
    "urgent": _("Urgent legal aid"),
    "none": _("No clock running"),
}
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.ONLINE]


class CaseEmployerField(forms.Field):
    """An employer picked from the whole register, as a worker picks it: a case names its employer
    wherever it is registered (the register's names are public)."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return public_enterprise_get(pk=value)
        except NotFound:
            raise ValidationError(
                _("Choose the employer from the enterprise register."), code="invalid"
            ) from None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _OnePageForm(forms.Form):
    """Several forms share the case page: each one's element ids carry its own prefix."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PlainSelect(forms.Select):
    """A select written in Python rather than through the widget templates: the queue's five filters
    render on every page of the console's hot path (bench/case_queue.py), and the template per
    option cost as much as the table of 50 cases. Labels and values are escaped (``html.escape``,
    what Django's ``escape`` does); the attributes are written as ``flatatt`` writes them; the
    labels are translated once per language (``translated``)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = (
            "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        )
        language = get_language()
        options = "".join(
            f'<option value="{esc(key)}"{" selected" if key == chosen else ""}>'
            f"{esc(translated(label, language))}</option>"
            for key, label in (("" if k is None else str(k), v) for k, v in self.choices)
        )
        return mark_safe(f"<select{plain_flatatt(final)}>{options}</select>")  # noqa: S308 - escaped above


def plain_flatatt(attrs: dict) -> str:
    """``django.forms.utils.flatatt`` (the attributes sorted, true flags bare after them) with
    html.escape."""
    pairs = sorted((key, val) for key, val in attrs.items() if not isinstance(val, bool) and val is not None)
    flags = sorted(key for key, val in attrs.items() if val is True)
    return "".join(f' {esc(str(key))}="{esc(str(val))}"' for key, val in pairs) + "".join(
        f" {esc(str(key))}" for key in flags
    )


# (id of a lazy label, language) -> (the label, its text): the filters' forty-odd option labels are
# the same objects on every page (the models' choices), translated once per language instead of on
# each page. The label is kept so that its id cannot be reused by another object.
_TRANSLATED: dict[tuple[int, str | None], tuple[Promise, str]] = {}


def translated(label, language: str | None) -> str:
    """``str(label)`` in ``language`` (the active one)."""
    if not isinstance(label, Promise):
        return str(label)
    key = (id(label), language)
    known = _TRANSLATED.get(key)
    if known is None or known[0] is not label:
        known = _TRANSLATED[key] = (label, str(label))
    return known[1]


class PlainTextInput(forms.TextInput):
    """A text box written in Python, for the same reason as ``PlainSelect``: the same attributes as
    Django's template writes, escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"type": self.input_type, "name": name}
        shown = self.format_value(value)
        if shown is not None:
            final["value"] = shown
        final.update(self.build_attrs(self.attrs, attrs))
        # In the template's order (django/forms/widgets/attrs.html): a true flag bare, a false one left out.
        written = "".join(
            f" {key}" if val is True else f' {key}="{esc(str(val))}"'
            for key, val in final.items()
            if val is not False and val is not None
        )
        return mark_safe(f"<input{written}>")  # noqa: S308 - escaped above


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open cases")), ("closed", _("Closed cases")), *CaseStatus.choices],
        widget=PlainSelect,
    )
    clock = forms.ChoiceField(
        label=_("Clock"),
        required=False,
        choices=[("", _("Any clock")), *((c, CLOCK_LABELS[c]) for c in CLOCK_FILTERS)],
        widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *CaseKind.choices], widget=PlainSelect
    )
    dispute_type = forms.ChoiceField(
        label=_("Dispute type"),
        required=False,
        choices=[("", _("Any type")), *DisputeType.choices],
        widget=PlainSelect,
    )
    centre = forms.TypedChoiceField(
        label=_("Centre"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    q = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=24,
        widget=PlainTextInput,
    )

    def __init__(self, *args, centres: Iterable[tuple[int, str]] = (), **kwargs):
        """``centres``: (id, name) of the centres offered (``selectors.queue_centres``)."""
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("Every centre")), *centres]
        self.fields["q"].widget.attrs.update(placeholder=_("Start of a case number"), autocomplete="off")


class ContactForm(_OnePageForm):
    id_prefix = "contact"
    template = forms.ChoiceField(
        label=_("Ready-made summary"),
        required=False,
        choices=[("", "—"), *((key, text) for key, _party, _channel, text in CONTACT_TEMPLATES)],
    )
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    party = forms.ChoiceField(label=_("With"), choices=ContactParty.choices)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("Left blank, the ready-made summary chosen above is used."),
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        if kind:  # only the summaries that fit the case's kind
            self.fields["template"].choices = [
                ("", "—"),
                *((key, text) for key, _party, _channel, text in contact_templates(kind)),
            ]

    def clean(self):
        data = super().clean()
        template = contact_template(data.get("template") or "")
        if template is not None and not (data.get("summary") or "").strip():
            data["summary"] = template[2]
        return data


class MaterialRequestForm(_OnePageForm):
    id_prefix = "material"
    items = forms.CharField(
        label=_("Material needed, all of it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Asked once and all together (Legal Aid Law, Art. 43): list everything now."),
    )
    due = forms.DateField(label=_("Supply by"), widget=_date_input())


class TransitionForm(_OnePageForm):
    """One move of the workflow; which fields count depends on ``to`` (the service checks)."""

    id_prefix = "move_to"

    to = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.TypedChoiceField(
        label=_("Mediator or lawyer"), required=False, coerce=int, empty_value=None
    )
    # Kept as typed: the service says what is wrong with an amount (negative, three decimals).
    amount_agreed = forms.CharField(label=_("Amount agreed (yuan)"), required=False, max_length=30)
    payment_due = forms.DateField(label=_("Payment due"), required=False, widget=_date_input())

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—"), *((u.pk, u.display_name or u.username) for u in staff)]
        self.fields["amount_agreed"].widget.attrs.update(inputmode="decimal", autocomplete="off")


class PaymentForm(_OnePageForm):
    id_prefix = "payment"
    amount_paid = forms.CharField(
        label=_("Paid so far, in total (yuan)"),
        max_length=30,
        help_text=_("What the employer has paid of the agreed amount, all payments together."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_paid"].widget.attrs.update(inputmode="decimal", autocomplete="off")


class MoveForm(_OnePageForm):
    id_prefix = "move"
    centre = forms.TypedChoiceField(label=_("Move to the centre"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", "—"), *((c.pk, c.name) for c in centres)]


class ShareForm(_OnePageForm):
    id_prefix = "share"
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=200,
        required=False,
        help_text=_("An arbitration committee or another centre."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices)


class RoutingRuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *CaseKind.choices]
    )
    region_prefix = forms.CharField(
        label=_("Division code prefix"),
        max_length=12,
        required=False,
        help_text=_("The start of the employer's division code, such as 110111 for 房山区."),
    )
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("Any industry")), *IndustrySection.choices]
    )
    centre = forms.TypedChoiceField(label=_("Send to the centre"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", "—"), *((c.pk, c.name) for c in centres)]
        self.fields["region_prefix"].widget.attrs.update(inputmode="numeric")


class NumbersForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [
            ("", _("All centres in my scope")),
            *((c.pk, c.name) for c in centres),
        ]


# --- Entering an application on the worker's behalf -------------------------------------------------


class CaseEntryForm(forms.Form):
    """The application as the worker would give it (same fields as theirs), recorded by staff. The
    claims rows and the participants are parsed by the view; the service names every bad value by
    its path, and ``ALIASES`` puts it on its field here."""

    ALIASES = {
        "applicant.name": "applicant_name",
        "applicant.mobile": "applicant_mobile",
        "applicant.id_number": "applicant_id_number",
        "applicant.occupation": "applicant_occupation",
        "applicant.address": "applicant_address",
        "employer": "employer_name",
        "employer.id": "employer",
        "employer.name": "employer_name",
        "employer.credit_code": "employer_credit_code",
        "employer.legal_rep": "employer_legal_rep",
    }

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(label=_("Taken"), choices=STAFF_CHANNELS, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    applicant_name = forms.CharField(label=_("Applicant's real name"), max_length=100, strip=False)
    applicant_mobile = forms.CharField(
        label=_("Applicant's mobile"),
        max_length=20,
        help_text=_("The worker follows the case with this number."),
    )
    applicant_id_number = forms.CharField(label=_("Resident ID number"), max_length=40, required=False)
    applicant_occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    applicant_address = forms.CharField(label=_("Residence"), max_length=300, required=False)
    is_migrant_worker = forms.BooleanField(label=_("A migrant worker (进城务工人员)"), required=False)
    employer = CaseEmployerField(label=_("Employer from the register"), required=False)
    employer_name = forms.CharField(label=_("Employer's name"), max_length=200, required=False)
    employer_credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    employer_legal_rep = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    employment_start = forms.CharField(label=_("Employed since"), required=False, widget=_date_input())
    employment_end = forms.CharField(label=_("Employment ended"), required=False, widget=_date_input())
    dispute_date = forms.CharField(label=_("Date of the dispute"), required=False, widget=_date_input())
    facts = forms.CharField(
        label=_("Facts"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    request = forms.CharField(
        label=_("What the applicant asks for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    means_route = forms.ChoiceField(
        label=_("Means test (legal aid)"),
        required=False,
        choices=[("", "—"), *((v, label) for v, label in MeansRoute.choices if v)],
    )
    is_collective = forms.BooleanField(label=_("A collective case (10 or more workers)"), required=False)
    participants = forms.CharField(
        label=_("The workers of the collective case"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line: name,mobile, and 代表 for a representative. For example: 张三,13800000001,代表"
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        for name in ("applicant_mobile", "applicant_id_number", "employer_credit_code"):
            self.fields[name].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["applicant_mobile"].widget.attrs["inputmode"] = "tel"

    def application(self, claims: list[dict]) -> dict:
        """The application data the service takes (applying.py's docstring)."""
        data = self.cleaned_data
        employer = data.get("employer")
        application = {
            "kind": data["kind"],
            "applicant": {
                "name": data["applicant_name"],
                "mobile": data["applicant_mobile"],
                "id_number": data["applicant_id_number"],
                "occupation": data["applicant_occupation"],
                "address": data["applicant_address"],
                "is_migrant_worker": data["is_migrant_worker"],
            },
            "employer": {"id": employer.pk, "legal_rep": data["employer_legal_rep"]}
            if employer is not None
            else {
                "name": data["employer_name"],
                "credit_code": data["employer_credit_code"],
                "legal_rep": data["employer_legal_rep"],
            },
            "claims": claims,
            "employment_start": data["employment_start"],
            "employment_end": data["employment_end"],
            "dispute_date": data["dispute_date"],
            "facts": data["facts"],
            "request": data["request"],
            "means_route": data["means_route"],
        }
        if data["is_collective"]:
            application["participants"] = parse_participants(data["participants"])
        return application


REPRESENTATIVE_MARKS = {"代表", "representative", "rep", "1", "是", "yes"}


def parse_participants(text: str) -> list[dict]:
    """``name,mobile,代表`` lines (Chinese or ASCII commas); blank lines skipped."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        parts += [""] * (3 - len(parts))
        out.append(
            {
                "name": parts[0],
                "mobile": parts[1],
                "is_representative": parts[2].lower() in REPRESENTATIVE_MARKS,
            }
        )
    return out


class ClaimRow:
    """One row of the claims table as typed, with the errors the service gave for it."""

    def __init__(self, index: int, dispute_type: str = "", amount: str = "", description: str = ""):
        self.index = index
        self.dispute_type = dispute_type
        self.amount = amount
        self.description = description
        self.errors: dict[str, list[str]] = {}

    @property
    def is_blank(self) -> bool:
        return not (self.dispute_type or self.amount.strip() or self.description.strip())

    def as_data(self) -> dict:
        return {"type": self.dispute_type, "amount": self.amount.strip(), "description": self.description}


def claim_rows(post, *, minimum: int = 3) -> list[ClaimRow]:
    """The claims rows of a POST (claim_type, claim_amount, claim_description lists), or blank rows."""
    if post is None:
        return [ClaimRow(i) for i in range(minimum)]
    types = post.getlist("claim_type")
    amounts = post.getlist("claim_amount")
    descriptions = post.getlist("claim_description")
    count = min(max(len(types), len(amounts), len(descriptions)), 20)
    rows = [
        ClaimRow(
            i,
            types[i] if i < len(types) else "",
            amounts[i] if i < len(amounts) else "",
            descriptions[i] if i < len(descriptions) else "",
        )
        for i in range(count)
    ]
    while len(rows) < minimum or not rows[-1].is_blank:
        rows.append(ClaimRow(len(rows)))
    return rows
