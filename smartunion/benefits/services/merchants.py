"""Merchants, their stores, agreements and clerks; the service catalogue; breakfast programmes.
Staff with ``benefits.manage`` on the node do all of it in their subtree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.accounts.permissions import has_perm
from smartunion.benefits.models import (
    Agreement,
    Merchant,
    MerchantClerk,
    MerchantKind,
    Programme,
    Service,
    ServiceCategory,
    Store,
)
from smartunion.benefits.policies import can_manage_benefits
from smartunion.benefits.services.eligibility import eligibility_clean, eligibility_save
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.labourlaw.inputs import parse_number
from smartunion.orgs.models import Org


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def __call__(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def text(self, field: str, value, *, limit: int, required: bool = True) -> str:
        text = (value or "").strip()
        if required and not text:
            self(field, _("This field is required."))
        elif len(text) > limit:
            self(field, _("At most %(limit)s characters.") % {"limit": limit})
        return text[:limit]

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


def _create_or_update(model, obj, values: dict):
    """A new row of ``model`` with ``values``, or ``obj`` with them set and saved."""
    if obj is None:
        return model.objects.create(**values)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    return obj


def _require_manage(actor: User, org: Org) -> None:
    if not can_manage_benefits(actor, org):
        raise Forbidden(_("You may not manage benefits here."))


def merchant_save(
    *,
    actor: User,
    org: Org,
    name: str,
    kind: str,
    credit_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    active: bool = True,
    merchant: Merchant | None = None,
    client_address: str = "",
) -> Merchant:
    """Register a merchant under ``org`` (or edit ``merchant``)."""
    _require_manage(actor, org)
    if merchant is not None:
        _require_manage(actor, merchant.org)
    err = _Errors()
    name = err.text("name", name, limit=200)
    if kind not in MerchantKind.values:
        err("kind", _("Choose the kind of merchant."))
    credit_code = err.text("credit_code", credit_code, limit=18, required=False).upper()
    if credit_code and len(credit_code) != 18:
        err("credit_code", _("A unified social credit code has 18 characters."))
    contact_name = err.text("contact_name", contact_name, limit=100, required=False)
    contact_phone = err.text("contact_phone", contact_phone, limit=30, required=False)
    err.raise_any()
    values = {
        "org": org,
        "name": name,
        "kind": kind,
        "credit_code": credit_code,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "active": active,
    }
    try:
        with transaction.atomic():
            created = merchant is None
            merchant = _create_or_update(Merchant, merchant, values)
            if created:
                audit_record(
                    action=AuditAction.MERCHANT_CREATE,
                    actor=actor,
                    obj=merchant,
                    client_address=client_address,
                )
            else:
                audit_record(
                    action=AuditAction.MERCHANT_UPDATE,
                    actor=actor,
                    obj=merchant,
                    client_address=client_address,
                )
    except IntegrityError:
        raise ValidationFailed(
            fields={"name": [_("A merchant with this name is already registered here.")]}
        ) from None
    return merchant


def store_add(
    *,
    actor: User,
    merchant: Merchant,
    name: str,
    address: str,
    division_code: str = "",
    latitude=None,
    longitude=None,
) -> Store:
    _require_manage(actor, merchant.org)
    err = _Errors()
    name = err.text("name", name, limit=200)
    address = err.text("address", address, limit=300)
    division_code = err.text("division_code", division_code, limit=12, required=False)
    if division_code and not (
        division_code.isascii() and division_code.isdigit() and len(division_code) in (6, 9, 12)
    ):
        err("division_code", _("A division code has 6, 9 or 12 digits."))
    coordinates: dict[str, Decimal | None] = {}
    for field, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value in (None, ""):
            coordinates[field] = None
            continue
        try:
            number = Decimal(str(value).strip())
            if not number.is_finite() or abs(number) > limit:
                raise ValueError
            coordinates[field] = number.quantize(Decimal("0.000001"))
        except (ArithmeticError, ValueError):
            err(field, _("Enter a number from -%(limit)s to %(limit)s.") % {"limit": limit})
    err.raise_any()
    return Store.objects.create(
        merchant=merchant, name=name, address=address, division_code=division_code, **coordinates
    )


def agreement_add(
    *,
    actor: User,
    merchant: Merchant,
    signed_on: date | None,
    starts_on: date | None,
    ends_on: date | None,
    discount_percent,
    settlement_terms: str = "",
    client_address: str = "",
) -> Agreement:
    _require_manage(actor, merchant.org)
    err = _Errors()
    for field, value in (("signed_on", signed_on), ("starts_on", starts_on), ("ends_on", ends_on)):
        if value is None:
            err(field, _("Enter a date."))
    if starts_on and ends_on and ends_on < starts_on:
        err("ends_on", _("The agreement cannot end before it starts."))
    discount = None
    try:
        discount = parse_number(discount_percent, maximum=Decimal(100))
    except ValueError as exc:
        err("discount_percent", str(exc))
    terms = err.text("settlement_terms", settlement_terms, limit=2000, required=False)
    err.raise_any()
    assert signed_on and starts_on and ends_on and discount is not None
    with transaction.atomic():
        agreement = Agreement.objects.create(
            merchant=merchant,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            discount_percent=discount,
            settlement_terms=terms,
        )
        audit_record(
            action=AuditAction.MERCHANT_AGREEMENT,
            actor=actor,
            obj=merchant,
            client_address=client_address,
            data={"discount_percent": str(discount), "starts_on": str(starts_on), "ends_on": str(ends_on)},
        )
    return agreement


def clerk_link(
    *, actor: User, merchant: Merchant, user: User, store: Store | None = None, client_address: str = ""
) -> MerchantClerk:
    """Make a staff account holding the merchant clerk's role (``benefits.redeem``) a clerk of
    ``merchant``; a clerk works for one merchant at a time."""
    _require_manage(actor, merchant.org)
    if not has_perm(user, "benefits.redeem"):
        raise ValidationFailed(fields={"user": [_("Grant this account the merchant clerk's role first.")]})
    if store is not None and store.merchant_id != merchant.pk:
        raise ValidationFailed(fields={"store": [_("This store belongs to another merchant.")]})
    with transaction.atomic(), scopes_disabled():
        clerk, _created = MerchantClerk.objects.update_or_create(
            user=user, defaults={"merchant": merchant, "store": store}
        )
        audit_record(
            action=AuditAction.MERCHANT_CLERK,
            actor=actor,
            obj=merchant,
            client_address=client_address,
            data={"user": user.pk},
        )
    return clerk


def service_save(
    *,
    actor: User,
    org: Org,
    merchant: Merchant,
    category: ServiceCategory,
    title: str,
    benefit: str,
    available_from: date | None,
    available_until: date | None = None,
    description: str = "",
    member_price=None,
    employment_forms: list[str] | None = None,
    occupation_tags: list | None = None,
    published: bool = True,
    picture=None,
    service: Service | None = None,
    client_address: str = "",
) -> Service:
    """Publish a service in the catalogue for members of ``org``'s subtree (or edit ``service``).
    ``picture``: an uploaded image the end has checked (format, size); None keeps the current one."""
    _require_manage(actor, org)
    if service is not None:
        _require_manage(actor, service.org)
    err = _Errors()
    title = err.text("title", title, limit=200)
    benefit = err.text("benefit", benefit, limit=200)
    description = err.text("description", description, limit=5000, required=False)
    price = None
    if member_price not in (None, ""):
        try:
            price = parse_number(member_price, maximum=Decimal(1_000_000))
        except ValueError as exc:
            err("member_price", str(exc))
    if available_from is None:
        err("available_from", _("Enter the first day it is available."))
    if available_from and available_until and available_until < available_from:
        err("available_until", _("It cannot end before it starts."))
    eligibility = eligibility_clean(
        employment_forms=employment_forms or [], occupation_tags=occupation_tags or [], err=err
    )
    err.raise_any()
    tags = eligibility.pop("occupation_tags")
    values = {
        "org": org,
        "merchant": merchant,
        "category": category,
        "title": title,
        "benefit": benefit,
        "description": description,
        "member_price": price,
        "available_from": available_from,
        "available_until": available_until,
        "published": published,
        **eligibility,
    }
    with transaction.atomic():
        service = _create_or_update(Service, service, values)
        if picture is not None:
            service.picture.save(picture.name, picture, save=False)
            service.save(update_fields=["picture"])
        eligibility_save(service, tags)
        audit_record(action=AuditAction.SERVICE_SAVE, actor=actor, obj=service, client_address=client_address)
    return service


def programme_save(
    *,
    actor: User,
    org: Org,
    name: str,
    starts_on: date | None,
    ends_on: date | None = None,
    warn_days=14,
    occupation_tags: list | None = None,
    employment_forms: list[str] | None = None,
    active: bool = True,
    programme: Programme | None = None,
    client_address: str = "",
) -> Programme:
    """A love-breakfast programme run by ``org`` for its subtree (or edit ``programme``)."""
    _require_manage(actor, org)
    if programme is not None:
        _require_manage(actor, programme.org)
    err = _Errors()
    name = err.text("name", name, limit=200)
    if starts_on is None:
        err("starts_on", _("Enter the first day of the programme."))
    if starts_on and ends_on and ends_on < starts_on:
        err("ends_on", _("The programme cannot end before it starts."))
    try:
        warn = int(str(warn_days).strip())
        if not 0 <= warn <= 365:
            raise ValueError
    except ValueError:
        err("warn_days", _("Enter a number of days from 0 to 365."))
        warn = 14
    eligibility = eligibility_clean(
        employment_forms=employment_forms or [], occupation_tags=occupation_tags or [], err=err
    )
    err.raise_any()
    tags = eligibility.pop("occupation_tags")
    values = {
        "org": org,
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "warn_days": warn,
        "active": active,
        **eligibility,
    }
    with transaction.atomic():
        programme = _create_or_update(Programme, programme, values)
        eligibility_save(programme, tags)
        audit_record(
            action=AuditAction.BREAKFAST_PROGRAMME, actor=actor, obj=programme, client_address=client_address
        )
    return programme
