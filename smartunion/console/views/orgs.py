"""The organisation tree: browse lazily, search, and the node's own pages."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.models import RoleGrant
from smartunion.accounts.permissions import has_perm, orgs_with_perm_paths, require_perm, scope_for_user
from smartunion.console.forms import MoveForm, OrgForm
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.codes import is_mobile, mask_mobile
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.scoping import subtree_q
from smartunion.orgs.models import GRASSROOTS_KINDS, Org
from smartunion.orgs.selectors import (
    enterprise_search,
    org_ancestors,
    org_children,
    org_get,
    org_roots_for_scope,
    org_search,
)
from smartunion.orgs.services import org_create, org_delete, org_delete_blockers, org_move, org_update

PICKER_LIMIT = 20
PICKER_PERMS = {"", "orgs.change", "enterprises.change", "roles.grant", "audit.view", "members.view", "members.change"}
_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


def masked_phone(value: str) -> str:
    """Staff pages show no mobile number in plain text."""
    return mask_mobile(value) if value and is_mobile(value) else value


@require_GET
@staff_required(perm="orgs.view")
def org_tree(request):
    q = request.GET.get("q", "").strip()
    context = {"q": q, "roots": [], "page": None}
    if q:
        context["page"] = paginate(request, org_search(q=q))
        context["query"] = query_without_page(request)
    else:
        context["roots"] = org_roots_for_scope()
    return render_page(request, "console/org_tree.html", context, partial="results")


@require_GET
@staff_required(perm="orgs.view")
def org_children_view(request, pk):
    org = org_get(pk=pk)
    return render(
        request, "console/org_tree.html#children", {"nodes": org_children(parent=org), "parent": org}
    )


@require_GET
@staff_required(perm="orgs.view")
def org_detail(request, pk):
    org = org_get(pk=pk)
    require_perm(request.user, "orgs.view", org)
    enterprises = enterprise_search(org=org)
    context = {
        "org": org,
        "ancestors": org_ancestors(org=org),
        "children": org_children(parent=org)[:100],
        "enterprises": enterprises[:20],
        "enterprise_count": enterprises.count(),
        "grants": RoleGrant.objects.filter(org=org).select_related("user", "role").order_by("user__username"),
        "contact_phone": masked_phone(org.contact_phone),
        "can_change": has_perm(request.user, "orgs.change", org),
        "can_delete": has_perm(request.user, "orgs.delete", org),
        "can_add_enterprise": has_perm(request.user, "enterprises.change", org) and not org.is_service_body,
        "can_grant": has_perm(request.user, "roles.grant", org),
    }
    return render_page(request, "console/org_detail.html", context)


def _org_data(form: OrgForm, *, keep_phone: bool = False) -> dict:
    data = dict(form.cleaned_data)
    data["postal_address"] = data.pop("address")
    if keep_phone and not data["contact_phone"]:
        data.pop("contact_phone")
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def org_add(request, pk):
    parent = org_get(pk=pk)
    require_perm(request.user, "orgs.change", parent)
    form = OrgForm(request.POST or None, initial={"region_code": parent.region_code})
    if request.method == "POST" and form.is_valid():
        try:
            org = org_create(
                actor=request.user, parent=parent, address=request_address(request), **_org_data(form)
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": org.name})
            return redirect("console:org_detail", pk=org.pk)
    context = {"form": form, "parent": parent, "ancestors": [*org_ancestors(org=parent), parent]}
    return render_page(request, "console/org_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def org_edit(request, pk):
    org = org_get(pk=pk)
    require_perm(request.user, "orgs.change", org)
    initial = {f: getattr(org, f) for f in OrgForm.base_fields if f != "contact_phone"}
    form = OrgForm(request.POST or None, initial=initial, phone_hint=masked_phone(org.contact_phone))
    if request.method == "POST" and form.is_valid():
        try:
            org_update(
                actor=request.user,
                org=org,
                address=request_address(request),
                **_org_data(form, keep_phone=True),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:org_detail", pk=org.pk)
    context = {"form": form, "org": org, "ancestors": org_ancestors(org=org)}
    return render_page(request, "console/org_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def org_move_view(request, pk):
    """Choose the new parent by search, confirm, move."""
    org = org_get(pk=pk)
    require_perm(request.user, "orgs.change", org)
    q = request.GET.get("q", "").strip()
    data = request.POST if request.method == "POST" else (request.GET if "parent" in request.GET else None)
    form = MoveForm(data)
    chosen = form.cleaned_data["parent"] if data is not None and form.is_valid() else None
    if request.method == "POST" and chosen is not None:
        try:
            org_move(actor=request.user, org=org, new_parent=chosen, address=request_address(request))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was moved.") % {"name": org.name})
            return redirect("console:org_detail", pk=org.pk)
    candidates = []
    if q:
        candidates = _with_perm(org_search(q=q), request.user, "orgs.change").exclude(pk=org.pk)[
            :PICKER_LIMIT
        ]
    context = {
        "org": org,
        "ancestors": org_ancestors(org=org),
        "form": form,
        "q": q,
        "candidates": candidates,
        "chosen": chosen,
    }
    return render_page(request, "console/org_move.html", context, partial="candidates")


@require_http_methods(["GET", "POST"])
@staff_required
def org_delete_view(request, pk):
    org = org_get(pk=pk)
    require_perm(request.user, "orgs.delete", org)
    error = ""
    if request.method == "POST":
        parent = org.parent
        try:
            org_delete(actor=request.user, org=org, address=request_address(request))
        except Conflict as exc:
            error = exc.message
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": org.name})
            if parent is not None and has_perm(request.user, "orgs.view", parent):
                return redirect("console:org_detail", pk=parent.pk)
            return redirect("console:org_tree")
    context = {
        "org": org,
        "ancestors": org_ancestors(org=org),
        "blockers": org_delete_blockers(org),
        "error": error,
    }
    return render_page(request, "console/org_delete.html", context)


def _with_perm(queryset, user, perm: str):
    """Narrow a choice list to the subtrees where the user holds ``perm`` (the service checks again)."""
    if not perm:
        return queryset
    paths = orgs_with_perm_paths(user, perm)
    if not paths:
        return queryset.none()
    return queryset.filter(reduce(or_, (subtree_q(p) for p in paths)))


def picker_roots(user, perm: str, *, grassroots: bool = False):
    """What a picker offers before anything is typed: the nodes where the user holds ``perm``."""
    paths = orgs_with_perm_paths(user, perm) if perm else request_scope_paths(user)
    qs = Org.objects.filter(path__in=paths).order_by("path")
    if grassroots:
        qs = qs.filter(kind__in=GRASSROOTS_KINDS)
    return qs[:PICKER_LIMIT]


def request_scope_paths(user) -> tuple[str, ...]:
    return scope_for_user(user).prefixes


@require_GET
@staff_required
def org_pick(request):
    """The choices of an organisation picker (htmx): radio buttons named ``field``."""
    field = request.GET.get("field", "org")
    perm = request.GET.get("perm", "")
    if not _FIELD_NAME.match(field) or perm not in PICKER_PERMS:
        field, perm = "org", "orgs.change"
    grassroots = request.GET.get("kinds") == "grassroots"
    q = request.GET.get("q", "").strip()
    if q:
        orgs = _with_perm(org_search(q=q), request.user, perm)
        if grassroots:
            orgs = orgs.filter(kind__in=GRASSROOTS_KINDS)
        orgs = orgs[:PICKER_LIMIT]
    else:
        orgs = picker_roots(request.user, perm, grassroots=grassroots)
    # A required picker with a single choice chooses it; an optional one (a filter) never does.
    context = {"field": field, "orgs": orgs, "q": q, "auto": request.GET.get("auto") == "1"}
    return render(request, "console/_org_picker.html#choices", context)
