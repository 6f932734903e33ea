"""The benefits domain's reads. Staff reads go through the scope (ScopedManager): a record outside
the viewer's subtree does not exist (``NotFound``). Workers' and clerks' reads state their own rule
inside ``scopes_disabled()``: a worker sees what they are eligible for and their own vouchers; a
clerk sees their merchant's redemptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import Role, User, UserKind
from smartunion.benefits.models import (
    FUNDING_SOURCES,
    Agreement,
    Campaign,
    CampaignKind,
    CampaignStatus,
    LedgerEntry,
    Meal,
    Merchant,
    MerchantClerk,
    Programme,
    Registration,
    Service,
    ServiceCategory,
    Statement,
    Store,
    Voucher,
)
from smartunion.benefits.policies import Member, is_eligible
from smartunion.core.errors import NotFound
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tree import ancestor_paths

# --- Staff (scoped) --------------------------------------------------------------------------------


def _get(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, queryset.model.DoesNotExist):
        raise NotFound(message) from None


def merchants_list(*, q: str = "", kind: str = "") -> QuerySet[Merchant]:
    merchants = Merchant.objects.select_related("org")
    if q:
        merchants = merchants.filter(name__icontains=q.strip()[:100])
    if kind:
        merchants = merchants.filter(kind=kind)
    return merchants


def merchant_get(*, pk) -> Merchant:
    return _get(Merchant.objects.select_related("org"), pk, _("This merchant does not exist."))


def campaigns_list(*, status: str = "", merchant: Merchant | None = None) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("org", "merchant")
    if status:
        campaigns = campaigns.filter(status=status)
    if merchant is not None:
        campaigns = campaigns.filter(merchant=merchant)
    return campaigns


def campaign_get(*, pk) -> Campaign:
    return _get(Campaign.objects.select_related("org", "merchant"), pk, _("This campaign does not exist."))


def services_list(*, category: str = "") -> QuerySet[Service]:
    services = Service.objects.select_related("org", "merchant", "category")
    return services.filter(category__code=category) if category else services


def service_get(*, pk) -> Service:
    return _get(
        Service.objects.select_related("org", "merchant", "category"), pk, _("This service does not exist.")
    )


def statements_list(*, status: str = "", merchant: Merchant | None = None) -> QuerySet[Statement]:
    statements = Statement.objects.select_related("merchant", "programme")
    if status:
        statements = statements.filter(status=status)
    if merchant is not None:
        statements = statements.filter(merchant=merchant)
    return statements


def statement_get(*, pk) -> Statement:
    return _get(
        Statement.objects.select_related("merchant", "merchant__org", "programme", "programme__org"),
        pk,
        _("This statement does not exist."),
    )


def programmes_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("org")


def programme_get(*, pk) -> Programme:
    return _get(Programme.objects.select_related("org"), pk, _("This breakfast programme does not exist."))


# --- Workers ---------------------------------------------------------------------------------------


def _eligible_in_tree(member: Member) -> Q:
    """Rows whose eligibility org is the member's union or one above it (a prefix of their path)."""
    return Q(org__path__in=ancestor_paths(member.path))


def catalogue_for(*, member: Member | None, category: str = "", q: str = "") -> list[Service]:
    """The published services the worker is eligible for, available today."""
    if member is None:
        return []
    today = timezone.localdate()
    with scopes_disabled():
        services = (
            Service.objects.select_related("org", "merchant", "category")
            .prefetch_related("occupation_tags")
            .filter(_eligible_in_tree(member), published=True, available_from__lte=today)
            .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        )
        if category:
            services = services.filter(category__code=category)
        if q:
            text = q.strip()[:100]
            services = services.filter(
                Q(title__icontains=text) | Q(description__icontains=text) | Q(merchant__name__icontains=text)
            )
        rows = list(services[:500])
    for service in rows:
        service._tag_ids = frozenset(t.pk for t in service.occupation_tags.all())
    return [s for s in rows if is_eligible(member, s)]


def service_for_member(*, member: Member | None, pk) -> Service:
    """One published service the worker is eligible for (its picture is served through this)."""
    with scopes_disabled():
        service = _get(
            Service.objects.select_related("org").filter(published=True), pk, _("There is no such service.")
        )
    if not is_eligible(member, service):
        raise NotFound(_("There is no such service."))
    return service


def campaigns_for(*, member: Member | None) -> list[Campaign]:
    """The campaigns the worker may claim or register for: scheduled, open or paused, window not
    over, eligible."""
    if member is None:
        return []
    now = timezone.now()
    with scopes_disabled():
        campaigns = list(
            Campaign.objects.select_related("org", "merchant")
            .prefetch_related("occupation_tags")
            .filter(
                _eligible_in_tree(member),
                status__in=[CampaignStatus.SCHEDULED, CampaignStatus.OPEN, CampaignStatus.PAUSED],
                claim_until__gt=now,
            )
            .order_by("release_at", "id")[:200]
        )
    for campaign in campaigns:
        campaign._tag_ids = frozenset(t.pk for t in campaign.occupation_tags.all())
    return [c for c in campaigns if is_eligible(member, c)]


def campaign_for_member(*, member: Member | None, pk) -> Campaign:
    """One campaign the worker is eligible for (any status: a closed one shows its results)."""
    with scopes_disabled():
        campaign = _get(
            Campaign.objects.select_related("org", "merchant").exclude(status=CampaignStatus.DRAFT),
            pk,
            _("There is no such campaign."),
        )
    if not is_eligible(member, campaign):
        raise NotFound(_("There is no such campaign."))
    return campaign


@dataclass(frozen=True)
class CampaignState:
    left: int
    claimed_by_me: int
    registered: bool


def campaign_state(*, campaign: Campaign, user: User) -> CampaignState:
    with scopes_disabled():
        left = Voucher.objects.filter(campaign=campaign, holder__isnull=True).count()
        mine = Voucher.objects.filter(campaign=campaign, holder=user).count()
        registered = (
            campaign.kind == CampaignKind.LOTTERY
            and Registration.objects.filter(campaign=campaign, user=user).exists()
        )
    return CampaignState(left, mine, registered)


def service_categories() -> list[ServiceCategory]:
    return list(ServiceCategory.objects.all())


def vouchers_left(*, campaigns: list[Campaign]) -> dict[int, int]:
    """Campaign id -> vouchers still free, for a list of campaigns in one query."""
    with scopes_disabled():
        rows = (
            Voucher.objects.filter(campaign__in=[c.pk for c in campaigns], holder__isnull=True)
            .values_list("campaign_id")
            .annotate(n=Count("id"))
            .values_list("campaign_id", "n")
        )
        left = dict(rows)
    return {c.pk: left.get(c.pk, 0) for c in campaigns}


def vouchers_of(*, user: User) -> list[Voucher]:
    """The worker's vouchers, newest first."""
    with scopes_disabled():
        return list(
            Voucher.objects.select_related("campaign", "campaign__merchant", "used_store")
            .filter(holder=user)
            .order_by("-claimed_at", "-id")[:200]
        )


def voucher_of(*, user: User, pk) -> Voucher:
    with scopes_disabled():
        return _get(
            Voucher.objects.select_related("campaign", "campaign__merchant").filter(holder=user),
            pk,
            _("There is no such voucher."),
        )


def voucher_state(voucher: Voucher, today: date | None = None) -> str:
    """unused | used | expired | not_yet_valid"""
    today = today or timezone.localdate()
    if voucher.used_at is not None:
        return "used"
    if today > voucher.campaign.valid_until:
        return "expired"
    if today < voucher.campaign.valid_from:
        return "not_yet_valid"
    return "unused"


# --- Clerks ----------------------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def redemptions_of(*, clerk: MerchantClerk, day: date | None = None) -> list[Voucher]:
    """The clerk's merchant's redemptions of a day (today by default): only their merchant's."""
    start, end = _day_bounds(day or timezone.localdate())
    with scopes_disabled():
        return list(
            Voucher.objects.select_related("campaign", "used_by", "used_store")
            .filter(campaign__merchant_id=clerk.merchant_id, used_at__gte=start, used_at__lt=end)
            .order_by("-used_at")[:500]
        )


def meals_of(*, clerk: MerchantClerk, day: date | None = None) -> list[Meal]:
    with scopes_disabled():
        return list(
            Meal.objects.select_related("person", "shop__merchant")
            .filter(shop__merchant_id=clerk.merchant_id, served_on=day or timezone.localdate())
            .order_by("-served_at")[:500]
        )


# --- Figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherFigures:
    quota: int
    claimed: int
    used: int
    expired: int
    members_reached: int
    face_used: Decimal


def voucher_figures(*, campaigns: QuerySet[Campaign], today: date | None = None) -> VoucherFigures:
    """Vouchers claimed, used and expired unused, and members reached, over ``campaigns`` (a scoped
    queryset: the viewer's subtree)."""
    today = today or timezone.localdate()
    with scopes_disabled():
        vouchers = Voucher.objects.filter(campaign__in=campaigns.values("id"))
        totals = vouchers.aggregate(
            quota=Count("id"),
            claimed=Count("id", filter=Q(holder__isnull=False)),
            used=Count("id", filter=Q(used_at__isnull=False)),
            expired=Count(
                "id", filter=Q(holder__isnull=False, used_at__isnull=True, campaign__valid_until__lt=today)
            ),
            reached=Count("holder", distinct=True),
            face_used=Sum("campaign__face_value", filter=Q(used_at__isnull=False)),
        )
    return VoucherFigures(
        totals["quota"],
        totals["claimed"],
        totals["used"],
        totals["expired"],
        totals["reached"],
        totals["face_used"] or Decimal("0.00"),
    )


def money_by_source(*, programmes: QuerySet[Programme]) -> dict[str, Decimal]:
    with scopes_disabled():
        rows = dict(
            LedgerEntry.objects.filter(programme__in=programmes.values("id"), credit__in=FUNDING_SOURCES)
            .values_list("credit")
            .annotate(s=Sum("amount"))
            .values_list("credit", "s")
        )
    return {str(source): rows.get(source, Decimal("0.00")) for source in FUNDING_SOURCES}


def meals_by_shop_and_day(
    *, programmes: QuerySet[Programme], since: date, until: date
) -> list[tuple[str, date, int, Decimal]]:
    """(shop, day, meals, cost) rows, by day then shop."""
    with scopes_disabled():
        rows = (
            Meal.objects.filter(
                programme__in=programmes.values("id"), served_on__gte=since, served_on__lte=until
            )
            .values_list("shop__merchant__name", "served_on")
            .annotate(n=Count("id"), cost=Sum("price"))
            .order_by("served_on", "shop__merchant__name")
        )
        return [(name, day, n, cost) for name, day, n, cost in rows]


# --- Staff pages -----------------------------------------------------------------------------------


def clerk_candidates(*, limit: int = 200) -> list[User]:
    """Staff accounts homed in the active scope that hold the merchant clerk's flag
    (``benefits.redeem``) through some grant: whom a merchant's clerk link may name."""
    orgs = User._meta.get_field("home_org").related_model._default_manager
    roles = [role.pk for role in Role.objects.all() if "benefits.redeem" in (role.permissions or [])]
    with scopes_disabled():
        holders = list(
            User.objects.filter(kind=UserKind.STAFF, is_active=True, grants__role__in=roles)
            .values_list("pk", flat=True)
            .distinct()
        )
    return list(
        User.objects.filter(pk__in=holders, home_org__in=orgs.all())
        .select_related("home_org")
        .order_by("display_name", "username")[:limit]
    )


@dataclass(frozen=True)
class LotteryCounts:
    registered: int
    won: int


def lottery_counts(*, campaign: Campaign) -> LotteryCounts:
    """How many entered a lottery campaign and how many were drawn (a staff read in scope)."""
    totals = Registration.objects.filter(campaign=campaign).aggregate(
        registered=Count("id"), won=Count("id", filter=Q(won=True))
    )
    return LotteryCounts(totals["registered"], totals["won"])


# A scoped model's related manager (``merchant.stores``) loses its manager's scope fields, so the
# merchant's parts are read through their own managers.


def merchant_stores(*, merchant: Merchant) -> list[Store]:
    return list(Store.objects.filter(merchant=merchant))


def merchant_agreements(*, merchant: Merchant) -> list[Agreement]:
    return list(Agreement.objects.filter(merchant=merchant))


def merchant_clerks(*, merchant: Merchant) -> list[MerchantClerk]:
    return list(MerchantClerk.objects.filter(merchant=merchant).select_related("user", "store"))
