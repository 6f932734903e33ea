"""Schemas of the organisation tree and the enterprise register (/orgs, /enterprises)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from smartunion.api.schemas.common import InputSchema, Page, RefOut
from smartunion.core.personal import mask_phone
from smartunion.orgs.selectors import union_may_be_named

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
    contact_phone: str = Field(..., description="A mobile number comes masked (139****0001).")
    accepts_direct_joining: bool

    @staticmethod
    def resolve_kind_label(org) -> str:
        return str(org.get_kind_display())

    @staticmethod
    def resolve_children(org) -> int:
        return org.numchild

    @staticmethod
    def resolve_contact_phone(org) -> str:
        # As on the console: a mobile number is never sent in full.
        return mask_phone(org.contact_phone)


class OrgDetailOut(OrgOut):
    ancestors: list[RefOut] = Field(..., description="The ancestors you can see, from the top down.")


class OrgPage(Page):
    items: list[OrgOut]


# --- Enterprises ---------------------------------------------------------------------------------


class UnionRefOut(Schema):
    id: int | None
    name: str | None


def _union_ref(union, context) -> dict | None:
    """A union as the caller may see it: named only where they may view it (the console's "—")."""
    if union is None:
        return None
    if union_may_be_named(viewer=context["request"].auth, union=union):
        return {"id": union.pk, "name": union.name}
    return {"id": None, "name": None}


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
    brand_names: list[str] = Field(
        ..., description="Brand names and aliases workers know it by (美团, 饿了么)."
    )
    org: UnionRefOut = Field(
        ..., description="The responsible union; `id` and `name` are null when you may not view it."
    )
    covering_union: UnionRefOut | None = Field(
        ...,
        description="The grassroots union covering it: null when there is none; `id` and `name` are "
        "null when there is one you may not view.",
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_industry_label(enterprise) -> str:
        return str(enterprise.get_industry_display())

    @staticmethod
    def resolve_brand_names(enterprise) -> list[str]:
        return enterprise.brand_name_list

    @staticmethod
    def resolve_org(enterprise, context) -> dict | None:
        return _union_ref(enterprise.org, context)

    @staticmethod
    def resolve_covering_union(enterprise, context) -> dict | None:
        return _union_ref(enterprise.covering_union, context)


class EnterprisePage(Page):
    items: list[EnterpriseOut]


class EnterpriseCreateIn(InputSchema):
    name: str = Field(..., max_length=200)
    credit_code: str = Field(..., max_length=32, description="Unified social credit code (GB 32100-2015).")
    industry: str = Field(..., max_length=8, description="GB/T 4754 section, A to T.")
    headcount: int = Field(0, ge=0, le=10_000_000)
    address: str = Field("", max_length=300)
    is_platform: bool = False
    brand_names: list[str] = Field(
        [], max_length=20, description="Brand names and aliases (美团, 美团外卖), 50 characters each at most."
    )
    org: int = Field(..., description="Id of the responsible union node.")
    covering_union: int | None = Field(None, description="Id of the grassroots union covering it.")


class EnterpriseUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=32)
    industry: str | None = Field(None, max_length=8)
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    address: str | None = Field(None, max_length=300)
    is_platform: bool | None = None
    brand_names: list[str] | None = Field(None, max_length=20, description="Replaces the list; [] clears it.")
    covering_union: int | None = Field(
        None, description="Id of the covering grassroots union; null clears it."
    )

    @field_validator("name", "credit_code", "industry", "headcount", "address", "is_platform", "brand_names")
    @classmethod
    def _not_null(cls, value):
        # Absent means "leave as is"; an explicit null would blank a required field.
        if value is None:
            raise ValueError(_("This field cannot be empty."))
        return value
