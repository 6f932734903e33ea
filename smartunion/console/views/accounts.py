"""Staff accounts on the console: sign-in (password, then the authenticator code or first enrolment,
then the session), the language, the signed-in staff member's own password, role grants in the
viewer's scope (granting and revoking with re-authentication) and new staff accounts."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import SUPPORTED, request_address, signed_in_staff
from smartunion.accounts.models import User
from smartunion.accounts.policies import can_grant_role, require_grant_role
from smartunion.accounts.selectors import (
    role_grant_get,
    role_grant_list,
    staff_grantee_find,
    staff_pending_get,
    staff_pick_list,
)
from smartunion.accounts.services import (
    WrongEnd,
    password_change,
    role_grant,
    role_revoke,
    second_factor_verify,
    signin_password,
    staff_create,
    staff_get_in_scope,
    totp_enrol_begin,
    totp_enrol_confirm,
    totp_provisioning_uri,
    totp_qr_data_uri,
    totp_reset,
    user_language_set,
    user_needs_enrolment,
)
from smartunion.console.forms.accounts import (
    ConfirmForm,
    EnrolForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    RoleGrantForm,
    StaffForm,
)
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    picked,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import Conflict, Locked, NotFound, Unauthorized, ValidationFailed
from smartunion.core.http import safe_redirect_target
from smartunion.orgs.selectors import org_get

# --- Sign-in -------------------------------------------------------------------------------------


PENDING = "pending_staff_id"
PENDING_AT = "pending_staff_at"
PENDING_NEXT = "pending_staff_next"
ENROLLED = "enrolled_staff_id"
# Between the password and the second factor: long enough to open an app, short enough to matter.
PENDING_SECONDS = 10 * 60


def _home() -> str:
    return reverse("console:home")


def _pending_staff(request) -> User | None:
    pk = request.session.get(PENDING)
    started = request.session.get(PENDING_AT, 0)
    if not pk or time.time() - started > PENDING_SECONDS:
        return None
    return staff_pending_get(pk=pk)


def _restart(request):
    for key in (PENDING, PENDING_AT, PENDING_NEXT, ENROLLED):
        request.session.pop(key, None)
    messages.info(request, _("Please sign in again."))
    return redirect("console:login")


def _complete_signin(request, user: User):
    next_url = request.session.get(PENDING_NEXT) or _home()
    login(request, user)
    for key in (PENDING, PENDING_AT, PENDING_NEXT, ENROLLED):
        request.session.pop(key, None)
    request.session["otp_verified"] = True
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = safe_redirect_target(request, request.POST.get("next") or request.GET.get("next"), "")
    if signed_in_staff(request):
        return redirect(next_url or _home())
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # A worker's right password is refused here, and recorded as refused, not as a sign-in.
            user = signin_password(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                client_address=request_address(request),
                staff_only=True,
            )
        except WrongEnd:
            form.add_error(None, _("This console is for union staff. Workers sign in on the mobile site."))
        except (Unauthorized, Locked) as exc:
            apply_domain_error(form, exc)
        else:
            request.session.cycle_key()
            request.session[PENDING] = user.pk
            request.session[PENDING_AT] = time.time()
            request.session[PENDING_NEXT] = next_url
            target = "console:login_enrol" if user_needs_enrolment(user) else "console:login_otp"
            return redirect(target)
    return render(request, "console/accounts/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def login_otp(request):
    user = _pending_staff(request)
    if user is None:
        return _restart(request)
    if user_needs_enrolment(user):
        return redirect("console:login_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_verify(
                user=user, code=form.cleaned_data["otp"], client_address=request_address(request)
            )
        except (Unauthorized, Locked) as exc:
            apply_domain_error(form, exc)
        else:
            return _complete_signin(request, user)
    return render(request, "console/accounts/login_otp.html", {"form": form, "pending_user": user})


@require_http_methods(["GET", "POST"])
def login_enrol(request):
    user = _pending_staff(request)
    if user is None:
        return _restart(request)
    enrolled = request.session.get(ENROLLED) == user.pk
    if enrolled:
        if request.method == "POST" and "finish" in request.POST:
            return _complete_signin(request, user)
        return render(request, "console/accounts/login_enrol_done.html", {"codes": [], "pending_user": user})
    if not user_needs_enrolment(user):
        return redirect("console:login_otp")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_enrol_confirm(
                user=user, code=form.cleaned_data["otp"], client_address=request_address(request)
            )
        except (ValidationFailed, Conflict, Locked) as exc:
            apply_domain_error(form, exc)
        else:
            request.session[ENROLLED] = user.pk
            # Shown once: they are stored hashed and cannot be displayed again.
            return render(
                request, "console/accounts/login_enrol_done.html", {"codes": codes, "pending_user": user}
            )
    device = totp_enrol_begin(user=user)
    secret = device.secret
    context = {
        "form": form,
        "pending_user": user,
        "qr": totp_qr_data_uri(totp_provisioning_uri(device=device, user=user)),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "console/accounts/login_enrol.html", context)


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("console:login")


@require_POST
def set_language(request):
    """The interface language: a cookie for this browser, and the account's choice when signed in."""
    language = request.POST.get("language", "")
    fallback = request.META.get("HTTP_REFERER") or _home()
    back = safe_redirect_target(request, fallback, _home())
    response = redirect(safe_redirect_target(request, request.POST.get("next"), back))
    if language in SUPPORTED:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
        if request.user.is_authenticated:
            user_language_set(user=request.user, language=language)
    return response


# --- The signed-in staff member's own account ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                client_address=request_address(request),
            )
        except (ValidationFailed, Locked) as exc:  # wrong current passwords count towards the lockout
            apply_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay signed in on this device
            messages.success(request, _("Your password was changed."))
            return redirect("console:home")
    return render_page(
        request,
        "console/accounts/password_change.html",
        {"form": form, "required": request.user.password_change_required},
    )


# --- Role grants and staff accounts --------------------------------------------------------------


STAFF_PICK_LIMIT = 20


@require_GET
@staff_required(perm="roles.grant", lists=True)
def staff_pick(request):
    """The choices of the grant form's staff picker (htmx): staff accounts homed where the user may
    grant roles (the same rule as ``staff_grantee_find``), by part of the name or username."""
    q = request.GET.get("q", "").strip()
    staff = staff_pick_list(q=q, limit=STAFF_PICK_LIMIT) if q else []
    return render(request, "console/accounts/_staff_picker.html#choices", {"staff": staff, "q": q})


@require_GET
@staff_required(perm="roles.view", lists=True)
def role_grants(request):
    q = request.GET.get("q", "").strip()
    context = {
        "q": q,
        "page": paginate(request, role_grant_list(username_part=q)),
        "query": query_without_page(request),
        "can_grant": can_grant_role(request.user),
    }
    return render_page(request, "console/accounts/role_grants.html", context, partial="results")


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
    username = (request.POST if form.is_bound else initial).get("username", "")
    context = {
        "form": form,
        "picked_org": picked(form, default=initial.get("org")),
        "picked_staff": staff_grantee_find(actor=request.user, username=username) if username else None,
    }
    return render_page(request, "console/accounts/role_grant_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def role_revoke_view(request, pk):
    grant = role_grant_get(pk=pk)
    require_grant_role(request.user, grant.org)
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
    return render_page(request, "console/accounts/role_revoke.html", {"form": form, "grant": grant})


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
    context = {"form": form, "picked_home_org": picked(form, "home_org")}
    return render_page(request, "console/accounts/staff_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(perm="roles.grant")
def staff_reset_authenticator(request, pk):
    staff = staff_get_in_scope(pk=pk)
    require_grant_role(request.user, staff.home_org)
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
    return render_page(
        request, "console/accounts/staff_reset_authenticator.html", {"form": form, "staff": staff}
    )
