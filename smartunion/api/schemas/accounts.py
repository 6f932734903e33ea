"""Schemas of signing in, registering and the signed-in user (/auth, /me)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema

from smartunion.api.schemas.common import InputSchema, RefOut

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


class RegisterCodeIn(InputSchema):
    mobile: str = Field(..., max_length=20, description="The worker's mobile number; the code is sent to it.")


class RegisterIn(InputSchema):
    mobile: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12, description="The code sent to the mobile.")
    password: str = Field(..., max_length=256)
    display_name: str = Field(..., max_length=100, description="The worker's name.")
    agree: bool = Field(..., description="The worker read and accepted the privacy notice (/m/privacy/).")


class PasswordResetCodeIn(InputSchema):
    mobile: str = Field(
        ..., max_length=20, description="The worker's registered mobile; the code is sent to it."
    )


class PasswordResetIn(InputSchema):
    mobile: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12, description="The code sent to the mobile.")
    new_password: str = Field(..., max_length=256)


class SigninMobileCodeIn(InputSchema):
    mobile: str = Field(..., max_length=20, description="The new sign-in mobile; the code is sent to it.")


class SigninMobileIn(InputSchema):
    password: str = Field(..., max_length=256, description="The current password.")
    mobile: str = Field(..., max_length=20, description="The new sign-in mobile.")
    code: str = Field(..., max_length=12, description="The code sent to the new mobile.")


class SigninMobileOut(Schema):
    mobile: str = Field(..., description="The new sign-in mobile, masked.")


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
