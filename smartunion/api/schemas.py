"""Request and response schemas of the API. Inputs forbid unknown fields, so a typo is a 422 with the
field's path instead of a silently ignored value."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

# --- Errors --------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error, whatever its status: a stable machine ``code``, a localized ``message``, and
    per-field messages keyed by the field's path (``body.credit_code``, ``query.limit``)."""

    code: str = Field(..., examples=["validation_error"])
    message: str = Field(..., examples=["有些字段填写不正确。"])
    fields: dict[str, list[str]] = Field(
        default_factory=dict, examples=[{"body.credit_code": ["校验位不正确"]}]
    )


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- Auth and me ---------------------------------------------------------------------------------


class TokenIn(InputSchema):
    username: str = Field(
        ..., min_length=1, max_length=150, description="Staff username, or a worker's mobile."
    )
    password: str = Field(..., min_length=1, max_length=256)
    otp: str | None = Field(
        None, max_length=32, description="Staff only: the 6-digit authenticator code or a recovery code."
    )


class TokenOut(Schema):
    token: str
    expires_at: datetime


class RefOut(Schema):
    id: int
    name: str


class GrantOut(Schema):
    role_code: str
    role_name: str
    org_id: int
    org_name: str

    @staticmethod
    def resolve_role_code(grant) -> str:
        return grant.role.code

    @staticmethod
    def resolve_role_name(grant) -> str:
        return _(grant.role.name)

    @staticmethod
    def resolve_org_name(grant) -> str:
        return grant.org.name


class MeOut(Schema):
    id: int
    username: str
    kind: str
    display_name: str
    mobile: str = Field(..., description="Masked: 139****0001.")
    home_org: RefOut | None
    grants: list[GrantOut]


# --- Organisations -------------------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    children: int = Field(..., description="Number of direct children.")
    region_code: str
    address: str
    contact_name: str
    contact_phone: str
    accepts_direct_joining: bool

    @staticmethod
    def resolve_kind_label(org) -> str:
        return str(org.get_kind_display())

    @staticmethod
    def resolve_children(org) -> int:
        return org.numchild


class OrgDetailOut(OrgOut):
    ancestors: list[RefOut] = Field(..., description="The ancestors you can see, from the top down.")


class OrgPage(Schema):
    items: list[OrgOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )


# --- Enterprises ---------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str
    address: str
    industry: str
    industry_label: str
    headcount: int
    is_platform: bool
    org: RefOut
    covering_union: RefOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_industry_label(enterprise) -> str:
        return str(enterprise.get_industry_display())


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )


class EnterpriseCreateIn(InputSchema):
    name: str = Field(..., max_length=200)
    credit_code: str = Field(..., max_length=32, description="Unified social credit code (GB 32100-2015).")
    industry: str = Field(..., max_length=8, description="GB/T 4754 section, A to T.")
    headcount: int = Field(0, ge=0, le=10_000_000)
    address: str = Field("", max_length=300)
    is_platform: bool = False
    org: int = Field(..., description="Id of the responsible union node.")
    covering_union: int | None = Field(None, description="Id of the grassroots union covering it.")


class EnterpriseUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=32)
    industry: str | None = Field(None, max_length=8)
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    address: str | None = Field(None, max_length=300)
    is_platform: bool | None = None
    covering_union: int | None = Field(
        None, description="Id of the covering grassroots union; null clears it."
    )

    @field_validator("name", "credit_code", "industry", "headcount", "address", "is_platform")
    @classmethod
    def _not_null(cls, value):
        # Absent means "leave as is"; an explicit null would blank a required field.
        if value is None:
            raise ValueError(_("This field cannot be empty."))
        return value
