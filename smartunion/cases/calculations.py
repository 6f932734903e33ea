"""A claim's calculation: the statutory calculator's answer attached to a claim, worked out again
here from its input (a client's own figures are never trusted), so the claim carries the amount,
the formula and the article it rests on.

``{"kind": "economic-compensation" | "unlawful-termination" | "overtime" | "double-wages",
"input": {...the calculator endpoint's body...}}`` becomes
``{"kind", "input", "amount", "formula", "basis"}``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from smartunion.core.errors import ValidationFailed
from smartunion.labourlaw import compute

KINDS = ("economic-compensation", "unlawful-termination", "overtime", "double-wages")
INPUT_FIELDS = {
    "economic-compensation": (
        "monthly_wage",
        "start_date",
        "end_date",
        "region_code",
        "local_average_wage",
        "local_minimum_wage",
    ),
    "overtime": ("monthly_wage", "workday_hours", "restday_hours", "holiday_hours"),
    "double-wages": ("monthly_wage", "start_date", "written_contract_date", "end_date"),
}
INPUT_FIELDS["unlawful-termination"] = INPUT_FIELDS["economic-compensation"]


def attach(raw: Any) -> dict[str, Any]:
    """The worked calculation for a claim, or ``ValidationFailed`` with fields relative to it
    (``input.monthly_wage``); ``{}`` when none is attached."""
    if raw in (None, {}, ""):
        return {}
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS or not isinstance(raw.get("input"), dict):
        raise ValidationFailed(
            fields={"kind": [_("Attach a calculation of one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}]}
        )
    kind = raw["kind"]
    given = {k: raw["input"].get(k) for k in INPUT_FIELDS[kind]}
    try:
        if kind in ("economic-compensation", "unlawful-termination"):
            result: Any = compute.compensation(unlawful=kind == "unlawful-termination", **given).result
            amount = result.amount
        elif kind == "overtime":
            result = compute.overtime(**given)
            amount = result.total
        else:
            result = compute.double_wages(**given)
            amount = result.amount
    except ValidationFailed as exc:
        raise ValidationFailed(fields={f"input.{k}": v for k, v in exc.fields.items()}) from None
    return {
        "kind": kind,
        "input": {k: (str(v) if v is not None else None) for k, v in given.items()},
        "amount": f"{amount:.2f}",
        "formula": result.formula,
        "basis": result.basis,
    }
