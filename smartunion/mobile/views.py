"""The mobile web for workers (H5). Views parse input, call one service, and render; the rules
(mobile format, password strength, codes, lockout, consent, linking a member record) live in the
services."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.services import (
    MOBILE_CHANGE_PURPOSE,
    RESET_CODE_PURPOSE,
    WrongEnd,
    one_time_code_send,
    password_change,
    password_reset,
    signin_mobile_change,
    signin_one_time_code,
    signin_password,
)
from smartunion.core.errors import DomainError
from smartunion.core.http import is_htmx, safe_redirect_target
from smartunion.members.selectors import worker_membership
from smartunion.members.services import worker_activate
from smartunion.mobile.forms import (
    CodeSignInForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordSignInForm,
    RegisterForm,
    SigninMobileForm,
)
from smartunion.notifications.selectors import inbox_counts

SEND_CODE = "send_code"


def _next_url(request: HttpRequest) -> str:
    return safe_redirect_target(
        request, request.POST.get("next") or request.GET.get("next"), reverse("mobile:me")
    )


def worker_required(view):
    """Signed-in workers only: visitors go to sign-in, staff are pointed to the console."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('mobile:login')}?{urlencode({'next': request.get_full_path()})}")
        if user.is_staff_member:
            return render(request, "mobile/staff_refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _refuse_staff(form) -> bool:
    """Staff sign in on the console, with their second factor; the form then links there."""
    form.add_error(None, _("Staff accounts sign in on the staff console, not on the mobile web."))
    return True


def _send_code(request: HttpRequest, form, *, purpose: str) -> bool:
    """The "send code" button: a plain form post without JavaScript, an in-place update with htmx."""
    try:
        one_time_code_send(
            mobile=form.data.get("mobile", ""), purpose=purpose, client_address=request_address(request)
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return False
    return True


def _send_code_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if is_htmx(request):
        return render(request, f"{template}#mobile_block", context)
    return render(request, template, context)


# --- Pages --------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """首页: for a signed-in worker, their services as tiles and the unread messages; for anyone
    else, how to sign in or register."""
    context = {}
    if request.user.is_authenticated and not request.user.is_staff_member:
        _total, unread = inbox_counts(user=request.user)
        context = {"unread": unread, "membership": worker_membership(user=request.user).membership}
    return render(request, "mobile/home.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "mobile/privacy.html")


@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    form = PasswordSignInForm(request.POST or None)
    staff_link = False
    if request.method == "POST" and form.is_valid():
        try:
            # A staff member's right password is refused here, and recorded as refused.
            user = signin_password(
                username=form.cleaned_data["mobile"],
                password=form.cleaned_data["password"],
                client_address=request_address(request),
                worker_only=True,
            )
        except WrongEnd:
            staff_link = _refuse_staff(form)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            login(request, user)
            return redirect(_next_url(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "mobile/login.html", {"form": form, "next": next_url, "staff_link": staff_link})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    form = CodeSignInForm(request.POST or None)
    context = {"form": form, "code_sent": False}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = _send_code(request, form, purpose="signin")
        return _send_code_response(request, "mobile/login_code.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            user = signin_one_time_code(
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                client_address=request_address(request),
            )
        except WrongEnd:
            # Refused by the service, and recorded as refused, not as a sign-in.
            context["staff_link"] = _refuse_staff(form)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "mobile/login_code.html", context)


@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """忘记密码: a code to the sign-in number, then a new password; then sign in with it."""
    form = PasswordResetForm(request.POST or None)
    context = {"form": form, "code_sent": False}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = _send_code(request, form, purpose=RESET_CODE_PURPOSE)
        return _send_code_response(request, "mobile/password_reset.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset(
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password"],
                client_address=request_address(request),
            )
        except WrongEnd as exc:
            form.add_domain_error(exc)
            context["staff_link"] = True
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Your password has been reset. Sign in with your new password."))
            return redirect("mobile:login")
    return render(request, "mobile/password_reset.html", context)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    context = {"form": form, "code_sent": False}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = _send_code(request, form, purpose="register")
        return _send_code_response(request, "mobile/register.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            # Registering with the number on a record union staff entered links that record at once.
            activation = worker_activate(
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                agree=form.cleaned_data["agree"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            login(request, activation.user)
            if activation.person is not None:
                messages.success(request, membership_linked_message(activation.membership))
                return redirect("mobile:membership")
            if activation.several:
                messages.warning(
                    request,
                    _(
                        "Welcome! Your account has been created. Your mobile number is on more than one member "
                        "record, so none was linked: ask your union to correct the records, then link yours here."
                    ),
                )
                return redirect("mobile:membership")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("mobile:me")
    return render(request, "mobile/register.html", context)


def membership_linked_message(membership) -> str:
    """What a worker reads when the record their union entered was found and linked."""
    if membership is not None and membership.number:
        return _(
            "Your union membership was found and linked to your account: %(org)s, membership number "
            "%(number)s."
        ) % {"org": membership.org.name, "number": membership.number}
    if membership is not None:
        return _("Your union membership was found and linked to your account: %(org)s.") % {
            "org": membership.org.name
        }
    return _("Your member record was found and linked to your account.")


@worker_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """我的: name, masked mobile, password change, language (posted to console:set_language, the one
    language view of the product), sign-out."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("mobile:me")
    return render(
        request,
        "mobile/me.html",
        {"password_form": form, "languages": settings.LANGUAGES, "open_password": form.is_bound},
    )


@worker_required
@require_http_methods(["GET", "POST"])
def signin_mobile(request: HttpRequest) -> HttpResponse:
    """更换登录手机号: the current password and a code to the new number."""
    form = SigninMobileForm(request.POST or None)
    context = {"form": form, "code_sent": False}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = _send_code(request, form, purpose=MOBILE_CHANGE_PURPOSE)
        return _send_code_response(request, "mobile/signin_mobile.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            user = signin_mobile_change(
                user=request.user,
                password=form.cleaned_data["password"],
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("Your sign-in number is now %(mobile)s.") % {"mobile": user.mobile_masked}
            )
            return redirect("mobile:me")
    return render(request, "mobile/signin_mobile.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, pgettext("mobile", "You have signed out."))
    return redirect("mobile:login")
