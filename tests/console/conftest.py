from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.utils import translation


def zh(msgid: str, **params) -> str:
    """A message as a zh-Hans user reads it (for messages the domain services write)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def page_text(response) -> str:
    """The page as text, HTML entities resolved, so assertions read like what a user sees."""
    return unescape(response.content.decode())


def form_error_near(response, field_id: str) -> str:
    """The error shown under a field (the ``<small id="..._error">`` after the input)."""
    match = re.search(rf'id="{field_id}_error">(.*?)</small>', response.content.decode(), re.S)
    return unescape(match.group(1)).strip() if match else ""


class _TableCells(HTMLParser):
    """Each table's column headings and, row by row, the data-label its cells carry (None if none)."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str | None]]]] = []
        self._in: str | None = None  # "thead" or "tbody"
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag in ("thead", "tbody") and self.tables:
            self._in = tag
        elif tag == "tr" and self._in == "tbody":
            self.tables[-1][1].append([])
        elif tag == "th" and self._in == "thead":
            self._th = []
        elif tag == "td" and self._in == "tbody":
            self.tables[-1][1][-1].append(dict(attrs).get("data-label"))

    def handle_endtag(self, tag):
        if tag == "th" and self._th is not None:
            self.tables[-1][0].append(unescape("".join(self._th)).strip())
            self._th = None
        elif tag in ("thead", "tbody"):
            self._in = None

    def handle_data(self, data):
        if self._th is not None:
            self._th.append(data)


def cell_labels(response) -> list[tuple[list[str], list[list[str | None]]]]:
    """The page's tables as (column headings, each row's cells' data-labels): on a phone the console
    shows a list's rows as cards, each cell under its data-label."""
    parser = _TableCells()
    parser.feed(response.content.decode())
    return parser.tables


def assert_cells_labelled(response, tables: int) -> None:
    """Every cell of the page's tables carries its column's heading, and there are that many tables
    with at least one row."""
    found = [(headings, rows) for headings, rows in cell_labels(response) if rows]
    assert len(found) == tables, found
    for headings, rows in found:
        for row in rows:
            assert row == headings, (headings, row)


@pytest.fixture
def signed_in(staff_client, personas):
    """A console client signed in as the named persona."""
    return lambda name: staff_client(personas[name])
