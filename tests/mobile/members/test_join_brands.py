"""The join page as a rider uses it (issue 7, item 18): a platform found by the brand the rider
knows, the direct-joining unions with their office's address, contact and phone, and the employment
form starting on the rider's forms in a new-employment-form union."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise, OrgKind
from tests.factories import EnterpriseFactory, OrgFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def platform_union(tree):
    union = OrgFactory(name="迅达配送工会委员会", parent=tree.street_fs, region_code="110111")
    EnterpriseFactory(
        name="北京迅达同城配送科技有限公司",
        org=union,
        covering_union=union,
        is_platform=True,
        brand_names="美团，美团外卖、 美团众包",
    )
    return union


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
        address="房山区良乡东路1号",
        contact_name="赵联络",
        contact_phone="0086 138 0013 0008",
    )


@pytest.fixture
def rider_client(client, db):
    client.force_login(WorkerFactory(display_name="吴师傅", mobile="13900001111"))
    return client


@pytest.mark.parametrize("typed", ["美团", "美团外卖", "众包"])
def test_a_rider_finds_the_platform_by_its_brand(client, platform_union, typed):
    text = page(client.get(reverse("mobile:join"), {"q": typed}))
    assert "北京迅达同城配送科技有限公司" in text
    assert "美团、美团外卖、美团众包" in text  # how the rider recognises it
    assert "迅达配送工会委员会" in text
    assert f"/m/join/{platform_union.pk}/" in text


def test_the_direct_joining_unions_show_address_contact_and_a_masked_mobile(client, direct_union, tree):
    landline = OrgFactory(
        name="顺义区快递行业联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.shunyi,
        region_code="110113",
        accepts_direct_joining=True,
        contact_phone="010-6931 2345",
    )
    text = page(client.get(reverse("mobile:join")))
    item = text[text.index(direct_union.name) : text.index("申请加入", text.index(direct_union.name))]
    assert "房山区良乡东路1号" in item and "赵联络" in item
    assert "138****0008" in item
    assert "0013" not in text and "13800130008" not in text
    assert 'href="tel:' not in item  # a masked number cannot be dialled
    assert landline.name in text
    assert '<a href="tel:01069312345">010-6931 2345</a>' in text


def selected_employment_form(text: str) -> str:
    select = re.search(r'<select name="employment_form".*?</select>', text, re.S)[0]
    return re.search(r'<option value="([a-z_]*)"[^>]*selected', select)[1]


def test_a_new_employment_form_union_starts_on_the_riders_forms(rider_client, direct_union):
    text = page(rider_client.get(reverse("mobile:join_apply", args=[direct_union.pk])))
    assert selected_employment_form(text) == "food_delivery"
    select = re.search(r'<select name="employment_form".*?</select>', text, re.S)[0]
    assert select.index("外卖") < select.index("全日制")  # the rider's forms come first
    assert "138****0008" in text and "13800130008" not in text


def test_a_platform_employer_starts_on_the_riders_forms_too(rider_client, platform_union):
    with scopes_disabled():
        employer = Enterprise.objects.get(covering_union=platform_union)
    url = reverse("mobile:join_apply", args=[platform_union.pk])
    text = page(rider_client.get(url, {"employer": employer.pk}))
    assert selected_employment_form(text) == "food_delivery"


def test_an_enterprise_union_starts_on_a_standard_employee(rider_client, tree):
    text = page(rider_client.get(reverse("mobile:join_apply", args=[tree.union_a.pk])))
    assert selected_employment_form(text) == "standard"
