"""The e-member card: a short-lived signed token for its QR code, a short rotating code to type where
no camera can read the QR code, and verifying a card shown to staff. Both stop verifying as soon as
the membership's ``card_version`` moves (membership_transition).

The typed form is the membership number and a 6-digit code, like an authenticator's: an HMAC (key
derived from SECRET_KEY) over the membership, its ``card_version`` and the current window of
``CARD_CODE_WINDOW_SECONDS``. The current and the previous window's codes are accepted. A guess has
two chances in a million, so every wrong typed code counts against the staff member who typed it
(``CARD_CODE_FAILURE_LIMIT`` per ``CARD_CODE_FAILURE_WINDOW_SECONDS``), and over the limit typed
codes are refused unchecked."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core.codes import normalise_input
from smartunion.core.errors import Conflict, Forbidden, Throttled
from smartunion.core.ratelimit import database_window_full, database_window_hit
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus
from smartunion.members.policies import can_verify_card

CARD_SALT = "smartunion.members.card"
CARD_CODE_SALT = "smartunion.members.card.code"
CARD_CODE_DIGITS = 6
# A right code of an earlier window reads "expired" rather than "forged" for this many windows (a
# day of two-minute windows): yesterday's screenshot is told apart from a guess.
CARD_CODE_EXPIRED_WINDOWS = 720
# The membership number (digits, as allocate_membership_numbers makes them) then the code.
_TYPED_RE = re.compile(r"^([0-9]{1,20})([0-9]{6})$")


@dataclass(frozen=True)
class CardCheck:
    result: str  # valid | expired | revoked | forged
    membership: Membership | None = None


def card_token(*, membership: Membership) -> str:
    """A short-lived signed token for the card's QR code; the card page refreshes it."""
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(_("Only an active membership has a card."))
    return signing.dumps({"m": membership.pk, "v": membership.card_version}, salt=CARD_SALT, compress=True)


def _code_window() -> int:
    return int(timezone.now().timestamp()) // settings.CARD_CODE_WINDOW_SECONDS


def _code_for(key: bytes, membership_id: int, version: int, window: int) -> str:
    message = f"{membership_id}:{version}:{window}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CARD_CODE_DIGITS:0{CARD_CODE_DIGITS}d}"


def _code_key() -> bytes:
    # As django.utils.crypto.salted_hmac derives its key, computed once per check (not per window).
    return hashlib.sha256((CARD_CODE_SALT + settings.SECRET_KEY).encode()).digest()


def card_code(*, membership: Membership) -> str:
    """The card's 6-digit code for the current window; typed after the membership number."""
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(_("Only an active membership has a card."))
    return _code_for(_code_key(), membership.pk, membership.card_version, _code_window())


def typed_card_code(text: str) -> tuple[str, str] | None:
    """``(number, code)`` if ``text`` is a card's typed form — the membership number and the code,
    with or without spaces, in full-width digits too — else None."""
    compact = "".join(normalise_input(str(text or "")).split()).replace("-", "")
    match = _TYPED_RE.match(compact)
    return (match.group(1), match.group(2)) if match else None


def _code_result(membership: Membership | None, code: str) -> str:
    if membership is None:
        return "forged"
    key = _code_key()
    now = _code_window()
    current = membership.card_version
    for version in (current, current - 1):
        if version < 1:
            continue
        for window in range(now, now - CARD_CODE_EXPIRED_WINDOWS, -1):
            if constant_time_compare(code, _code_for(key, membership.pk, version, window)):
                if version != current or membership.status != MembershipStatus.ACTIVE:
                    return "revoked"
                return "valid" if window >= now - 1 else "expired"
    return "forged"


def _code_verify(number: str, code: str, actor: User | None) -> CardCheck:
    limit_key = f"card-code-failures:{actor.pk}" if actor is not None else ""
    window = settings.CARD_CODE_FAILURE_WINDOW_SECONDS
    if limit_key and database_window_full(
        key=limit_key, limit=settings.CARD_CODE_FAILURE_LIMIT, window_seconds=window
    ):
        raise Throttled(
            _("Too many wrong card codes: scan the QR code, or try typing again in %(minutes)d minutes.")
            % {"minutes": max(1, window // 60)},
            retry_after=window,
        )
    with scopes_disabled():
        membership = Membership.objects.select_related("person", "org").filter(number=number).first()
    result = _code_result(membership, code)
    if result != "valid":
        if limit_key:
            database_window_hit(key=limit_key, limit=settings.CARD_CODE_FAILURE_LIMIT, window_seconds=window)
        return CardCheck(result)
    return CardCheck("valid", membership)


def card_verify(*, token: str, actor: User | None = None) -> CardCheck:
    """A card's QR content (the signed token) or its typed form (number and code). ``actor``, the
    staff member checking, has each wrong typed code counted against them (module docstring)."""
    typed = typed_card_code(token)
    if typed is not None:
        return _code_verify(*typed, actor=actor)
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


def card_check(*, actor: User, token: str) -> CardCheck:
    """A staff member verifies a card shown to them: merchant clerks (``benefits.redeem``), union
    staff (``members.view``). Cards are shown across the federation, so the flag may be held
    anywhere; the answer reveals only what the card shows."""
    if not can_verify_card(actor):
        raise Forbidden(_("You may not verify member cards."))
    return card_verify(token=token, actor=actor)
