"""Role grants in the viewer's scope, granting and revoking (with re-authentication), new staff."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import has_perm, require_perm
from smartunion.accounts.selectors import role_grant_get, role_grant_list, staff_grantee_find, staff_pick_list
from smartunion.accounts.services import role_grant, role_revoke, staff_create, staff_get_in_scope, totp_reset
from smartunion.console.forms import ConfirmForm, RoleGrantForm, StaffForm
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import Locked, NotFound, ValidationFailed
from smartunion.orgs.selectors import org_get

STAFF_PICK_LIMIT = 20


@require_GET
@staff_required(perm="roles.grant", lists=True)
def staff_pick(request):
    """The choices of the grant form's staff picker (htmx): staff accounts homed where the user may
    grant roles (the same rule as ``staff_grantee_find``), by part of the name or username."""
    q = request.GET.get("q", "").strip()
    staff = staff_pick_list(q=q, limit=STAFF_PICK_LIMIT) if q else []
    return render(request, "console/_staff_picker.html#choices", {"staff": staff, "q": q})


@require_GET
@staff_required(perm="roles.view", lists=True)
def role_grants(request):
    q = request.GET.get("q", "").strip()
    context = {
        "q": q,
        "page": paginate(request, role_grant_list(username_part=q)),
        "query": query_without_page(request),
        "can_grant": has_perm(request.user, "roles.grant"),
    }
    return render_page(request, "console/role_grants.html", context, partial="results")


@require_http_methods(["GET", "POST"])
@staff_required(perm="roles.grant")
def role_grant_view(request):
    initial = {"username": request.GET.get("username", "")}
    if request.GET.get("org"):
        try:
            initial["org"] = org_get(pk=request.GET["org"])
        except NotFound:
            pass
    form = RoleGrantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        grantee = staff_grantee_find(actor=request.user, username=form.cleaned_data["username"])
        if grantee is None:
            form.add_error("username", _("There is no staff account with this username."))
        else:
            try:
                grant = role_grant(
                    actor=request.user,
                    user=grantee,
                    role=form.cleaned_data["role"],
                    org=form.cleaned_data["org"],
                    confirm=form.cleaned_data["confirm"],
                    client_address=request_address(request),
                )
            except (ValidationFailed, Locked) as exc:  # Locked: too many wrong re-confirmations
                apply_domain_error(form, exc, aliases={"user": "username"})
            else:
                messages.success(
                    request,
                    _("%(user)s now holds the role “%(role)s” on %(org)s.")
                    % {"user": grantee.username, "role": _(grant.role.name), "org": grant.org.name},
                )
                return redirect("console:role_grants")
    picked = (
        form.cleaned_data.get("org")
        if form.is_bound and hasattr(form, "cleaned_data")
        else initial.get("org")
    )
    username = (request.POST if form.is_bound else initial).get("username", "")
    context = {
        "form": form,
        "picked_org": picked,
        "picked_staff": staff_grantee_find(actor=request.user, username=username) if username else None,
    }
    return render_page(request, "console/role_grant_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def role_revoke_view(request, pk):
    grant = role_grant_get(pk=pk)
    require_perm(request.user, "roles.grant", grant.org)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_revoke(
                actor=request.user,
                grant=grant,
                confirm=form.cleaned_data["confirm"],
                client_address=request_address(request),
            )
        except (ValidationFailed, Locked) as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The role “%(role)s” of %(user)s was revoked.")
                % {"role": _(grant.role.name), "user": grant.user},
            )
            return redirect("console:role_grants")
    return render_page(request, "console/role_revoke.html", {"form": form, "grant": grant})


@require_http_methods(["GET", "POST"])
@staff_required(perm="roles.grant")
def staff_add(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                home_org=form.cleaned_data["home_org"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The staff account %(user)s was created. Now grant it a role; at first sign-in it enrols an "
                    "authenticator app."
                )
                % {"user": user.username},
            )
            query = urlencode({"username": user.username, "org": user.home_org_id})
            return redirect(f"{reverse('console:role_grant')}?{query}")
    picked = form.cleaned_data.get("home_org") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render_page(request, "console/staff_form.html", {"form": form, "picked_home_org": picked})


@require_http_methods(["GET", "POST"])
@staff_required(perm="roles.grant")
def staff_reset_authenticator(request, pk):
    staff = staff_get_in_scope(pk=pk)
    require_perm(request.user, "roles.grant", staff.home_org)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_reset(
                actor=request.user,
                user=staff,
                confirm=form.cleaned_data["confirm"],
                client_address=request_address(request),
            )
        except (ValidationFailed, Locked) as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The authenticator of %(user)s was removed. At the next sign-in they enrol a new one.")
                % {"user": staff.username},
            )
            return redirect("console:role_grants")
    return render_page(request, "console/staff_reset_authenticator.html", {"form": form, "staff": staff})
