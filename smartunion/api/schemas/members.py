"""Schemas of the members domain: joining and the worker's own membership (/unions, /me/...), card
verification (/cards) and, for staff, members, applications and transfers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from smartunion.api.pagination import MAX_LIMIT
from smartunion.api.schemas.accounts import TokenOut
from smartunion.api.schemas.common import InputSchema, Page, RefOut
from smartunion.members.display import choice_label, choice_labels, status_label
from smartunion.members.models import EmploymentForm, MembershipStatus
from smartunion.members.selectors import MemberRow

# --- Joining and the worker's own membership -------------------------------------------------------


class PublicUnionOut(Schema):
    """What a union publishes about itself, its office included: no staff or tree internals."""

    id: int
    name: str
    kind: str
    kind_label: str
    district: str = Field(..., description="The district union above it, or empty.")
    address: str = Field(..., description="The union office's address, or empty.")
    contact_name: str = Field(..., description="The contact person, or empty.")
    contact_phone: str = Field(
        ..., description="The contact phone: an office landline as entered, a mobile masked (139****0001)."
    )
    enterprise: RefOut | None = Field(..., description="With `enterprise=`: the employer this union covers.")


class PublicUnionList(Schema):
    items: list[PublicUnionOut] = Field(..., description="At most 100 unions; narrow with `q` or `region`.")


class OccupationTagOut(Schema):
    code: str
    name: str


class ApplicationIn(InputSchema):
    org: int = Field(..., description="Id of the union applied to (from `GET /unions/joinable`).")
    real_name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=32, description="Resident ID number, 18 characters (GB 11643).")
    mobile: str | None = Field(
        None, max_length=20, description="Contact mobile; the account's mobile when left out."
    )
    employment_form: EmploymentForm
    employer: int | None = Field(
        None,
        description="Id of the employer (from `GET /unions/joinable?enterprise=`); needed to apply "
        "to an enterprise's own union.",
    )
    occupation_tags: list[str] = Field(
        default_factory=list, max_length=20, description="Codes from `GET /occupation-tags`."
    )
    sensitive_consent: bool = Field(
        False,
        description="The worker's separate consent to the processing of their ID number, sensitive "
        "personal information (PIPL 第二十九条); required.",
    )


def _ref(org) -> dict | None:
    return {"id": org.pk, "name": org.name} if org is not None else None


class MembershipOut(Schema):
    id: int
    union: RefOut
    status: str
    status_label: str
    number: str = Field(..., description="Empty until approved.")
    join_date: date | None
    applied_at: datetime | None
    due_date: date | None = Field(..., description="The union answers an application by this date.")
    decided_at: datetime | None
    reason: str = Field(..., description="The reason given with a rejection.")

    @staticmethod
    def resolve_union(membership) -> dict | None:
        return _ref(membership.org)

    @staticmethod
    def resolve_status_label(membership) -> str:
        return status_label(membership.status)

    @staticmethod
    def resolve_number(membership) -> str:
        return membership.number or ""


class MembershipEventOut(Schema):
    union: RefOut
    from_status: str
    from_status_label: str
    to_status: str
    to_status_label: str
    reason: str
    at: datetime

    @staticmethod
    def resolve_union(event) -> dict | None:
        return _ref(event.membership.org)

    @staticmethod
    def resolve_from_status_label(event) -> str:
        return status_label(event.from_status)

    @staticmethod
    def resolve_to_status_label(event) -> str:
        return status_label(event.to_status)

    @staticmethod
    def resolve_at(event) -> datetime:
        return event.created_at


class MyMembershipOut(Schema):
    membership: MembershipOut | None = Field(
        ...,
        description="The membership held or the open application; otherwise the latest answer; null "
        "before the first application.",
    )
    history: list[MembershipEventOut] = Field(..., description="Every change, newest first.")


class RegisterOut(TokenOut):
    member_record: Literal["linked", "none", "several"] = Field(
        ...,
        description="linked: a member record union staff entered with this mobile is now this account's; "
        "none: there was no record waiting for an account; several: the number is on more than one, "
        "so none was linked (the union corrects them, then POST /me/membership/link).",
    )
    membership: MembershipOut | None = Field(..., description="The linked record's membership, when linked.")


class LinkCodeIn(InputSchema):
    mobile: str = Field(
        ..., max_length=20, description="The mobile number the union has on file (usually the sign-in one)."
    )


class LinkIn(InputSchema):
    mobile: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12, description="The code sent to that number.")


class CardOut(Schema):
    token: str = Field(
        ..., description="Signed card token for the QR code; fetch a new one before it expires."
    )
    expires_in: int = Field(..., description="Seconds the token stays valid.")
    code: str = Field(
        ...,
        description="6 digits to show after the number, for a clerk who cannot scan: typed as "
        "`<number> <code>`; a new one every `CARD_CODE_WINDOW_SECONDS`, the previous one still accepted.",
    )
    number: str
    union: RefOut
    name: str = Field(..., description="Masked: 张**.")
    status: str
    status_label: str


class AccessOut(Schema):
    at: datetime
    action: str = Field(
        ...,
        description="person.view, person.unmask, person.update, roster.export_unmasked; for a case: "
        "case.view, case.evidence_view, case.document_view or case.unmask.",
    )
    action_label: str
    field: str = Field(..., description="For person.unmask: id_number or mobile.")
    by: str = Field(..., description="The staff member's name (never their login name).")
    by_org: str = Field(..., description="The staff member's organisation.")
    refused: bool = Field(..., description="An attempt that was refused (showing in full without the right).")
    case_number: str = Field("", description="The case opened, for the case actions; empty otherwise.")


class ContactCodeIn(InputSchema):
    mobile: str = Field(..., max_length=20, description="The new mobile number; the code is sent to it.")


class ContactIn(InputSchema):
    mobile: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12, description="The code sent to the new number.")


class ContactOut(Schema):
    mobile: str = Field(..., description="Masked.")


class CloseIn(InputSchema):
    password: str = Field(..., max_length=256)


# --- Card verification -----------------------------------------------------------------------------


class CardVerifyIn(InputSchema):
    token: str = Field(
        ...,
        max_length=1000,
        description="The text of the card's QR code, or its membership number and code as typed.",
    )


class CardFaceOut(Schema):
    """Exactly what the card itself shows, nothing more."""

    name: str = Field(..., description="Masked: 张**.")
    union: str
    number: str
    status: str
    status_label: str


class CardVerifyOut(Schema):
    result: Literal["valid", "expired", "revoked", "forged"]
    result_label: str
    card: CardFaceOut | None = Field(..., description="Only for a valid card.")


# --- Members, applications and transfers (staff) ---------------------------------------------------


class PersonBriefOut(Schema):
    id: int
    real_name: str
    id_number: str = Field(..., description="Masked: 110105********123X.")
    mobile: str = Field(..., description="Masked: 139****0001.")
    employment_form: str
    employment_form_label: str

    @staticmethod
    def resolve_id_number(person) -> str:
        return person.id_number_masked

    @staticmethod
    def resolve_mobile(person) -> str:
        return person.mobile_masked

    @staticmethod
    def resolve_employment_form_label(person) -> str:
        return choice_label(EmploymentForm, person.employment_form)


def _birth_year(person) -> int | None:
    return person.birth_date.year if person.birth_date else None


BIRTH_YEAR = Field(
    ..., description="The year only: the masked ID number hides the birth date, which would give it back."
)


class MemberOut(Schema):
    """A line of the member list, built from ``members.selectors.MemberRow`` (already masked)."""

    id: int
    real_name: str
    id_number: str = Field(..., description="Masked: 110105********123X.")
    mobile: str = Field(..., description="Masked: 139****0001.")
    employment_form: str
    employment_form_label: str
    sex: str
    birth_year: int | None = BIRTH_YEAR
    union: RefOut = Field(..., description="The union that holds the record.")
    employer: RefOut | None
    status: str = Field(..., description="Of the membership held or the open application; empty if none.")
    status_label: str
    number: str

    @staticmethod
    def page_data(rows: list[MemberRow]) -> list[dict]:
        """Rows as this schema serialises them, built from our own typed, already masked rows:
        plain data, no model per row, labels looked up once per page. The member search's hot path
        (bench/member_search.py) answers with this; tests/api/members/test_members.py holds it to the
        schema."""
        forms = choice_labels(EmploymentForm)
        statuses = choice_labels(MembershipStatus)
        return [
            {
                "id": row.id,
                "real_name": row.real_name,
                "id_number": row.id_number_masked,
                "mobile": row.mobile_masked,
                "employment_form": row.employment_form,
                "employment_form_label": forms.get(row.employment_form, row.employment_form),
                "sex": row.sex,
                "birth_year": row.birth_date.year if row.birth_date else None,
                "union": {"id": row.org_id, "name": row.org_name},
                "employer": {"id": row.employer_id, "name": row.employer_name}
                if row.employer_id is not None
                else None,
                "status": row.status,
                "status_label": statuses.get(row.status, row.status),
                "number": row.number,
            }
            for row in rows
        ]


# Members come 20 to a page unless `limit` asks for more (docs/api.md): each row costs two decryptions.
MEMBERS_DEFAULT_LIMIT = 20


class MemberSearchIn(InputSchema):
    """The query of ``POST /members/search``: in the body, so a full number stays out of URLs."""

    q: str = Field(
        "", max_length=100, description="A full mobile number, a full ID number, or the start of a name."
    )
    org: int | None = Field(None, description="Only this organisation's subtree.")
    status: MembershipStatus | None = Field(None, description="Only people with a membership in this status.")
    limit: int = Field(MEMBERS_DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of the previous page.")


class MemberPage(Page):
    items: list[MemberOut]


class MemberDetailOut(PersonBriefOut):
    sex: str
    birth_year: int | None = BIRTH_YEAR
    union: RefOut
    employer: RefOut | None
    platform: RefOut | None
    wage_bracket: str
    occupation_tags: list[OccupationTagOut]
    memberships: list[MembershipOut] = Field(..., description="Those in your scope, newest first.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_union(person) -> dict | None:
        return _ref(person.org)

    @staticmethod
    def resolve_employer(person) -> dict | None:
        return _ref(person.employer)

    @staticmethod
    def resolve_birth_year(person) -> int | None:
        return _birth_year(person)

    @staticmethod
    def resolve_platform(person) -> dict | None:
        return _ref(person.platform)

    @staticmethod
    def resolve_occupation_tags(person) -> list:
        return list(person.occupation_tags.all())

    @staticmethod
    def resolve_memberships(person) -> list:
        return person.memberships_in_scope


class UnmaskIn(InputSchema):
    field: Literal["id_number", "mobile"]


class UnmaskOut(Schema):
    field: str
    value: str = Field(..., description="In full. Showing it was recorded in the audit log.")


class ApplicationOut(MembershipOut):
    person: PersonBriefOut
    overdue: bool = Field(..., description="Still unanswered after its due date.")

    @staticmethod
    def resolve_overdue(membership) -> bool:
        return membership.is_overdue


class ApplicationPage(Page):
    items: list[ApplicationOut]


class DecisionIn(InputSchema):
    approve: bool
    reason: str = Field("", max_length=300, description="Required when rejecting; the worker reads it.")


class TransferOut(Schema):
    id: int
    person: PersonBriefOut
    from_union: RefOut
    to_union: RefOut
    status: str
    status_label: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_from_union(transfer) -> dict | None:
        return _ref(transfer.from_org)

    @staticmethod
    def resolve_to_union(transfer) -> dict | None:
        return _ref(transfer.to_org)

    @staticmethod
    def resolve_status_label(transfer) -> str:
        return str(transfer.get_status_display())

    @staticmethod
    def resolve_requested_at(transfer) -> datetime:
        return transfer.created_at


class TransferPage(Page):
    items: list[TransferOut]


class TransferIn(InputSchema):
    person: int = Field(..., description="Id of a member in your scope.")
    to_org: int = Field(..., description="Id of the receiving grassroots union (any in the federation).")
    reason: str = Field("", max_length=300)


class TransferCancelIn(InputSchema):
    reason: str = Field("", max_length=300, description="Optional; kept with the transfer.")
