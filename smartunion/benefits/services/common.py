"""What every benefits service shares: refusals with a reason code, amounts, codes."""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from smartunion.benefits.models import MAX_MONEY
from smartunion.core.errors import DomainError, field_error
from smartunion.labourlaw.inputs import parse_number

# Voucher codes: no 0/O, 1/I/L, so a clerk can type what they read. 31^10 ≈ 8 × 10^14 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


class Refused(DomainError):
    """A claim, a redemption or a meal refused for a reason the member or clerk must read; ``code``
    names the reason for programs (``sold_out``, ``limit_reached``, ``used``, ...)."""

    status = 409

    def __init__(self, code: str, message: str, *, status: int = 409, data: dict | None = None):
        super().__init__(message)
        self.code = code
        self.status = status
        self.data = data or {}


def amount_clean(value, *, field: str) -> Decimal:
    """A positive yuan amount with at most two decimals (the ledger refuses anything else)."""
    try:
        amount = parse_number(value, maximum=MAX_MONEY)
    except ValueError as exc:
        raise field_error(field, str(exc)) from None
    if amount <= 0:
        raise field_error(field, _("The amount must be more than zero."))
    return amount


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a clerk typed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in str(value).upper() if ch not in " -\t")


def format_code(code: str) -> str:
    """ABCDE-FGHJK: how a code is shown and read out."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code
