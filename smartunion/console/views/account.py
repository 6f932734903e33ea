"""The signed-in staff member's own account: changing the password (required at first sign-in,
since whoever created the account knows the initial one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.services import password_change
from smartunion.console.forms.accounts import PasswordChangeForm
from smartunion.console.helpers import apply_domain_error, render_page, staff_required
from smartunion.core.errors import Locked, ValidationFailed


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
        "console/password_change.html",
        {"form": form, "required": request.user.password_change_required},
    )
