"""The e-member card: a short-lived signed token for its QR code, and verifying a card shown to staff.
A token stops verifying as soon as the membership's ``card_version`` moves (membership_transition)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from smartunion.core.errors import Conflict, Forbidden
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus
from smartunion.members.policies import can_verify_card

CARD_SALT = "smartunion.members.card"


@dataclass(frozen=True)
class CardCheck:
    result: str  # valid | expired | revoked | forged
    membership: Membership | None = None


def card_token(*, membership: Membership) -> str:
    """A short-lived signed token for the card's QR code; the card page refreshes it."""
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(_("Only an active membership has a card."))
    return signing.dumps({"m": membership.pk, "v": membership.card_version}, salt=CARD_SALT, compress=True)


def card_verify(*, token: str) -> CardCheck:
    try:
        payload = signing.loads(token, salt=CARD_SALT, max_age=settings.CARD_TOKEN_TTL_SECONDS)
    except signing.SignatureExpired:
        return CardCheck("expired")
    except signing.BadSignature:
        return CardCheck("forged")
    with scopes_disabled():
        membership = Membership.objects.select_related("person", "org").filter(pk=payload.get("m")).first()
    if membership is None:
        return CardCheck("forged")
    if membership.status != MembershipStatus.ACTIVE or membership.card_version != payload.get("v"):
        return CardCheck("revoked")
    return CardCheck("valid", membership)


def card_check(*, actor, token: str) -> CardCheck:
    """A staff member verifies a card shown to them: merchant clerks (``benefits.redeem``), union
    staff (``members.view``). Cards are shown across the federation, so the flag may be held
    anywhere; the answer reveals only what the card shows."""
    if not can_verify_card(actor):
        raise Forbidden(_("You may not verify member cards."))
    return card_verify(token=token)
