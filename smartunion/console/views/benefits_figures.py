"""The benefits figures of the viewer's subtree (where they hold ``benefits.view``): vouchers
claimed, used and expired, members reached, the breakfast money by source, and meals per shop and
day. Counts and sums only, over the scoped campaigns and programmes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.views.decorators.http import require_GET

from smartunion.benefits.models import LedgerAccount
from smartunion.benefits.selectors import (
    campaigns_list,
    meals_by_shop_and_day,
    money_by_source,
    programmes_list,
    voucher_figures,
)
from smartunion.console.helpers import render_page, staff_required

MEAL_DAYS = 14


@require_GET
@staff_required(perm="benefits.view", lists=True)
def benefits_figures(request):
    today = timezone.localdate()
    programmes = programmes_list()
    money = money_by_source(programmes=programmes)
    meals = meals_by_shop_and_day(
        programmes=programmes, since=today - timedelta(days=MEAL_DAYS - 1), until=today
    )
    context = {
        "vouchers": voucher_figures(campaigns=campaigns_list(), today=today),
        "money": [(LedgerAccount(k).label, v) for k, v in money.items()],
        "money_total": sum(money.values()),
        "meals": meals,
        "meals_total": sum(n for _shop, _day, n, _cost in meals),
        "meal_days": MEAL_DAYS,
    }
    return render_page(request, "console/benefits/figures.html", context)
