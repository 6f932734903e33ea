"""Validators for the national codes of organisations the product relies on: the division code
(GB/T 2260), the unified social credit code (GB 32100) and the industry sections (GB/T 4754). Each
validator returns the normalised value or raises ValidationFailed on the field it was given. A
person's particulars (name, ID number, mobile) have their rules in core.personal."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from smartunion.core.errors import field_error

# GB/T 2260: the first two digits name the province-level division.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_DIVISION_RE = re.compile(r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$")


def normalise_input(value: str) -> str:
    """Full-width digits and letters typed with a Chinese input method become ASCII (NFKC);
    surrounding spaces go. Validators then accept only ASCII digits."""
    return unicodedata.normalize("NFKC", value or "").strip()


def division_code_error(value: str) -> str | None:
    """GB/T 2260 division code: 6 digits (province/city/county), or 9/12 for streets and townships."""
    if not _DIVISION_RE.match(value):
        return _("A division code has 6 digits (9 or 12 for streets and townships).")
    if value[:2] not in PROVINCE_PREFIXES:
        return _("%(prefix)s is not a province-level division code.") % {"prefix": value[:2]}
    return None


def validate_division_code(value: str, *, field: str = "region_code") -> str:
    value = normalise_input(value)
    error = division_code_error(value)
    if error:
        raise field_error(field, error)
    return value


# GB 32100-2015: unified social credit code.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_CODE_CHARS)}


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    if len(value) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(value)}
    bad = sorted({c for c in value if c not in _CREDIT_VALUE})
    if bad:
        return _("A unified social credit code cannot contain %(chars)s.") % {"chars": " ".join(bad)}
    if division_code_error(value[2:8]):
        return _("Characters 3 to 8 must be the registering division code.")
    if credit_code_check_char(value[:17]) != value[17]:
        return _("The check character is wrong: this code was mistyped.")
    return None


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    value = normalise_input(value).upper()
    error = credit_code_error(value)
    if error:
        raise field_error(field, error)
    return value


# GB/T 4754-2017 sections.
INDUSTRY_SECTIONS = "ABCDEFGHIJKLMNOPQRST"
