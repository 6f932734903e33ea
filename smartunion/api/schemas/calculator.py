"""Schemas of the statutory calculator (/calculator). Money and months go out as strings with two
decimals ("52000.00"); money comes in as a string or a JSON number, checked by the labourlaw app
(not negative, at most two decimals, not absurdly large), so every end refuses the same things."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictStr, WithJsonSchema

from smartunion.api.schemas.common import InputSchema
from smartunion.labourlaw.inputs import date_text, number_or_text

_NUMBER_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "number"}]}

Amount = Annotated[
    Any,
    BeforeValidator(number_or_text),
    WithJsonSchema(_NUMBER_SCHEMA),
    Field(description="Yuan, a string or a number with at most two decimals.", examples=["6000.00"]),
]
OptionalAmount = Annotated[
    Any,
    BeforeValidator(lambda value: None if value is None else number_or_text(value)),
    WithJsonSchema({"anyOf": [*_NUMBER_SCHEMA["anyOf"], {"type": "null"}]}),
    Field(None, description="Yuan; overrides the region's figure.", examples=["2540.00"]),
]
Hours = Annotated[
    Any,
    BeforeValidator(number_or_text),
    WithJsonSchema(_NUMBER_SCHEMA),
    Field(description="Hours, a string or a number with at most two decimals.", examples=["10"]),
]
Day = Annotated[
    Any,
    BeforeValidator(date_text),
    WithJsonSchema({"type": "string", "format": "date"}),
    Field(description="A date, YYYY-MM-DD.", examples=["2025-08-31"]),
]
RegionCode = Annotated[
    StrictStr | None,
    Field(
        None,
        description="A division code (GB/T 2260), e.g. 110105: the figures of the longest matching "
        "region are used.",
        examples=["110105"],
    ),
]
Money = Annotated[str, Field(examples=["52000.00"])]


class CompensationIn(InputSchema):
    monthly_wage: Amount
    start_date: Day
    end_date: Day
    region_code: RegionCode = None
    local_average_wage: OptionalAmount = None
    local_minimum_wage: OptionalAmount = None


class CompensationOut(Schema):
    months: str = Field(..., description="Months of wage owed, two decimals.", examples=["6.50"])
    amount: Money
    formula: str = Field(..., description="The calculation in words, in Chinese, with its numbers.")
    basis: str = Field(..., description="The articles the result rests on.")


class OvertimeIn(InputSchema):
    monthly_wage: Amount
    workday_hours: Hours
    restday_hours: Hours
    holiday_hours: Hours


class OvertimeOut(Schema):
    daily_wage: Money
    hourly_wage: Money
    workday_amount: Money
    restday_amount: Money
    holiday_amount: Money
    total: Money
    formula: str
    basis: str


class DoubleWagesIn(InputSchema):
    monthly_wage: Amount
    start_date: Day
    written_contract_date: Annotated[
        Any,
        BeforeValidator(lambda value: None if value is None else date_text(value)),
        WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
        Field(description="The day a written contract was signed; null when none was."),
    ]
    end_date: Day


class FinalAwardIn(InputSchema):
    claim_amount: Amount
    region_code: RegionCode = None
    local_minimum_wage: OptionalAmount = None


class FinalAwardOut(Schema):
    final: bool
    threshold: Money
    basis: str


DeadlineKind = Literal["mediation_window", "legal_aid_decision", "limitation", "limitation_unpaid_wages"]


class DeadlineIn(InputSchema):
    kind: DeadlineKind
    date: Day


class DeadlineOut(Schema):
    ends: str | None = Field(
        ..., description="YYYY-MM-DD, the last day of the period.", examples=["2026-10-08"]
    )
    basis: str
