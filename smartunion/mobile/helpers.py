"""What the mobile web's views share: the audience decorators (who a page is for) and the "send
code" button of the forms that prove a mobile number.

The mobile web serves two audiences. Workers sign in here with their mobile number
(``worker_required``). Merchant clerks are staff holding the merchant clerk's role
(``merchant_clerk_required``); like all staff they sign in on the console, with their password and
authenticator code, and that session opens their pages here."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from smartunion.accounts.middleware import request_address, signed_in_staff
from smartunion.accounts.policies import can_redeem
from smartunion.accounts.services import one_time_code_send
from smartunion.core.errors import DomainError
from smartunion.core.http import is_htmx

SEND_CODE = "send_code"


# --- Audiences ----------------------------------------------------------------------------------


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


def merchant_clerk_required(view):
    """Merchant clerks only: staff who may redeem (``accounts.policies.can_redeem``: the flag of the
    merchant clerk's role, not the role's code, since roles are data an administrator may add),
    signed in on the console (password and authenticator code), since staff never sign in on the
    mobile web. Anyone else without a staff session, workers included, is sent to the console's
    sign-in and comes back here, as the console sends them; staff without the flag are refused
    (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not signed_in_staff(request):
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not can_redeem(request.user):
            return render(request, "mobile/merchant_refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


# --- The "send code" button ---------------------------------------------------------------------


def send_code(request: HttpRequest, form, *, purpose: str) -> bool:
    """The "send code" button: a plain form post without JavaScript, an in-place update with htmx."""
    try:
        one_time_code_send(
            mobile=form.data.get("mobile", ""), purpose=purpose, client_address=request_address(request)
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return False
    return True


def send_code_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if is_htmx(request):
        return render(request, f"{template}#mobile_block", context)
    return render(request, template, context)
