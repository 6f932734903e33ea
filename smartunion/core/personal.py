"""The rules for a person's particulars, one home for each: the real name, the resident ID number
(GB 11643) and the birth date and sex it holds, the mainland mobile (also inside a contact phone),
their masks, and the blind indexes they are found by. Every way a person comes in uses them: the
roster import (members/roster/checking.py), the join form (mobile web and API), staff enrolment and
the member edit (all through members.services.clean_person_data), worker accounts
(accounts.services) and the demo seeders. tests/members/test_roster_checks.py holds the roster's
verdict equal to the join form's for any text.

Each ``*_clean`` returns (the value as stored, the reason it is refused or None) and takes the
common case (a plain name, 18 ASCII characters, 11 ASCII digits) without normalising it: the
roster import calls them once per row in its hot loop (decision 0007).

A name is taken as NFKC (full-width letters and spaces become plain ones), without surrounding
spaces and without the padding spaces clerks put between Chinese characters (张 三 is 张三). It is
refused when it starts like a spreadsheet formula, holds an invisible character or a line break,
holds a question mark (what a CSV saved in a legacy encoding puts for every character it could not
hold), or is longer than 100 characters.

An ID number or a mobile is taken as people paste it (full-width digits, spaces, zero-width
characters, Excel's leading apostrophe; for a mobile also separators and the +86 country code); a
value still refused is told the character that has no place in it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.core import crypto
from smartunion.core.codes import normalise_input
from smartunion.core.errors import field_error


def describe_character(character: str) -> str:
    """A character as a message shows it: “。” (U+3002); an invisible one by its code point only."""
    code = f"U+{ord(character):04X}"
    if not character.isprintable() or character.isspace():
        return code
    return f"“{character}”" if character.isascii() else f"“{character}” ({code})"


# --- the real name -------------------------------------------------------------------------------

NAME_MAX_LENGTH = 100
FORMULA_STARTS = "=+-@"
# The common name: Chinese characters, Latin letters, digits, the middle dot of transcribed names,
# none of them changed by NFKC. It is accepted as it is, without the character-by-character rules.
_PLAIN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9\u00b7]{1,100}")
# Characters a padding space between two of them is removed from (also around the middle dot).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f\u00b7\u30fb"
_PADDING = re.compile(f"(?<=[{_HAN}]) +(?=[{_HAN}])")
_SPACES = re.compile(" {2,}")
LOST_IN_ENCODING = "?\ufffd"


def real_name_clean(value: str) -> tuple[str, str | None]:
    """(the name as stored, the reason it is refused or None). A blank name, or one of invisible
    characters only, is ("", None): each caller says in its own words that the name is missing."""
    if _PLAIN_NAME.fullmatch(value):
        return value, None
    name = unicodedata.normalize("NFKC", value).strip(" ")
    if not any(unicodedata.category(c)[0] not in "CZ" for c in name):
        return "", None
    if name[0] in FORMULA_STARTS:
        return name, _("A name cannot start with = + - or @ (it would act as a spreadsheet formula).")
    for character in name:
        if character != " " and unicodedata.category(character)[0] in "CZ":
            return name, _(
                "A name cannot contain invisible characters or line breaks; this one has %(char)s."
            ) % {"char": describe_character(character)}
        if character in LOST_IN_ENCODING:
            return name, _(
                "A name cannot contain a question mark. In a roster it stands for characters the file lost "
                "when it was saved in an encoding that cannot hold them: save it as CSV UTF-8 or .xlsx."
            )
    name = _SPACES.sub(" ", _PADDING.sub("", name))
    if len(name) > NAME_MAX_LENGTH:
        return name, _("A name has at most 100 characters.")
    return name, None


# --- numbers as people paste them ------------------------------------------------------------------

# What a number copied from a spreadsheet, a chat or a web page carries besides its digits: zero-width
# characters and the byte-order mark (U+FEFF), and Excel's text marker, a leading apostrophe.
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_TEXT_MARKERS = "'\u2018\u2019`"


# --- the resident ID number (GB 11643) -------------------------------------------------------------

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
    """Why a normalised ID number is refused, naming a character that has no place in it; None if
    valid."""
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


def id_number_clean(value: str, *, today: date | None = None) -> tuple[str, str | None]:
    """(the ID number as stored, the reason it is refused or None). A blank one is ("", the reason
    an empty number is refused): a caller that says "required" asks for the value first."""
    if len(value) == 18 and value.isascii() and value.isalnum():
        value = value.upper()  # the common case, which normalise_id_number leaves as it is
    else:  # full-width digits, spaces, zero-width characters, Excel's leading '
        value = normalise_id_number(value)
    return value, id_number_error(value, today=today)


def validate_id_number(value: str, *, field: str = "id_number") -> str:
    value, error = id_number_clean(value)
    if error:
        raise field_error(field, error)
    return value


def mask_id_number(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else "****"


# --- the birth date and sex a valid ID number holds -------------------------------------------------

# members.models.Sex's values.
MALE, FEMALE = "M", "F"


def id_number_birth_date(id_number: str) -> date:
    """GB 11643: characters 7–14 of a valid ID number are the birth date."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_number_sex(id_number: str) -> str:
    """GB 11643: the 17th character is odd for men, even for women (also of the first 17 alone)."""
    return MALE if id_number[16] in "13579" else FEMALE


def birth_and_sex(id_number: str) -> tuple[date, str]:
    return id_number_birth_date(id_number), id_number_sex(id_number)


# --- the mainland mobile ---------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# A phone as people write it: separators of every kind, and the country code as +86, (+86), 0086 or
# 86 in front.
_PHONE_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—―()（）/]")


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
    return _MOBILE_RE.fullmatch(normalise_mobile(value)) is not None


def mobile_error(value: str) -> str | None:
    """Why a normalised mobile is refused, naming a character that has no place in it; None if valid."""
    if _MOBILE_RE.fullmatch(value):
        return None
    for character in value:
        if not "0" <= character <= "9":
            return _("A mainland mobile number has 11 digits; it cannot contain %(char)s.") % {
                "char": describe_character(character)
            }
    return _("A mainland mobile number has 11 digits and starts with 13 to 19.")


def mobile_clean(value: str) -> tuple[str, str | None]:
    """(the mobile as stored, the reason it is refused or None). A blank one is ("", the reason an
    empty number is refused): a caller that says "required" asks for the value first."""
    if len(value) == 11 and value.isascii() and value.isdigit():
        # The common case, which normalise_mobile leaves as it is: _MOBILE_RE without the regex.
        if value[0] == "1" and value[1] in "3456789":
            return value, None
    else:  # +86, 0086, dashes, spaces, full-width digits
        value = normalise_mobile(value)
    return value, mobile_error(value)


def validate_mobile(value: str, *, field: str = "mobile") -> str:
    value, error = mobile_clean(value)
    if error:
        raise field_error(field, error)
    return value


def mask_name(name: str) -> str:
    """A name as wide lists show it: 刘芳 -> 刘*; a one-character name as it is."""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name


def mask_mobile(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else "****"


# --- a contact phone: a mobile, or an office landline ------------------------------------------------

_PHONE_RUN = re.compile(r"[+(（]?\d[\d\s.\-‐‑‒–—―()（）]*\d")


def contact_mobile(value: str) -> str | None:
    """The 11-digit mainland mobile a contact phone field holds (``0086 138 0013 0008``,
    ``138.0013.0007``, ``+86-138-0013-0008``), or None when it holds something else (an office
    landline, an extension, two numbers)."""
    mobile = normalise_mobile(value)
    return mobile if _MOBILE_RE.fullmatch(mobile) else None


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


# --- the blind indexes a person is found by ----------------------------------------------------------


def id_number_index(id_number: str) -> str:
    """The blind index an ID number is found by (``Person.id_number_index``)."""
    return crypto.blind_index(id_number, purpose=crypto.IndexPurpose.ID_NUMBER)


def mobile_index(mobile: str) -> str:
    """The blind index a mobile is found by: a person's contact mobile (``Person.mobile_index``) and
    a worker account's sign-in mobile (``User.mobile_index``) alike, so one lookup finds both."""
    return crypto.blind_index(mobile, purpose=crypto.IndexPurpose.MOBILE)
