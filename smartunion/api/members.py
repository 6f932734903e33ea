"""Members, applications and transfers for union staff, within the caller's scope, and the check of
an e-member card.

Personal data is masked in every answer; a full ID number or mobile is a separate, audited call
(``unmask``). Opening a member goes through ``person_open``, which records the access the worker
sees on their own page.

Verifying a card: merchants, breakfast shops and event check-in scan the card's QR code and ask
whether it is valid. The answer shows what the card itself shows, nothing more.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.api.errors import error_responses
from smartunion.api.orgs import org_reference
from smartunion.api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    keyset_page,
)
from smartunion.api.rendering import prebuilt_response
from smartunion.api.schemas.members import (
    MEMBERS_DEFAULT_LIMIT,
    ApplicationOut,
    ApplicationPage,
    CardVerifyIn,
    CardVerifyOut,
    DecisionIn,
    MemberDetailOut,
    MemberOut,
    MemberPage,
    MemberSearchIn,
    TransferCancelIn,
    TransferIn,
    TransferOut,
    TransferPage,
    UnmaskIn,
    UnmaskOut,
)
from smartunion.api.security import require_staff, scope_with_perm, staff_with_perm
from smartunion.api.throttle import TokenRateThrottle
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.members.models import MembershipStatus
from smartunion.members.selectors import (
    applications_queue,
    classify_query,
    member_rows,
    membership_get,
    person_get,
    person_memberships,
    transfer_get,
    transfers_open,
)
from smartunion.members.services import (
    card_check,
    join_decide,
    person_open,
    person_unmask,
    transfer_cancel,
    transfer_decide,
    transfer_request,
)
from smartunion.orgs.selectors import public_union_get

members_router = Router(tags=["members"])
applications_router = Router(tags=["applications"])
transfers_router = Router(tags=["transfers"])
cards_router = Router(tags=["cards"])

LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
# A page of people is a screenful (MEMBERS_DEFAULT_LIMIT, api/schemas/members.py): every row is
# decrypted twice to be masked, so the cost of a search grows with the page; ask for more with `limit`.
MEMBERS_LIMIT = Query(MEMBERS_DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
CURSOR = Query(None, max_length=1000, description="`next_cursor` of the previous page.")
ORG = Query(None, description="Only this organisation's subtree.")
STATUS = Query(None, description="Only people with a membership in this status.")


# Each list seals its cursors under its own purpose (api/pagination.py).
MEMBERS_CURSOR = "members"
APPLICATIONS_CURSOR = "applications"
TRANSFERS_CURSOR = "transfers"


def _org_filter(org: int | None):
    return org_reference(org, field="query.org") if org is not None else None


# --- Members ---------------------------------------------------------------------------------------


def _members_page(
    request: HttpRequest, *, q: str, org: int | None, status: str, limit: int, cursor: str | None, source: str
) -> HttpResponse:
    user = request.auth
    staff_with_perm(user, "members.view")
    if source == "query" and classify_query(q).kind in ("mobile", "id_number"):
        raise ValidationFailed(
            fields={
                "query.q": [
                    _(
                        "Send full mobile or ID numbers with POST /api/v1/members/search, so they stay out of URLs and logs."
                    )
                ]
            }
        )
    after = None
    if cursor:
        after = decode_cursor(cursor, arity=2, seal=MEMBERS_CURSOR, field=f"{source}.cursor")
        if not (isinstance(after[0], str) and isinstance(after[1], int)):
            raise invalid_cursor(f"{source}.cursor")
    with scope_with_perm(user, "members.view"):
        org_node = org_reference(org, field=f"{source}.org") if org is not None else None
        rows = member_rows(q=q, org=org_node, status=status, after=after, limit=limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].real_name, rows[-1].id], seal=MEMBERS_CURSOR)
    # MemberPage's shape as plain data (api/rendering.py): a model per row and the dump of the page
    # cost more than the rest of the answer.
    return prebuilt_response({"items": MemberOut.page_data(rows), "next_cursor": next_cursor})


@members_router.get(
    "",
    response={200: MemberPage, **error_responses(401, 403, 422)},
    summary="Search members",
    operation_id="members_list",
)
def member_list(
    request: HttpRequest,
    q: str = Query(
        "",
        max_length=100,
        description="The start of a name. A full mobile or ID number goes "
        "to `POST /members/search` instead, so that it stays out of URLs and logs.",
    ),
    org: int | None = ORG,
    status: MembershipStatus | None = STATUS,
    limit: int = MEMBERS_LIMIT,
    cursor: str | None = CURSOR,
):
    """People you may view, by name then id, whose name starts with `q`. ID numbers and mobiles are
    masked. A `q` that is a full mobile or ID number is a 422 on `query.q`: the address of a GET
    lands in access logs, so search by number with `POST /members/search`."""
    return _members_page(
        request, q=q, org=org, status=status or "", limit=limit, cursor=cursor, source="query"
    )


@members_router.post(
    "/search",
    response={200: MemberPage, **error_responses(401, 403, 422)},
    summary="Search members (by number too)",
    operation_id="members_search",
)
def member_search(request: HttpRequest, payload: MemberSearchIn):
    """The same search and the same pages as `GET /members`, with the query in the body: a full
    mobile or ID number is an exact match; anything else matches the start of the name. Pass the
    answer's `next_cursor` as `cursor` for the next page."""
    return _members_page(
        request,
        q=payload.q,
        org=payload.org,
        status=payload.status or "",
        limit=payload.limit,
        cursor=payload.cursor,
        source="body",
    )


@members_router.get(
    "/{person_id}",
    response={200: MemberDetailOut, **error_responses(401, 403, 404)},
    summary="Open a member",
    operation_id="members_get",
)
def member_detail(request: HttpRequest, person_id: int):
    """One person with their memberships in your scope. Opening a record is recorded: the worker
    sees who opened it and when. Outside your scope it does not exist (404)."""
    user = request.auth
    require_staff(user)
    person = person_open(actor=user, pk=person_id, client_address=request_address(request))
    with scope_with_perm(user, "members.view"):  # the memberships a list of members would show
        person.memberships_in_scope = list(person_memberships(person=person))
    return person


@members_router.post(
    "/{person_id}/unmask",
    response={200: UnmaskOut, **error_responses(401, 403, 404, 422)},
    summary="Show a full ID number or mobile",
    operation_id="members_unmask",
)
def member_unmask(request: HttpRequest, response: HttpResponse, person_id: int, payload: UnmaskIn):
    """Needs `members.unmask`; every call is recorded in the audit log and shown to the worker.
    The answer is not to be cached."""
    user = request.auth
    require_staff(user)
    person = person_get(pk=person_id)
    value = person_unmask(
        actor=user, person=person, field=payload.field, client_address=request_address(request)
    )
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


# --- Applications ----------------------------------------------------------------------------------


@applications_router.get(
    "",
    response={200: ApplicationPage, **error_responses(401, 403, 422)},
    summary="Applications waiting for an answer",
    operation_id="applications_list",
)
def application_list(
    request: HttpRequest,
    overdue: bool = Query(False, description="Only those past their due date."),
    org: int | None = ORG,
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    """Open applications in your scope, the earliest due first. An application still unanswered
    after its due date is `overdue`, and the union above sees it in its own queue."""
    user = request.auth
    staff_with_perm(user, "members.view")
    with scope_with_perm(user, "members.view"):
        qs = applications_queue(org=_org_filter(org), overdue_only=overdue)
        items, next_cursor = keyset_page(
            qs, order=("due_date", "id"), limit=limit, cursor=cursor, seal=APPLICATIONS_CURSOR
        )
    return {"items": items, "next_cursor": next_cursor}


@applications_router.post(
    "/{application_id}/decision",
    response={200: ApplicationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Approve or reject an application",
    operation_id="applications_decide",
)
def application_decide(request: HttpRequest, application_id: int, payload: DecisionIn):
    """Approve (the worker becomes a member and gets a membership number) or reject with a reason,
    which the worker reads. Needs `members.change`. Answering twice is 409."""
    user = request.auth
    require_staff(user)
    membership = membership_get(pk=application_id)
    return join_decide(
        actor=user,
        membership=membership,
        approve=payload.approve,
        reason=payload.reason,
        client_address=request_address(request),
    )


# --- Transfers -------------------------------------------------------------------------------------


@transfers_router.get(
    "",
    response={200: TransferPage, **error_responses(401, 403, 422)},
    summary="Transfers waiting for approval",
    operation_id="transfers_list",
)
def transfer_list(
    request: HttpRequest, org: int | None = ORG, limit: int = LIMIT, cursor: str | None = CURSOR
):
    """Open transfers from or to a union in your scope, oldest first."""
    user = request.auth
    staff_with_perm(user, "members.view")
    with scope_with_perm(user, "members.view"):
        qs = transfers_open(org=_org_filter(org))
        items, next_cursor = keyset_page(
            qs, order=("created_at", "id"), limit=limit, cursor=cursor, seal=TRANSFERS_CURSOR
        )
    return {"items": items, "next_cursor": next_cursor}


@transfers_router.post(
    "",
    response={201: TransferOut, **error_responses(401, 403, 409, 422)},
    summary="Ask for a transfer",
    operation_id="transfers_create",
)
def transfer_create(request: HttpRequest, payload: TransferIn):
    """A member of your union moves to `to_org`, any grassroots union in the federation; the
    receiving union approves. Needs `members.change` on either side. 409 when the person is not a
    member or a transfer is already waiting."""
    user = request.auth
    require_staff(user)
    try:
        person = person_get(pk=payload.person)
    except NotFound:
        raise ValidationFailed(fields={"body.person": [_("No person with this id exists.")]}) from None
    try:
        to_org = public_union_get(pk=payload.to_org)
    except NotFound:
        raise ValidationFailed(fields={"body.to_org": [_("No union with this id exists.")]}) from None
    transfer = transfer_request(
        actor=user,
        person=person,
        to_org=to_org,
        reason=payload.reason,
        client_address=request_address(request),
    )
    return Status(201, transfer)


@transfers_router.post(
    "/{transfer_id}/cancel",
    response={200: TransferOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Cancel a waiting transfer",
    operation_id="transfers_cancel",
)
def transfer_cancel_endpoint(request: HttpRequest, transfer_id: int, payload: TransferCancelIn | None = None):
    """Call off a transfer that waits for approval: the sending union (`members.change` on the
    member's union) or the receiving one; anyone else in scope gets 403. The member stays where
    they are. A transfer already approved, rejected or cancelled is 409."""
    user = request.auth
    require_staff(user)
    transfer = transfer_get(pk=transfer_id)
    reason = payload.reason if payload is not None else ""
    return transfer_cancel(
        actor=user, transfer=transfer, reason=reason, client_address=request_address(request)
    )


@transfers_router.post(
    "/{transfer_id}/decision",
    response={200: TransferOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Approve or reject a transfer",
    operation_id="transfers_decide",
)
def transfer_decision(request: HttpRequest, transfer_id: int, payload: DecisionIn):
    """The receiving union decides (`members.change` there; the sending side gets 403). On approval
    the old membership ends as "transferred out" and the new one starts, in one step: never two,
    never none. Deciding twice is 409."""
    user = request.auth
    require_staff(user)
    transfer = transfer_get(pk=transfer_id)
    return transfer_decide(
        actor=user,
        transfer=transfer,
        approve=payload.approve,
        reason=payload.reason,
        client_address=request_address(request),
    )


# --- Verifying an e-member card ------------------------------------------------------------------


def _result_labels() -> dict[str, str]:
    return {
        "valid": _("Valid card"),
        "expired": _("This code has expired: ask the member to refresh the card."),
        "revoked": _("This card is no longer valid."),
        "forged": _("This is not a valid member card."),
    }


@cards_router.post(
    "/verify",
    response={200: CardVerifyOut, **error_responses(401, 403, 422, 429)},
    throttle=[TokenRateThrottle("card_verify", "CARD_VERIFY_RATE")],
    summary="Verify a member card",
    operation_id="cards_verify",
)
def card_verify_view(request: HttpRequest, payload: CardVerifyIn):
    """`token` is the card's QR content, or its membership number and code as typed (spaces
    optional; a wrong typed code counts against you, `CARD_CODE_FAILURE_LIMIT` per
    `CARD_CODE_FAILURE_WINDOW_SECONDS`, then 429). `result` is `valid`, `expired` (the QR code or
    the typed code is older than two to four minutes), `revoked` (the membership was suspended or
    ended since) or `forged`. Only a valid card comes with `card`: the
    masked name, the union, the membership number and the status, as printed on the card; never an
    ID number or mobile. Needs a staff token with `benefits.redeem` (merchant clerks) or
    `members.view`; at most `CARD_VERIFY_RATE` (default 60 a minute) per token, then 429."""
    require_staff(request.auth)
    check = card_check(actor=request.auth, token=payload.token)
    card = None
    if check.result == "valid":
        membership = check.membership
        card = {
            "name": membership.person.name_masked,
            "union": membership.org.name,
            "number": membership.number,
            "status": membership.status,
            "status_label": str(membership.get_status_display()),
        }
    return {"result": check.result, "result_label": _result_labels()[check.result], "card": card}
