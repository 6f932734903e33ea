"""What the mobile web's views share: the audience decorators (who a page is for) and the "send
code" button of the forms that prove a mobile number."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from smartunion.accounts.middleware import request_address
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
