"""Joining and the worker's own membership: the public union directory, applying, the application's
status, the e-member card, and the worker's own data (PIPL 第四十四条—第四十七条).

Worker endpoints read only the signed-in worker's own rows (the selectors state that rule); a staff
token gets 403 here, as a worker's token does on staff endpoints.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.accounts.services import one_time_code_send
from smartunion.api.errors import error_responses
from smartunion.api.schemas.members import (
    AccessOut,
    ApplicationIn,
    CardOut,
    CloseIn,
    ContactCodeIn,
    ContactIn,
    ContactOut,
    LinkCodeIn,
    LinkIn,
    MembershipOut,
    MyMembershipOut,
    OccupationTagOut,
    PublicUnionList,
)
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from smartunion.members.display import access_entries
from smartunion.members.selectors import (
    my_active_membership,
    my_person,
    occupation_tags,
    occupation_tags_by_code,
    person_access_history,
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
from smartunion.orgs.selectors import (
    public_direct_joining_unions,
    public_enterprise_get,
    public_enterprise_search,
    public_union_get,
)

router = Router(tags=["membership"])
public_router = Router(tags=["joining"])


def require_worker(user) -> None:
    if user.is_staff_member:
        raise Forbidden(_("This part of the API is for workers' own accounts."))


def _reference(call, pk: int | None, *, field: str, message: str):
    """An id in the body that names nothing (or nothing the worker may pick) is a field error."""
    if pk is None:
        return None
    try:
        return call(pk=pk)
    except NotFound:
        raise ValidationFailed(fields={field: [message]}) from None


# --- Public: where to apply --------------------------------------------------------------------------


@public_router.get(
    "/unions/joinable",
    auth=None,
    response={200: PublicUnionList, **error_responses(422)},
    summary="Unions a worker may apply to",
    operation_id="unions_joinable",
)
def unions_joinable(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name (contains)."),
    region: str = Query("", max_length=12, description="Division code (prefix), e.g. 110111."),
    enterprise: str = Query(
        "",
        max_length=100,
        description="The employer's full credit code, or its name (two characters or more): "
        "answers with the union that covers it instead.",
    ),
):
    """Public, no token needed. Without `enterprise`: the unions that accept direct joining (gig and
    platform workers, and anyone whose employer has no union). With `enterprise`: the grassroots
    union covering each matching employer, with the employer (send its id as `employer` when
    applying). Only what a union publishes about itself: name, kind, district and its office's
    address, contact and phone (a mobile masked)."""
    if enterprise.strip():
        found = public_enterprise_search(q=enterprise)
        return {"items": [_public(e.union, enterprise=e) for e in found if e.union is not None]}
    return {"items": [_public(union) for union in public_direct_joining_unions(q=q, region=region)]}


def _public(union, *, enterprise=None) -> dict:
    return {
        "id": union.pk,
        "name": union.name,
        "kind": union.kind,
        "kind_label": str(union.kind_label),
        "district": union.district,
        "address": union.address,
        "contact_name": union.contact_name,
        "contact_phone": union.contact_phone,  # masked by the selector when it is a mobile
        "enterprise": {"id": enterprise.pk, "name": enterprise.name} if enterprise is not None else None,
    }


@public_router.get(
    "/occupation-tags",
    auth=None,
    response={200: list[OccupationTagOut]},
    summary="Occupation tags",
    operation_id="occupation_tags",
)
def occupation_tag_list(request: HttpRequest):
    """The tags a worker may give when applying (sanitation worker, outdoor worker, ...)."""
    return list(occupation_tags())


# --- The worker's membership ---------------------------------------------------------------------


@router.get(
    "/membership",
    response={200: MyMembershipOut, **error_responses(401, 403)},
    summary="My membership or application",
    operation_id="me_membership",
)
def my_membership(request: HttpRequest):
    """The membership you hold or your open application (status, union, number, the date the
    union answers by, the reason of a rejection), and every change so far."""
    require_worker(request.auth)
    state = worker_membership(user=request.auth)
    return {"membership": state.membership, "history": state.history}


@router.post(
    "/membership/link/code",
    response={204: None, **error_responses(401, 403, 409, 422, 429)},
    summary="Send a code to link my member record",
    operation_id="me_membership_link_code",
)
def membership_link_code(request: HttpRequest, payload: LinkCodeIn):
    """First step of linking the member record your union entered (a roster, an enrolment) before you
    had an account: a one-time code goes to the mobile number the union has on file, usually the
    one you sign in with (at most one a minute; 429 when too many codes were sent from your client
    address). 409 when your account already has a record."""
    require_worker(request.auth)
    if my_person(user=request.auth) is not None:
        raise Conflict(_("Your account already has a member record."))
    one_time_code_send(mobile=payload.mobile, purpose="link", client_address=request_address(request))
    return Status(204, None)


@router.post(
    "/membership/link",
    response={200: MyMembershipOut, **error_responses(401, 403, 404, 409, 422, 429)},
    summary="Link my member record",
    operation_id="me_membership_link",
)
def membership_link(request: HttpRequest, payload: LinkIn):
    """Link the member record that has this mobile number and no account yet, with the code sent to
    it: your membership, card, data and access history are then yours to see. A wrong code is 422
    on `body.code` and counts towards the lockout of the number (429); 404 when no record waiting
    for an account has the number; 409 when your account already has one, or the number is on
    several records."""
    require_worker(request.auth)
    person_link(
        user=request.auth, mobile=payload.mobile, code=payload.code, client_address=request_address(request)
    )
    state = worker_membership(user=request.auth)
    return {"membership": state.membership, "history": state.history}


@router.post(
    "/applications",
    response={201: MembershipOut, **error_responses(401, 403, 409, 422, 429)},
    summary="Apply to join a union",
    operation_id="me_applications_create",
)
def application_create(request: HttpRequest, payload: ApplicationIn):
    """Apply to the union `org`: your employer's union (send `employer`) or one that accepts direct
    joining. No labour contract is needed (工会法 第三条). The ID number is checked (GB 11643) and
    birth date and sex are taken from it. The union answers within 15 working days; you get an inbox
    message. A second application, or applying while a member, is 409 with the reason."""
    user = request.auth
    require_worker(user)
    org = _reference(
        public_union_get, payload.org, field="body.org", message=_("No union with this id exists.")
    )
    employer = _reference(
        public_enterprise_get,
        payload.employer,
        field="body.employer",
        message=_("No enterprise with this id exists."),
    )
    data = {
        "real_name": payload.real_name,
        "id_number": payload.id_number,
        "employment_form": payload.employment_form,
        "occupation_tags": occupation_tags_by_code(codes=payload.occupation_tags),
    }
    if payload.mobile is not None:
        data["mobile"] = payload.mobile
    if employer is not None:
        data["employer"] = employer
    membership = join_apply(
        user=user,
        org=org,
        data=data,
        consent=payload.sensitive_consent,
        client_address=request_address(request),
    )
    return Status(201, membership)


@router.delete(
    "/applications/current",
    response={200: MembershipOut, **error_responses(401, 403, 409)},
    summary="Withdraw my application",
    operation_id="me_applications_withdraw",
)
def application_withdraw(request: HttpRequest):
    """Withdraw the application that waits for an answer; it ends as `withdrawn` and you may apply
    again, to the same union or another. 409 when no application is waiting."""
    require_worker(request.auth)
    return join_withdraw(user=request.auth, client_address=request_address(request))


@router.get(
    "/card",
    response={200: CardOut, **error_responses(401, 403, 409)},
    summary="My e-member card",
    operation_id="me_card",
)
def my_card(request: HttpRequest):
    """What the card shows, a short-lived signed token for its QR code (fetch a new one before
    `expires_in` seconds pass) and the code to show after the number for a clerk who cannot scan. Only an active member has a card (409 otherwise); suspension or
    leaving revokes every token at once."""
    require_worker(request.auth)
    membership = my_active_membership(user=request.auth)
    if membership is None:
        raise Conflict(_("Only an active membership has a card."))
    return {
        "token": card_token(membership=membership),
        "expires_in": settings.CARD_TOKEN_TTL_SECONDS,
        "code": card_code(membership=membership),
        "number": membership.number,
        "union": membership.org,
        "name": membership.person.name_masked,
        "status": membership.status,
        "status_label": str(membership.get_status_display()),
    }


# --- The worker's own data (PIPL 第四十四条—第四十七条) -------------------------------------------------


@router.get(
    "/data",
    response={200: dict, **error_responses(401, 403)},
    summary="Everything held about me",
    operation_id="me_data",
)
def my_data(request: HttpRequest, response: HttpResponse):
    """A copy of everything the platform holds about you (PIPL 第四十五条), the same content as the
    mobile web's download: the account, the person record with the ID number and mobile in full,
    memberships and their history, transfers, who opened your record, and the inbox. The download
    is recorded in the audit log; the answer is not to be cached (`Cache-Control: no-store`)."""
    require_worker(request.auth)
    response["Cache-Control"] = "no-store"
    return my_data_export(user=request.auth, client_address=request_address(request))


@router.get(
    "/access-history",
    response={200: list[AccessOut], **error_responses(401, 403)},
    summary="Who opened my record",
    operation_id="me_access_history",
)
def my_access_history(request: HttpRequest):
    """Who in the union opened, showed in full, changed or exported your record, or opened your
    cases, their evidence files and documents, and when; newest first (the last 200). Staff are named by their name and organisation; a refused attempt to show
    a number in full is listed too (`refused`)."""
    require_worker(request.auth)
    person = my_person(user=request.auth)
    return access_entries(person_access_history(person=person, user=request.auth))


@router.post(
    "/contact/code",
    response={204: None, **error_responses(401, 403, 422, 429)},
    summary="Send a code to a new mobile",
    operation_id="me_contact_code",
)
def contact_code(request: HttpRequest, payload: ContactCodeIn):
    """First step of changing your contact mobile: a one-time code goes to the NEW number (at most
    one a minute; 429 when too many codes were sent from your client address)."""
    require_worker(request.auth)
    one_time_code_send(mobile=payload.mobile, purpose="contact", client_address=request_address(request))
    return Status(204, None)


@router.patch(
    "/contact",
    response={200: ContactOut, **error_responses(401, 403, 404, 422, 429)},
    summary="Change my contact mobile",
    operation_id="me_contact_update",
)
def contact_update(request: HttpRequest, payload: ContactIn):
    """Correct your contact mobile (PIPL 第四十六条) with the code sent to the new number. A wrong
    code is 422 on `body.code` and counts towards the lockout of that number (429). 404 before your
    first application (there is no member record yet)."""
    require_worker(request.auth)
    person = my_contact_update(
        user=request.auth, mobile=payload.mobile, code=payload.code, client_address=request_address(request)
    )
    return {"mobile": person.mobile_masked}


@router.post(
    "/close",
    response={204: None, **error_responses(401, 403, 422, 429)},
    summary="Close my account",
    operation_id="me_close",
)
def close(request: HttpRequest, payload: CloseIn):
    """Close your account (PIPL 第四十七条), confirmed with your password. Your membership ends, your
    name, ID number and mobile are erased, every token is revoked; anonymous statistics and the
    audit log stay. This cannot be undone."""
    require_worker(request.auth)
    account_close(user=request.auth, password=payload.password, client_address=request_address(request))
    return Status(204, None)
