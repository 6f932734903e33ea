"""The console's regional wage figures: listed, added and corrected by an administrator of the
top-level federation; everyone else gets 403 and no menu entry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.labourlaw.models import RegionalFigure
from tests.console.conftest import form_error_near, page_text

pytestmark = pytest.mark.django_db

NEW = {
    "region_code": "110111",
    "effective_from": "2026-01-01",
    "minimum_wage": "2600",
    "average_wage": "12000",
    "source": "房山区人社局通知",
    "source_date": "2025-12-01",
}


def test_the_administrator_sees_the_seeded_figures_and_the_menu(signed_in):
    client = signed_in("city_admin")
    response = client.get("/console/figures/")
    text = page_text(response)
    assert response.status_code == 200
    assert 'id="nav-figures"' in text and "工资标准" in text
    assert "110000" in text and "2540.00" in text and "自 2025-09-01 起执行" in text
    assert "北京市人力资源和社会保障局" in text
    assert "/console/figures/" in page_text(client.get("/console/"))  # the start page links it


def test_adding_figures_makes_the_calculator_use_them(signed_in, client):
    admin = signed_in("city_admin")
    response = admin.post("/console/figures/new/", NEW)
    assert response.status_code == 302
    with scopes_disabled():
        figure = RegionalFigure.objects.get(region_code="110111")
        assert AuditEvent.objects.filter(action="figure.create", object_id=str(figure.pk)).exists()
    assert figure.minimum_wage == Decimal("2600.00")
    assert "已添加 110111 自 2026-01-01 起执行的标准。" in page_text(admin.get("/console/figures/"))
    answer = client.post(
        "/api/v1/calculator/final-award",
        {"claim_amount": "31000", "region_code": "110111"},
        content_type="application/json",
    ).json()
    assert answer["threshold"] == "31200.00"  # 2,600 × 12, not Beijing's 2,540 × 12


def test_mistakes_stay_on_their_fields(signed_in):
    admin = signed_in("city_admin")
    with scopes_disabled():
        before = RegionalFigure.objects.count()
    response = admin.post(
        "/console/figures/new/", {**NEW, "region_code": "99", "minimum_wage": "2,600", "source": ""}
    )
    assert response.status_code == 400
    assert form_error_near(response, "id_region_code")
    assert form_error_near(response, "id_minimum_wage") == "请填写数字，例如 6000 或 6000.50。"
    assert "来源" in form_error_near(response, "id_source")
    assert 'value="2,600"' in response.content.decode()  # kept as typed
    with scopes_disabled():
        assert RegionalFigure.objects.count() == before


def test_editing_a_row_is_audited_with_before_and_after(signed_in):
    admin = signed_in("city_admin")
    with scopes_disabled():
        figure = RegionalFigure.objects.get(region_code="110000", effective_from="2025-09-01")
    page = page_text(admin.get(f"/console/figures/{figure.pk}/edit/"))
    assert 'value="2540.00"' in page
    data = {
        "region_code": "110000",
        "effective_from": "2025-09-01",
        "minimum_wage": "2540.00",
        "average_wage": "11900.00",
        "source": figure.source,
        "source_date": "2025-09-01",
    }
    assert admin.post(f"/console/figures/{figure.pk}/edit/", data).status_code == 302
    figure.refresh_from_db()
    assert figure.average_wage == Decimal("11900.00")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="figure.update", object_id=str(figure.pk))
    assert event.data["before"]["average_wage"] == "11937.00"
    assert event.data["after"]["average_wage"] == "11900.00"


@pytest.mark.parametrize("persona", ["fangshan_admin", "auditor", "union_a_staff"])
def test_without_the_flag_on_a_root_403_and_no_menu(signed_in, persona):
    client = signed_in(persona)
    with scopes_disabled():
        figure = RegionalFigure.objects.first()
    assert client.get("/console/figures/").status_code == 403
    assert client.get("/console/figures/new/").status_code == 403
    assert client.post(f"/console/figures/{figure.pk}/edit/", NEW).status_code == 403
    home = page_text(client.get("/console/"))
    assert 'id="nav-figures"' not in home and "/console/figures/" not in home
