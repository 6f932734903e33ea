"""The love-breakfast programme in the console: the pool and how long it lasts, shops, workers by
search and by roster (each row's outcome), funding and donations (bad amounts and dates refused on
their field, nothing written), the acknowledgement, the ledger, and 顺义's staff seeing nothing of
房山's programme."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from smartunion.benefits.models import Donation, Enrolment, LedgerEntry, Programme
from smartunion.core.scoping import scopes_disabled
from tests.console.benefits.conftest import serve_breakfast
from tests.console.benefits.test_statements_pages import table
from tests.console.conftest import form_error_near, page_text
from tests.factories.benefits import make_worker

pytestmark = pytest.mark.django_db


def url(world, tail: str = "") -> str:
    return f"/console/benefits/breakfast/{world.programme.pk}/{tail}"


def test_the_programme_page_shows_the_pool_shops_and_meals(world, staff_client):
    serve_breakfast(world, world.people[0])
    text = page_text(staff_client(world.staff).get(url(world)))
    assert "房山区爱心早餐" in text and "老街坊面馆" in text and "一碗面加一个鸡蛋" in text
    assert 'id="pool-balance">992.00' in text  # 1000.00 of government money less one 8.00 meal
    assert "1000.00" in text
    meals = text[text.find('id="meals"') :]
    assert f"{timezone.localdate():%Y-%m-%d}" in meals and "老街坊面馆" in meals
    # One 8.00 meal in the last 7 days is 1.14 a day: 992.00 lasts 870 days, no warning.
    assert 'id="pool-warning"' not in text and 'id="pool-days">870' in text


def test_a_pool_running_low_shows_the_warning(world, staff_client):
    for person in world.people:
        serve_breakfast(world, person)
    with scopes_disabled():
        Programme.objects.filter(pk=world.programme.pk).update(warn_days=400)
    text = page_text(staff_client(world.staff).get(url(world)))
    assert 'id="pool-warning"' in text and 'id="pool-balance">976.00' in text


def test_shunyi_staff_get_404_on_fangshans_programme(world, staff_client):
    client = staff_client(world.shunyi_staff)
    assert "房山区爱心早餐" not in page_text(client.get("/console/benefits/breakfast/"))
    for tail in ("", "edit/", "ledger/", "funding/", "donations/"):
        response = client.get(url(world, tail))
        assert response.status_code == 404 and "房山区爱心早餐" not in page_text(response)
    response = client.post(url(world, "funding/"), {"source": "government", "amount": "100"})
    assert response.status_code == 404
    with scopes_disabled():
        assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "why"),
    [("-5", "negative"), ("10.005", "over-precise"), ("abc", "not a number"), ("", "empty")],
)
def test_bad_funding_is_refused_on_its_field(world, staff_client, amount, why):
    response = staff_client(world.staff).post(
        url(world, "funding/"), {"source": "government", "amount": amount}
    )
    assert response.status_code == 400, why
    assert form_error_near(response, "id_amount")
    with scopes_disabled():
        assert LedgerEntry.objects.count() == 1


def test_funding_raises_the_pool(world, staff_client):
    client = staff_client(world.staff)
    response = client.post(url(world, "funding/"), {"source": "merchant_discounts", "amount": "250.50"})
    assert response.status_code == 302
    assert 'id="pool-balance">1250.50' in page_text(client.get(url(world)))
    ledger = page_text(client.get(url(world, "ledger/")))
    assert ledger.find("250.50") < ledger.find("1000.00")  # newest first


def test_a_donation_gets_an_acknowledgement_and_a_future_date_is_refused(world, staff_client):
    client = staff_client(world.staff)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client.post(
        url(world, "donations/"), {"donor": "王先生", "amount": "500", "received_on": future}
    )
    assert response.status_code == 400 and form_error_near(response, "id_received_on")
    with scopes_disabled():
        assert not Donation.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(
        url(world, "donations/"),
        {"donor": "王先生", "donor_contact": "13800000000", "amount": "500", "received_on": today},
    )
    assert response.status_code == 302
    with scopes_disabled():
        donation = Donation.objects.get()
    text = page_text(client.get(response["Location"]))
    assert donation.number in text and "王先生" in text and "500.00" in text
    assert donation.amount == Decimal("500.00")
    assert 'id="pool-balance">1500.00' in page_text(client.get(url(world)))


def test_a_shop_is_added_with_its_meal_and_price(world, tree, staff_client):
    client = staff_client(world.staff)
    response = client.post(
        url(world, "shops/"), {"merchant": world.theatre.pk, "meal": "包子豆浆", "price": "6.5"}
    )
    assert response.status_code == 302
    assert "包子豆浆" in page_text(client.get(url(world)))
    response = client.post(
        url(world, "shops/"), {"merchant": world.theatre.pk, "meal": "包子", "price": "-1"}
    )
    assert response.status_code == 400 and form_error_near(response, "id_price")


def test_workers_are_found_by_search_and_added(world, tree, staff_client):
    _user, sweeper = make_worker(tree.union_a, name="赵扫街", tags=("sanitation",))
    _user, clerk = make_worker(tree.union_a, name="赵文员")
    client = staff_client(world.staff)
    text = page_text(client.post(url(world, "workers/"), {"q": "赵"}))
    assert f'value="{sweeper.pk}"' in text and f'value="{clerk.pk}"' not in text  # no tag: refused, shown why
    response = client.post(url(world, "workers/"), {"person": [str(sweeper.pk), str(clerk.pk)]})
    assert response.status_code == 302
    with scopes_disabled():
        enrolled = set(
            Enrolment.objects.filter(programme=world.programme).values_list("person_id", flat=True)
        )
    assert sweeper.pk in enrolled and clerk.pk not in enrolled


def test_a_roster_reports_each_row(world, tree, staff_client):
    _user, sweeper = make_worker(tree.union_a, name="钱扫街", tags=("sanitation",))
    _user, clerk = make_worker(tree.union_a, name="钱文员")
    with scopes_disabled():
        sweeper_id, clerk_id = sweeper.id_number, clerk.id_number
        shunyi_id = world.shunyi_worker.person.id_number if hasattr(world.shunyi_worker, "person") else ""
    rows = ["身份证号", sweeper_id, clerk_id, "不是号码", "110101199001011234"]
    if shunyi_id:
        rows.append(shunyi_id)
    upload = SimpleUploadedFile("roster.csv", "\n".join(rows).encode(), content_type="text/csv")
    response = staff_client(world.staff).post(url(world, "roster/"), {"file": upload})
    assert response.status_code == 200
    report = table(page_text(response), "roster-report")
    assert report.count("<tr") == len(rows)  # header row of the table + each data row but the file's header
    with scopes_disabled():
        enrolled = set(
            Enrolment.objects.filter(programme=world.programme).values_list("person_id", flat=True)
        )
    assert sweeper.pk in enrolled and clerk.pk not in enrolled


def test_a_roster_of_the_wrong_type_is_refused(world, staff_client):
    upload = SimpleUploadedFile("roster.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = staff_client(world.staff).post(url(world, "roster/"), {"file": upload})
    assert response.status_code == 400 and form_error_near(response, "id_file")


def test_a_programme_is_created_for_an_org_the_user_manages(world, tree, staff_client):
    client = staff_client(world.staff)
    form = page_text(client.get("/console/benefits/breakfast/new/"))
    assert "房山区总工会" in form and "顺义区总工会" not in form
    response = client.post(
        "/console/benefits/breakfast/new/",
        {
            "org": tree.fangshan.pk,
            "name": "拱辰爱心早餐",
            "starts_on": "2026-01-01",
            "warn_days": "10",
            "occupation_tags": ["sanitation"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/console/benefits/breakfast/new/",
        {"org": tree.shunyi.pk, "name": "越界", "starts_on": "2026-01-01", "warn_days": "10"},
    )
    assert response.status_code == 400 and form_error_near(response, "id_org")
    with scopes_disabled():
        assert (
            Programme.objects.filter(name="拱辰爱心早餐").exists()
            and not Programme.objects.filter(name="越界").exists()
        )


def test_the_figures_count_the_areas_vouchers_money_and_meals(world, staff_client):
    serve_breakfast(world, world.people[0])
    text = page_text(staff_client(world.staff).get("/console/benefits/figures/"))
    assert 'id="fig-claimed">0' in text and "1000.00" in text and "老街坊面馆" in text
    other = page_text(staff_client(world.shunyi_staff).get("/console/benefits/figures/"))
    assert "老街坊面馆" not in other and "1000.00" not in other
