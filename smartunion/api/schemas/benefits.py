"""Schemas of the benefits domain: the member's campaigns, vouchers and catalogue, the merchant
clerk's scans, and the staff's campaigns, merchants, statements and breakfast programmes.

Money is a string with two decimals ("100.00"), never a float; in requests an amount may be a
string or a JSON number, and the service checks it (more than zero, at most two decimals). Voucher
codes are written as read out: ``ABCDE-FGHJK``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from smartunion.api.schemas.common import InputSchema, RefOut

AMOUNT = 'Yuan, as a string with at most two decimals ("1000.50"); a JSON number is accepted too.'

# --- Members ------------------------------------------------------------------------------------------


class LotteryOut(Schema):
    commitment: str = Field(..., description="SHA-256 of the seed, published before registration opens.")
    seed: str | None = Field(None, description="Published once drawn: re-run the draw with it.")
    digest: str | None = Field(None, description="SHA-256 of the frozen registration list, once drawn.")
    winners: int | None = Field(None, description="How many registrations won, once drawn.")
    drawn_at: datetime | None = None


class CampaignOut(Schema):
    id: int
    title: str
    kind: str = Field(..., description="first_come or lottery.")
    status: str
    merchant: RefOut
    face_value: str
    benefit: str
    quota: int
    per_member_limit: int
    release_at: datetime
    claim_until: datetime
    valid_from: date
    valid_until: date


class CampaignList(Schema):
    items: list[CampaignOut] = Field(..., description="By release time.")


class CampaignDetailOut(CampaignOut):
    description: str
    left: int = Field(..., description="Vouchers not yet claimed.")
    claimed_by_me: int
    registered: bool = Field(..., description="Lottery: you are registered for the draw.")
    lottery: LotteryOut | None = Field(None, description="Lottery campaigns only.")


class VoucherOut(Schema):
    id: int
    code: str = Field(..., examples=["ABCDE-FGHJK"])
    campaign: RefOut
    merchant: RefOut
    face_value: str
    valid_from: date
    valid_until: date
    state: str = Field(..., description="unused, used, expired or not_yet_valid.")
    claimed_at: datetime | None
    used_at: datetime | None


class VoucherList(Schema):
    items: list[VoucherOut] = Field(..., description="Newest first.")


class VoucherDetailOut(VoucherOut):
    qr: str = Field(..., description="The QR code's content, one-time and short-lived.")
    qr_expires_in: int = Field(..., description="Seconds: fetch the voucher again before then.")


class RegistrationOut(Schema):
    campaign: int
    registered_at: datetime


class ServiceOut(Schema):
    id: int
    title: str
    category: str
    category_name: str
    merchant: RefOut
    description: str
    benefit: str
    member_price: str | None
    available_from: date
    available_until: date | None
    picture: str | None = Field(..., description="The picture's address, or null.")


class ServiceList(Schema):
    items: list[ServiceOut]


class CategoryOut(Schema):
    code: str
    name: str


class CategoryList(Schema):
    items: list[CategoryOut]


# --- Clerks --------------------------------------------------------------------------------------------


class RedeemIn(InputSchema):
    code: str = Field(..., max_length=500, description="The short code as typed, or the QR's content.")


class RedeemedOut(Schema):
    voucher: int
    code: str
    campaign: str
    face_value: str
    holder: str = Field(..., description="The holder's name, masked.")
    used_at: datetime


class RedemptionOut(Schema):
    voucher: int
    code: str
    campaign: str
    face_value: str
    used_at: datetime
    store: str


class RedemptionList(Schema):
    items: list[RedemptionOut] = Field(..., description="Today's, newest first.")


class MealIn(InputSchema):
    card_token: str = Field(
        ...,
        max_length=2000,
        description="The e-member card's QR content, or its membership number and code as typed "
        "(`0000001234 123 456`, spaces optional).",
    )


class MealOut(Schema):
    id: int
    name: str = Field(..., description="The worker's name, masked.")
    shop: str
    price: str
    served_at: datetime


class MealList(Schema):
    items: list[MealOut] = Field(..., description="Today's at your shop, newest first.")


# --- Staff ---------------------------------------------------------------------------------------------


class StaffCampaignOut(CampaignOut):
    org: RefOut


class StaffCampaignList(Schema):
    items: list[StaffCampaignOut]


class FiguresOut(Schema):
    quota: int
    claimed: int
    used: int
    expired: int
    members_reached: int
    face_used: str


class StaffCampaignDetailOut(StaffCampaignOut):
    description: str
    employment_forms: list[str]
    occupation_tags: list[str]
    lottery: LotteryOut | None
    voucher_figures: FiguresOut


class CampaignIn(InputSchema):
    org: int = Field(..., description="The organisation whose members may claim (its subtree).")
    merchant: int
    title: str = Field(..., max_length=200)
    kind: Literal["first_come", "lottery"] = "first_come"
    face_value: str | int | float = Field(..., description=AMOUNT)
    quota: int = Field(..., ge=1)
    per_member_limit: int = Field(1, ge=1)
    release_at: datetime
    claim_until: datetime
    valid_from: date
    valid_until: date
    description: str = Field("", max_length=5000)
    benefit: str = Field("", max_length=200)
    employment_forms: list[str] = Field(default_factory=list)
    occupation_tags: list[str] = Field(default_factory=list, description="Occupation tag codes.")


class CampaignTransitionIn(InputSchema):
    to: Literal["scheduled", "open", "paused", "closed"]
    reason: str = Field("", max_length=300)


class MerchantOut(Schema):
    id: int
    name: str
    kind: str
    org: RefOut
    active: bool


class MerchantList(Schema):
    items: list[MerchantOut]


class StoreOut(Schema):
    id: int
    name: str
    address: str
    division_code: str


class AgreementOut(Schema):
    id: int
    signed_on: date
    starts_on: date
    ends_on: date
    discount_percent: str
    settlement_terms: str


class MerchantDetailOut(MerchantOut):
    credit_code: str
    contact_name: str
    contact_phone: str
    stores: list[StoreOut]
    agreements: list[AgreementOut]
    clerks: int


class MerchantIn(InputSchema):
    org: int
    name: str = Field(..., max_length=200)
    kind: str = Field(..., max_length=20)
    credit_code: str = Field("", max_length=18)
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=30)


class StatementOut(Schema):
    id: int
    merchant: RefOut
    programme: RefOut | None
    month: date
    kind: str
    status: str
    items: int
    face_total: str
    discount_total: str
    amount_due: str
    approved_at: datetime | None


class StatementList(Schema):
    items: list[StatementOut]


class StatementLineOut(Schema):
    used_at: datetime
    face: str
    due: str


class StatementDetailOut(StatementOut):
    lines: list[StatementLineOut]


class ProgrammeOut(Schema):
    id: int
    name: str
    org: RefOut
    starts_on: date
    ends_on: date | None
    active: bool


class ProgrammeList(Schema):
    items: list[ProgrammeOut]


class PoolOut(Schema):
    balance: str
    by_source: dict[str, str]
    spent: str
    daily_rate: str
    days_left: int | None
    warning: bool


class ShopDayOut(Schema):
    shop: str
    day: date
    meals: int
    cost: str


class ShopOut(Schema):
    id: int
    merchant: RefOut
    meal: str
    price: str
    active: bool


class ProgrammeDetailOut(ProgrammeOut):
    shops: list[ShopOut]
    enrolled: int
    pool_state: PoolOut
    meals: list[ShopDayOut] = Field(..., description="The last 30 days, by day then shop.")


class FundingIn(InputSchema):
    source: Literal["government", "merchant_discounts"]
    amount: str | int | float = Field(..., description=AMOUNT)
    memo: str = Field("", max_length=300)


class FundingOut(Schema):
    id: int
    source: str
    amount: str
    pool_state: PoolOut


class DonationIn(InputSchema):
    donor: str = Field(..., max_length=200)
    amount: str | int | float = Field(..., description=AMOUNT)
    received_on: date | None = None
    donor_contact: str = Field("", max_length=100)


class DonationOut(Schema):
    id: int
    number: str = Field(..., description="The acknowledgement number for the donor.")
    donor: str
    amount: str
    received_on: date
    pool_state: PoolOut


class BenefitsFiguresOut(Schema):
    vouchers: FiguresOut
    money_by_source: dict[str, str]
    meals: list[ShopDayOut] = Field(..., description="The last 30 days, by day then shop.")
