"""The enterprise register: list and search, add, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import has_perm
from smartunion.console.forms.orgs import EnterpriseForm
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.orgs import services
from smartunion.orgs.selectors import enterprise_get, enterprise_search, enterprises_name_unions, org_get
from smartunion.orgs.services import enterprise_has_perm, require_enterprise_perm


@require_GET
@staff_required(perm="enterprises.view", lists=True)
def enterprise_list(request):
    q = request.GET.get("q", "").strip()
    within = None
    if request.GET.get("org"):
        within = org_get(pk=request.GET["org"])
    page = paginate(request, enterprise_search(q=q, org=within))
    enterprises_name_unions(viewer=request.user, enterprises=page.object_list)
    context = {
        "q": q,
        "within": within,
        "page": page,
        "query": query_without_page(request),
        "can_add": has_perm(request.user, "enterprises.change"),
    }
    return render_page(request, "console/enterprise_list.html", context, partial="results")


@require_GET
@staff_required
def enterprise_detail(request, pk):
    enterprise = enterprise_get(pk=pk)
    require_enterprise_perm(request.user, "enterprises.view", enterprise)
    enterprises_name_unions(viewer=request.user, enterprises=[enterprise])
    context = {
        "enterprise": enterprise,
        "can_change": enterprise_has_perm(request.user, "enterprises.change", enterprise),
        "can_delete": enterprise_has_perm(request.user, "enterprises.delete", enterprise),
    }
    return render_page(request, "console/enterprise_detail.html", context)


def _enterprise_data(form: EnterpriseForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("org", None)
    return data


@require_http_methods(["GET", "POST"])
@staff_required(perm="enterprises.change")
def enterprise_add(request):
    initial = {}
    if request.GET.get("org"):
        try:
            initial["org"] = org_get(pk=request.GET["org"])
        except NotFound:
            pass
    form = EnterpriseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                actor=request.user,
                org=form.cleaned_data["org"],
                client_address=request_address(request),
                **_enterprise_data(form),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was registered.") % {"name": enterprise.name})
            return redirect("console:enterprise_detail", pk=enterprise.pk)
    return render_page(request, "console/enterprise_form.html", {"form": form, **_picked(form)})


def _picked(form) -> dict:
    """The organisations already chosen in the pickers, to show them checked again."""
    picked = {}
    for name in ("org", "covering_union"):
        if name not in form.fields:
            continue
        if form.is_bound:
            value = getattr(form, "cleaned_data", {}).get(name)
        else:
            value = form.initial.get(name)
        picked[f"picked_{name}"] = value
    return picked


@require_http_methods(["GET", "POST"])
@staff_required
def enterprise_edit(request, pk):
    enterprise = enterprise_get(pk=pk)
    require_enterprise_perm(request.user, "enterprises.change", enterprise)
    initial = {f: getattr(enterprise, f) for f in EnterpriseForm.base_fields if f != "org"}
    form = EnterpriseForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                client_address=request_address(request),
                **_enterprise_data(form),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:enterprise_detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, **_picked(form)}
    return render_page(request, "console/enterprise_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def enterprise_delete(request, pk):
    enterprise = enterprise_get(pk=pk)
    require_enterprise_perm(request.user, "enterprises.delete", enterprise)
    if request.method == "POST":
        services.enterprise_delete(
            actor=request.user, enterprise=enterprise, client_address=request_address(request)
        )
        messages.success(request, _("“%(name)s” was deleted.") % {"name": enterprise.name})
        return redirect("console:enterprise_list")
    return render_page(request, "console/enterprise_delete.html", {"enterprise": enterprise})
