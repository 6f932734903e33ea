"""What the preview of a checked roster says beside its errors (``RosterImport.report``): the columns
not read, the totals rows skipped, the errors counted by kind, the warnings; and the errors as the
import keeps them (at most ROSTER_MAX_ERRORS)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartunion.members.roster import files as roster_files
from smartunion.members.roster.reading import Table, _cell_present, _normalise_header

SUMMARY_GROUPS = 20


def _unread_columns(table: Table) -> list[str]:
    """The columns the import does not read, by header, or by letter when a column has data but no
    header: the preview lists them, so no data is dropped without a word."""
    used = set(table.columns.values())
    header = table.header
    unread, headerless = [], []
    for position, cell in enumerate(header):
        if position not in used:
            text = _normalise_header(cell)
            if text:
                unread.append(text)
            else:
                headerless.append(position)
    width = max(map(len, table.rows), default=0)
    headerless += range(len(header), width)
    for position in headerless:
        if any(position < len(row) and _cell_present(row[position]) for row in table.rows):
            unread.append(
                _("column %(letter)s (no header)") % {"letter": roster_files.column_letters(position)}
            )
    return unread


def _summary(errors: list[tuple[int, str, str]], labels: dict[str, str]) -> list[dict]:
    """The errors counted per column and kind, the most frequent first, when a kind repeats: at
    90,000 errors the first 1,000 lines do not show what is wrong with the file."""
    counts: dict[tuple[str, str], int] = {}
    for _line, header, reason in errors:
        key = (header, labels.get(reason, reason))
        counts[key] = counts.get(key, 0) + 1
    if not counts or max(counts.values()) < 2:
        return []
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:SUMMARY_GROUPS]
    return [{"field": header, "problem": problem, "rows": rows} for (header, problem), rows in ranked]


def _report(
    *,
    unread: list[str],
    totals: list[tuple[int, str]],
    summary: list[dict],
    warnings: list[tuple[int, str, str]],
) -> dict[str, Any]:
    """``RosterImport.report``: only what there is to say."""
    report: dict[str, Any] = {}
    if unread:
        report["unread_columns"] = unread
    if totals:
        report["totals"] = [{"line": line, "word": word} for line, word in totals]
    if summary:
        report["summary"] = summary
    if warnings:
        report["warnings"] = _error_dicts(warnings)
    return report


def _error_dicts(errors: list[tuple[int, str, str]]) -> list[dict]:
    return [
        {"line": line, "field": header, "reason": reason}
        for line, header, reason in errors[: settings.ROSTER_MAX_ERRORS]
    ]
