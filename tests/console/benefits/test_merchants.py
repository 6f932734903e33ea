"""The merchant pages: list (search, kind), register and edit, and the merchant's page with its
stores, agreements and clerks; who sees which merchant and which menu entry."""

from __future__ import annotations

from smartunion.benefits.models import Agreement, Merchant, MerchantClerk, Store
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import assert_cells_labelled, form_error_near, page_text
from tests.factories import StaffFactory

LIST = "/console/benefits/merchants/"


def test_the_list_finds_merchants_by_name_and_kind(world, as_user):
    client = as_user(world.staff)
    response = client.get(LIST)
    text = page_text(response)
    assert "房山大剧院" in text and "老街坊面馆" in text
    assert_cells_labelled(response, tables=1)  # a phone shows each cell under its column's heading
    assert 'data-label="登记单位"' in text
    text = page_text(client.get(LIST, {"q": "剧院"}))
    assert "房山大剧院" in text and "老街坊面馆" not in text
    text = page_text(client.get(LIST, {"kind": "noodle_shop"}))
    assert "老街坊面馆" in text and "房山大剧院" not in text


def test_another_districts_staff_see_none_of_them(world, as_user):
    client = as_user(world.shunyi_staff)
    text = page_text(client.get(LIST))
    assert "房山大剧院" not in text
    for url in (
        f"{LIST}{world.theatre.pk}/",
        f"{LIST}{world.theatre.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "房山大剧院" not in page_text(response)
    response = client.post(
        f"{LIST}{world.theatre.pk}/stores/", {"store-name": "顺义冒名店", "store-address": "x"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not Store.objects.filter(name="顺义冒名店").exists()


def test_staff_register_a_merchant_and_bad_input_stays_on_its_field(world, as_user, tree):
    client = as_user(world.staff)
    response = client.post(
        f"{LIST}new/",
        {
            "name": "良乡健身馆",
            "kind": "gym",
            "credit_code": "123",
            "contact_phone": "13800000000",
            "org": tree.fangshan.pk,
        },
    )
    assert response.status_code == 400
    assert "18" in form_error_near(response, "id_credit_code")
    assert 'value="良乡健身馆"' in response.content.decode()  # nothing typed is lost
    response = client.post(
        f"{LIST}new/",
        {
            "name": "良乡健身馆",
            "kind": "gym",
            "contact_name": "赵经理",
            "active": "on",
            "org": tree.fangshan.pk,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        gym = Merchant.objects.get(name="良乡健身馆")
    assert gym.org == tree.fangshan and gym.kind == "gym"
    text = page_text(client.get(response["Location"]))
    assert "良乡健身馆" in text and "赵经理" in text
    response = client.post(f"{LIST}{gym.pk}/edit/", {"name": "良乡健身中心", "kind": "gym", "active": "on"})
    assert response.status_code == 302
    gym.refresh_from_db()
    assert gym.name == "良乡健身中心"


def test_a_merchant_needs_a_name_kind_and_organisation(world, as_user):
    response = as_user(world.staff).post(f"{LIST}new/", {"name": "", "kind": ""})
    assert response.status_code == 400
    for field in ("id_name", "id_kind"):
        assert form_error_near(response, field), field
    assert "picker-org" in response.content.decode() and "field-error" in response.content.decode()


def test_stores_agreements_and_clerks_are_added_on_the_merchant_page(world, as_user, tree):
    client = as_user(world.staff)
    page = f"{LIST}{world.noodles.pk}/"
    response = client.post(
        f"{page}stores/",
        {"store-name": "老街坊面馆（城关店）", "store-address": "房山区城关", "store-division_code": "1101"},
    )
    assert response.status_code == 400
    assert "12" in form_error_near(response, "id_store-division_code")
    assert 'value="老街坊面馆（城关店）"' in response.content.decode()
    response = client.post(
        f"{page}stores/",
        {
            "store-name": "老街坊面馆（城关店）",
            "store-address": "房山区城关",
            "store-division_code": "110111",
        },
    )
    assert response.status_code == 302
    assert "老街坊面馆（城关店）" in page_text(client.get(page))

    response = client.post(
        f"{page}agreements/",
        {
            "agreement-signed_on": "2026-01-01",
            "agreement-starts_on": "2026-02-01",
            "agreement-ends_on": "2026-01-15",
            "agreement-discount_percent": "120",
        },
    )
    assert response.status_code == 400
    assert form_error_near(response, "id_agreement-ends_on")
    assert form_error_near(response, "id_agreement-discount_percent")
    response = client.post(
        f"{page}agreements/",
        {
            "agreement-signed_on": "2026-01-01",
            "agreement-starts_on": "2026-02-01",
            "agreement-ends_on": "2027-01-31",
            "agreement-discount_percent": "15.5",
            "agreement-settlement_terms": "每月5日前结清",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        agreement = Agreement.objects.get(merchant=world.noodles)
    assert str(agreement.discount_percent) == "15.50"
    assert "每月5日前结清" in page_text(client.get(page))

    newcomer = StaffFactory(
        username="gongchen.clerk",
        display_name="拱辰店员",
        home_org=tree.fangshan,
        roles=[("merchant_clerk", tree.fangshan)],
    )
    plain = StaffFactory(
        username="plain.staff", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
    )
    text = page_text(client.get(page))
    assert "拱辰店员" in text and "plain.staff" not in text  # only holders of the clerk's role are offered
    response = client.post(f"{page}clerks/", {"clerk-user": plain.pk})
    assert response.status_code == 400 and form_error_near(response, "id_clerk-user")
    response = client.post(f"{page}clerks/", {"clerk-user": newcomer.pk})
    assert response.status_code == 302
    with scopes_disabled():
        assert MerchantClerk.objects.get(user=newcomer).merchant == world.noodles
    response = client.get(page)
    assert "gongchen.clerk" in page_text(response)
    assert_cells_labelled(response, tables=3)  # stores, agreements and clerks, each cell labelled
    assert 'data-label="折扣（%）"' in page_text(response)


def test_a_clerk_in_another_district_is_not_offered(world, as_user, tree):
    StaffFactory(username="shunyi.clerk", home_org=tree.shunyi, roles=[("merchant_clerk", tree.shunyi)])
    text = page_text(as_user(world.staff).get(f"{LIST}{world.theatre.pk}/"))
    assert "shunyi.clerk" not in text


def test_staff_without_benefits_flags_have_no_menu_entry_and_no_page(world, as_user, personas):
    client = as_user(personas["union_a_staff"])  # grassroots staff: no benefits flags
    home = page_text(client.get("/console/"))
    assert "/console/benefits/" not in home
    assert client.get(LIST).status_code == 403
    assert client.get("/console/benefits/campaigns/").status_code == 403
    assert client.get("/console/benefits/services/").status_code == 403
    assert client.get(f"{LIST}{world.theatre.pk}/").status_code == 403
    staff_home = page_text(as_user(world.staff).get("/console/"))
    assert "/console/benefits/merchants/" in staff_home and "/console/benefits/campaigns/" in staff_home


def test_the_list_does_not_query_per_row(world, as_user, django_assert_max_num_queries, tree):
    client = as_user(world.staff)
    client.get(LIST)
    with django_assert_max_num_queries(20) as one:
        client.get(LIST)
    with scopes_disabled():
        for i in range(3):
            Merchant.objects.create(org=tree.fangshan, name=f"加的商户{i}", kind="other")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(LIST)
