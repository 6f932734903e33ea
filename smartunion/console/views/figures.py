"""The regional figures (minimum and average wages per division code) the statutory calculator
uses: the list, adding a row, correcting one. For administrators of the top-level federation only
(``figures.change`` held on a root: the figures are the whole installation's)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.console.forms.figures import RegionalFigureForm
from smartunion.console.helpers import apply_domain_error, render_page, staff_required
from smartunion.core.errors import ValidationFailed
from smartunion.labourlaw.policies import require_change_figures
from smartunion.labourlaw.selectors import regional_figure_get, regional_figure_list
from smartunion.labourlaw.services import regional_figure_create, regional_figure_update


@require_GET
@staff_required
def figure_list(request):
    require_change_figures(request.user)
    return render_page(request, "console/figures/figure_list.html", {"figures": regional_figure_list()})


@require_http_methods(["GET", "POST"])
@staff_required
def figure_add(request):
    require_change_figures(request.user)
    form = RegionalFigureForm(request.POST or None, initial={"region_code": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        try:
            figure = regional_figure_create(
                actor=request.user, client_address=request_address(request), **form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The figures of %(code)s from %(date)s were added.")
                % {"code": figure.region_code, "date": figure.effective_from.isoformat()},
            )
            return redirect("console:figure_list")
    return render_page(
        request,
        "console/figures/figure_form.html",
        {"form": form, "figure": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def figure_edit(request, pk):
    require_change_figures(request.user)
    figure = regional_figure_get(pk=pk)
    initial = {
        "region_code": figure.region_code,
        "effective_from": figure.effective_from.isoformat(),
        "minimum_wage": f"{figure.minimum_wage:.2f}",
        "average_wage": "" if figure.average_wage is None else f"{figure.average_wage:.2f}",
        "source": figure.source,
        "source_date": figure.source_date.isoformat(),
    }
    form = RegionalFigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = regional_figure_update(
                actor=request.user,
                figure=figure,
                client_address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The figures of %(code)s from %(date)s were saved.")
                % {"code": saved.region_code, "date": saved.effective_from.isoformat()},
            )
            return redirect("console:figure_list")
    return render_page(
        request,
        "console/figures/figure_form.html",
        {"form": form, "figure": figure},
        status=400 if form.errors else 200,
    )
