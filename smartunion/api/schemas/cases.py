"""Schemas of the cases domain: applying (/cases), the worker's own cases (/me/cases) and the staff
workbench (/cases/...).

Money is a string with two decimals ("21673.30"), never a float; in requests an amount may be a
string or a JSON number, and the service checks it (not negative, at most two decimals). Dates are
ISO dates (2026-03-01), times ISO 8601 in UTC. Dates in an application are taken as text and checked
by the service, so a bad one is answered on its field with the same words as on the phone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from ninja import Field, Schema

from smartunion.api.schemas.common import InputSchema, Page, RefOut
from smartunion.cases.models import (
    NO_CLOCK,
    CaseKind,
    CaseStatus,
    Channel,
    Clock,
    ContactChannel,
    ContactParty,
    DisputeType,
    DocumentKind,
    EventKind,
    MeansRoute,
    PaymentStatus,
)
from smartunion.members.display import choice_label, choice_labels

DATE_TEXT = {"format": "date", "example": "2026-03-01"}
AMOUNT = 'Yuan, as a string with at most two decimals ("21673.30"); a JSON number is accepted too.'


def money(value: Decimal | None) -> str | None:
    """Money as the API writes it: a string with two decimals, or null."""
    return None if value is None else f"{value:.2f}"


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _person_ref(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name or user.username} if user is not None else None


# --- Applying -------------------------------------------------------------------------------------


class ApplicantIn(InputSchema):
    name: str = Field(..., max_length=100, description="Real name.")
    mobile: str = Field(
        "",
        max_length=20,
        description="Where the case's news goes. A worker's own account mobile is used whatever is sent; "
        "staff recording an application give the worker's.",
    )
    id_number: str = Field("", max_length=32, description="Resident ID number (GB 11643), optional.")
    occupation: str = Field("", max_length=100)
    address: str = Field("", max_length=300, description="Residence (劳动争议调解仲裁法 第二十八条).")
    is_migrant_worker: bool = Field(False, description="进城务工人员: waives the means test for pay claims.")


class EmployerIn(InputSchema):
    """Either `id` (from `GET /enterprises` or `GET /unions/joinable?enterprise=`), or `name` and
    `credit_code` of an employer not in the register."""

    id: int | None = Field(None, description="The employer's id in the enterprise register.")
    name: str = Field("", max_length=200, description="As on its business licence.")
    credit_code: str = Field("", max_length=18, description="Unified social credit code (GB 32100).")
    address: str = Field("", max_length=300)
    legal_rep: str = Field("", max_length=100, description="Its legal representative.")


class ClaimIn(InputSchema):
    type: DisputeType
    amount: str | int | float | None = Field(None, description=AMOUNT)
    description: str = Field("", max_length=500)
    calculation: dict[str, Any] | None = Field(
        None, description="The calculator's answer this claim rests on, attached as it came."
    )


class ParticipantIn(InputSchema):
    name: str = Field(..., max_length=100)
    mobile: str = Field("", max_length=20)
    is_representative: bool = False


class CaseApplyIn(InputSchema):
    """An application (劳动争议调解仲裁法 第十二条, 第二十八条; 法律援助法 第四十一条, 第四十二条)."""

    kind: CaseKind
    applicant: ApplicantIn
    employer: EmployerIn
    claims: list[ClaimIn] = Field(..., description="At least one; at most 20.")
    employment_start: str = Field("", max_length=10, json_schema_extra=DATE_TEXT)
    employment_end: str = Field(
        "", max_length=10, description="Empty while still employed.", json_schema_extra=DATE_TEXT
    )
    dispute_date: str = Field(
        "",
        max_length=10,
        description="When the worker knew of the infringement; not in the future.",
        json_schema_extra=DATE_TEXT,
    )
    facts: str = Field("", max_length=5000, description="What happened, in the worker's words.")
    request: str = Field("", max_length=2000, description="What the worker asks for.")
    means_route: MeansRoute | None = Field(None, description="Legal aid only: how the means test is met.")
    participants: list[ParticipantIn] = Field(
        default_factory=list,
        max_length=500,
        description="A collective case (第七条): ten or more workers, at least one representative.",
    )
    channel: Channel | None = Field(
        None,
        description="Staff only: how the application was taken (phone, walk_in, station); default "
        "phone. A worker's own application is always online.",
    )


# --- Pieces of a case -----------------------------------------------------------------------------


class ClaimOut(Schema):
    type: str
    type_label: str
    amount: str | None = Field(..., description="Yuan, two decimals; null when not stated.")
    description: str
    calculation: dict[str, Any]

    @staticmethod
    def resolve_type(claim) -> str:
        return claim.dispute_type

    @staticmethod
    def resolve_type_label(claim) -> str:
        return choice_label(DisputeType, claim.dispute_type)

    @staticmethod
    def resolve_amount(claim) -> str | None:
        return money(claim.amount)


class ClocksOut(Schema):
    """The statutory clocks (see docs/api.md): each date is null when that clock does not apply."""

    first_contact_due: date | None
    decision_due: date | None = Field(..., description="Legal aid: the decision is due (7 days, Art. 43).")
    mediation_window_ends: date | None = Field(..., description="Mediation: day 15 (第十四条).")
    limitation_ends: date | None = Field(..., description="Arbitration limitation, estimated (第二十七条).")
    next_clock: date | None = Field(..., description="The nearest running clock; null when none runs.")
    next_clock_kind: str
    next_clock_label: str
    days_to_clock: int | None = Field(..., description="Negative once past.")
    is_urgent: bool = Field(..., description="Legal aid with fewer than 7 days of limitation left (Art. 44).")


def clocks_data(case) -> dict:
    return {
        "first_contact_due": case.first_contact_due,
        "decision_due": case.decision_due,
        "mediation_window_ends": case.mediation_window_ends,
        "limitation_ends": case.limitation_ends,
        "next_clock": None if case.next_clock == NO_CLOCK else case.next_clock,
        "next_clock_kind": case.next_clock_kind,
        "next_clock_label": choice_label(Clock, case.next_clock_kind),
        "days_to_clock": case.days_to_clock,
        "is_urgent": case.is_urgent,
    }


class AmountsOut(Schema):
    claimed: str
    agreed: str | None
    paid: str
    payment_status: str = Field(..., description="Empty, pending, paid, partly_paid or unpaid.")
    payment_status_label: str
    payment_due: date | None


def amounts_data(case) -> dict:
    return {
        "claimed": money(case.amount_claimed),
        "agreed": money(case.amount_agreed),
        "paid": money(case.amount_paid),
        "payment_status": case.payment_status,
        "payment_status_label": choice_label(PaymentStatus, case.payment_status)
        if case.payment_status
        else "",
        "payment_due": case.payment_due,
    }


class EventOut(Schema):
    """A step on the worker's timeline, in the words the worker was told."""

    at: datetime
    kind: str
    kind_label: str
    text: str
    from_status: str
    to_status: str

    @staticmethod
    def resolve_kind_label(event) -> str:
        return choice_label(EventKind, event.kind)

    @staticmethod
    def resolve_text(event) -> str:
        return event.public_text


class StaffEventOut(EventOut):
    """A step of the case's history; `internal_text` (the summary of a contact, a reason, an internal
    note) only for those holding the case, otherwise empty."""

    internal_text: str
    is_internal: bool
    actor: RefOut | None = Field(..., description="The staff member or worker; null for the system.")

    @staticmethod
    def resolve_actor(event) -> dict | None:
        return _person_ref(event.actor)


class EvidenceOut(Schema):
    id: int
    description: str
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    version: int
    size: int
    created_at: datetime

    @staticmethod
    def resolve_kind_label(document) -> str:
        return choice_label(DocumentKind, document.kind)


class ShareOut(Schema):
    id: int
    recipient: str
    purpose: str
    status: Literal["pending", "consented", "refused"]
    requested_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_status(share) -> str:
        return "consented" if share.consented_at else "refused" if share.refused_at else "pending"

    @staticmethod
    def resolve_answered_at(share) -> datetime | None:
        return share.consented_at or share.refused_at


class MaterialRequestOut(Schema):
    items: str
    due: date
    requested_at: datetime
    supplied_at: datetime | None


class RatingOut(Schema):
    rating: str = Field(..., description="satisfied, neutral or dissatisfied.")
    comment: str
    rated_at: datetime


def rating_data(case) -> dict | None:
    if case.rated_at is None:
        return None
    return {"rating": case.rating, "comment": case.rating_comment, "rated_at": case.rated_at}


# --- The worker's own cases ---------------------------------------------------------------------


class CaseBriefOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    channel: str
    centre: RefOut = Field(..., description="The centre handling the case now.")
    received_at: datetime
    amount_claimed: str

    @staticmethod
    def resolve_kind_label(case) -> str:
        return choice_label(CaseKind, case.kind)

    @staticmethod
    def resolve_status_label(case) -> str:
        return choice_label(CaseStatus, case.status)

    @staticmethod
    def resolve_centre(case) -> dict | None:
        return _ref(case.org)

    @staticmethod
    def resolve_amount_claimed(case) -> str | None:
        return money(case.amount_claimed)


class MyCaseList(Schema):
    items: list[CaseBriefOut] = Field(..., description="Newest first, at most 200.")


class _CaseDetailResolvers(Schema):
    """How the worker's and the staff's case answers fill the parts they share (the end puts the
    lists on the case as ``api_*`` attributes, read once each)."""

    @staticmethod
    def resolve_claims(case) -> list:
        return case.api_claims

    @staticmethod
    def resolve_amounts(case) -> dict:
        return amounts_data(case)

    @staticmethod
    def resolve_clocks(case) -> dict:
        return clocks_data(case)

    @staticmethod
    def resolve_arbitration_open(case) -> bool:
        return case.api_arbitration_open

    @staticmethod
    def resolve_timeline(case) -> list:
        return case.api_timeline

    @staticmethod
    def resolve_evidence(case) -> list:
        return case.api_evidence

    @staticmethod
    def resolve_documents(case) -> list:
        return case.api_documents

    @staticmethod
    def resolve_shares(case) -> list:
        return case.api_shares

    @staticmethod
    def resolve_material_request(case):
        return case.api_material_request

    @staticmethod
    def resolve_rating(case) -> dict | None:
        return rating_data(case)


class MyCaseOut(CaseBriefOut, _CaseDetailResolvers):
    employer_name: str
    claims: list[ClaimOut]
    amounts: AmountsOut
    clocks: ClocksOut
    arbitration_open: bool = Field(
        ...,
        description="Day 15 of mediation has come without an agreement: the worker may apply for "
        "arbitration (劳动争议调解仲裁法 第十四条).",
    )
    reason: str = Field(..., description="The reason of a refusal, a decline or a withdrawal.")
    timeline: list[EventOut] = Field(..., description="Oldest first; never staff-internal notes.")
    evidence: list[EvidenceOut]
    documents: list[DocumentOut]
    shares: list[ShareOut] = Field(..., description="Requests to share the case; answer the pending ones.")
    material_request: MaterialRequestOut | None
    rating: RatingOut | None
    can_rate: bool = Field(..., description="Closed and not yet rated.")

    @staticmethod
    def resolve_can_rate(case) -> bool:
        return not case.is_open and case.rated_at is None


class RatingIn(InputSchema):
    rating: Literal["satisfied", "neutral", "dissatisfied"]
    comment: str = Field("", max_length=500)


class ShareAnswerIn(InputSchema):
    consent: bool = Field(..., description="true: agree to the sharing; false: refuse it.")


# --- Staff ---------------------------------------------------------------------------------------


class CaseRowOut(CaseBriefOut):
    """A line of the queue. `applicant_name` is in full for those holding the case, masked (刘*) for
    staff who only read cases (`cases.view`)."""

    applicant_name: str
    employer_name: str
    assignee: RefOut | None
    next_clock: date | None
    next_clock_kind: str
    next_clock_label: str
    days_to_clock: int | None
    is_urgent: bool

    @staticmethod
    def resolve_applicant_name(case) -> str:
        return case.shown_name  # set by the router: full or masked, by what the caller may see

    @staticmethod
    def resolve_assignee(case) -> dict | None:
        return _person_ref(case.assignee)

    @staticmethod
    def resolve_next_clock(case) -> date | None:
        return None if case.next_clock == NO_CLOCK else case.next_clock

    @staticmethod
    def resolve_next_clock_label(case) -> str:
        return choice_label(Clock, case.next_clock_kind)


# Dates and times as the API's JSON renderer writes them (ninja's encoder leaves them to Django's).
as_json = DjangoJSONEncoder().default


class CasePage(Page):
    items: list[CaseRowOut]

    @staticmethod
    def page_data(rows: list[dict], *, shown_names: list[str], next_cursor: str | None) -> dict:
        """The page as CaseRowOut serialises it, built from the queue's plain rows
        (``selectors.case_queue_rows``; api/rendering.py): the queue is a hot path
        (bench/case_queue.py). Labels are looked up once per page, and dates written as the renderer
        writes them (``as_json``, without its search through the types it knows for each value);
        tests/api/cases/test_staff.py holds the answer to the schema."""
        kinds, statuses, clocks = choice_labels(CaseKind), choice_labels(CaseStatus), choice_labels(Clock)
        today = timezone.localdate()
        items = []
        for row, name in zip(rows, shown_names, strict=True):
            clock = None if row["next_clock"] == NO_CLOCK else row["next_clock"]
            clock_kind = row["next_clock_kind"]
            assignee = row["assignee_id"]
            items.append(
                {
                    "id": row["id"],
                    "number": row["number"],
                    "kind": row["kind"],
                    "kind_label": kinds.get(row["kind"], row["kind"]),
                    "status": row["status"],
                    "status_label": statuses.get(row["status"], row["status"]),
                    "channel": row["channel"],
                    "centre": {"id": row["org_id"], "name": row["org__name"]},
                    "received_at": as_json(row["received_at"]),
                    "amount_claimed": money(row["amount_claimed"]),
                    "applicant_name": name,
                    "employer_name": row["employer_name"],
                    "assignee": {
                        "id": assignee,
                        "name": row["assignee__display_name"] or row["assignee__username"],
                    }
                    if assignee is not None
                    else None,
                    "next_clock": None if clock is None else as_json(clock),
                    "next_clock_kind": clock_kind,
                    "next_clock_label": clocks.get(clock_kind, "") if clock_kind else "",
                    "days_to_clock": (clock - today).days if clock is not None else None,
                    "is_urgent": row["is_urgent"],
                }
            )
        return {"items": items, "next_cursor": next_cursor}


class ApplicantOut(Schema):
    name: str
    mobile: str = Field(..., description="Masked: 139****0001. In full with POST …/unmask.")
    id_number: str = Field(..., description="Masked, or empty.")
    sex: str
    birth_year: int | None
    occupation: str
    address: str
    is_migrant_worker: bool
    means_route: str
    means_route_label: str


class EmployerOut(Schema):
    id: int | None = Field(..., description="In the enterprise register, or null.")
    name: str
    credit_code: str
    region_code: str
    address: str
    legal_rep: str


class ParticipantOut(Schema):
    name: str
    mobile: str = Field(..., description="Masked.")
    is_representative: bool

    @staticmethod
    def resolve_mobile(participant) -> str:
        return participant.mobile_masked


class CaseDetailOut(CaseRowOut, _CaseDetailResolvers):
    applicant: ApplicantOut
    employer: EmployerOut
    employment_start: date | None
    employment_end: date | None
    dispute_date: date | None
    facts: str
    request: str
    is_collective: bool
    participants: list[ParticipantOut]
    claims: list[ClaimOut]
    amounts: AmountsOut
    clocks: ClocksOut
    arbitration_open: bool
    reason: str
    handles: bool = Field(
        ..., description="You hold the case (its centre's handling flag, or assigned): you may act on it."
    )
    timeline: list[StaffEventOut]
    evidence: list[EvidenceOut] = Field(..., description="Only for those holding the case; else empty.")
    documents: list[DocumentOut]
    shares: list[ShareOut]
    material_request: MaterialRequestOut | None
    rating: RatingOut | None

    @staticmethod
    def resolve_handles(case) -> bool:
        return case.api_handles

    @staticmethod
    def resolve_applicant(case) -> dict:
        return {
            "name": case.shown_name,
            "mobile": case.applicant_mobile_masked,
            "id_number": case.applicant_id_number_masked,
            "sex": case.applicant_sex,
            "birth_year": case.applicant_birth_date.year if case.applicant_birth_date else None,
            "occupation": case.applicant_occupation,
            "address": case.applicant_address,
            "is_migrant_worker": case.is_migrant_worker,
            "means_route": case.means_route,
            "means_route_label": choice_label(MeansRoute, case.means_route) if case.means_route else "",
        }

    @staticmethod
    def resolve_employer(case) -> dict:
        return {
            "id": case.employer_id,
            "name": case.employer_name,
            "credit_code": case.employer_credit_code,
            "region_code": case.employer_region_code,
            "address": case.employer_address,
            "legal_rep": case.employer_legal_rep,
        }

    @staticmethod
    def resolve_participants(case) -> list:
        return case.api_participants


class UnmaskOut(Schema):
    mobile: str
    id_number: str = Field(..., description="Empty when none was given.")


class TransitionIn(InputSchema):
    to: CaseStatus
    reason: str = Field(
        "", max_length=2000, description="Required to decline, refuse, withdraw or close without agreement."
    )
    assignee_id: int | None = Field(None, description="To assign: the mediator or lawyer.")
    amount_agreed: str | int | float | None = Field(None, description=f"To close as agreed. {AMOUNT}")
    payment_due: date | None = Field(
        None, description="To close as agreed with an amount: paid by this date."
    )


class ContactIn(InputSchema):
    at: datetime | None = Field(None, description="When; now when left out. Not in the future.")
    channel: ContactChannel
    party: ContactParty
    summary: str = Field(..., max_length=2000)


class ContactOut(Schema):
    id: int
    at: datetime
    channel: str
    channel_label: str
    party: str
    party_label: str
    summary: str
    logged_by: RefOut

    @staticmethod
    def resolve_channel_label(contact) -> str:
        return choice_label(ContactChannel, contact.channel)

    @staticmethod
    def resolve_party_label(contact) -> str:
        return choice_label(ContactParty, contact.party)

    @staticmethod
    def resolve_logged_by(contact) -> dict | None:
        return _person_ref(contact.logged_by)


class ContactList(Schema):
    items: list[ContactOut] = Field(..., description="Newest first.")


class MaterialRequestIn(InputSchema):
    items: str = Field(
        ..., max_length=2000, description="Everything needed, all at once (法律援助法 第四十三条)."
    )
    due: date = Field(..., description="After today.")


class PaymentIn(InputSchema):
    amount_paid: str | int | float = Field(..., description=f"Paid so far, in total. {AMOUNT}")


class MoveIn(InputSchema):
    centre: int = Field(..., description="Id of the mediation or legal-service centre taking the case.")
    reason: str = Field(..., max_length=300)


class ShareIn(InputSchema):
    recipient: str = Field(..., max_length=200, description="An arbitration committee, another centre.")
    purpose: str = Field(..., max_length=300)


class DocumentIn(InputSchema):
    kind: DocumentKind


class DocumentList(Schema):
    items: list[DocumentOut] = Field(..., description="Newest first; every generation is kept.")


class NumbersOut(Schema):
    total: int
    open: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    by_type: dict[str, int] = Field(..., description="Cases with a claim of each dispute type.")
    agreements: int
    median_working_days_to_first_contact: float | None
    median_working_days_to_close: float | None
    amount_claimed: str
    amount_agreed: str
    amount_paid: str
    paid_in_full: int
    ratings: dict[str, int]


class RoutingRuleIn(InputSchema):
    kind: CaseKind | Literal[""] = Field("", description="Empty: every kind.")
    region_prefix: str = Field("", max_length=12, description="Division code prefix, e.g. 110111.")
    industry: str = Field("", max_length=1, description="GB/T 4754 section A–T, or empty.")
    centre: int = Field(..., description="Id of the mediation or legal-service centre.")
    note: str = Field("", max_length=200)


class RoutingRuleOut(Schema):
    id: int
    kind: str
    kind_label: str
    region_prefix: str
    industry: str
    centre: RefOut
    note: str
    created_at: datetime

    @staticmethod
    def resolve_kind_label(rule) -> str:
        return choice_label(CaseKind, rule.kind) if rule.kind else ""

    @staticmethod
    def resolve_centre(rule) -> dict | None:
        return _ref(rule.centre)


class RoutingRuleList(Schema):
    items: list[RoutingRuleOut]
