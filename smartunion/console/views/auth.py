"""Staff sign-in: password, then the authenticator code (or first enrolment), then the session."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartunion.accounts.middleware import SUPPORTED, request_address
from smartunion.accounts.models import User
from smartunion.accounts.selectors import staff_pending_get
from smartunion.accounts.services import (
    WrongEnd,
    second_factor_verify,
    signin_password,
    totp_enrol_begin,
    totp_enrol_confirm,
    totp_provisioning_uri,
    totp_qr_data_uri,
    user_language_set,
    user_needs_enrolment,
)
from smartunion.console.forms import EnrolForm, LoginForm, OtpForm
from smartunion.console.helpers import apply_domain_error, signed_in_staff
from smartunion.core.errors import Conflict, Locked, Unauthorized, ValidationFailed
from smartunion.core.http import safe_redirect_target

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
    return render(request, "console/login.html", {"form": form, "next": next_url})


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
    return render(request, "console/login_otp.html", {"form": form, "pending_user": user})


@require_http_methods(["GET", "POST"])
def login_enrol(request):
    user = _pending_staff(request)
    if user is None:
        return _restart(request)
    enrolled = request.session.get(ENROLLED) == user.pk
    if enrolled:
        if request.method == "POST" and "finish" in request.POST:
            return _complete_signin(request, user)
        return render(request, "console/login_enrol_done.html", {"codes": [], "pending_user": user})
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
            return render(request, "console/login_enrol_done.html", {"codes": codes, "pending_user": user})
    device = totp_enrol_begin(user=user)
    secret = device.secret
    context = {
        "form": form,
        "pending_user": user,
        "qr": totp_qr_data_uri(totp_provisioning_uri(device=device, user=user)),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "console/login_enrol.html", context)


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
