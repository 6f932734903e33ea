"""Scope rows of the regional wage figures (console). The calculator itself (mobile web and API) is
on the public list of test_route_coverage.py: nothing is stored and nobody's data is behind it."""

from __future__ import annotations

from tests.scope.rows import Row

FIGURE_ADD = (
    ("region_code", "110111"),
    ("effective_from", "2027-01-01"),
    ("minimum_wage", "1"),
    ("average_wage", ""),
    ("source", "越权"),
    ("source_date", "2026-01-01"),
)
FIGURE_EDIT = (*FIGURE_ADD[:2], ("minimum_wage", "9999"), *FIGURE_ADD[3:])

MATRIX = [
    # --- console: the figures belong to the whole installation: whoever lacks figures.change on a
    # top-level node gets 403 on every route, existing row or not (a district's federation
    # administrator holds the flag, but only on the district).
    Row("fangshan_admin", "console", "GET", "/console/figures/", 403),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/figures/new/",
        403,
        "regional_figure",
        FIGURE_ADD,
        counted="RegionalFigure",
    ),
    Row(
        "fangshan_admin",
        "console",
        "GET",
        "/console/figures/{regional_figure.pk}/edit/",
        403,
        "regional_figure",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/figures/{regional_figure.pk}/edit/",
        403,
        "regional_figure",
        FIGURE_EDIT,
    ),
    Row("fangshan_admin", "console", "POST", "/console/figures/999999/edit/", 403),
    Row("auditor", "console", "GET", "/console/figures/", 403),  # on the root, without the flag
    Row("union_a_staff", "console", "GET", "/console/figures/new/", 403),
    Row(
        "union_a_widened",
        "console",
        "POST",
        "/console/figures/{regional_figure.pk}/edit/",
        403,
        "regional_figure",
        FIGURE_EDIT,
    ),
    Row("anonymous", "console", "GET", "/console/figures/", 302, refused=True, redirect="/console/login/"),
    # positive controls
    Row("city_admin", "console", "GET", "/console/figures/", 200),
    Row("city_admin", "console", "GET", "/console/figures/new/", 200),
    Row(
        "city_admin", "console", "GET", "/console/figures/{regional_figure.pk}/edit/", 200, "regional_figure"
    ),
]
