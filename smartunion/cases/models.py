"""Legal aid, labour-dispute mediation and legal consultation: one record from first contact to
the payment order (issue 9).

A ``Case`` belongs to the centre handling it (``org``: a mediation centre, a legal-service centre,
or the federation node a case falls back to) and is scoped by that org, so staff see the cases of
their subtree through the one scope mechanism. The applicant is a worker account (``applicant``)
or, for an application taken by phone or at a station, only a mobile number: the worker who later
signs in with that mobile follows it (``applicant_mobile_index``).

Personal data (the applicant's name stays readable for the queue; the ID number and mobile are
encrypted with blind indexes, as ``members.Person``) goes through ``core.crypto``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartunion.core import crypto
from smartunion.core.personal import mask_id_number, mask_mobile, mask_name
from smartunion.core.scoping import ScopedManager

# "No clock runs": the far end of the queue's order. A real date keeps the queue's keyset order
# simple (no NULLs to place).
NO_CLOCK = date(9999, 12, 31)


class CaseKind(models.TextChoices):
    MEDIATION = "mediation", _("Labour-dispute mediation")
    LEGAL_AID = "legal_aid", _("Legal aid")
    CONSULTATION = "consultation", _("Legal consultation")


# The case number's prefix per kind: 调 (mediation), 援 (legal aid), 询 (consultation).
NUMBER_PREFIX = {CaseKind.MEDIATION: "TJ", CaseKind.LEGAL_AID: "YZ", CaseKind.CONSULTATION: "ZX"}


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, by the worker")
    PHONE = "phone", _("By phone, recorded by staff")
    WALK_IN = "walk_in", _("In person at the centre")
    STATION = "station", _("At a union station")


class DisputeType(models.TextChoices):
    UNPAID_WAGES = "unpaid_wages", _("Unpaid wages")
    OVERTIME = "overtime", _("Overtime pay")
    TERMINATION = "termination", _("Termination compensation")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    WORK_INJURY = "work_injury", _("Work injury")
    CONTRACT = "contract", _("Labour contract")
    OTHER = "other", _("Other")


# Claims a payment order can enforce (劳动争议调解仲裁法 第十六条: wages, work-injury medical costs,
# economic compensation or damages).
PAYMENT_ORDER_TYPES = frozenset(
    {DisputeType.UNPAID_WAGES, DisputeType.OVERTIME, DisputeType.TERMINATION, DisputeType.WORK_INJURY}
)


class MeansRoute(models.TextChoices):
    """How a legal-aid applicant meets the means test (法律援助法 第三十二条, 第四十一条, 第四十二条)."""

    NOT_APPLICABLE = "", _("Not applicable")
    WAIVED_MIGRANT = "waived_migrant", _("Waived: a migrant worker claiming pay or work-injury damages")
    NO_TEST = "no_test", _("No means test (Art. 32)")
    PLEDGE = "pledge", _("Integrity pledge of hardship")
    PROOF = "proof", _("Proof of hardship attached")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    AGREED = "agreed", _("Closed: agreement reached")
    NOT_AGREED = "not_agreed", _("Closed: no agreement, referred to arbitration")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AID_GRANTED = "aid_granted", _("Legal aid granted")
    AID_REFUSED = "aid_refused", _("Legal aid refused")
    ANSWERED = "answered", _("Closed: consultation answered")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
# The same as plain strings, for the partial indexes' conditions (a migration writes them as data).
OPEN_STATUS_VALUES = [str(s.value) for s in OPEN_STATUSES]
CLOSED_STATUSES = tuple(s for s in CaseStatus if s not in OPEN_STATUSES)

# The only moves case_transition() allows. Received cases are accepted or declined with a reason;
# accepted ones are assigned to a mediator or lawyer; work goes on in progress; each kind closes
# its own way (KIND_CLOSINGS). Withdrawal is possible while the case is open.
CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.RECEIVED: {CaseStatus.ACCEPTED, CaseStatus.DECLINED, CaseStatus.WITHDRAWN},
    CaseStatus.ACCEPTED: {CaseStatus.ASSIGNED, CaseStatus.WITHDRAWN},
    # assigned -> assigned: handed to another mediator; -> accepted: moved to another centre.
    CaseStatus.ASSIGNED: {
        CaseStatus.IN_PROGRESS,
        CaseStatus.ASSIGNED,
        CaseStatus.ACCEPTED,
        CaseStatus.WITHDRAWN,
    },
    # in progress -> accepted: moved to another centre (case_move), to be assigned there.
    CaseStatus.IN_PROGRESS: {
        CaseStatus.ACCEPTED,
        CaseStatus.AGREED,
        CaseStatus.NOT_AGREED,
        CaseStatus.WITHDRAWN,
        CaseStatus.AID_GRANTED,
        CaseStatus.AID_REFUSED,
        CaseStatus.ANSWERED,
    },
    CaseStatus.DECLINED: set(),
    CaseStatus.AGREED: set(),
    CaseStatus.NOT_AGREED: set(),
    CaseStatus.WITHDRAWN: set(),
    CaseStatus.AID_GRANTED: set(),
    CaseStatus.AID_REFUSED: set(),
    CaseStatus.ANSWERED: set(),
}
# How each kind may close (the moves out of in_progress that fit it).
KIND_CLOSINGS: dict[str, set[str]] = {
    CaseKind.MEDIATION: {CaseStatus.AGREED, CaseStatus.NOT_AGREED, CaseStatus.WITHDRAWN},
    CaseKind.LEGAL_AID: {CaseStatus.AID_GRANTED, CaseStatus.AID_REFUSED, CaseStatus.WITHDRAWN},
    CaseKind.CONSULTATION: {CaseStatus.ANSWERED, CaseStatus.WITHDRAWN},
}
# Moves that must give a reason (a refusal in writing with reasons: 法律援助法 第四十三条).
REASON_REQUIRED = frozenset(
    {CaseStatus.DECLINED, CaseStatus.AID_REFUSED, CaseStatus.WITHDRAWN, CaseStatus.NOT_AGREED}
)


class PaymentStatus(models.TextChoices):
    NONE = "", _("No payment due")
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid in full")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    UNPAID = "unpaid", _("Not paid")


class Clock(models.TextChoices):
    """The statutory clocks a case carries (labourlaw.deadlines computes their dates)."""

    FIRST_CONTACT = "first_contact", _("First contact")
    DECISION = "decision", _("Legal-aid decision")
    MEDIATION_WINDOW = "mediation_window", _("15-day mediation window")
    LIMITATION = "limitation", _("Arbitration limitation")
    PAYMENT = "payment", _("Payment date")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=24, unique=True, null=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the (org, status, next_clock) index serves every lookup by org
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator or lawyer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )

    # --- the applicant (劳动争议调解仲裁法 第十二条, 第二十八条) ---
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_mobile_encrypted = models.TextField(blank=True, editable=False)
    applicant_mobile_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_id_number_encrypted = models.TextField(blank=True, editable=False)
    applicant_sex = models.CharField(_("sex"), max_length=1, blank=True)
    applicant_birth_date = models.DateField(_("birth date"), null=True, blank=True)
    applicant_occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    applicant_address = models.CharField(_("residence"), max_length=300, blank=True)
    is_migrant_worker = models.BooleanField(_("migrant worker"), default=False)
    means_route = models.CharField(
        _("means test"), max_length=16, choices=MeansRoute.choices, blank=True, default=""
    )
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )

    # --- the employer ---
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_credit_code = models.CharField(_("unified social credit code"), max_length=18)
    employer_region_code = models.CharField(_("employer's division code"), max_length=12)
    employer_address = models.CharField(_("employer's address"), max_length=300, blank=True)
    employer_legal_rep = models.CharField(_("legal representative"), max_length=100, blank=True)

    # --- the dispute ---
    employment_start = models.DateField(_("employed since"), null=True, blank=True)
    employment_end = models.DateField(_("employment ended"), null=True, blank=True)
    dispute_date = models.DateField(_("date of the dispute"), null=True, blank=True)
    facts = models.TextField(_("facts"), max_length=5000, blank=True)
    request = models.TextField(_("what the applicant asks for"), max_length=2000, blank=True)
    is_collective = models.BooleanField(_("collective case"), default=False)

    # --- the clocks (labourlaw.deadlines), kept on the row so a queue sorts and filters by them ---
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    first_contact_due = models.DateField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True)
    mediation_window_ends = models.DateField(null=True, blank=True)
    limitation_ends = models.DateField(null=True, blank=True)
    # The earliest open clock: what the queue sorts by (NO_CLOCK when none runs).
    next_clock = models.DateField(default=NO_CLOCK)
    next_clock_kind = models.CharField(max_length=20, choices=Clock.choices, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)

    # --- the course ---
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    # --- the outcome ---
    amount_claimed = models.DecimalField(
        _("amount claimed"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    amount_agreed = models.DecimalField(
        _("amount agreed"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    amount_paid = models.DecimalField(
        _("amount paid"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    payment_status = models.CharField(
        _("payment"), max_length=12, choices=PaymentStatus.choices, blank=True, default=""
    )
    payment_due = models.DateField(_("payment due"), null=True, blank=True)

    # --- the worker's rating (好差评) ---
    rating = models.CharField(max_length=16, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # A double-tapped or retried submission carries the same key and creates one case.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("org")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The queues read open cases in clock order (selectors.case_queue): a centre's, one's own,
        # and a wide scope's; partial, so a million closed cases cost them nothing. The condition
        # is the queue's own filter, word for word, so the planner can prove it (bench/case_queue.py).
        indexes = [
            models.Index(
                fields=["org", "next_clock", "id"],
                name="case_open_queue",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
            models.Index(
                fields=["assignee", "next_clock", "id"],
                name="case_open_mine",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
            models.Index(
                fields=["next_clock", "id"],
                name="case_open_clock",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
            models.Index(fields=["org", "status", "next_clock", "id"], name="case_queue"),
            models.Index(fields=["assignee", "status", "next_clock", "id"], name="case_mine"),
            models.Index(fields=["applicant", "id"], name="case_applicant"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gte=0), name="case_claimed_not_negative"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="case_paid_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"case#{self.pk}"

    def audit_repr(self) -> str:
        return str(self)  # the number, never a name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def applicant_mobile(self) -> str:
        return crypto.decrypt(self.applicant_mobile_encrypted) if self.applicant_mobile_encrypted else ""

    @property
    def applicant_mobile_masked(self) -> str:
        return mask_mobile(self.applicant_mobile) if self.applicant_mobile_encrypted else ""

    @property
    def applicant_id_number(self) -> str:
        return (
            crypto.decrypt(self.applicant_id_number_encrypted) if self.applicant_id_number_encrypted else ""
        )

    @property
    def applicant_id_number_masked(self) -> str:
        return mask_id_number(self.applicant_id_number) if self.applicant_id_number_encrypted else ""

    @property
    def applicant_name_masked(self) -> str:
        return mask_name(self.applicant_name)

    @property
    def days_to_clock(self) -> int | None:
        if self.next_clock == NO_CLOCK:
            return None
        return (self.next_clock - timezone.localdate()).days


class Claim(models.Model):
    """One claim of the application, with its amount; the calculator's result may be attached."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    dispute_type = models.CharField(_("dispute type"), max_length=20, choices=DisputeType.choices)
    amount = models.DecimalField(
        _("amount"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        max_digits=14,
        decimal_places=2,
    )
    description = models.CharField(_("claim"), max_length=500, blank=True)
    # The calculator's answer the claim rests on: {"calculation": ..., "input": {...}, "result": {...}}.
    calculation = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="claim_amount_not_negative"
            )
        ]


class Participant(models.Model):
    """A worker in a collective case (劳动争议调解仲裁法 第七条: ten or more with a common claim elect
    representatives)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=100)
    mobile_encrypted = models.TextField(blank=True, editable=False)
    is_representative = models.BooleanField(_("representative"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_encrypted) if self.mobile_encrypted else ""

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile) if self.mobile_encrypted else ""


class EventKind(models.TextChoices):
    CREATED = "created", _("Application received")
    TRANSITION = "transition", _("Status changed")
    TRANSFER = "transfer", _("Moved to another centre")
    CONTACT = "contact", _("Contact")
    MATERIAL_REQUEST = "material_request", _("Material requested")
    DOCUMENT = "document", _("Document produced")
    EVIDENCE = "evidence", _("Evidence added")
    PAYMENT = "payment", _("Payment recorded")
    NOTE = "note", _("Internal note")
    REMINDER = "reminder", _("Reminder")
    SHARE = "share", _("Shared with consent")
    RATING = "rating", _("Rated")


class CaseEvent(models.Model):
    """The case's history, who and when. The worker's timeline shows the events not marked internal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    # What the worker reads (in the language of the moment it is shown: stored as data, rendered).
    public_text = models.TextField(blank=True)
    internal_text = models.TextField(blank=True)
    is_internal = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")


class ContactParty(models.TextChoices):
    WORKER = "worker", _("The worker")
    EMPLOYER = "employer", _("The employer")
    OTHER = "other", _("Someone else")


class Contact(models.Model):
    """The contact log: calls, messages and meetings with either side."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=12, choices=ContactChannel.choices)
    party = models.CharField(_("with"), max_length=12, choices=ContactParty.choices)
    summary = models.TextField(_("summary"), max_length=2000)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class MaterialRequest(models.Model):
    """Missing material, asked for once and all together (法律援助法 第四十三条; 调解仲裁法 第四十三条):
    one per case, enforced by the database."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="material_request")
    items = models.TextField(_("material needed"), max_length=2000)
    due = models.DateField(_("supply by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    supplied_at = models.DateTimeField(null=True, blank=True)


class Evidence(models.Model):
    """An uploaded photo or PDF, stored outside the web root (settings.PRIVATE_FILES_DIR) under a
    random name; served only to the applicant and to staff holding the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    description = models.CharField(_("description"), max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class DocumentKind(models.TextChoices):
    MEDIATION_APPLICATION = "mediation_application", _("Mediation application")
    MEDIATION_AGREEMENT = "mediation_agreement", _("Mediation agreement")
    ARBITRATION_APPLICATION = "arbitration_application", _("Arbitration application")
    PAYMENT_ORDER = "payment_order", _("Payment-order application")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("Application for judicial confirmation")


class CaseDocument(models.Model):
    """A generated PDF. Each generation is a new version; none is overwritten."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="one_document_version")
        ]


class Share(models.Model):
    """Sharing a case with an arbitration committee or another centre: names the recipient and needs
    the worker's separate consent (个人信息保护法 第二十三条)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    recipient = models.CharField(_("recipient"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]


class RoutingRule(models.Model):
    """Where a new case goes, as data an administrator changes. A rule sends cases of ``kind``
    (blank: every kind) whose employer's division code starts with ``region_prefix`` and, when
    ``industry`` is set, whose employer is in that GB/T 4754 section, to ``centre``. Among matching
    rules an industry rule wins, then the longest prefix. Without a matching rule the case goes to
    the centre of the right kind whose own division code is the longest prefix of the employer's,
    falling back up the tree (cases.services.routing)."""

    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices, blank=True)
    region_prefix = models.CharField(_("division code prefix"), max_length=12, blank=True)
    industry = models.CharField(_("industry"), max_length=1, blank=True)
    centre = models.ForeignKey(
        "orgs.Org", verbose_name=_("centre"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager("centre")

    class Meta:
        ordering = ["kind", "region_prefix", "industry"]


class ApplicationDraft(models.Model):
    """The guided interview's answers so far, saved at each step, one per worker and kind: it resumes
    where the worker left off, on any device they sign in on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_drafts")
    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    step = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_draft_per_kind")]


class ReminderSent(models.Model):
    """One reminder per case, clock and day: the scheduled task may run twice without sending twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    clock = models.CharField(max_length=20, choices=Clock.choices)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "clock", "day"], name="one_reminder_a_day")]
