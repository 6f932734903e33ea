"""The worker's membership on the mobile web: joining, the application's status and the inbox, the
e-member card, and the worker's own data (PIPL 第四十四条—第四十七条).

Views parse input, call one service or selector and render; the rules (who may join where, the ID
number, consent, duplicates, the card token, closure) live in ``members`` and ``accounts``.
"""

from __future__ import annotations

import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.core.errors import DomainError, NotFound
from smartunion.core.http import is_htmx
from smartunion.members.display import access_entries, status_label
from smartunion.members.selectors import (
    my_active_membership,
    my_memberships,
    my_person,
    my_transfers,
    occupation_tags,
    person_access_history,
    worker_current_membership,
    worker_membership,
)
from smartunion.members.services import (
    account_close,
    card_code,
    card_token,
    join_apply,
    join_withdraw,
    my_contact_update,
    my_data_export,
    person_link,
)
from smartunion.mobile.forms.members import (
    CloseAccountForm,
    ContactUpdateForm,
    JoinApplyForm,
    MembershipLinkForm,
)
from smartunion.mobile.helpers import SEND_CODE, send_code, send_code_response, worker_required
from smartunion.notifications.selectors import inbox_counts, inbox_list
from smartunion.orgs.selectors import (
    public_direct_joining_unions,
    public_districts_with_direct_joining,
    public_enterprise_get,
    public_enterprise_search,
    public_union,
    public_union_get,
)

# htmx stops polling when a poll is answered with 286: a card that is no longer valid stops asking.
HTMX_STOP_POLLING = 286


def _or_404(call, **kwargs):
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


# --- Joining ------------------------------------------------------------------------------------


@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """Step 1: the employer's union (by enterprise name or credit code), or a union that accepts
    direct joining, near the worker. Public: anyone may look; applying needs an account."""
    q = request.GET.get("q", "").strip()
    district = request.GET.get("district", "")
    current = None
    if request.user.is_authenticated and not request.user.is_staff_member:
        current = worker_current_membership(user=request.user)
    return render(
        request,
        "mobile/members/join.html",
        {
            "q": q,
            "enterprises": public_enterprise_search(q=q) if q else None,
            "districts": public_districts_with_direct_joining(),
            "district": district,
            "unions": public_direct_joining_unions(district=district),
            "current": current,
        },
    )


@worker_required
@require_http_methods(["GET", "POST"])
def join_apply_view(request: HttpRequest, org_id: int) -> HttpResponse:
    """Step 2: the application form for one union."""
    org = _or_404(public_union_get, pk=org_id)
    employer_id = request.POST.get("employer") or request.GET.get("employer") or None
    employer = _or_404(public_enterprise_get, pk=employer_id) if employer_id else None
    person = my_person(user=request.user)
    initial = {"employer": employer.pk if employer else None}
    if person is not None:
        initial.update(real_name=person.real_name, employment_form=person.employment_form)
    new_employment = org.accepts_direct_joining or (employer is not None and employer.is_platform)
    form = JoinApplyForm(
        request.POST or None, initial=initial, tags=occupation_tags(), new_employment=new_employment
    )
    if request.method == "POST" and form.is_valid():
        data = {
            "real_name": form.cleaned_data["real_name"],
            "employment_form": form.cleaned_data["employment_form"] or "",
            "occupation_tags": list(form.cleaned_data["occupation_tags"]),
        }
        # A worker who applied before keeps the ID number on file when they leave the field empty.
        if form.cleaned_data["id_number"] or person is None or not person.id_number_encrypted:
            data["id_number"] = form.cleaned_data["id_number"]
        if employer is not None:
            data["employer"] = employer
        try:
            join_apply(
                user=request.user,
                org=org,
                data=data,
                consent=form.cleaned_data["sensitive_consent"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Your application has been sent. The union will answer you here."))
            return redirect("mobile:membership")
    return render(
        request,
        "mobile/members/join_apply.html",
        {"form": form, "union": public_union(org), "employer": employer, "person": person},
    )


# --- Status ------------------------------------------------------------------------------------


@worker_required
@require_GET
def membership(request: HttpRequest) -> HttpResponse:
    state = worker_membership(user=request.user)
    return render(
        request,
        "mobile/members/membership.html",
        {
            "person": state.person,
            "membership": state.membership,
            "history": [(event, status_label(event.to_status)) for event in state.history],
            "inbox": inbox_list(user=request.user),
            "working_days": settings.JOIN_RESPONSE_WORKING_DAYS,
        },
    )


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
def membership_link(request: HttpRequest) -> HttpResponse:
    """A worker whose union entered them (a roster, an enrolment) before they had an account links
    that record: a code goes to the mobile number the union has on file (usually the one they sign
    in with; the page shows that one masked, never in full)."""
    person = my_person(user=request.user)
    form = MembershipLinkForm(request.POST or None)
    context = {"form": form, "code_sent": False, "person": person}
    if person is not None:
        return render(request, "mobile/members/membership_link.html", context)
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = send_code(request, form, purpose="link")
        return send_code_response(request, "mobile/members/membership_link.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            person_link(
                user=request.user,
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, membership_linked_message(worker_membership(user=request.user).membership)
            )
            return redirect("mobile:membership")
    return render(request, "mobile/members/membership_link.html", context)


@worker_required
@require_POST
def application_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw the application that waits for an answer; the worker may apply again."""
    try:
        withdrawn = join_withdraw(user=request.user, client_address=request_address(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You withdrew your application to %(org)s. You may apply again at any time.")
            % {"org": withdrawn.org.name},
        )
    return redirect("mobile:membership")


# --- The e-member card --------------------------------------------------------------------------


def card_qr_data_uri(token: str) -> str:
    """The QR code of a card token, as an SVG data URI (the CSP allows data: images)."""
    return segno.make(token, error="m").svg_data_uri(scale=6, border=2, dark="#1a1a1a")


def _card_context(membership) -> dict:
    token = card_token(membership=membership)
    code = card_code(membership=membership)
    return {
        "membership": membership,
        "token": token,
        "qr": card_qr_data_uri(token),
        # Read out or typed where the clerk's phone cannot scan (members/services/cards.py).
        "code_shown": f"{code[:3]} {code[3:]}",
        "refreshed_at": timezone.localtime(),
    }


@worker_required
@require_GET
@never_cache
def card(request: HttpRequest) -> HttpResponse:
    active = my_active_membership(user=request.user)
    if active is not None:
        context = {**_card_context(active), "person": active.person}
    else:
        context = {"membership": None, "state": worker_membership(user=request.user).membership}
    return render(request, "mobile/members/card.html", context)


@worker_required
@require_GET
@never_cache
def card_qr(request: HttpRequest) -> HttpResponse:
    """The QR partial the card page polls every 60 s (a token lives CARD_TOKEN_TTL_SECONDS), with the
    typed code under it (one per CARD_CODE_WINDOW_SECONDS, the previous one still accepted)."""
    active = my_active_membership(user=request.user)
    if active is None:
        response = render(request, "mobile/members/card.html#qr", {"membership": None})
        if is_htmx(request):
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "mobile/members/card.html#qr", _card_context(active))


# --- The worker's own data (PIPL 第四十四条—第四十七条) -------------------------------------------------


def _field_labels() -> dict[str, str]:
    return {"id_number": pgettext("mobile", "ID number"), "mobile": pgettext("mobile", "Mobile number")}


@worker_required
@require_GET
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    person = my_person(user=request.user)
    fields = _field_labels()
    # Staff by their name and organisation (members.display), never by the login name.
    access = [
        {
            "at": entry.at,
            "staff": entry.by,
            "org": entry.by_org,
            "what": entry.action_label,
            "field": fields.get(entry.field, ""),
            "case_number": entry.case_number,
        }
        for entry in access_entries(person_access_history(person=person, user=request.user))
    ]
    memberships = my_memberships(person=person)
    for item in memberships:
        for event in item.events.all():
            event.to_status_label = status_label(event.to_status)
    total, unread = inbox_counts(user=request.user)
    return render(
        request,
        "mobile/members/my_data.html",
        {
            "person": person,
            "memberships": memberships,
            "transfers": my_transfers(person=person),
            "inbox_total": total,
            "inbox_unread": unread,
            "access": access,
        },
    )


@worker_required
@require_GET
@never_cache
def my_data_json(request: HttpRequest) -> HttpResponse:
    """The download (PIPL 第四十五条): the worker's own data in full, audited as person.self_export."""
    export = my_data_export(user=request.user, client_address=request_address(request))
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="smartunion-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@worker_required
@require_http_methods(["GET", "POST"])
def contact_update(request: HttpRequest) -> HttpResponse:
    """Correct the contact mobile (PIPL 第四十六条): a code goes to the NEW number first."""
    form = ContactUpdateForm(request.POST or None)
    context = {"form": form, "code_sent": False, "person": my_person(user=request.user)}
    if request.method == "POST" and request.POST.get("action") == SEND_CODE:
        context["code_sent"] = send_code(request, form, purpose="contact")
        return send_code_response(request, "mobile/members/my_contact.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            my_contact_update(
                user=request.user,
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Your contact mobile number has been changed."))
            return redirect("mobile:my_data")
    return render(request, "mobile/members/my_contact.html", context)


@worker_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """Close the account (PIPL 第四十七条): says what happens, asks for the password, signs out."""
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_close(
                user=request.user,
                password=form.cleaned_data["password"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            logout(request)
            messages.success(
                request, _("Your account has been closed and your personal information removed.")
            )
            return redirect("mobile:home")
    return render(request, "mobile/members/close_account.html", {"form": form})
