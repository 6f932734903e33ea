"""The regional figures' writes: an administrator adds a region's figures from a date, or corrects
a row. Only someone holding ``figures.change`` on a top-level node may (``policies``); each write is
one transaction with its audit record, which keeps the figures before and after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import division_code_error, normalise_input
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.labourlaw.inputs import parse_date, parse_number
from smartunion.labourlaw.models import RegionalFigure
from smartunion.labourlaw.policies import require_change_figures

SOURCE_MAX_LENGTH = 500


def regional_figure_create(
    *,
    actor: User | None,
    region_code: str,
    effective_from: date | str,
    minimum_wage: Decimal | str,
    average_wage: Decimal | str | None,
    source: str,
    source_date: date | str,
    client_address: str = "",
) -> RegionalFigure:
    require_change_figures(actor)
    values = _clean(
        region_code=region_code,
        effective_from=effective_from,
        minimum_wage=minimum_wage,
        average_wage=average_wage,
        source=source,
        source_date=source_date,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                figure = RegionalFigure.objects.create(**values, updated_by=_user(actor))
        except IntegrityError as exc:
            raise _taken(values) from exc
        audit_record(
            action=AuditAction.FIGURE_CREATE,
            actor=actor,
            obj=figure,
            client_address=client_address,
            data=_describe(figure),
        )
    return figure


def regional_figure_update(
    *,
    actor: User | None,
    figure: RegionalFigure,
    region_code: str,
    effective_from: date | str,
    minimum_wage: Decimal | str,
    average_wage: Decimal | str | None,
    source: str,
    source_date: date | str,
    client_address: str = "",
) -> RegionalFigure:
    require_change_figures(actor)
    values = _clean(
        region_code=region_code,
        effective_from=effective_from,
        minimum_wage=minimum_wage,
        average_wage=average_wage,
        source=source,
        source_date=source_date,
    )
    with transaction.atomic():
        current = RegionalFigure.objects.select_for_update().filter(pk=figure.pk).first()
        if current is None:
            raise NotFound(_("These figures no longer exist."))
        before = _describe(current)
        if all(getattr(current, name) == value for name, value in values.items()):
            return current
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_by = _user(actor)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as exc:
            raise _taken(values) from exc
        audit_record(
            action=AuditAction.FIGURE_UPDATE,
            actor=actor,
            obj=current,
            client_address=client_address,
            data={"before": before, "after": _describe(current)},
        )
    return current


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _clean(
    *,
    region_code: str,
    effective_from: date | str,
    minimum_wage: Decimal | str,
    average_wage: Decimal | str | None,
    source: str,
    source_date: date | str,
) -> dict:
    """The values to store, or ValidationFailed naming every wrong field at once."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    code = normalise_input(region_code)
    if message := division_code_error(code):
        errors["region_code"] = [message]
    values["region_code"] = code
    for name, raw in (("effective_from", effective_from), ("source_date", source_date)):
        if raw in (None, ""):
            errors[name] = [_("This field is required.")]
            continue
        try:
            values[name] = parse_date(raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    for name, money, required in (
        ("minimum_wage", minimum_wage, True),
        ("average_wage", average_wage, False),
    ):
        if money in (None, ""):
            if required:
                errors[name] = [_("This field is required.")]
            values[name] = None
            continue
        try:
            number = parse_number(money)
        except ValueError as exc:
            errors[name] = [str(exc)]
            continue
        if number <= 0:
            errors[name] = [_("Enter an amount greater than zero.")]
        values[name] = number
    if (
        values.get("minimum_wage") is not None
        and values.get("average_wage") is not None
        and values["average_wage"] < values["minimum_wage"]
    ):
        errors.setdefault("average_wage", []).append(
            _("The average wage is below the minimum wage: check both figures.")
        )
    text = (source or "").strip()
    if not text:
        errors["source"] = [_("Say where the figures come from: the notice, who published it and when.")]
    elif len(text) > SOURCE_MAX_LENGTH:
        errors["source"] = [_("Enter at most %(n)d characters.") % {"n": SOURCE_MAX_LENGTH}]
    values["source"] = text
    if "source_date" in values and values["source_date"] > timezone.localdate():
        errors["source_date"] = [_("The source's date is in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return values


def _taken(values: dict) -> ValidationFailed:
    return ValidationFailed(
        fields={
            "effective_from": [
                _("Region %(code)s already has figures from %(date)s: change that row instead.")
                % {"code": values["region_code"], "date": values["effective_from"].isoformat()}
            ]
        }
    )


def _describe(figure: RegionalFigure) -> dict:
    return {
        "region_code": figure.region_code,
        "effective_from": figure.effective_from.isoformat(),
        "minimum_wage": str(figure.minimum_wage),
        "average_wage": None if figure.average_wage is None else str(figure.average_wage),
        "source": figure.source,
        "source_date": figure.source_date.isoformat(),
    }
