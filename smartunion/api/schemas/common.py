"""What every schema of the API builds on: the error shape, inputs that forbid unknown fields (a
typo is a 422 with the field's path instead of a silently ignored value), a reference to a named
row, and a page of a list."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict

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


class RefOut(Schema):
    id: int
    name: str


class Page(Schema):
    """A keyset page: no total count, a cursor to the next page."""

    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )
