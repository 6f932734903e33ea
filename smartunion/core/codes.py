"""Validators for the national codes the product relies on. Each returns the normalised value or
raises ValidationFailed on the field it was given."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
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


# What a number copied from a spreadsheet, a chat or a web page carries besides its digits: zero-width
# characters and the byte-order mark (U+FEFF), and Excel's text marker, a leading apostrophe.
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_TEXT_MARKERS = "'\u2018\u2019`"


def describe_character(character: str) -> str:
    """A character as a message shows it: “。” (U+3002); an invisible one by its code point only."""
    code = f"U+{ord(character):04X}"
    if not character.isprintable() or character.isspace():
        return code
    return f"“{character}”" if character.isascii() else f"“{character}” ({code})"


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


# GB 11643: resident ID number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_char(first17: str) -> str:
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("The check character is computed from 17 digits.")
    # The weights are 2**(17 - i) mod 11 (i from 0) and 13 = 2 (mod 11), so the weighted sum is congruent to
    # twice the digits read in base 13: one int() instead of 17 multiplications (a 100,000-row roster
    # import checks 100,000 of these). _ID_WEIGHTS states the rule; the tests hold the two equal.
    return _ID_CHECK[2 * int(first17, 13) % 11]


def normalise_id_number(value: str) -> str:
    """An ID number as people paste it: full-width digits and ｘ (NFKC), spaces anywhere, zero-width
    characters, a byte-order mark, a leading apostrophe (Excel's text marker); x as X."""
    value = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", value or ""))
    return "".join(value.split()).lstrip(_TEXT_MARKERS).upper()


def id_number_error(value: str, *, today: date | None = None) -> str | None:
    # 17 ASCII digits, then a digit or X; str methods take a third of a regex's time (a roster import
    # checks 100,000 numbers).
    if not (len(value) == 18 and value.isascii() and value[:17].isdigit() and value[17] in "0123456789X"):
        for position, character in enumerate(value):
            if not ("0" <= character <= "9" or (character == "X" and position == 17)):
                return _("An ID number has 17 digits and a check digit or X; it cannot contain %(char)s.") % {
                    "char": describe_character(character)
                }
        return _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(value)}
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("The birth date in this ID number does not exist.")
    if birth > (today or timezone.localdate()) or birth.year < 1900:
        return _("The birth date in this ID number is impossible.")
    if id_number_check_char(value[:17]) != value[17]:
        return _("The check character is wrong: this ID number was mistyped.")
    return None


def validate_id_number(value: str, *, field: str = "id_number") -> str:
    value = normalise_id_number(value)
    error = id_number_error(value)
    if error:
        raise field_error(field, error)
    return value


_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_mobile(value: str) -> str:
    """A mobile as people write it: full-width digits, spaces, dots, dashes of every kind (en and
    em dashes too), brackets, zero-width characters, a leading apostrophe, and the country code as
    +86, (+86), 0086 or 86 in front. What is left is judged by ``mobile_error``."""
    value = _PHONE_SEPARATORS.sub("", _ZERO_WIDTH.sub("", normalise_input(value))).lstrip(_TEXT_MARKERS)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            return value[len(prefix) :]
    if len(value) == 13 and value.startswith("86"):
        return value[2:]
    return value


def is_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.match(normalise_mobile(value)))


def mobile_error(value: str) -> str | None:
    """Why a normalised mobile is refused, naming a character that has no place in it; None if valid."""
    if _MOBILE_RE.match(value):
        return None
    for character in value:
        if not "0" <= character <= "9":
            return _("A mainland mobile number has 11 digits; it cannot contain %(char)s.") % {
                "char": describe_character(character)
            }
    return _("A mainland mobile number has 11 digits and starts with 13 to 19.")


def validate_mobile(value: str, *, field: str = "mobile") -> str:
    value = normalise_mobile(value)
    error = mobile_error(value)
    if error:
        raise field_error(field, error)
    return value


def mask_mobile(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else "****"


def mask_id_number(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else "****"


# GB/T 4754-2017 sections.
INDUSTRY_SECTIONS = "ABCDEFGHIJKLMNOPQRST"


# A contact phone as people write it: separators of every kind, and the country code as +86, (+86),
# 0086 or 86 in front.
_PHONE_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—―()（）/]")
_PHONE_RUN = re.compile(r"[+(（]?\d[\d\s.\-‐‑‒–—―()（）]*\d")


def contact_mobile(value: str) -> str | None:
    """The 11-digit mainland mobile a contact phone field holds (``0086 138 0013 0008``,
    ``138.0013.0007``, ``+86-138-0013-0008``), or None when it holds something else (an office
    landline, an extension, two numbers)."""
    mobile = normalise_mobile(value)
    return mobile if _MOBILE_RE.match(mobile) else None


def normalise_contact_phone(value: str) -> str:
    """A contact phone as stored: a mobile as its 11 digits, anything else (an office landline)
    as entered, without surrounding spaces."""
    value = (value or "").strip()
    return contact_mobile(value) or value


def mask_phone(value: str) -> str:
    """A contact phone as staff pages, the join page and the API show it: a mobile number masked
    (139****0001), also inside a longer entry; an office landline as entered."""
    if not value:
        return value
    mobile = contact_mobile(value)
    if mobile is not None:
        return mask_mobile(mobile)
    return _PHONE_RUN.sub(_mask_mobile_run, value)


def _mask_mobile_run(run: re.Match) -> str:
    mobile = contact_mobile(run[0])
    return mask_mobile(mobile) if mobile else run[0]
