"""The organisation tree (browse lazily, search, and the node's own pages) and the enterprise
register (list and search, add, edit, delete)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import scope_with_perm
from smartunion.accounts.policies import can_grant_role, can_view_grants
from smartunion.accounts.selectors import role_grants_at_org
from smartunion.console.forms.orgs import EnterpriseForm, MoveForm, OrgForm
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import Conflict, NotFound, ValidationFailed
from smartunion.core.personal import mask_phone
from smartunion.orgs import services
from smartunion.orgs.models import Org
from smartunion.orgs.policies import (
    can_add_enterprise,
    can_change_enterprise,
    can_change_org,
    can_delete_enterprise,
    can_delete_org,
    can_view_enterprises,
    can_view_org,
    require_change_enterprise,
    require_change_org,
    require_delete_enterprise,
    require_delete_org,
    require_view_enterprise,
    require_view_org,
)
from smartunion.orgs.selectors import (
    enterprise_get,
    enterprise_search,
    enterprises_name_unions,
    org_ancestors,
    org_children,
    org_get,
    org_move_candidates,
    org_pick_choices,
    org_roots_for_scope,
    org_search,
)
from smartunion.orgs.services import (
    kinds_allowed_under,
    org_create,
    org_delete,
    org_delete_blockers,
    org_move,
    org_update,
    usual_child_kind,
)

# --- The organisation tree -----------------------------------------------------------------------


PICKER_LIMIT = 20
# The flag each picker's action needs; "" (a plain filter) means "organisations I may view".
PICKER_PERMS = {
    "orgs.view",
    "orgs.change",
    "enterprises.view",
    "enterprises.change",
    "benefits.manage",
    "roles.grant",
    "audit.view",
    "members.view",
    "members.change",
}
_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


def ancestors_i_may_view(user, org: Org) -> list[Org]:
    """The breadcrumb: only the ancestors the user may open (``orgs.view``), not every node their
    grants put in scope."""
    with scope_with_perm(user, "orgs.view"):
        return org_ancestors(org=org)


@require_GET
@staff_required(perm="orgs.view", lists=True)
def org_tree(request):
    q = request.GET.get("q", "").strip()
    context = {"q": q, "roots": [], "page": None}
    if q:
        page = paginate(request, org_search(q=q))
        for org in page.object_list:
            # A parent above the subtrees the viewer may open is not named.
            org.parent_visible = org.parent is not None and can_view_org(request.user, org.parent)
        context["page"] = page
        context["query"] = query_without_page(request)
    else:
        context["roots"] = org_roots_for_scope()
    return render_page(request, "console/orgs/org_tree.html", context, partial="results")


@require_GET
@staff_required(perm="orgs.view")
def org_children_view(request, pk):
    org = org_get(pk=pk)
    require_view_org(request.user, org)
    with scope_with_perm(request.user, "orgs.view"):
        return render(
            request, "console/orgs/org_tree.html#children", {"nodes": org_children(parent=org), "parent": org}
        )


@require_GET
@staff_required(perm="orgs.view")
def org_detail(request, pk):
    user = request.user
    org = org_get(pk=pk)
    require_view_org(user, org)
    # Each panel lists what its own flag shows: orgs.view on this node covers its children.
    shows_enterprises = can_view_enterprises(user)
    with scope_with_perm(user, "enterprises.view"):
        enterprises = enterprise_search(org=org)
        enterprise_rows = list(enterprises[:20]) if shows_enterprises else []
        enterprises_name_unions(viewer=user, enterprises=enterprise_rows)
        enterprise_count = enterprises.count() if shows_enterprises else 0
    shows_grants = can_view_grants(user, org)
    grants = []
    if shows_grants:
        grants = role_grants_at_org(org=org)
    context = {
        "org": org,
        "ancestors": ancestors_i_may_view(user, org),
        "children": org_children(parent=org)[:100],
        "can_view_enterprises": shows_enterprises,
        "enterprises": enterprise_rows,
        "enterprise_count": enterprise_count,
        "can_view_grants": shows_grants,
        "grants": grants,
        "contact_phone": mask_phone(org.contact_phone),
        "can_change": can_change_org(user, org),
        "can_delete": can_delete_org(user, org),
        "can_add_enterprise": can_add_enterprise(user, org),
        "can_grant": can_grant_role(user, org),
    }
    return render_page(request, "console/orgs/org_detail.html", context)


def _org_data(form: OrgForm, *, keep_phone: bool = False) -> dict:
    data = dict(form.cleaned_data)
    if keep_phone and not data["contact_phone"]:
        data.pop("contact_phone")
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def org_add(request, pk):
    parent = org_get(pk=pk)
    require_change_org(request.user, parent)
    # Offer only the kinds allowed under the parent, starting on the usual one (a street union under
    # a district); under a service body nothing is allowed and the service says why.
    form = OrgForm(
        request.POST or None,
        initial={"region_code": parent.region_code, "kind": usual_child_kind(parent.kind)},
        kinds=kinds_allowed_under(parent.kind),
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = org_create(
                actor=request.user, parent=parent, client_address=request_address(request), **_org_data(form)
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": org.name})
            return redirect("console:org_detail", pk=org.pk)
    context = {
        "form": form,
        "parent": parent,
        "ancestors": [*ancestors_i_may_view(request.user, parent), parent],
    }
    return render_page(request, "console/orgs/org_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def org_edit(request, pk):
    org = org_get(pk=pk)
    require_change_org(request.user, org)
    initial = {f: getattr(org, f) for f in OrgForm.base_fields if f != "contact_phone"}
    kinds = kinds_allowed_under(org.parent.kind if org.parent else None)
    form = OrgForm(
        request.POST or None,
        initial=initial,
        phone_hint=mask_phone(org.contact_phone),
        kinds=[*kinds, org.kind] if org.kind not in kinds else kinds,
    )
    if request.method == "POST" and form.is_valid():
        try:
            org_update(
                actor=request.user,
                org=org,
                client_address=request_address(request),
                **_org_data(form, keep_phone=True),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:org_detail", pk=org.pk)
    context = {"form": form, "org": org, "ancestors": ancestors_i_may_view(request.user, org)}
    return render_page(request, "console/orgs/org_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def org_move_view(request, pk):
    """Choose the new parent by search, confirm, move."""
    org = org_get(pk=pk)
    require_change_org(request.user, org)
    q = request.GET.get("q", "").strip()
    data = request.POST if request.method == "POST" else (request.GET if "parent" in request.GET else None)
    form = MoveForm(data)
    chosen = form.cleaned_data["parent"] if data is not None and form.is_valid() else None
    if request.method == "POST" and chosen is not None:
        try:
            org_move(actor=request.user, org=org, new_parent=chosen, client_address=request_address(request))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was moved.") % {"name": org.name})
            return redirect("console:org_detail", pk=org.pk)
    candidates = move_candidates(request.user, org, q) if q else []
    context = {
        "org": org,
        "ancestors": ancestors_i_may_view(request.user, org),
        "form": form,
        "q": q,
        "candidates": candidates,
        "chosen": chosen,
    }
    return render_page(request, "console/orgs/org_move.html", context, partial="candidates")


@require_http_methods(["GET", "POST"])
@staff_required
def org_delete_view(request, pk):
    org = org_get(pk=pk)
    require_delete_org(request.user, org)
    error = ""
    if request.method == "POST":
        parent = org.parent
        try:
            org_delete(actor=request.user, org=org, client_address=request_address(request))
        except Conflict as exc:
            error = exc.message
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": org.name})
            if parent is not None and can_view_org(request.user, parent):
                return redirect("console:org_detail", pk=parent.pk)
            return redirect("console:org_tree")
    context = {
        "org": org,
        "ancestors": ancestors_i_may_view(request.user, org),
        "blockers": org_delete_blockers(org),
        "error": error,
    }
    return render_page(request, "console/orgs/org_delete.html", context)


def move_candidates(user, org: Org, q: str) -> list[Org]:
    """New parents to offer: where the user may change the tree, of a kind the node may stand under
    (never a service body), and never the node itself or one of its own branches. The service
    refuses these anyway; the picker just does not offer them."""
    with scope_with_perm(user, "orgs.change"):
        return org_move_candidates(org=org, q=q, limit=PICKER_LIMIT)


@require_GET
@staff_required
def org_pick(request):
    """The choices of an organisation picker (htmx): radio buttons named ``field``. It offers only
    the organisations where the user holds the flag the form's action needs (``perm``)."""
    field = request.GET.get("field", "org")
    perm = request.GET.get("perm", "") or "orgs.view"
    if not _FIELD_NAME.match(field) or perm not in PICKER_PERMS:
        field, perm = "org", "orgs.change"
    grassroots = request.GET.get("kinds") == "grassroots"
    q = request.GET.get("q", "").strip()
    with scope_with_perm(request.user, perm):
        # Before anything is typed: the top nodes where the flag is held.
        orgs = org_pick_choices(q=q, grassroots=grassroots, limit=PICKER_LIMIT)
    # A required picker with a single choice chooses it; an optional one (a filter) never does.
    context = {"field": field, "orgs": orgs, "q": q, "auto": request.GET.get("auto") == "1"}
    return render(request, "console/orgs/_org_picker.html#choices", context)


# --- The enterprise register ---------------------------------------------------------------------


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
        "can_add": can_add_enterprise(request.user),
    }
    return render_page(request, "console/orgs/enterprise_list.html", context, partial="results")


@require_GET
@staff_required
def enterprise_detail(request, pk):
    enterprise = enterprise_get(pk=pk)
    require_view_enterprise(request.user, enterprise)
    enterprises_name_unions(viewer=request.user, enterprises=[enterprise])
    context = {
        "enterprise": enterprise,
        "can_change": can_change_enterprise(request.user, enterprise),
        "can_delete": can_delete_enterprise(request.user, enterprise),
    }
    return render_page(request, "console/orgs/enterprise_detail.html", context)


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
    return render_page(request, "console/orgs/enterprise_form.html", {"form": form, **_picked(form)})


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
    require_change_enterprise(request.user, enterprise)
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
    return render_page(request, "console/orgs/enterprise_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def enterprise_delete(request, pk):
    enterprise = enterprise_get(pk=pk)
    require_delete_enterprise(request.user, enterprise)
    if request.method == "POST":
        services.enterprise_delete(
            actor=request.user, enterprise=enterprise, client_address=request_address(request)
        )
        messages.success(request, _("“%(name)s” was deleted.") % {"name": enterprise.name})
        return redirect("console:enterprise_list")
    return render_page(request, "console/orgs/enterprise_delete.html", {"enterprise": enterprise})
