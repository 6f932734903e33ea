"""Monthly settlement: what the union owes each merchant for the vouchers used there, and each
breakfast shop for the meals it served (paid from the programme's pool).

``statements_generate`` (a scheduled task on the 1st of each month, or staff on demand) puts every
redemption and meal of the month that is on no statement yet on one: the month's regular statement
while it awaits review, else a new adjusting statement. An approved statement never changes."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.benefits.models import (
    Agreement,
    Meal,
    Merchant,
    Statement,
    StatementKind,
    StatementLine,
    StatementStatus,
    Voucher,
)
from smartunion.benefits.policies import can_settle
from smartunion.benefits.services.common import Refused, cents
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden
from smartunion.core.locks import advisory_lock
from smartunion.core.scoping import scopes_disabled

# The advisory-lock key of statement runs ("stmt" in ASCII).
STATEMENTS_LOCK = 0x73746D74


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(month, time.min), tz),
        timezone.make_aware(datetime.combine(next_month(month), time.min), tz),
    )


def _discount(merchant: Merchant, day: date, agreements: dict[int, list[Agreement]]) -> Decimal:
    for agreement in agreements.get(merchant.pk, []):
        if agreement.starts_on <= day <= agreement.ends_on:
            return agreement.discount_percent
    return Decimal(0)


def _statement_for(merchant_id: int, programme_id: int | None, month: date) -> Statement:
    """The statement new lines go on: the month's regular one while it is a draft, else the draft
    adjusting one (made when needed)."""
    which: dict[str, Any] = {"merchant_id": merchant_id, "programme_id": programme_id, "month": month}
    regular, _created = Statement.objects.select_for_update().get_or_create(
        **which, kind=StatementKind.REGULAR
    )
    if regular.status == StatementStatus.DRAFT:
        return regular
    adjusting = (
        Statement.objects.select_for_update()
        .filter(**which, kind=StatementKind.ADJUSTING, status=StatementStatus.DRAFT)
        .first()
    )
    return adjusting or Statement.objects.create(**which, kind=StatementKind.ADJUSTING)


def _add(statement: Statement, lines: list[StatementLine]) -> None:
    for line in lines:
        line.statement = statement
    StatementLine.objects.bulk_create(lines)
    statement.items += len(lines)
    statement.face_total += sum((line.face for line in lines), Decimal(0))
    statement.amount_due += sum((line.due for line in lines), Decimal(0))
    statement.discount_total = statement.face_total - statement.amount_due
    statement.save(update_fields=["items", "face_total", "amount_due", "discount_total"])


def statements_generate(*, month: date, merchant_ids: list[int] | None = None) -> list[Statement]:
    """Put the month's redemptions and meals that are on no statement on one (of the merchants
    ``merchant_ids`` only, when given: staff settle their own area). Returns the statements that
    received lines."""
    month = month_start(month)
    start, end = _bounds(month)
    touched: dict[int, Statement] = {}
    # One run at a time (the monthly task and staff may press at once): the second reads what the
    # first left. On SQLite the writers queue anyway.
    with advisory_lock(STATEMENTS_LOCK), transaction.atomic(), scopes_disabled():
        vouchers = list(
            Voucher.objects.select_related("campaign__merchant")
            .filter(used_at__gte=start, used_at__lt=end, statement_line__isnull=True)
            .filter(**({} if merchant_ids is None else {"campaign__merchant_id__in": merchant_ids}))
            .order_by("used_at", "id")
        )

        agreements: dict[int, list[Agreement]] = {}
        for agreement in Agreement.objects.filter(merchant_id__in={v.campaign.merchant_id for v in vouchers}):
            agreements.setdefault(agreement.merchant_id, []).append(agreement)
        by_merchant: dict[int, list[StatementLine]] = {}
        for voucher in vouchers:
            merchant = voucher.campaign.merchant
            face = voucher.campaign.face_value
            discount = _discount(merchant, timezone.localdate(voucher.used_at), agreements)
            due = cents(face * (Decimal(100) - discount) / Decimal(100))
            by_merchant.setdefault(merchant.pk, []).append(
                StatementLine(voucher=voucher, used_at=voucher.used_at or timezone.now(), face=face, due=due)
            )
        for merchant_id, lines in by_merchant.items():
            statement = _statement_for(merchant_id, None, month)
            _add(statement, lines)
            touched[statement.pk] = statement
        meals = list(
            Meal.objects.select_related("shop")
            .filter(served_at__gte=start, served_at__lt=end, statement_line__isnull=True)
            .filter(**({} if merchant_ids is None else {"shop__merchant_id__in": merchant_ids}))
            .order_by("served_at", "id")
        )

        by_shop: dict[tuple[int, int], list[StatementLine]] = {}
        for meal in meals:
            by_shop.setdefault((meal.shop.merchant_id, meal.programme_id), []).append(
                StatementLine(meal=meal, used_at=meal.served_at, face=meal.price, due=meal.price)
            )
        for (merchant_id, programme_id), lines in by_shop.items():
            statement = _statement_for(merchant_id, programme_id, month)
            _add(statement, lines)
            touched[statement.pk] = statement
    return list(touched.values())


def statement_approve(*, actor: User, statement: Statement, client_address: str = "") -> Statement:
    """Union staff approve a statement after review; from then on it never changes."""
    # A breakfast shop is paid from the programme's pool: its staff approve; a merchant's
    # vouchers are approved where the merchant is registered.
    payer = statement.programme.org if statement.programme is not None else statement.merchant.org
    if not can_settle(actor, payer):
        raise Forbidden(_("You may not approve statements here."))
    with transaction.atomic():
        with scopes_disabled():
            locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.status == StatementStatus.APPROVED:
            raise Refused("approved", _("This statement is already approved and cannot change."))
        locked.status = StatementStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            action=AuditAction.STATEMENT_APPROVE,
            actor=actor,
            obj=locked,
            org=locked.merchant.org,
            client_address=client_address,
            data={"amount_due": str(locked.amount_due)},
        )
    return locked


def statement_xlsx(*, statement: Statement) -> bytes:
    """The statement as a workbook: a summary and one row per redemption or meal."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet(_("Statement"))
    summary = [
        (_("Merchant"), statement.merchant.name),
        (_("Month"), f"{statement.month:%Y-%m}"),
        (_("Kind"), str(statement.get_kind_display())),
        (_("Status"), str(statement.get_status_display())),
        (_("Items"), statement.items),
    ]
    for row, (label, value) in enumerate(summary):
        sheet.write(row, 0, str(label), bold)
        sheet.write(row, 1, value)
    for row, (label, value) in enumerate(
        [
            (_("Face value"), statement.face_total),
            (_("Discount"), statement.discount_total),
            (_("Amount due"), statement.amount_due),
        ],
        start=len(summary),
    ):
        sheet.write(row, 0, str(label), bold)
        sheet.write_number(row, 1, float(value), money)
    top = len(summary) + 4
    headers = [_("Time"), _("Item"), _("Face value"), _("Amount due")]
    for col, header in enumerate(headers):
        sheet.write(top, col, str(header), bold)
    with scopes_disabled():
        lines = statement.lines.select_related("voucher", "voucher__campaign", "meal").order_by(
            "used_at", "id"
        )
        for row, line in enumerate(lines, start=top + 1):
            voucher = line.voucher
            item = f"{voucher.campaign.title} {voucher.code}" if voucher is not None else _("Breakfast")
            sheet.write(row, 0, timezone.localtime(line.used_at).strftime("%Y-%m-%d %H:%M"))
            sheet.write(row, 1, str(item))
            sheet.write_number(row, 2, float(line.face), money)
            sheet.write_number(row, 3, float(line.due), money)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 3, 14)
    book.close()
    return buffer.getvalue()
