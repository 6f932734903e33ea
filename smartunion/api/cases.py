"""Legal aid and labour-dispute mediation: applying, the worker's own cases, and the workbench of the
mediators and legal-aid officers (issue 9). Everything the console can do to a case, with the same
rules: each operation calls the cases app's selectors, policies and services.

- ``POST /cases``: a worker applies, or staff record an application taken by phone, in person or at
  a station (劳动争议调解仲裁法 第十二条). An ``Idempotency-Key`` makes a retried or double-tapped
  request return the case it already created (200 instead of 201).
- ``/me/cases…`` (``me_router``): the worker's own cases, each with its public timeline; anyone
  else's case does not exist (404). Staff tokens get 403.
- ``/cases…`` (``cases_router``): staff. A case outside the caller's scope or flags does not exist
  (404); inside it, an action needs the case to be held (the centre's handling flag, or assigned),
  else 403: union staff with ``cases.view`` only read, and never see evidence files (404, as for
  anyone else). Illegal moves and changes to closed cases are 409.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status, UploadedFile

from smartunion.accounts.middleware import request_address
from smartunion.accounts.models import User
from smartunion.api.errors import error_responses
from smartunion.api.orgs import org_reference
from smartunion.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from smartunion.api.rendering import prebuilt_response
from smartunion.api.schemas.cases import (
    CaseApplyIn,
    CaseBriefOut,
    CaseDetailOut,
    CasePage,
    ContactIn,
    ContactList,
    ContactOut,
    DocumentIn,
    DocumentList,
    DocumentOut,
    MaterialRequestIn,
    MaterialRequestOut,
    MoveIn,
    MyCaseList,
    MyCaseOut,
    NumbersOut,
    PaymentIn,
    RatingIn,
    RoutingRuleIn,
    RoutingRuleList,
    RoutingRuleOut,
    ShareAnswerIn,
    ShareIn,
    ShareOut,
    TransitionIn,
    UnmaskOut,
    money,
)
from smartunion.api.security import require_staff, scope_with_perm
from smartunion.cases import clocks
from smartunion.cases.models import (
    CLOSED_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    DisputeType,
    RoutingRule,
)
from smartunion.cases.policies import (
    can_handle_any,
    can_handle_case,
    can_route,
    can_see_evidence,
    can_view_cases,
    handler,
)
from smartunion.cases.selectors import (
    QUEUE_ORDER,
    QueueFilters,
    case_claims,
    case_documents,
    case_evidence,
    case_get,
    case_numbers,
    case_queue_rows,
    case_shares,
    case_timeline,
    document_get,
    evidence_get,
    my_case_get,
    my_cases,
    routing_rules,
)
from smartunion.cases.services import (
    case_apply,
    case_move,
    case_open,
    case_rate,
    case_record_payment,
    case_transition,
    case_unmask,
    contact_log,
    document_filename,
    document_generate,
    document_open,
    evidence_add,
    evidence_open,
    material_request,
    material_supplied,
    routing_rule_create,
    routing_rule_delete,
    share_answer,
    share_request,
)
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from smartunion.core.personal import mask_name
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind

me_router = Router(tags=["my cases"])
cases_router = Router(tags=["cases"])

# The queue seals its cursors under its own purpose (api/pagination.py).
QUEUE_CURSOR = "cases"
CENTRE_KINDS = (OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE)
STATUS_FILTERS = ("open", "closed", *CaseStatus.values)
EVIDENCE_FILE = File(..., description="A photo (JPEG, PNG, WebP) or a PDF.")
KIND_FILTER = Query(None, description="Only cases of this kind.")
DISPUTE_TYPE_FILTER = Query(None, description="Cases with a claim of this type.")
# A file answer: the bytes, never cached, never sniffed into something else by the browser.
FILE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def require_worker(user) -> None:
    if user.is_staff_member:
        raise Forbidden(_("This part of the API is for workers' own accounts."))


def require_holding(user, case: Case) -> None:
    """Inside the scope, acting on a case needs holding it (403 for those who only read cases)."""
    if not can_handle_case(user, case):
        raise Forbidden(_("Only the centre handling this case may do this."))


@contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Give a service's field names the names (and places) the request used: the service says
    ``assignee``, the body ``assignee_id``; an upload's ``file`` is the multipart part ``file``."""
    try:
        yield
    except ValidationFailed as exc:
        exc.fields = {names.get(name, name): messages for name, messages in exc.fields.items()}
        raise


def _file_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    for name, value in FILE_HEADERS.items():
        response[name] = value
    return response


FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file's bytes.",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "image/*": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


def _material_request(case: Case):
    try:
        return case.material_request
    except ObjectDoesNotExist:
        return None


def _filled(case: Case, *, timeline: list, evidence: list) -> Case:
    """The case with the pieces its detail shows, read once each."""
    case.api_claims = case_claims(case=case)
    case.api_arbitration_open = clocks.window_passed(case)
    case.api_timeline = timeline
    case.api_evidence = evidence
    case.api_documents = case_documents(case=case)
    case.api_shares = case_shares(case=case)
    case.api_material_request = _material_request(case)
    return case


def _named_for(user, case: Case) -> Case:
    """Those holding a case read the applicant's name in full; those who only read cases, masked."""
    case.shown_name = case.applicant_name if can_handle_case(user, case) else case.applicant_name_masked
    return case


def _staff_detail(user, case: Case) -> Case:
    handles = can_handle_case(user, case)
    timeline = case_timeline(case=case, public_only=not handles)
    if not handles:
        for event in timeline:
            event.internal_text = ""
    case.api_handles = handles
    case.api_participants = list(case.participants.all())
    _named_for(user, case)
    return _filled(case, timeline=timeline, evidence=case_evidence(case=case) if handles else [])


def _my_detail(case: Case) -> Case:
    return _filled(
        case, timeline=case_timeline(case=case, public_only=True), evidence=case_evidence(case=case)
    )


def _staff_case(request: HttpRequest, case_id: int) -> Case:
    require_staff(request.auth)
    return case_get(user=request.auth, pk=case_id)


# --- Applying --------------------------------------------------------------------------------------


@cases_router.post(
    "",
    response={201: CaseBriefOut, 200: CaseBriefOut, **error_responses(401, 403, 422)},
    summary="Apply for mediation, legal aid or a consultation",
    operation_id="cases_apply",
)
def case_create(
    request: HttpRequest,
    payload: CaseApplyIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=200,
        description="Any string unique to this submission (a UUID). Sent again, the same case is "
        "answered with 200 and no second case is made.",
    ),
):
    """A worker applies for themself (the case's news goes to the account's mobile); staff who handle
    cases record an application taken by phone, in person or at a union station, with its `channel`
    and the worker's mobile, and the worker follows it on the phone. The case is routed at once to
    the centre of the employer's district and gets its number (`TJ…` mediation, `YZ…` legal aid,
    `ZX…` consultation). Every bad value is a 422 on its path (`body.claims.0.amount`,
    `body.employer.credit_code`, `body.dispute_date`) and nothing is saved. Staff without a handling
    flag get 403."""
    user = request.auth
    if user.is_staff_member and not can_handle_any(user):
        raise Forbidden(_("Only staff who handle cases may record an application."))
    data = payload.model_dump(mode="json", exclude={"channel"})
    for claim in data["claims"]:  # the service checks amounts from their text, never a float
        if claim["amount"] is not None:
            claim["amount"] = str(claim["amount"])
        claim["calculation"] = claim["calculation"] or {}
    data["means_route"] = data["means_route"] or ""
    case, created = case_apply(
        actor=user,
        data=data,
        channel=payload.channel or "online",
        submission_key=idempotency_key or "",
        client_address=request_address(request),
    )
    return Status(201 if created else 200, case)


# --- The worker's own cases ------------------------------------------------------------------------


@me_router.get(
    "/cases",
    response={200: MyCaseList, **error_responses(401, 403)},
    summary="My cases",
    operation_id="me_cases_list",
)
def my_case_list(request: HttpRequest):
    """Your applications, newest first: those you filed and those staff recorded with your mobile."""
    require_worker(request.auth)
    return {"items": my_cases(user=request.auth)}


@me_router.get(
    "/cases/{case_id}",
    response={200: MyCaseOut, **error_responses(401, 403, 404)},
    summary="My case and its timeline",
    operation_id="me_cases_get",
)
def my_case_detail(request: HttpRequest, case_id: int):
    """Where your case is: the status, the centre, your claims and the amounts, the statutory clocks,
    every step so far (never staff-internal notes), your evidence, the documents produced, requests
    to share the case that wait for your consent, and whether you may now apply for arbitration
    (`arbitration_open`: day 15 of mediation without an agreement). Anyone else's case is 404."""
    require_worker(request.auth)
    return _my_detail(my_case_get(user=request.auth, pk=case_id))


@me_router.post(
    "/cases/{case_id}/evidence",
    response={201: MyCaseOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Add evidence to my case",
    operation_id="me_cases_evidence_add",
)
def my_evidence_add(
    request: HttpRequest,
    case_id: int,
    file: UploadedFile = EVIDENCE_FILE,
    description: str = Form("", max_length=200, description="What it shows."),
):
    """A multipart upload (`file`, and `description`). The type is judged by the content, not the
    name: an executable renamed .jpg is 422 on `file.file`, as is a file over the size limit
    (`CASE_EVIDENCE_MAX_BYTES`, default 10 MB). A closed case is 409. Answers with the case."""
    require_worker(request.auth)
    case = my_case_get(user=request.auth, pk=case_id)
    with fields_renamed({"file": "file.file", "description": "form.description"}):
        evidence_add(
            case=case,
            actor=request.auth,
            upload=file,
            description=description,
            client_address=request_address(request),
        )
    return Status(201, _my_detail(case))


@me_router.get(
    "/cases/{case_id}/evidence/{evidence_id}",
    response=error_responses(401, 403, 404),
    openapi_extra=FILE_ANSWER,
    summary="Download my evidence file",
    operation_id="me_cases_evidence_get",
)
def my_evidence_get(request: HttpRequest, case_id: int, evidence_id: int):
    """The file as uploaded (`Content-Disposition: attachment`, not cached)."""
    require_worker(request.auth)
    case = my_case_get(user=request.auth, pk=case_id)
    evidence = evidence_get(case=case, pk=evidence_id)
    data = evidence_open(evidence=evidence, actor=request.auth, client_address=request_address(request))
    return _file_response(data, content_type=evidence.content_type, filename=f"evidence-{evidence.pk}")


@me_router.get(
    "/cases/{case_id}/documents/{document_id}",
    response=error_responses(401, 403, 404),
    openapi_extra=FILE_ANSWER,
    summary="Download a document of my case (PDF)",
    operation_id="me_cases_documents_get",
)
def my_document_get(request: HttpRequest, case_id: int, document_id: int):
    """A document of your case (the agreement, the arbitration or payment-order application): the
    PDF of that version, listed under `documents` in your case. Each download is recorded."""
    require_worker(request.auth)
    case = my_case_get(user=request.auth, pk=case_id)
    document = document_get(case=case, pk=document_id)
    data = document_open(document=document, actor=request.auth, client_address=request_address(request))
    return _file_response(data, content_type="application/pdf", filename=document_filename(document))


@me_router.post(
    "/cases/{case_id}/rating",
    response={200: MyCaseOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Rate the service",
    operation_id="me_cases_rate",
)
def my_case_rate(request: HttpRequest, case_id: int, payload: RatingIn):
    """Once the case is closed, once (好差评): satisfied, neutral or dissatisfied, with an optional
    comment. An open case, or a second rating, is 409."""
    require_worker(request.auth)
    case = my_case_get(user=request.auth, pk=case_id)
    case = case_rate(
        case=case,
        user=request.auth,
        rating=payload.rating,
        comment=payload.comment,
        client_address=request_address(request),
    )
    return _my_detail(case)


@me_router.post(
    "/cases/{case_id}/shares/{share_id}",
    response={200: ShareOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Answer a request to share my case",
    operation_id="me_cases_share_answer",
)
def my_share_answer(request: HttpRequest, case_id: int, share_id: int, payload: ShareAnswerIn):
    """Your separate consent (个人信息保护法 第二十三条) to sharing the case with the recipient named,
    for the purpose named; nothing is shared without it. Answering twice is 409."""
    require_worker(request.auth)
    case = my_case_get(user=request.auth, pk=case_id)
    share = next((s for s in case_shares(case=case) if s.pk == share_id), None)
    if share is None:
        raise NotFound(_("This request does not exist."))
    return share_answer(
        share=share, user=request.auth, consent=payload.consent, client_address=request_address(request)
    )


# --- Staff: numbers and routing (before /{case_id}, which they are not) ---------------------------


@cases_router.get(
    "/numbers",
    response={200: NumbersOut, **error_responses(401, 403, 422)},
    summary="Case numbers",
    operation_id="cases_numbers",
)
def numbers(
    request: HttpRequest,
    centre: int | None = Query(None, description="Only this centre (or organisation) in your scope."),
):
    """Over the cases you may see (your centre, or your subtree): cases by kind, dispute type and
    status; the median working days to first contact and to closing; agreements; the amounts
    claimed, agreed and actually paid; the ratings."""
    user = request.auth
    require_staff(user)
    if not can_view_cases(user):
        raise Forbidden(_("You do not work with cases."))
    if centre is not None:
        org_reference(centre, field="query.centre")
    data = case_numbers(user=user, centre=centre)
    for key in ("amount_claimed", "amount_agreed", "amount_paid"):
        data[key] = money(data[key])
    return data


def _require_route(user) -> None:
    require_staff(user)
    if not can_route(user):
        raise Forbidden(_("Changing where cases go needs the routing permission."))


@cases_router.get(
    "/routing-rules",
    response={200: RoutingRuleList, **error_responses(401, 403)},
    summary="Routing rules",
    operation_id="cases_routing_rules_list",
)
def routing_rule_list(request: HttpRequest):
    """The rules sending new cases to the centres of your subtree (`cases.route`). Without a rule a
    case goes to the centre whose division code is the longest prefix of the employer's."""
    user = request.auth
    _require_route(user)
    with scope_with_perm(user, "cases.route"):
        return {"items": list(routing_rules())}


@cases_router.post(
    "/routing-rules",
    response={201: RoutingRuleOut, **error_responses(401, 403, 422)},
    summary="Add a routing rule",
    operation_id="cases_routing_rules_create",
)
def routing_rule_add(request: HttpRequest, payload: RoutingRuleIn):
    """Cases of `kind` (empty: every kind) from employers whose division code starts with
    `region_prefix`, and in GB/T 4754 section `industry` when given, go to `centre`. An industry
    rule wins over a region rule, then the longest prefix. The centre must be a mediation or
    legal-service centre where you hold `cases.route`."""
    user = request.auth
    _require_route(user)
    with scope_with_perm(user, "cases.route"):
        centre = org_reference(payload.centre, field="body.centre")
    rule = routing_rule_create(
        actor=user,
        kind=payload.kind,
        region_prefix=payload.region_prefix,
        industry=payload.industry.upper(),
        centre=centre,
        note=payload.note,
    )
    return Status(201, rule)


@cases_router.delete(
    "/routing-rules/{rule_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Delete a routing rule",
    operation_id="cases_routing_rules_delete",
)
def routing_rule_remove(request: HttpRequest, rule_id: int):
    """New cases go by the remaining rules (cases already filed stay where they are)."""
    user = request.auth
    _require_route(user)
    with scope_with_perm(user, "cases.route"):
        try:
            rule = routing_rules().get(pk=rule_id)
        except RoutingRule.DoesNotExist:
            raise NotFound(_("This rule does not exist.")) from None
    routing_rule_delete(actor=user, rule=rule)
    return Status(204, None)


# --- Staff: the queue and a case -------------------------------------------------------------------


@cases_router.get(
    "",
    response={200: CasePage, **error_responses(401, 403, 422)},
    summary="The case queue",
    operation_id="cases_list",
)
def case_list(
    request: HttpRequest,
    view: str = Query(
        "centre", pattern="^(centre|mine)$", description="centre: every case you see; mine: assigned to you."
    ),
    status: str = Query(
        "open", max_length=16, description="open (default), closed, or one status (received, accepted, …)."
    ),
    kind: CaseKind | None = KIND_FILTER,
    dispute_type: DisputeType | None = DISPUTE_TYPE_FILTER,
    clock: str | None = Query(
        None,
        pattern="^(overdue|due_soon|urgent|none)$",
        description="overdue: a clock has passed; due_soon: within 3 days; urgent: legal aid near the "
        "limitation; none: no clock runs.",
    ),
    centre: int | None = Query(None, description="Only this centre's cases."),
    q: str = Query("", max_length=24, description="The start of a case number."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=1000, description="`next_cursor` of the previous page."),
):
    """The cases you may see, the nearest statutory clock first (then by id): your centres' cases of
    the kinds you handle, those assigned to you, and with `cases.view` your subtree's, read only
    (the applicant's name masked). Keyset pages: pass `next_cursor` as `cursor`."""
    user = request.auth
    require_staff(user)
    if not can_view_cases(user):
        raise Forbidden(_("You do not work with cases."))
    if status not in STATUS_FILTERS:
        raise ValidationFailed(fields={"query.status": [_("Choose open, closed or a status.")]})
    filters = QueueFilters(
        view=view,
        status=status,
        kind=kind or "",
        dispute_type=dispute_type or "",
        clock=clock or "",
        centre=centre,
        q=q,
    )
    rows, next_cursor = keyset_page(
        functools.partial(case_queue_rows, user=user, filters=filters),
        order=QUEUE_ORDER,
        limit=limit,
        cursor=cursor,
        seal=QUEUE_CURSOR,
    )
    # In full for those holding the case, masked (刘*) for those who only read cases.
    held = handler(user)
    names = [
        row["applicant_name"]
        if held(row["kind"], row["org__path"], row["assignee_id"])
        else mask_name(row["applicant_name"])
        for row in rows
    ]
    return prebuilt_response(CasePage.page_data(rows, shown_names=names, next_cursor=next_cursor))


@cases_router.get(
    "/{case_id}",
    response={200: CaseDetailOut, **error_responses(401, 403, 404)},
    summary="Open a case",
    operation_id="cases_get",
)
def case_detail(request: HttpRequest, case_id: int):
    """The whole case. Opening it is recorded: the worker sees who opened their record. The mobile
    and ID number are masked (`POST …/unmask`). Those holding the case see the timeline with the
    internal notes and the evidence list; staff who only read cases (`cases.view`) see the public
    timeline, the applicant's name masked and no evidence. Outside your scope: 404."""
    user = request.auth
    case = _staff_case(request, case_id)
    case_open(case=case, actor=user, client_address=request_address(request))
    return _staff_detail(user, case)


@cases_router.post(
    "/{case_id}/unmask",
    response={200: UnmaskOut, **error_responses(401, 403, 404)},
    summary="Show the applicant's mobile and ID number in full",
    operation_id="cases_unmask",
)
def case_unmask_endpoint(request: HttpRequest, response: HttpResponse, case_id: int):
    """For those holding the case; every call, and every refused attempt, is in the audit log and in
    the worker's "who opened my record". Not to be cached."""
    case = _staff_case(request, case_id)
    values = case_unmask(case=case, actor=request.auth, client_address=request_address(request))
    response["Cache-Control"] = "no-store"
    return values


@cases_router.post(
    "/{case_id}/transitions",
    response={200: CaseDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Move a case on",
    operation_id="cases_transition",
)
def case_transition_endpoint(request: HttpRequest, case_id: int, payload: TransitionIn):
    """received → accepted or declined (with a `reason`) → assigned (`assignee_id`) → in progress →
    closed the way the kind closes: mediation agreed (`amount_agreed`, `payment_due`) or not agreed
    (reason); legal aid granted or refused (reason); a consultation answered; withdrawn (reason)
    while open. A move the workflow does not allow is 409 naming both states; a missing reason or
    amount is 422 on its field. The worker is told each step."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    assignee = None
    if payload.assignee_id is not None:
        with scopes_disabled():
            assignee = User.objects.filter(pk=payload.assignee_id, kind="staff").first()
        if assignee is None:
            raise ValidationFailed(fields={"body.assignee_id": [_("No staff member with this id exists.")]})
    with fields_renamed({"assignee": "assignee_id"}):
        case = case_transition(
            case=case,
            to=payload.to,
            actor=user,
            reason=payload.reason,
            assignee=assignee,
            amount_agreed=None if payload.amount_agreed is None else str(payload.amount_agreed),
            payment_due=payload.payment_due,
            client_address=request_address(request),
        )
    return _staff_detail(user, case)


@cases_router.post(
    "/{case_id}/contacts",
    response={201: ContactOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Log a contact",
    operation_id="cases_contacts_create",
)
def contact_create(request: HttpRequest, case_id: int, payload: ContactIn):
    """A call, message, meeting or visit with the worker or the employer, with its summary (kept
    internal). The first contact on an assigned case starts the work (in progress); the first with
    the worker stops the first-contact clock. Before assignment, or on a closed case: 409."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    entry = contact_log(
        case=case,
        actor=user,
        at=payload.at,
        channel=payload.channel,
        party=payload.party,
        summary=payload.summary,
        client_address=request_address(request),
    )
    return Status(201, entry)


@cases_router.get(
    "/{case_id}/contacts",
    response={200: ContactList, **error_responses(401, 403, 404)},
    summary="The contact log",
    operation_id="cases_contacts_list",
)
def contact_list(request: HttpRequest, case_id: int):
    """Every contact, newest first, for those holding the case (the summaries are internal; staff who
    only read cases get 403)."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    return {"items": list(case.contacts.select_related("logged_by"))}


@cases_router.post(
    "/{case_id}/material-request",
    response={201: MaterialRequestOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Ask for missing material",
    operation_id="cases_material_request",
)
def material_request_create(request: HttpRequest, case_id: int, payload: MaterialRequestIn):
    """Once and all together (法律援助法 第四十三条): a second request is 409. The worker is told what
    to supply and by when."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    entry = material_request(
        case=case, actor=user, items=payload.items, due=payload.due, client_address=request_address(request)
    )
    return Status(201, entry)


@cases_router.post(
    "/{case_id}/material-request/supplied",
    response={200: MaterialRequestOut, **error_responses(401, 403, 404, 409)},
    summary="Record the material as supplied",
    operation_id="cases_material_supplied",
)
def material_supplied_record(request: HttpRequest, case_id: int):
    """The worker supplied what was asked for; they see it on their timeline. 409 when nothing was
    requested or it is already recorded."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    return material_supplied(case=case, actor=user, client_address=request_address(request))


@cases_router.post(
    "/{case_id}/payment",
    response={200: CaseDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Record what the employer paid",
    operation_id="cases_payment",
)
def payment_record(request: HttpRequest, case_id: int, payload: PaymentIn):
    """The total paid so far on an agreement: all of it (paid), some (partly paid) or nothing
    (unpaid: the worker is pointed to the payment order). More than agreed, or a case without an
    agreement to pay, is 422."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    case = case_record_payment(
        case=case, actor=user, paid=str(payload.amount_paid), client_address=request_address(request)
    )
    return _staff_detail(user, case)


@cases_router.post(
    "/{case_id}/move",
    response={200: CaseBriefOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Move a case to another centre",
    operation_id="cases_move",
)
def case_move_endpoint(request: HttpRequest, case_id: int, payload: MoveIn):
    """Transfer to another mediation or legal-service centre, anywhere in the federation, with the
    reason; the case leaves its assignee and waits in the new centre's queue. Audited; the worker
    sees where the case went. A closed case is 409."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    if case.status in CLOSED_STATUSES:
        raise Conflict(_("A closed case cannot be moved."))
    with scopes_disabled():  # any centre of the federation may take a case
        centre = Org.objects.filter(pk=payload.centre, kind__in=CENTRE_KINDS).first()
    if centre is None:
        raise ValidationFailed(
            fields={"body.centre": [_("No mediation or legal-service centre has this id.")]}
        )
    return case_move(
        case=case, centre=centre, actor=user, reason=payload.reason, client_address=request_address(request)
    )


@cases_router.post(
    "/{case_id}/shares",
    response={201: ShareOut, **error_responses(401, 403, 404, 422)},
    summary="Ask the worker's consent to share the case",
    operation_id="cases_shares_create",
)
def share_create(request: HttpRequest, case_id: int, payload: ShareIn):
    """Name the recipient (an arbitration committee, another centre) and the purpose; the worker is
    asked for separate consent (个人信息保护法 第二十三条) and answers on the phone."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    share = share_request(
        case=case,
        actor=user,
        recipient=payload.recipient,
        purpose=payload.purpose,
        client_address=request_address(request),
    )
    return Status(201, share)


@cases_router.get(
    "/{case_id}/evidence/{evidence_id}",
    response=error_responses(401, 403, 404),
    openapi_extra=FILE_ANSWER,
    summary="Download an evidence file",
    operation_id="cases_evidence_get",
)
def evidence_download(request: HttpRequest, case_id: int, evidence_id: int):
    """For those holding the case; every opening is audited and shown to the worker. Staff who only
    read cases get 404, as anyone else does: the file is not theirs to know of."""
    user = request.auth
    case = _staff_case(request, case_id)
    if not can_see_evidence(user, case):
        raise NotFound(_("This file does not exist."))
    evidence = evidence_get(case=case, pk=evidence_id)
    data = evidence_open(evidence=evidence, actor=user, client_address=request_address(request))
    return _file_response(data, content_type=evidence.content_type, filename=f"evidence-{evidence.pk}")


@cases_router.get(
    "/{case_id}/documents",
    response={200: DocumentList, **error_responses(401, 403, 404)},
    summary="The case's documents",
    operation_id="cases_documents_list",
)
def document_list(request: HttpRequest, case_id: int):
    """Every PDF produced for the case, each generation a version of its own, newest first."""
    case = _staff_case(request, case_id)
    return {"items": case_documents(case=case)}


@cases_router.post(
    "/{case_id}/documents",
    response={201: DocumentOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Produce a document",
    operation_id="cases_documents_create",
)
def document_create(request: HttpRequest, case_id: int, payload: DocumentIn):
    """A new version of the mediation application, the agreement, the arbitration application
    (劳动争议调解仲裁法 第二十八条), the payment-order pack (第十六条) or the application for judicial
    confirmation, from the case as it is now, for those holding the case. A document the case cannot
    have yet (an agreement before one is reached) is 409."""
    user = request.auth
    case = _staff_case(request, case_id)
    require_holding(user, case)
    document = document_generate(
        case=case, kind=payload.kind, actor=user, client_address=request_address(request)
    )
    return Status(201, document)


@cases_router.get(
    "/{case_id}/documents/{document_id}",
    response=error_responses(401, 403, 404),
    openapi_extra=FILE_ANSWER,
    summary="Download a document (PDF)",
    operation_id="cases_documents_get",
)
def document_download(request: HttpRequest, case_id: int, document_id: int):
    """The PDF of that version, for those holding the case (it prints the worker's ID number and
    mobile in full: staff who only read cases get 404); each download is audited."""
    user = request.auth
    case = _staff_case(request, case_id)
    document = document_get(case=case, pk=document_id)
    data = document_open(document=document, actor=user, client_address=request_address(request))
    return _file_response(data, content_type="application/pdf", filename=document_filename(document))
