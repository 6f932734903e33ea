"""Who may change the holiday calendar (holidays/policies.py): only an administrator of the
top-level federation, since every district's deadlines are counted with it (decision 0012)."""

from __future__ import annotations

import pytest

from smartunion.core.errors import Forbidden
from smartunion.holidays.policies import can_change_calendar, require_change_calendar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_admin", True),
        # The same role on a district: not over what every other district's deadlines depend on.
        ("fangshan_admin", False),
        ("fangshan_staff", False),
        ("union_a_staff", False),
        ("auditor", False),
    ],
)
def test_only_the_top_level_administrator_changes_the_calendar(personas, persona, expected):
    assert can_change_calendar(personas[persona]) is expected


def test_a_district_administrator_is_told_who_may_change_the_calendar(personas):
    require_change_calendar(personas["city_admin"])  # no error
    require_change_calendar(None)  # system work: a command run by the operator

    with pytest.raises(Forbidden) as refused:
        require_change_calendar(personas["fangshan_admin"])

    assert refused.value.message == "只有顶层总工会的管理员才能修改节假日日历。"
