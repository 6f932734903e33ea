"""The demo benefits (benefits/demo.py, run by ``seed_demo``): what a new user sees after ``make
run``. Merchants with stores and agreements across districts, services in every category, a running
first-come campaign with claimed and used vouchers, a scheduled one, a lottery with a registration,
a breakfast programme with 3+ noodle shops, its funding, enrolled sanitation workers and two weeks
of meals, last month's statements; the demo clerks linked with work on their phone home; the demo
worker sees campaigns and holds vouchers. One tiny seed is built for the module and rolled back."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.benefits import selectors
from smartunion.benefits.demo import MARKER_ACTION
from smartunion.benefits.models import (
    Agreement,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Donation,
    Enrolment,
    LedgerAccount,
    Meal,
    Merchant,
    MerchantKind,
    Programme,
    Registration,
    Service,
    ServiceCategory,
    Statement,
    Store,
    Voucher,
)
from smartunion.benefits.policies import clerk_of, is_eligible, member_of
from smartunion.benefits.services.breakfast import pool_state
from smartunion.benefits.services.settlement import month_start
from smartunion.core.models import AuditEvent
from smartunion.core.personal import mobile_index


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir: Path = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var_dir), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--scale", "tiny", stdout=out, stderr=StringIO())
        accounts = json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
        yield out.getvalue(), accounts
        transaction.set_rollback(True)


def worker(accounts: dict, n: int) -> User:
    return User.objects.get(mobile_index=mobile_index(accounts["workers"][n]["mobile"]))


@pytest.mark.django_db
def test_merchants_with_stores_and_agreements_across_districts(seeded, system_scope):
    kinds = set(Merchant.objects.values_list("kind", flat=True))
    assert {MerchantKind.THEATRE, MerchantKind.GYM, MerchantKind.CLINIC, MerchantKind.SCHOOL} <= kinds
    assert {MerchantKind.RESTAURANT, MerchantKind.NOODLE_SHOP} <= kinds
    assert Merchant.objects.values("org").distinct().count() >= 3
    for merchant in Merchant.objects.all():
        store = Store.objects.filter(merchant=merchant).first()
        assert store is not None and store.address and store.division_code, merchant
        assert store.latitude is not None and store.longitude is not None, merchant
        assert Agreement.objects.filter(merchant=merchant).exists(), merchant


@pytest.mark.django_db
def test_a_service_in_every_category(seeded, system_scope):
    for category in ServiceCategory.objects.all():
        assert Service.objects.filter(category=category, published=True).exists(), category.code


@pytest.mark.django_db
def test_campaigns_running_scheduled_and_a_lottery_with_registrations(seeded, system_scope):
    now = timezone.now()
    running = Campaign.objects.filter(
        kind=CampaignKind.FIRST_COME, status=CampaignStatus.OPEN, release_at__lte=now, claim_until__gt=now
    )
    assert running.filter(vouchers__used_at__isnull=False).exists()
    assert Voucher.objects.filter(campaign__in=running, holder__isnull=False, used_at__isnull=True).exists()
    assert Campaign.objects.filter(status=CampaignStatus.SCHEDULED, release_at__gt=now).exists()
    lottery = Campaign.objects.get(kind=CampaignKind.LOTTERY)
    assert lottery.draw_commitment and Registration.objects.filter(campaign=lottery).exists()


@pytest.mark.django_db
def test_the_demo_worker_sees_campaigns_and_holds_vouchers(seeded, system_scope):
    _out, accounts = seeded
    wang = worker(accounts, 0)
    member = member_of(wang)
    titles = {c.title for c in selectors.campaigns_for(member=member)}
    assert {"良乡大剧院话剧《茶馆》体验券", "顺义影城观影券", "新年音乐会门票抽签"} <= titles
    vouchers = selectors.vouchers_of(user=wang)
    assert any(v.used_at is None for v in vouchers) and any(v.used_at is not None for v in vouchers)


@pytest.mark.django_db
def test_each_demo_clerk_is_linked_and_has_work_today(seeded, system_scope):
    for username in ("city.merchant_clerk", "fangshan.merchant_clerk", "shunyi.merchant_clerk"):
        clerk = clerk_of(User.objects.get(username=username))
        assert clerk is not None, username
        assert selectors.redemptions_of(clerk=clerk) or selectors.meals_of(clerk=clerk), username
    noodles = clerk_of(User.objects.get(username="fangshan.merchant_clerk"))
    assert noodles is not None and noodles.merchant.kind == MerchantKind.NOODLE_SHOP
    assert selectors.meals_of(clerk=noodles)


@pytest.mark.django_db
def test_breakfast_programme_with_shops_money_workers_and_two_weeks_of_meals(seeded, system_scope):
    programme = Programme.objects.get()
    assert programme.shops.filter(merchant__kind=MerchantKind.NOODLE_SHOP).count() >= 3
    enrolled = Enrolment.objects.filter(programme=programme)
    assert enrolled.count() >= 3  # a dozen from the small scale up
    for enrolment in enrolled:
        assert enrolment.person.occupation_tags.filter(code="sanitation").exists()
        assert is_eligible(member_of_person(enrolment.person), programme)
    state = pool_state(programme=programme)
    assert state.by_source[LedgerAccount.GOVERNMENT] > 0
    assert (
        state.by_source[LedgerAccount.DONATIONS] > 0 and Donation.objects.filter(programme=programme).exists()
    )
    assert state.by_source[LedgerAccount.MERCHANT_DISCOUNTS] > 0
    today = timezone.localdate()
    days = set(Meal.objects.filter(programme=programme).values_list("served_on", flat=True))
    assert len([d for d in days if today - timedelta(days=14) <= d <= today]) >= 10
    assert state.balance > 0 and state.days_left is not None and state.days_left > 0


def member_of_person(person):
    from smartunion.benefits.policies import Member  # noqa: PLC0415

    membership = person.memberships.select_related("org", "person").get(status="active")
    return Member.of(membership)


@pytest.mark.django_db
def test_last_months_statements_are_generated(seeded, system_scope):
    last_month = month_start(month_start(timezone.localdate()) - timedelta(days=1))
    statements = Statement.objects.filter(month=last_month)
    assert statements.filter(programme__isnull=True, items__gt=0).exists()  # a voucher used there
    assert statements.filter(programme__isnull=False, items__gt=0).count() >= 3  # the noodle shops


@pytest.mark.django_db
def test_one_marker_and_a_second_run_adds_nothing(seeded, system_scope):
    assert AuditEvent.objects.filter(action=MARKER_ACTION).count() == 1
    before = (
        Merchant.objects.count(),
        Meal.objects.count(),
        Voucher.objects.filter(holder__isnull=False).count(),
    )
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", stdout=out, stderr=StringIO())
    assert "Benefits already seeded" in out.getvalue()
    after = (
        Merchant.objects.count(),
        Meal.objects.count(),
        Voucher.objects.filter(holder__isnull=False).count(),
    )
    assert after == before
