"""Reading the calculator's numbers and dates as a person types them or a client sends them, with
one clear message per mistake. Every end uses these, so the mobile page, the console and the API
refuse the same things with the same words."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from smartunion.core.codes import normalise_input
from smartunion.core.errors import field_error

# Beyond these a figure is a typing mistake, not a wage: 100 million yuan, 10,000 hours.
MAX_AMOUNT = Decimal("100000000")
MAX_HOURS = Decimal("10000")
FIRST_YEAR, LAST_YEAR = 1950, 2100

_NUMBER = re.compile(r"^[0-9]+(\.[0-9]*)?$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def number_error(value: object, *, maximum: Decimal = MAX_AMOUNT, unit: str = "") -> str | None:
    """Why ``value`` is not an amount (or hours): not a number, negative, more than two decimals,
    absurdly large. None when it is one."""
    try:
        parse_number(value, maximum=maximum)
    except ValueError as exc:
        return str(exc)
    return None


def parse_number(value: object, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """``value`` as a Decimal with at most two decimals, or ValueError with the reason in words.
    Accepts a JSON number or a string such as "6000" or "6000.50" (full-width digits too); commas
    and yuan signs are not accepted, so a typo is not silently read as another number."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_("Enter a number, such as 6000 or 6000.50."))
    if isinstance(value, (int, float, Decimal)):
        text = str(value)
    elif isinstance(value, str):
        text = normalise_input(value)
    else:
        raise ValueError(_("Enter a number, such as 6000 or 6000.50."))
    if text.startswith("-"):
        raise ValueError(_("Enter an amount that is not negative."))
    if "e" in text.lower() and isinstance(value, float):
        text = format(Decimal(text), "f")
    if not _NUMBER.match(text):
        raise ValueError(_("Enter a number, such as 6000 or 6000.50."))
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(_("Enter a number, such as 6000 or 6000.50.")) from None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Enter at most two decimals."))
    if number > maximum:
        raise ValueError(_("This is too large: enter at most %(max)s.") % {"max": f"{maximum:,.0f}"})
    return number.quantize(Decimal("0.01"))


def parse_date(value: object) -> date:
    """``value`` (``date`` or "2026-10-01") as a date, or ValueError with the reason in words."""
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        match = _DATE.match(normalise_input(value))
        if match is None:
            raise ValueError(_("Enter a date such as 2026-10-01."))
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(_("This date does not exist in the calendar.")) from None
    else:
        raise ValueError(_("Enter a date such as 2026-10-01."))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            _("Enter a date between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return day


def amount(value: object, *, field: str, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """``parse_number`` raising ValidationFailed on ``field``."""
    try:
        return parse_number(value, maximum=maximum)
    except ValueError as exc:
        raise field_error(field, str(exc)) from None


def a_date(value: object, *, field: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise field_error(field, str(exc)) from None


def number_or_text(value: object) -> object:
    """A JSON value that may hold a number: a string or a number (not true/false, a list or an
    object), returned as it is for ``parse_number``; otherwise ValueError in words."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(_("Enter a number, such as 6000 or 6000.50."))
    return value


def date_text(value: object) -> object:
    """A JSON value that may hold a date: a string; otherwise ValueError in words."""
    if not isinstance(value, str):
        raise ValueError(_("Enter a date such as 2026-10-01."))
    return value
