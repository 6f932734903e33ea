"""People and memberships: the "1 data base" every later service reads.

Personal data (ID number, mobile) is encrypted at rest (core.crypto) and found through blind
indexes; it is shown masked, and unmasking is a separate audited action. A Person's ``org`` is the
union that currently holds their record (their membership's union, or the union they applied to):
the scope mechanism places people in the tree through it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartunion.core import crypto, personal
from smartunion.core.personal import mask_id_number, mask_mobile, mask_name
from smartunion.core.scoping import ScopedManager


class EmploymentForm(models.TextChoices):
    STANDARD = "standard", _("Standard employee")
    DISPATCHED = "dispatched", _("Dispatched worker")
    PART_TIME = "part_time", _("Part-time worker")
    COURIER = "courier", _("Courier")
    FOOD_DELIVERY = "food_delivery", _("Food-delivery rider")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    DOMESTIC = "domestic", _("Domestic worker")
    OTHER_PLATFORM = "other_platform", _("Other platform work")


# 新就业形态劳动者: 工会法 第三条 (2021) protects their right to join.
NEW_EMPLOYMENT_FORMS = frozenset(
    {
        EmploymentForm.COURIER,
        EmploymentForm.FOOD_DELIVERY,
        EmploymentForm.RIDE_HAILING,
        EmploymentForm.TRUCK_DRIVER,
        EmploymentForm.DOMESTIC,
        EmploymentForm.OTHER_PLATFORM,
    }
)


class WageBracket(models.TextChoices):
    # Monthly wage brackets for dues (the dues rate itself is regional data, set by an administrator).
    UNDER_3000 = "lt3000", _("Under 3,000 yuan")
    FROM_3000 = "3000_5000", _("3,000–5,000 yuan")
    FROM_5000 = "5000_8000", _("5,000–8,000 yuan")
    FROM_8000 = "8000_12000", _("8,000–12,000 yuan")
    OVER_12000 = "gt12000", _("Over 12,000 yuan")


class Sex(models.TextChoices):
    # The values core.personal.birth_and_sex reads from an ID number.
    MALE = personal.MALE, _("Male")
    FEMALE = personal.FEMALE, _("Female")


class OccupationTag(models.Model):
    """Sanitation worker, outdoor worker, ...: data, so a new tag needs no schema change."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    real_name = models.CharField(_("real name"), max_length=100)
    id_number_encrypted = models.TextField(editable=False)
    # The two blind indexes and Membership.number compare bytewise on PostgreSQL (migration 0007):
    # an AlterField of them must keep COLLATE "C".
    id_number_index = models.CharField(max_length=64, unique=True, null=True, editable=False)
    mobile_encrypted = models.TextField(blank=True, editable=False)
    mobile_index = models.CharField(max_length=64, null=True, blank=True, db_index=True, editable=False)
    # Derived from the ID number (GB 11643), never typed twice.
    birth_date = models.DateField(_("birth date"), null=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, editable=False)
    employment_form = models.CharField(
        _("employment form"), max_length=20, choices=EmploymentForm.choices, default=EmploymentForm.STANDARD
    )
    occupation_tags = models.ManyToManyField(OccupationTag, blank=True, verbose_name=_("occupation tags"))
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employees",
    )
    platform = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platform_workers",
    )
    wage_bracket = models.CharField(_("wage bracket"), max_length=12, choices=WageBracket.choices, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("The union that holds this person's record."),
        db_index=False,  # the (org, real_name) index serves every lookup by org (decision 0007)
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("org")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["org", "real_name"]),
            # Name-prefix search in a wide scope walks this index in the list's order (real_name, id)
            # and stops after one page, instead of sorting every match (bench/member_search.py).
            models.Index(fields=["real_name", "id"], name="person_name_id"),
        ]

    def __str__(self) -> str:
        return self.real_name

    def audit_repr(self) -> str:
        return f"person#{self.pk}"  # never a name or number in the audit chain

    # --- personal data ---------------------------------------------------------------------
    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_encrypted) if self.mobile_encrypted else ""

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number) if self.id_number_encrypted else ""

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile) if self.mobile_encrypted else ""

    @property
    def name_masked(self) -> str:
        return mask_name(self.real_name)


class MembershipStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT = "left", _("Left")
    RETAINED = "retained", _("Retained")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A person belongs to at most one grassroots union at a time (enforced by a partial unique index).
HOLDING_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED, MembershipStatus.RETAINED)
# A person's current membership: the one they hold, or their open application (at most one of each, by
# the two partial unique indexes; joining and enrolment refuse a second while either is there). What a
# person's page shows, what joining and enrolment refuse, what closing an account ends and what keeps a
# union from being deleted. Transfers and status changes act on a held membership only
# (HOLDING_STATUSES); members.selectors.records has a selector for each meaning.
CURRENT_STATUSES = (*HOLDING_STATUSES, MembershipStatus.APPLYING)

# The only moves membership_transition() allows (中国工会章程: voluntary application approved by the
# grassroots committee; membership follows the work relationship; retired or unemployed keep it).
MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    MembershipStatus.APPLYING: {
        MembershipStatus.ACTIVE,
        MembershipStatus.REJECTED,
        MembershipStatus.WITHDRAWN,
    },
    MembershipStatus.ACTIVE: {
        MembershipStatus.SUSPENDED,
        MembershipStatus.TRANSFERRED_OUT,
        MembershipStatus.LEFT,
        MembershipStatus.RETAINED,
    },
    MembershipStatus.SUSPENDED: {
        MembershipStatus.ACTIVE,
        MembershipStatus.LEFT,
        MembershipStatus.TRANSFERRED_OUT,
    },
    MembershipStatus.RETAINED: {
        MembershipStatus.ACTIVE,
        MembershipStatus.LEFT,
        MembershipStatus.TRANSFERRED_OUT,
    },
    MembershipStatus.TRANSFERRED_OUT: set(),
    MembershipStatus.LEFT: set(),
    MembershipStatus.REJECTED: set(),
    MembershipStatus.WITHDRAWN: set(),
}


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    # db_index=False: the (org, status, due_date) index serves every lookup by org (decision 0007).
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    number = models.CharField(_("membership number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus.choices)
    join_date = models.DateField(_("join date"), null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    card_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("org")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["active", "suspended", "retained"]),
                name="one_holding_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="applying"), name="one_open_application_per_person"
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "due_date"])]

    def __str__(self) -> str:
        return self.number or f"membership#{self.pk}"

    @property
    def days_overdue(self) -> int:
        """Days an open application has waited past its answer date; 0 when it is not overdue."""
        if self.status != MembershipStatus.APPLYING or self.due_date is None:
            return 0
        return max((timezone.localdate() - self.due_date).days, 0)

    @property
    def is_overdue(self) -> bool:
        """Still unanswered after its due date: flagged in the queue, escalated to the level above."""
        return self.days_overdue > 0

    def audit_repr(self) -> str:
        return str(self)


class MembershipEvent(models.Model):
    """Every change of a membership, kept for both sides of a transfer."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves transfer_transition() allows: the receiving union approves or rejects a waiting
# transfer, or either side calls it off; a decided transfer stays decided.
TRANSFER_TRANSITIONS: dict[str, set[str]] = {
    TransferStatus.REQUESTED: {TransferStatus.APPROVED, TransferStatus.REJECTED, TransferStatus.CANCELLED},
    TransferStatus.APPROVED: set(),
    TransferStatus.REJECTED: set(),
    TransferStatus.CANCELLED: set(),
}


class Transfer(models.Model):
    """A member changes job: the receiving union approves; the old membership ends and the new one
    starts in the same transaction, so there is never none or two."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    from_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="transfers_in")
    from_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="transfers_out")
    to_membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(max_length=12, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    # Both sides see the transfer: the sending union and the receiving one.
    objects = ScopedManager("from_org", "to_org")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="requested"), name="one_open_transfer_per_person"
            )
        ]


class MembershipNumber(models.Model):
    """One row: the last membership number handed out (numbers are unique in the federation)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last = models.PositiveBigIntegerField(default=0)


class RosterImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


# The only moves roster_import_transition() allows. A new import is saved in the state its check
# ended in: ready, invalid (errors), or done (nobody in the file left to import).
ROSTER_IMPORT_TRANSITIONS: dict[str, set[str]] = {
    # Never stored: the check runs within the upload's request.
    RosterImportStatus.UPLOADED: set(),
    RosterImportStatus.VALIDATING: set(),
    # Confirmed; or not imported within a week (its staged file dropped).
    RosterImportStatus.READY: {RosterImportStatus.COMMITTING, RosterImportStatus.FAILED},
    # Written; or the re-check found new conflicts; or it failed, or stalled (nothing written).
    RosterImportStatus.COMMITTING: {
        RosterImportStatus.DONE,
        RosterImportStatus.INVALID,
        RosterImportStatus.FAILED,
    },
    # Tried again (the staged file stays); or a run given up as stalled ended after all, under the
    # write lock, and its outcome stands.
    RosterImportStatus.FAILED: {
        RosterImportStatus.COMMITTING,
        RosterImportStatus.DONE,
        RosterImportStatus.INVALID,
    },
    RosterImportStatus.INVALID: set(),
    RosterImportStatus.DONE: set(),
}


class RosterImport(models.Model):
    """One roster file a grassroots union uploads: its check, then its all-or-nothing import
    (members/roster/). The file itself is kept only until the import is done or found invalid."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("union"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    original_filename = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    file_format = models.CharField(max_length=8)
    file_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=RosterImportStatus.choices, default=RosterImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("imported"), default=0)
    skipped_count = models.PositiveIntegerField(_("already imported"), default=0)
    # The first ROSTER_MAX_ERRORS problems, each {"line", "field", "reason"}; error_count has them all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    # What the preview tells beside the errors (members/roster/report.py, ``RosterReport``): the columns not
    # read, the totals rows skipped, the errors counted per column, the rows that differ from the record.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager("org")

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"roster-import#{self.pk}"

    def audit_repr(self) -> str:
        return str(self)  # never the file name: it may carry a person's name
