"""The love-breakfast programme (爱心早餐): the shops, the eligible workers, the meals, and the pool
that pays for them, kept as a double-entry ledger.

A meal is recorded when a shop's clerk verifies the worker's e-member card: the card must be valid,
the shop in a running programme the worker is enrolled in, and the worker not yet served that day
(a unique row per programme, worker and day, so two clerks scanning the same card at once record
one meal). Each meal debits "meals served" and credits the pool by the shop's meal price; funding
(government money, donations, merchant discounts) debits the pool and credits its source."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.benefits.models import (
    FUNDING_SOURCES,
    Donation,
    Enrolment,
    EnrolmentSource,
    LedgerAccount,
    LedgerEntry,
    Meal,
    Merchant,
    Programme,
    ProgrammeShop,
)
from smartunion.benefits.policies import can_manage_benefits, eligibility_tags
from smartunion.benefits.services.common import Refused, amount_clean
from smartunion.benefits.services.redemption import require_clerk
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden, ValidationFailed, field_error
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import MembershipStatus, Person
from smartunion.members.services.cards import card_verify

# How many days of meals the "days the pool lasts" figure averages.
RATE_DAYS = 7


def _require_manage(actor: User, programme: Programme) -> None:
    if not can_manage_benefits(actor, programme.org):
        raise Forbidden(_("You may not manage this breakfast programme."))


# --- Shops and workers ---------------------------------------------------------------------------


def shop_add(
    *,
    actor: User,
    programme: Programme,
    merchant: Merchant,
    meal: str,
    price,
    joined_on: date | None = None,
    client_address: str = "",
) -> ProgrammeShop:
    _require_manage(actor, programme)
    meal = (meal or "").strip()
    if not meal:
        raise field_error("meal", _("Describe the standard meal, such as 一碗面加一个鸡蛋."))
    amount = amount_clean(price, field="price")
    with transaction.atomic():
        try:
            with transaction.atomic():
                shop = ProgrammeShop.objects.create(
                    programme=programme,
                    merchant=merchant,
                    meal=meal[:200],
                    price=amount,
                    joined_on=joined_on or timezone.localdate(),
                )
        except IntegrityError:
            raise field_error("merchant", _("This shop already takes part in the programme.")) from None
        audit_record(
            action=AuditAction.BREAKFAST_SHOP_ADD,
            actor=actor,
            obj=programme,
            client_address=client_address,
            data={"merchant": merchant.name, "price": str(amount)},
        )
    return shop


def enrolment_refusal(programme: Programme, person: Person) -> str | None:
    """Why ``person`` cannot join ``programme``, or None: an active member of its subtree holding
    one of its occupation tags (when it asks for some)."""
    with scopes_disabled():
        membership = person.memberships.select_related("org").filter(status=MembershipStatus.ACTIVE).first()
        if membership is None or not membership.org.path.startswith(programme.org.path):
            return _("Not an active member of a union in this programme's area.")
        tags = eligibility_tags(programme)
        if tags and not person.occupation_tags.filter(id__in=tags).exists():
            return _("Does not hold an occupation tag this programme is for.")
        if programme.employment_forms and person.employment_form not in programme.employment_forms:
            return _("Their employment form is not one this programme is for.")
    return None


def enrol(
    *,
    actor: User,
    programme: Programme,
    people: list[Person],
    source: str = EnrolmentSource.STAFF,
    client_address: str = "",
) -> tuple[int, dict[int, str]]:
    """Add eligible workers (by staff, or a roster's rows). Returns (added, {person id: why not})."""
    _require_manage(actor, programme)
    refused: dict[int, str] = {}
    added = 0
    with transaction.atomic():
        for person in people:
            reason = enrolment_refusal(programme, person)
            if reason:
                refused[person.pk] = reason
                continue
            _enrolment, created = Enrolment.objects.get_or_create(
                programme=programme, person=person, defaults={"source": source, "added_by": actor}
            )
            added += int(created)
        if added:
            audit_record(
                action=AuditAction.BREAKFAST_ENROL,
                actor=actor,
                obj=programme,
                client_address=client_address,
                data={"added": added, "source": source},
            )
    return added, refused


# --- Meals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    meal: Meal
    name: str
    shop: str


def meal_record(*, actor: User, card_token: str, client_address: str = "") -> Served:
    """The shop's clerk verifies a worker's card (its QR content, or its number and code typed: a
    wrong typed code counts against the clerk, members.services.cards) and records their breakfast.
    Refuses (409, with ``code``): ``card_expired``, ``card_revoked``, ``card_forged``,
    ``shop_not_in_programme``, ``not_enrolled``, ``already_served``; 429 ``throttled`` after too
    many wrong typed codes."""
    clerk = require_clerk(actor)
    token = str(card_token or "").strip()
    if not token or len(token) > 1000:
        raise Refused("card_forged", _("Scan the worker's e-member card."), status=422)
    check = card_verify(token=token, actor=actor)
    if check.result != "valid" or check.membership is None:
        messages = {
            "expired": _("This card's code has expired: ask the worker to refresh the card page."),
            "revoked": _("This membership card is no longer valid."),
            "forged": _("This is not a valid member card."),
        }
        raise Refused(f"card_{check.result}", messages.get(check.result, messages["forged"]))
    person = check.membership.person
    today = timezone.localdate()
    with scopes_disabled():
        shops = list(
            ProgrammeShop.objects.select_related("programme")
            .filter(
                merchant_id=clerk.merchant_id,
                active=True,
                programme__active=True,
                programme__starts_on__lte=today,
            )
            .filter(Q(programme__ends_on__isnull=True) | Q(programme__ends_on__gte=today))
        )
        if not shops:
            raise Refused(
                "shop_not_in_programme", _("This shop does not take part in a running breakfast programme.")
            )
        enrolled = set(
            Enrolment.objects.filter(person=person, programme__in=[s.programme for s in shops]).values_list(
                "programme_id", flat=True
            )
        )
    shop = next((s for s in shops if s.programme_id in enrolled), None)
    if shop is None:
        raise Refused("not_enrolled", _("This worker is not in the breakfast programme of this shop."))
    now = timezone.now()
    try:
        with transaction.atomic(), scopes_disabled():
            meal = Meal.objects.create(
                programme=shop.programme,
                shop=shop,
                person=person,
                served_on=today,
                served_at=now,
                clerk=actor,
                price=shop.price,
            )
            LedgerEntry.objects.create(
                programme=shop.programme,
                posted_at=now,
                debit=LedgerAccount.MEALS,
                credit=LedgerAccount.POOL,
                amount=shop.price,
                memo=shop.merchant.name[:300],
                meal=meal,
            )
    except IntegrityError:
        with scopes_disabled():
            earlier = (
                Meal.objects.select_related("shop__merchant").filter(person=person, served_on=today).first()
            )
        where = earlier.shop.merchant.name if earlier else ""
        when = timezone.localtime(earlier.served_at).strftime("%H:%M") if earlier else ""
        raise Refused(
            "already_served",
            _("This worker has already had today's breakfast (%(when)s, %(shop)s).")
            % {"when": when, "shop": where},
        ) from None
    return Served(meal=meal, name=person.name_masked, shop=shop.merchant.name)


# --- The pool ------------------------------------------------------------------------------------


def funding_record(
    *, actor: User, programme: Programme, source: str, amount, memo: str = "", client_address: str = ""
) -> LedgerEntry:
    """Government money or a merchant's discount paid into the pool (donations: ``donation_record``)."""
    _require_manage(actor, programme)
    if source not in (LedgerAccount.GOVERNMENT, LedgerAccount.MERCHANT_DISCOUNTS):
        raise field_error("source", _("Choose government funding or a merchant discount."))
    value = amount_clean(amount, field="amount")
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            programme=programme,
            posted_at=timezone.now(),
            debit=LedgerAccount.POOL,
            credit=source,
            amount=value,
            memo=(memo or "").strip()[:300],
            created_by=actor,
        )
        audit_record(
            action=AuditAction.BREAKFAST_FUNDING,
            actor=actor,
            obj=programme,
            client_address=client_address,
            data={"source": source, "amount": str(value)},
        )
    return entry


def donation_record(
    *,
    actor: User,
    programme: Programme,
    donor: str,
    amount,
    received_on: date | None = None,
    donor_contact: str = "",
    client_address: str = "",
) -> Donation:
    """A donation into the pool, with its acknowledgement number (the donor's receipt)."""
    _require_manage(actor, programme)
    donor = (donor or "").strip()
    errors: dict[str, list[str]] = {}
    if not donor:
        errors["donor"] = [_("Enter the donor's name.")]
    elif len(donor) > 200:
        errors["donor"] = [_("At most 200 characters.")]
    try:
        value = amount_clean(amount, field="amount")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The day received cannot be in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        # The acknowledgement number's random part is checked free first (the unique index has
        # the last word).
        number = f"JZ{received_on:%Y%m}-{secrets.token_hex(4).upper()}"
        while _number_taken(number):
            number = f"JZ{received_on:%Y%m}-{secrets.token_hex(4).upper()}"
        donation = Donation.objects.create(
            programme=programme,
            donor=donor,
            donor_contact=(donor_contact or "").strip()[:100],
            amount=value,
            received_on=received_on,
            number=number,
        )
        LedgerEntry.objects.create(
            programme=programme,
            posted_at=timezone.now(),
            debit=LedgerAccount.POOL,
            credit=LedgerAccount.DONATIONS,
            amount=value,
            memo=donor[:300],
            donation=donation,
            created_by=actor,
        )
        audit_record(
            action=AuditAction.BREAKFAST_DONATION,
            actor=actor,
            obj=programme,
            client_address=client_address,
            data={"amount": str(value), "number": donation.number},
        )
    return donation


def _number_taken(number: str) -> bool:
    with scopes_disabled():
        return Donation.objects.filter(number=number).exists()


@dataclass(frozen=True)
class PoolState:
    balance: Decimal
    by_source: dict[str, Decimal]
    spent: Decimal
    daily_rate: Decimal  # meals' cost per day over the last RATE_DAYS days
    days_left: int | None  # None when no meal was served lately
    warning: bool


def pool_state(*, programme: Programme, today: date | None = None) -> PoolState:
    today = today or timezone.localdate()
    with scopes_disabled():
        entries = LedgerEntry.objects.filter(programme=programme)
        debits = dict(entries.values_list("debit").annotate(s=Sum("amount")).values_list("debit", "s"))
        credits = dict(entries.values_list("credit").annotate(s=Sum("amount")).values_list("credit", "s"))
        recent = Meal.objects.filter(
            programme=programme, served_on__gt=today - timedelta(days=RATE_DAYS), served_on__lte=today
        ).aggregate(s=Sum("price"))["s"] or Decimal(0)
    zero = Decimal("0.00")
    balance = (debits.get(LedgerAccount.POOL, zero) - credits.get(LedgerAccount.POOL, zero)).quantize(
        Decimal("0.01")
    )
    by_source = {str(s): credits.get(s, zero) for s in FUNDING_SOURCES}
    rate = (recent / RATE_DAYS).quantize(Decimal("0.01"))
    days_left = int(balance / rate) if rate > 0 else None
    warning = balance <= 0 or (days_left is not None and days_left < programme.warn_days)
    return PoolState(balance, by_source, debits.get(LedgerAccount.MEALS, zero), rate, days_left, warning)
