"""Member benefits (issue 10): merchants and their stores, the service catalogue, voucher campaigns
(first-come 抢兑 and lottery), use at the merchant, monthly settlement, and the love-breakfast
programme (爱心早餐) with its funding pool kept as a double-entry ledger.

Everything org-owned is scoped by the organisation that runs it: a merchant by the node it is
registered under, a campaign, a catalogue service and a breakfast programme by the node whose
subtree may use it (their eligibility and their staff's scope are the same subtree).

The claim path is the platform's hottest (docs/decisions/0018-voucher-claims.md). A campaign's
vouchers are made as rows when it is scheduled, one per unit of the quota; a claim takes one free
row. So the database cannot hold more claims than the quota whatever the code does, and the
per-member limit is a unique slot number checked against the limit copied onto each row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartunion.core.scoping import ScopedManager

MAX_MONEY = Decimal("9999999999.99")


class MerchantKind(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant")
    NOODLE_SHOP = "noodle_shop", _("Noodle shop (breakfast)")
    THEATRE = "theatre", _("Theatre or cinema")
    GYM = "gym", _("Gym or sports venue")
    CLINIC = "clinic", _("Clinic or health service")
    SCHOOL = "school", _("Training school")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class Merchant(models.Model):
    """A service provider registered under an organisation node (whose staff manage it)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("registered under"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MerchantKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager("org")

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="merchant_name_per_org")]

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return self.name


class Store(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="stores")
    name = models.CharField(_("store name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    division_code = models.CharField(_("division code"), max_length=12, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = ScopedManager("merchant__org")

    class Meta:
        verbose_name = _("store")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """The signed agreement: its period, the discount the merchant gives on a voucher's face value
    (the union pays face value less the discount), and the settlement terms in words."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    settlement_terms = models.TextField(_("settlement terms"), blank=True)

    objects = ScopedManager("merchant__org")

    class Meta:
        verbose_name = _("agreement")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="agreement_discount_range",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_period_order"),
        ]


class MerchantClerk(models.Model):
    """A staff account holding the merchant clerk's role, working for one merchant (its store when
    the merchant has several). The clerk's reads are narrowed to this merchant."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_clerk"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="clerks")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager("merchant__org")


# --- Eligibility ----------------------------------------------------------------------------------


class Eligibility(models.Model):
    """Who may use a service, a campaign or a breakfast programme: active members of ``org``'s
    subtree; when ``employment_forms`` is not empty, only those forms; when ``occupation_tags`` is
    not empty, only people holding one of the tags."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("for members of"), on_delete=models.PROTECT, related_name="+"
    )
    employment_forms = models.JSONField(_("employment forms"), default=list, blank=True)
    occupation_tags = models.ManyToManyField("members.OccupationTag", blank=True, related_name="+")

    objects = ScopedManager("org")
    # The occupation tags' ids, read once per object (policies.eligibility_tags).
    _tag_ids: frozenset[int] | None = None

    class Meta:
        abstract = True


# --- Catalogue ------------------------------------------------------------------------------------


class ServiceCategory(models.Model):
    """Dining, transport, online education, performances, sports, health, ...: data, so a new
    category needs no schema change."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Service(Eligibility):
    merchant = models.ForeignKey(
        Merchant, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    category = models.ForeignKey(ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    benefit = models.CharField(
        _("member benefit"),
        max_length=200,
        # xgettext:no-python-format
        help_text=_("For example: 20% off for members."),
    )
    member_price = models.DecimalField(
        _("member price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    picture = models.ImageField(_("picture"), upload_to="benefits/services/", blank=True)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        ordering = ["category__position", "title", "id"]

    def __str__(self) -> str:
        return self.title

    def audit_repr(self) -> str:
        return self.title


# --- Campaigns and vouchers -----------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served (抢兑)")
    LOTTERY = "lottery", _("Lottery")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    # A context: the console's link "Open" (查看) is the same English word.
    OPEN = "open", pgettext_lazy("campaign status", "Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {
    CampaignStatus.DRAFT: {CampaignStatus.SCHEDULED, CampaignStatus.CLOSED},
    CampaignStatus.SCHEDULED: {CampaignStatus.OPEN, CampaignStatus.PAUSED, CampaignStatus.CLOSED},
    CampaignStatus.OPEN: {CampaignStatus.PAUSED, CampaignStatus.CLOSED},
    CampaignStatus.PAUSED: {CampaignStatus.OPEN, CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


class Campaign(Eligibility):
    """A voucher campaign. First come: claims from ``release_at`` until ``claim_until``. Lottery:
    members register in that window; then a draw picks the winners from a published seed."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.FIRST_COME
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="campaigns"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.SET_NULL
    )
    face_value = models.DecimalField(_("face value"), max_digits=12, decimal_places=2)
    benefit = models.CharField(_("benefit"), max_length=200, blank=True)
    quota = models.PositiveIntegerField(_("total quota"))
    per_member_limit = models.PositiveSmallIntegerField(_("limit per member"), default=1)
    release_at = models.DateTimeField(_("release time"))
    claim_until = models.DateTimeField(_("claim window ends"))
    valid_from = models.DateField(_("usable from"))
    valid_until = models.DateField(_("usable until"))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # The lottery's draw: the SHA-256 of the seed, published when the campaign is scheduled (so the
    # seed cannot be chosen after the entries are known), the seed itself, published with the
    # results, the digest of the frozen registration list, and when.
    draw_commitment = models.CharField(max_length=64, blank=True, editable=False)
    draw_seed = models.CharField(max_length=64, blank=True, editable=False)
    draw_digest = models.CharField(max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-release_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quota__gte=1), name="campaign_quota_positive"),
            models.CheckConstraint(condition=Q(per_member_limit__gte=1), name="campaign_limit_positive"),
            models.CheckConstraint(
                condition=Q(claim_until__gt=F("release_at")), name="campaign_window_order"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="campaign_validity_order"
            ),
            models.CheckConstraint(condition=Q(face_value__gte=0), name="campaign_face_value_positive"),
        ]
        indexes = [models.Index(fields=["status", "release_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_repr(self) -> str:
        return self.title


class Voucher(models.Model):
    """One unit of a campaign's quota, made when the campaign is scheduled; claimed by at most one
    member (``holder``) and used at most once. ``holder_slot`` numbers a member's vouchers of the
    campaign from 1; a unique slot and a check against ``member_limit`` (the campaign's limit,
    copied at creation) make more than the limit impossible in the database."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="vouchers")
    serial = models.PositiveIntegerField()
    code = models.CharField(max_length=16, unique=True)
    member_limit = models.PositiveSmallIntegerField()
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="vouchers"
    )
    holder_slot = models.PositiveSmallIntegerField(null=True)
    # The union of the holder's membership when claimed: the numbers count members by subtree.
    holder_org = models.ForeignKey("orgs.Org", null=True, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True)
    used_at = models.DateTimeField(null=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    used_store = models.ForeignKey(Store, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager("campaign__org")

    class Meta:
        verbose_name = _("voucher")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "serial"], name="voucher_serial_per_campaign"),
            models.UniqueConstraint(
                fields=["campaign", "holder", "holder_slot"], name="voucher_one_slot_per_member"
            ),
            models.UniqueConstraint(
                fields=["holder", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="voucher_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(holder__isnull=True, holder_slot__isnull=True, claimed_at__isnull=True)
                | Q(
                    holder__isnull=False,
                    holder_slot__gte=1,
                    holder_slot__lte=F("member_limit"),
                    claimed_at__isnull=False,
                ),
                name="voucher_claim_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(holder__isnull=False),
                name="voucher_used_only_if_claimed",
            ),
        ]
        indexes = [
            # The claim takes the first free row of the campaign: one short index scan.
            models.Index(
                fields=["campaign", "serial"], condition=Q(holder__isnull=True), name="voucher_free"
            ),
            models.Index(fields=["holder", "campaign"], name="voucher_holder"),
            models.Index(fields=["campaign", "used_at"], name="voucher_used"),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_repr(self) -> str:
        return f"{self.code}"


class Registration(models.Model):
    """A member's entry in a lottery campaign; ``number`` orders the frozen list the draw reads."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    won = models.BooleanField(default=False)

    objects = ScopedManager("campaign__org")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="registration_once")]


# --- Settlement -----------------------------------------------------------------------------------


class StatementKind(models.TextChoices):
    REGULAR = "regular", _("Monthly statement")
    ADJUSTING = "adjusting", _("Adjusting statement")


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting review")
    APPROVED = "approved", _("Approved")


class Statement(models.Model):
    """What the union owes a merchant for one month: the vouchers used there (or, for a breakfast
    shop, the meals served, paid from the programme's pool). Approved, it never changes: a
    redemption found later goes on an adjusting statement."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="statements")
    programme = models.ForeignKey(
        "Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("month"))  # the first day of the month
    kind = models.CharField(
        _("kind"), max_length=20, choices=StatementKind.choices, default=StatementKind.REGULAR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    items = models.PositiveIntegerField(_("items"), default=0)
    face_total = models.DecimalField(_("face value"), max_digits=12, decimal_places=2, default=Decimal(0))
    discount_total = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=Decimal(0))
    amount_due = models.DecimalField(_("amount due"), max_digits=12, decimal_places=2, default=Decimal(0))
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)

    # A breakfast shop's statement is paid from its programme's pool: the programme's staff see it
    # as well as the merchant's.
    objects = ScopedManager("merchant__org", "programme__org")

    class Meta:
        verbose_name = _("statement")
        ordering = ["-month", "merchant_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "month"],
                condition=Q(kind="regular", programme__isnull=True),
                name="statement_regular_per_month",
            ),
            models.UniqueConstraint(
                fields=["merchant", "programme", "month"],
                condition=Q(kind="regular", programme__isnull=False),
                name="statement_regular_per_programme_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.month:%Y-%m}"

    def audit_repr(self) -> str:
        return str(self)


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    voucher = models.OneToOneField(
        Voucher, null=True, on_delete=models.PROTECT, related_name="statement_line"
    )
    meal = models.OneToOneField("Meal", null=True, on_delete=models.PROTECT, related_name="statement_line")
    used_at = models.DateTimeField()
    face = models.DecimalField(max_digits=12, decimal_places=2)
    due = models.DecimalField(max_digits=12, decimal_places=2)

    objects = ScopedManager("statement__merchant__org", "statement__programme__org")

    class Meta:
        ordering = ["used_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher__isnull=False, meal__isnull=True)
                | Q(voucher__isnull=True, meal__isnull=False),
                name="statement_line_one_item",
            )
        ]


# --- The love-breakfast programme -----------------------------------------------------------------


class Programme(Eligibility):
    """爱心早餐: one free breakfast a day for eligible workers at participating shops, paid from a
    pool. ``warn_days``: warn when the pool lasts fewer days at the current rate."""

    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    warn_days = models.PositiveSmallIntegerField(_("warn when the pool lasts fewer days than"), default=14)
    active = models.BooleanField(_("running"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("breakfast programme")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return self.name


class ProgrammeShop(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="shops")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="programme_shops")
    meal = models.CharField(_("standard meal"), max_length=200)
    price = models.DecimalField(_("meal price"), max_digits=12, decimal_places=2)
    joined_on = models.DateField(_("joined on"))
    active = models.BooleanField(_("taking part"), default=True)

    objects = ScopedManager("programme__org")

    class Meta:
        ordering = ["merchant__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "merchant"], name="programme_shop_once"),
            models.CheckConstraint(condition=Q(price__gt=0), name="programme_shop_price_positive"),
        ]

    def __str__(self) -> str:
        return self.merchant.name


class EnrolmentSource(models.TextChoices):
    STAFF = "staff", _("Added by staff")
    ROSTER = "roster", _("From a roster")


class Enrolment(models.Model):
    """An eligible worker of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=EnrolmentSource.choices, default=EnrolmentSource.STAFF)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager("programme__org")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="enrolment_once")]


class Meal(models.Model):
    """One breakfast served. The unique (person, day) refuses a second meal the same day, at any
    shop of any programme, even when two clerks scan the same card at once."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="meals")
    shop = models.ForeignKey(ProgrammeShop, on_delete=models.PROTECT, related_name="meals")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField()
    served_at = models.DateTimeField()
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=12, decimal_places=2)

    objects = ScopedManager("programme__org")

    class Meta:
        # One breakfast a day for a worker, whichever programme and shop: a worker in two
        # programmes still eats once.
        constraints = [
            models.UniqueConstraint(fields=["person", "served_on"], name="meal_one_per_person_per_day")
        ]
        indexes = [models.Index(fields=["shop", "served_on"], name="meal_shop_day")]


class LedgerAccount(models.TextChoices):
    """The programme's chart of accounts. The pool is the asset; the sources are what funded it;
    meals are what it paid for."""

    POOL = "pool", _("Funding pool")
    GOVERNMENT = "government", _("Government funding")
    DONATIONS = "donations", _("Donations")
    MERCHANT_DISCOUNTS = "merchant_discounts", _("Merchant discounts")
    MEALS = "meals", _("Meals served")


FUNDING_SOURCES = (LedgerAccount.GOVERNMENT, LedgerAccount.DONATIONS, LedgerAccount.MERCHANT_DISCOUNTS)


class Donation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="donations")
    donor = models.CharField(_("donor"), max_length=200)
    donor_contact = models.CharField(_("donor's contact"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("received on"))
    number = models.CharField(_("acknowledgement number"), max_length=30, unique=True)

    objects = ScopedManager("programme__org")

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive")]


class LedgerEntry(models.Model):
    """One double entry: ``amount`` debited to one account and credited to another. Funding debits
    the pool; a meal credits it. Never edited: a correction is another entry."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="entries")
    posted_at = models.DateTimeField()
    debit = models.CharField(max_length=20, choices=LedgerAccount.choices)
    credit = models.CharField(max_length=20, choices=LedgerAccount.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    memo = models.CharField(max_length=300, blank=True)
    meal = models.OneToOneField(Meal, null=True, on_delete=models.PROTECT, related_name="entry")
    donation = models.OneToOneField(Donation, null=True, on_delete=models.PROTECT, related_name="entry")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager("programme__org")

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="ledger_two_accounts"),
        ]
        indexes = [models.Index(fields=["programme", "posted_at"], name="ledger_programme_time")]
