"""Use at the merchant: the member shows a voucher's QR code (a short-lived signed token, refreshed
by the voucher page) or reads out its short code; the clerk scans or types it. A voucher is used
exactly once: the use is one conditional ``UPDATE ... WHERE used_at IS NULL``, so of two clerks
scanning at the same moment one succeeds and the other is told it was just used."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.benefits.models import MerchantClerk, Voucher
from smartunion.benefits.policies import clerk_of
from smartunion.benefits.services.common import Refused, format_code, normalise_code
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden
from smartunion.core.scoping import scopes_disabled

VOUCHER_SALT = "smartunion.benefits.voucher"
MAX_CODE_INPUT = 500


def voucher_token(*, voucher: Voucher) -> str:
    """What the voucher's QR code holds: its id and code, signed, valid for a minute or two."""
    return "V:" + signing.dumps({"v": voucher.pk, "c": voucher.code}, salt=VOUCHER_SALT, compress=True)


def require_clerk(user: User) -> MerchantClerk:
    clerk = clerk_of(user)
    if clerk is None:
        raise Forbidden(_("Only a merchant's clerk may verify vouchers and cards."))
    if not clerk.merchant.active:
        raise Forbidden(_("Your merchant no longer takes part in member benefits."))
    return clerk


def _find(text: str) -> Voucher:
    text = str(text or "").strip()
    if not text or len(text) > MAX_CODE_INPUT:
        raise Refused("unknown", _("Enter the voucher's code or scan its QR code."), status=422)
    if text.startswith("V:"):
        try:
            payload = signing.loads(text[2:], salt=VOUCHER_SALT, max_age=settings.VOUCHER_TOKEN_TTL_SECONDS)
        except signing.SignatureExpired:
            raise Refused(
                "qr_expired", _("This QR code has expired: ask the member to refresh the voucher page.")
            ) from None
        except signing.BadSignature:
            raise Refused("forged", _("This is not a valid voucher code.")) from None
        with scopes_disabled():
            voucher = Voucher.objects.filter(pk=payload.get("v"), code=payload.get("c")).first()
    else:
        with scopes_disabled():
            voucher = Voucher.objects.filter(code=normalise_code(text)).first()
    if voucher is None or voucher.holder_id is None:
        raise Refused("forged", _("There is no voucher with this code. Check it and try again."))
    return voucher


@dataclass(frozen=True)
class Redeemed:
    voucher: Voucher
    campaign_title: str
    face_value: str
    holder_name: str


def voucher_redeem(*, actor: User, code: str, client_address: str = "") -> Redeemed:
    """The clerk uses the voucher at their merchant. Refuses (409, with ``code``): ``forged`` (no
    such voucher), ``qr_expired``, ``other_merchant``, ``not_yet_valid``, ``expired``, ``used``."""
    clerk = require_clerk(actor)
    voucher = _find(code)
    with scopes_disabled():
        voucher = Voucher.objects.select_related("campaign", "campaign__merchant", "holder").get(
            pk=voucher.pk
        )
    campaign = voucher.campaign
    if campaign.merchant_id != clerk.merchant_id:
        # Not who it is for: a clerk trying codes learns nothing of other merchants.
        raise Refused("other_merchant", _("This voucher cannot be used at this merchant."))
    today = timezone.localdate()
    if today < campaign.valid_from:
        raise Refused(
            "not_yet_valid",
            _("This voucher can be used from %(day)s.") % {"day": campaign.valid_from.isoformat()},
        )
    if today > campaign.valid_until:
        raise Refused(
            "expired", _("This voucher expired on %(day)s.") % {"day": campaign.valid_until.isoformat()}
        )
    now = timezone.now()
    with transaction.atomic(), scopes_disabled():
        taken = Voucher.objects.filter(pk=voucher.pk, used_at__isnull=True).update(
            used_at=now, used_by=actor, used_store=clerk.store
        )
        if taken:
            audit_record(
                action=AuditAction.VOUCHER_REDEEM,
                actor=actor,
                obj=voucher,
                org=campaign.merchant.org,
                client_address=client_address,
                data={"code": format_code(voucher.code)},
            )
    if not taken:
        with scopes_disabled():
            used_at = Voucher.objects.values_list("used_at", flat=True).get(pk=voucher.pk)
        when = timezone.localtime(used_at).strftime("%Y-%m-%d %H:%M") if used_at else ""
        raise Refused("used", _("This voucher was already used (%(when)s).") % {"when": when})
    voucher.used_at, voucher.used_by, voucher.used_store = now, actor, clerk.store
    holder = getattr(voucher.holder, "person", None)
    return Redeemed(
        voucher=voucher,
        campaign_title=campaign.title,
        face_value=f"{campaign.face_value:.2f}",
        holder_name=holder.name_masked if holder is not None else "",
    )
