"""Reading the regional figures: the list for the console, one row by id, and the row that applies
to a division code on a date."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from smartunion.core.errors import NotFound
from smartunion.labourlaw.models import RegionalFigure
from smartunion.labourlaw.regions import covers, significant_prefix


def regional_figure_list() -> QuerySet[RegionalFigure]:
    return RegionalFigure.objects.select_related("updated_by").order_by("region_code", "-effective_from")


def regional_figure_get(*, pk) -> RegionalFigure:
    figure = RegionalFigure.objects.filter(pk=pk).first()
    if figure is None:
        raise NotFound()
    return figure


def regional_figure_for(*, region_code: str, on: date) -> RegionalFigure | None:
    """The figures for ``region_code`` on ``on``: among the rows in force on that date (the latest
    ``effective_from`` not after it, per region), the one whose code is the longest prefix of the
    asked code, so a district's own row wins over its city's. None when no region covers it."""
    rows = RegionalFigure.objects.filter(
        region_code__startswith=region_code[:2], effective_from__lte=on
    ).order_by("-effective_from")
    best: RegionalFigure | None = None
    best_length = -1
    for row in rows:
        if not covers(row.region_code, region_code):
            continue
        length = len(significant_prefix(row.region_code))
        if length > best_length:  # rows come newest first, so the first of a length is in force
            best, best_length = row, length
    return best
