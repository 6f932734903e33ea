"""Member pages: search the register, open a record (recorded), show a full value (audited), change
status, edit, ask for a transfer, and enrol a member on a worker's behalf."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import scope_with_perm
from smartunion.console.forms.members import (
    MemberEditForm,
    MemberEnrolForm,
    MemberSearchForm,
    StatusChangeForm,
    TransferRequestForm,
)
from smartunion.console.helpers import (
    PAGE_SIZE,
    apply_domain_error,
    is_htmx,
    picked,
    render_page,
    staff_required,
)
from smartunion.core import pagination
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.members.display import status_label
from smartunion.members.models import MembershipStatus, Person, TransferStatus
from smartunion.members.policies import (
    can_change_member,
    can_enrol_member,
    can_request_transfer,
    can_unmask,
    require_change_member,
)
from smartunion.members.selectors import (
    classify_query,
    current_of,
    membership_history,
    person_get,
    person_held_membership,
    person_memberships,
    person_search,
    person_transfers,
)
from smartunion.members.services import (
    TRANSFERABLE_STATUSES,
    member_enrol,
    membership_set_status,
    membership_staff_moves,
    person_open,
    person_unmask,
    person_update,
    transfer_request,
)
from smartunion.orgs.selectors import (
    enterprise_search,
    public_direct_joining_unions,
    public_enterprise_search,
)

PICKER_LIMIT = 20

# What each staff move is called on its button (lazy: translated when a page shows it, in the
# viewer's language, not once at import).
MOVE_LABELS = {
    MembershipStatus.SUSPENDED: gettext_lazy("Suspend"),
    MembershipStatus.ACTIVE: gettext_lazy("Reinstate"),
    MembershipStatus.RETAINED: gettext_lazy("Retain (retired or between jobs)"),
    MembershipStatus.LEFT: gettext_lazy("Mark as left"),
}


# --- keyset cursors ---------------------------------------------------------------------------------
# A cursor is the last row's key values (a name, for the member list), sealed with the field key
# together with the name of its list (core/pagination.py): it reads as noise in a URL or an access
# log, and one list's cursor pasted into another is refused (the first page, with a notice), never
# read as the wrong keys.


def encode_cursor(values: tuple | list | None, *, list_name: str) -> str:
    """An opaque "after this row" token for the next-page link of the list ``list_name``."""
    return "" if values is None else pagination.encode_cursor(values, seal=list_name)


def decode_cursor(request, *, list_name: str, arity: int) -> tuple | None:
    """The row values of the request's ``after`` cursor. A damaged cursor, or one of another list,
    starts again at the first page and says so. A search form's POST starts at the first page."""
    raw = request.GET.get("after") if request.method == "GET" else None
    if not raw:
        return None
    try:
        return tuple(pagination.decode_cursor(raw, arity=arity, seal=list_name))
    except pagination.InvalidCursor:
        messages.warning(request, _("This page link is not valid: here is the first page."))
        return None


def cursor_page(request, qs, *, list_name: str, keys: tuple[str, ...] = ("real_name", "id"), limit: int):
    """One keyset page of ``qs`` after the request's cursor: (rows, next cursor, whether a cursor
    was followed)."""
    after = decode_cursor(request, list_name=list_name, arity=len(keys))
    try:
        rows, last = pagination.keyset_rows(qs, order=keys, after=after, limit=limit)
    except pagination.InvalidCursor:
        # Signed by us for this list, yet its values do not fit (the list's keys changed since).
        messages.warning(request, _("This page link is not valid: here is the first page."))
        after = None
        rows, last = pagination.keyset_rows(qs, order=keys, after=None, limit=limit)
    return rows, encode_cursor(last, list_name=list_name), after is not None


def next_page_url(request, cursor: str) -> str:
    """The current GET query with ``after`` set to ``cursor``."""
    params = request.GET.copy()
    params.pop("after", None)
    params["after"] = cursor
    return f"?{params.urlencode()}"


def first_page_url(request) -> str:
    params = request.GET.copy()
    params.pop("after", None)
    return f"?{params.urlencode()}" if params else "?"


# --- the list ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view", lists=True)
def member_list(request):
    """The search form posts, so a full mobile or ID number never stands in a URL (or a server
    log); the next-page link carries only a name prefix, the filters and the cursor."""
    form = MemberSearchForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()  # a bad filter shows its error; the others still apply
    filters = form.cleaned_data
    q = filters.get("q", "")
    kind = classify_query(q).kind
    try:
        qs = person_search(
            q=q, org=filters.get("org"), status=filters.get("status", ""), with_memberships=True
        )
    except ValidationFailed as exc:  # digits short of a full number: say what to type
        apply_domain_error(form, exc)
        rows, cursor, followed = [], "", False
    else:
        rows, cursor, followed = cursor_page(request, qs, list_name="members", limit=PAGE_SIZE)
    params = {
        "q": q if kind == "name" else "",
        "org": filters["org"].pk if filters.get("org") else "",
        "status": filters.get("status", ""),
    }
    params = {k: v for k, v in params.items() if v}
    context = {
        "form": form,
        "q": q,
        "search_kind": kind,
        "picked_org": filters.get("org"),
        "rows": rows,
        # An exact match (mobile, ID number) has no next page: its value is not put in a URL.
        "next_url": f"?{urlencode({**params, 'after': cursor})}"
        if cursor and kind in ("name", "all")
        else "",
        "first_url": f"?{urlencode(params)}" if followed else "",
        "can_add": can_enrol_member(request.user),
    }
    return render_page(request, "console/members/member_list.html", context, partial="results")


# --- one record -------------------------------------------------------------------------------------


def _labelled(events) -> list:
    """History rows with their statuses in words (the event table stores the codes)."""
    rows = list(events)
    for event in rows:
        event.from_label = status_label(event.from_status)
        event.to_label = status_label(event.to_status)
    return rows


def _detail_context(request, person: Person, **extra) -> dict:
    user = request.user
    # The record's own lists (memberships, their history, transfers) follow members.view too: a
    # second role's wider scope does not show another union's memberships and reasons.
    with scope_with_perm(user, "members.view"):
        memberships = list(person_memberships(person=person))
        history = _labelled(membership_history(person=person))
        transfers = list(person_transfers(person=person))
    current = current_of(memberships)
    can_change = can_change_member(user, person)
    moves = membership_staff_moves(current) if current is not None and can_change else []
    context = {
        "person": person,
        "memberships": memberships,
        "current": current,
        "history": history,
        "transfers": transfers,
        "tags": person.occupation_tags.all(),
        "can_change": can_change,
        "can_unmask": can_unmask(user, person),
        "moves": [(m, MOVE_LABELS[m]) for m in moves],
        "status_form": StatusChangeForm(),
        # Who may ask is the policy's rule; the button also waits for a transferable membership
        # and no transfer already waiting, which the service would refuse with a message.
        "can_transfer": current is not None
        and current.status in TRANSFERABLE_STATUSES
        and not any(t.status == TransferStatus.REQUESTED for t in transfers)
        and can_request_transfer(user, person),
        "unmasked": {},
    }
    context.update(extra)
    return context


@require_GET
@staff_required(perm="members.view")
def member_detail(request, pk):
    person = person_open(actor=request.user, pk=pk, client_address=request_address(request))
    return _no_store(
        render_page(request, "console/members/member_detail.html", _detail_context(request, person))
    )


def _no_store(response):
    """A page with a person's data (a full number, once shown) stays out of every cache."""
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required(perm="members.view")
def member_unmask(request, pk):
    person = person_get(pk=pk)
    field = request.POST.get("field", "")
    try:
        value = person_unmask(
            actor=request.user, person=person, field=field, client_address=request_address(request)
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("console:member_detail", pk=person.pk)
    if is_htmx(request):
        context = {"field": field, "value": value, "person": person}
        return _no_store(render(request, "console/members/member_detail.html#unmasked", context))
    context = _detail_context(request, person, unmasked={field: value})
    return _no_store(render_page(request, "console/members/member_detail.html", context))


@require_POST
@staff_required(perm="members.change")
def member_status(request, pk):
    person = person_get(pk=pk)
    current = person_held_membership(person=person)
    form = StatusChangeForm(request.POST)
    if current is not None and not request.POST.get("to"):
        # No status chosen (none is chosen in advance): say so on the form, with the reason kept.
        form.full_clean()
        context = _detail_context(request, person, status_form=form)
        return render_page(request, "console/members/member_detail.html", context, status=400)
    if current is None or not form.is_valid():
        messages.error(request, _("This change of status is not possible for this membership now."))
        return redirect("console:member_detail", pk=person.pk)
    to = form.cleaned_data["to"]
    try:
        membership_set_status(
            actor=request.user,
            membership=current,
            to=to,
            reason=form.cleaned_data["reason"],
            client_address=request_address(request),
        )
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        context = _detail_context(request, person, status_form=form, chosen_move=to)
        return render_page(request, "console/members/member_detail.html", context, status=400)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The membership is now “%(status)s”.") % {"status": MembershipStatus(to).label},
        )
    return redirect("console:member_detail", pk=person.pk)


def _employer_initial(form) -> object:
    return picked(form, "employer", default=form.initial.get("employer"))


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.change")
def member_edit(request, pk):
    person = person_get(pk=pk)
    require_change_member(request.user, person)
    initial = {
        "real_name": person.real_name,
        "employment_form": person.employment_form,
        "wage_bracket": person.wage_bracket,
        "employer": person.employer,
        "occupation_tags": list(person.occupation_tags.all()),
    }
    form = MemberEditForm(request.POST or None, initial=initial, mobile_hint=person.mobile_masked)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data["mobile"]:
            data.pop("mobile")  # blank keeps the number on record
        try:
            person_update(
                actor=request.user, person=person, data=data, client_address=request_address(request)
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:member_detail", pk=person.pk)
    context = {"form": form, "person": person, "picked_employer": _employer_initial(form)}
    return render_page(request, "console/members/member_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.change")
def member_transfer(request, pk):
    person = person_get(pk=pk)
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_request(
                actor=request.user,
                person=person,
                to_org=form.cleaned_data["to_org"],
                reason=form.cleaned_data["reason"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The transfer to %(org)s was requested; the receiving union approves it.")
                % {"org": transfer.to_org.name},
            )
            return redirect("console:member_detail", pk=person.pk)
    context = {"form": form, "person": person, "picked_to_org": picked(form, "to_org")}
    return render_page(request, "console/members/member_transfer.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.change")
def member_add(request):
    form = MemberEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("org")
        try:
            membership = member_enrol(
                actor=request.user, org=org, data=data, client_address=request_address(request)
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is now a member of %(org)s, number %(number)s.")
                % {"name": membership.person.real_name, "org": org.name, "number": membership.number},
            )
            return redirect("console:member_detail", pk=membership.person_id)
    context = {
        "form": form,
        "picked_org": picked(form),
        "picked_employer": _employer_initial(form),
    }
    return render_page(request, "console/members/member_add.html", context)


@require_GET
@staff_required(perm="enterprises.view", lists=True)
def member_employer_pick(request):
    """The choices of the employer picker (htmx): enterprises the user may list, by name or credit
    code."""
    q = request.GET.get("q", "").strip()
    enterprises = enterprise_search(q=q)[:PICKER_LIMIT] if q else []
    return render(
        request, "console/members/member_employer_picker.html#choices", {"enterprises": enterprises, "q": q}
    )


@require_GET
@staff_required(perm="members.change")
def member_transfer_pick(request):
    """The choices of the receiving-union picker (htmx): the union of the member's new employer,
    found by the employer's name or credit code, or a union that accepts direct joining."""
    q = request.GET.get("q", "").strip()
    employers = [e for e in public_enterprise_search(q=q) if e.union is not None] if q else []
    direct = public_direct_joining_unions(q=q)[:PICKER_LIMIT] if len(q) >= 2 else []
    context = {"employers": employers, "direct": direct, "q": q}
    return render(request, "console/members/member_transfer.html#choices", context)
