"""A roster cell's value as the check reads it: text from whatever a spreadsheet stored, a date from a
date cell, text or an Excel serial number, a wage bracket from its name or the monthly wage."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from smartunion.members.models import WageBracket
from smartunion.members.roster.format import WAGE_BOUNDS, WAGE_LOOKUP


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
EXCEL_EPOCH = date(1899, 12, 30)


def _parse_date(value: Any) -> date | None:
    """A date cell, a date written as text, or an Excel serial number; None when it is none."""
    if value.__class__ is str and len(value) == 10:
        try:
            return date.fromisoformat(value)  # 2024-03-01, the common case
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100_000 and float(value).is_integer():  # an Excel date serial number
            return EXCEL_EPOCH + timedelta(days=int(value))
        if not float(value).is_integer():
            return None
        text = str(int(value))  # 20240301 typed as a number
    else:
        text = _text(value)
    text = text.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def _wage_bracket(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    else:
        if value in WAGE_LOOKUP:
            return WAGE_LOOKUP[value]
        text = (
            re.sub(r"[\s,，]", "", _text(value))
            .replace("–", "-")
            .replace("—", "-")
            .replace("~", "-")
            .replace("至", "-")
        )
        if text in WAGE_LOOKUP:
            return WAGE_LOOKUP[text]
        try:
            amount = float(text.removesuffix("元"))
        except ValueError:
            return None
    if amount < 0:
        return None
    for bound, bracket in WAGE_BOUNDS:
        if amount < bound:
            return bracket
    return WageBracket.OVER_12000
