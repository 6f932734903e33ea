"""Regional figures: the seeded Beijing rows, the longest-prefix lookup on a date, and the audited
writes only an administrator of the top-level federation may make."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.labourlaw.models import RegionalFigure
from smartunion.labourlaw.policies import can_change_figures
from smartunion.labourlaw.selectors import regional_figure_for
from smartunion.labourlaw.services import regional_figure_create, regional_figure_update
from tests.conftest import as_staff

pytestmark = pytest.mark.django_db

ROW = {
    "region_code": "110111",
    "effective_from": "2026-01-01",
    "minimum_wage": "2600",
    "average_wage": "12000.50",
    "source": "房山区测试通知",
    "source_date": "2025-12-01",
}


def test_beijing_is_seeded_with_its_sources():
    current = regional_figure_for(region_code="110105", on=date(2026, 1, 1))
    assert current is not None and current.region_code == "110000"
    assert current.minimum_wage == Decimal("2540.00")
    assert current.effective_from == date(2025, 9, 1)
    assert "2540" in current.source and current.average_wage
    before = regional_figure_for(region_code="110105", on=date(2025, 8, 31))
    assert before is not None and before.minimum_wage == Decimal("2420.00")
    assert regional_figure_for(region_code="110105", on=date(2023, 8, 31)) is None
    assert regional_figure_for(region_code="310101", on=date(2026, 1, 1)) is None  # Shanghai: no row


def test_the_longest_prefix_in_force_wins():
    regional_figure_create(actor=None, **ROW)
    fangshan = regional_figure_for(region_code="110111", on=date(2026, 3, 1))
    assert fangshan is not None and fangshan.region_code == "110111"
    street = regional_figure_for(region_code="110111001", on=date(2026, 3, 1))
    assert street == fangshan
    # Before the district's row is in force, the city's applies; other districts always get the city's.
    earlier = regional_figure_for(region_code="110111", on=date(2025, 12, 31))
    assert earlier is not None and earlier.region_code == "110000"
    other = regional_figure_for(region_code="110113", on=date(2026, 3, 1))
    assert other is not None and other.region_code == "110000"


def test_only_a_top_level_administrator_may_change_figures(personas):
    with scopes_disabled():
        count = RegionalFigure.objects.count()
    assert can_change_figures(personas["city_admin"])
    for name in ("fangshan_admin", "auditor", "union_a_staff"):
        assert not can_change_figures(personas[name])
        with as_staff(personas[name]), pytest.raises(Forbidden):
            regional_figure_create(actor=personas[name], **ROW)
    assert RegionalFigure.objects.count() == count


def test_create_and_update_are_audited_with_before_and_after(personas):
    admin = personas["city_admin"]
    with as_staff(admin):
        figure = regional_figure_create(actor=admin, client_address="10.0.0.1", **ROW)
        assert figure.updated_by == admin
        regional_figure_update(actor=admin, figure=figure, **{**ROW, "minimum_wage": "2650"})
    figure.refresh_from_db()
    assert figure.minimum_wage == Decimal("2650.00")
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(object_type="labourlaw.regionalfigure").order_by("seq"))
    assert [e.action for e in events] == ["figure.create", "figure.update"]
    assert events[1].data["before"]["minimum_wage"] == "2600.00"
    assert events[1].data["after"]["minimum_wage"] == "2650.00"


def test_bad_figures_are_refused_on_each_field():
    with pytest.raises(ValidationFailed) as caught:
        regional_figure_create(
            actor=None,
            region_code="99",
            effective_from="2026-02-30",
            minimum_wage="-1",
            average_wage="12.345",
            source=" ",
            source_date="2999-01-01",
        )
    assert set(caught.value.fields) == {
        "region_code",
        "effective_from",
        "minimum_wage",
        "average_wage",
        "source",
        "source_date",
    }


def test_a_second_row_for_the_same_region_and_day_is_refused():
    regional_figure_create(actor=None, **ROW)
    with pytest.raises(ValidationFailed) as caught:
        regional_figure_create(actor=None, **ROW)
    assert "effective_from" in caught.value.fields
