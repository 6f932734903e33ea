"""Findings of the security review on the API: the covering union's rights, masked contact phones,
cursors that decode to the wrong types."""

from __future__ import annotations

import base64
import json

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise
from smartunion.orgs.services import org_update
from tests.api.conftest import is_chinese
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# --- Cursors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [["a", "x"], ["a", "1.5"]])  # text where the id belongs
def test_a_cursor_of_the_wrong_types_is_a_422_on_the_cursor(api_as, tree, values):
    api = api_as("city_admin")
    response = api.get("/api/v1/enterprises", {"cursor": cursor_of(values)})
    assert response.status_code == 422
    body = response.json()
    assert list(body["fields"]) == ["query.cursor"]
    assert is_chinese(body["fields"]["query.cursor"][0])


# --- Contact phone ------------------------------------------------------------------------------


def test_a_contact_mobile_is_masked_in_the_api_as_on_the_console(api_as, tree):
    with scopes_disabled():
        org_update(actor=None, org=tree.union_a, contact_phone="13912345678")
        org_update(actor=None, org=tree.union_b, contact_phone="010-69312345")
    api = api_as("fangshan_staff")
    detail = api.get(f"/api/v1/orgs/{tree.union_a.pk}").json()
    assert detail["contact_phone"] == "139****5678"
    listing = {
        o["name"]: o["contact_phone"] for o in api.get("/api/v1/orgs", {"q": "公司工会"}).json()["items"]
    }
    assert listing["甲公司工会"] == "139****5678"
    assert listing["乙公司工会"] == "010-69312345"  # an office landline is shown as entered
    assert "13912345678" not in api.get("/api/v1/orgs", {"q": "公司工会"}).content.decode()


def test_a_contact_mobile_written_with_a_country_code_or_dots_is_masked_in_the_api(api_as, tree):
    with scopes_disabled():
        org_update(actor=None, org=tree.union_a, contact_phone="0086 138 0013 0008")
        org_update(actor=None, org=tree.union_b, contact_phone="138.0013.0007")
    api = api_as("fangshan_staff")
    response = api.get("/api/v1/orgs", {"q": "公司工会"})
    listing = {o["name"]: o["contact_phone"] for o in response.json()["items"]}
    assert listing == {"甲公司工会": "138****0008", "乙公司工会": "138****0007"}
    assert api.get(f"/api/v1/orgs/{tree.union_b.pk}").json()["contact_phone"] == "138****0007"
    text = response.content.decode()
    assert "0013" not in text and "13800130008" not in text


# --- The covering union -------------------------------------------------------------------------


@pytest.fixture
def covered_elsewhere(tree):
    """Kept by the 顺义 street union, covered by 甲公司工会 in 房山."""
    return EnterpriseFactory(name="戊快递有限公司", org=tree.street_sy, covering_union=tree.union_a)


def test_the_covering_union_reads_and_changes_the_enterprise(api_as, covered_elsewhere):
    api = api_as("union_a_staff")
    detail = api.get(f"/api/v1/enterprises/{covered_elsewhere.pk}")
    assert detail.status_code == 200 and detail.json()["name"] == "戊快递有限公司"
    changed = api.patch(f"/api/v1/enterprises/{covered_elsewhere.pk}", {"headcount": 42})
    assert changed.status_code == 200 and changed.json()["headcount"] == 42


def test_the_covering_union_may_delete_only_with_the_flag(api_as, covered_elsewhere):
    response = api_as("union_a_staff").delete(f"/api/v1/enterprises/{covered_elsewhere.pk}")
    assert response.status_code == 403 and is_chinese(response.json()["message"])
    with scopes_disabled():
        assert Enterprise.objects.filter(pk=covered_elsewhere.pk).exists()


def test_a_cockpit_grant_does_not_open_an_enterprise(api_as, personas, tree):
    response = api_as("fangshan_viewer").get(f"/api/v1/enterprises/{tree.enterprise_a.pk}")
    assert response.status_code == 403
    assert "甲物流有限公司" not in response.content.decode()


def test_a_worker_is_refused_the_org_detail_with_one_clear_message(api, worker, tree):
    api.sign_in_worker(worker)
    response = api.get(f"/api/v1/orgs/{tree.union_a.pk}")
    assert response.status_code == 403
    assert is_chinese(response.json()["message"])
