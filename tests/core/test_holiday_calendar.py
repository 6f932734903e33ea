"""The holiday calendar's services: overrides and notices change the working days deadlines are
counted with, bad input is named precisely and writes nothing, every change is audited, and open
applications' deadlines are counted again.

Today is 2026-11-25 and the package knows up to 2026 (``november_2026``). The 2027 dates below are
made-up examples in the shape of a notice, not the State Council's notice for 2027."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from smartunion.core.errors import Conflict, Forbidden, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.holidays.models import HolidayOverride
from smartunion.holidays.selectors import calendar_missing_years, calendar_year, calendar_year_status
from smartunion.holidays.services import (
    holiday_notice_check,
    holiday_notice_delete,
    holiday_notice_enter,
    holiday_override_create,
    holiday_override_delete,
    holiday_override_update,
)
from smartunion.members.models import Membership, MembershipStatus
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NOTICE_2027 = """
# example dates, not the real 2027 notice
元旦 2027-01-01 至 2027-01-03
春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20
国庆节：2027年10月1日（周五）至2027年10月7日（周四）放假，上班 2027-10-09
"""


@pytest.fixture
def admin(personas, november_2026):
    return personas["city_admin"]


def _overrides() -> list[tuple[date, bool, str, int | None]]:
    return list(
        HolidayOverride.objects.order_by("date").values_list("date", "is_workday", "note", "notice_year")
    )


def _calendar_events():
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action__startswith="holiday.").order_by("seq"))


def _messages(exc: ValidationFailed, field: str) -> str:
    return " ".join(exc.fields[field])


# --- one date -------------------------------------------------------------------------------------


def test_adding_changing_and_deleting_one_date_moves_the_count_of_working_days(admin):
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 1)

    change = holiday_override_create(
        actor=admin, day="2026-12-01", is_workday=False, note="本市劳模表彰日", client_address="10.1.2.3"
    )
    override = change.overrides[0]
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)

    holiday_override_update(
        actor=admin,
        override=override,
        day="2026-12-02",
        is_workday=False,
        note="改期",
        client_address="10.1.2.3",
    )
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 1)
    assert add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 3)

    # A Saturday made a working day counts.
    holiday_override_update(actor=admin, override=override, day="2026-12-05", is_workday=True, note="补班")
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 5)

    holiday_override_delete(actor=admin, override=override, client_address="10.1.2.3")
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert _overrides() == []

    events = _calendar_events()
    assert [e.action for e in events] == [
        "holiday.create",
        "holiday.update",
        "holiday.update",
        "holiday.delete",
    ]
    assert all(e.actor_label == "city.admin" and e.org_id is None for e in events)
    assert events[0].client_address == "10.1.2.3"
    assert events[0].data["date"] == "2026-12-01" and events[0].data["note"] == "本市劳模表彰日"
    assert (
        events[1].data["before"]["date"] == "2026-12-01" and events[1].data["after"]["date"] == "2026-12-02"
    )
    assert events[3].object_id == str(override.pk) and events[3].data["is_workday"] is True


def test_saving_a_date_unchanged_records_nothing(admin):
    override = holiday_override_create(actor=admin, day="2026-12-01", is_workday=False, note="x").overrides[0]
    holiday_override_update(actor=admin, override=override, day="2026-12-01", is_workday=False, note="x")
    assert [e.action for e in _calendar_events()] == ["holiday.create"]


@pytest.mark.parametrize(
    "day, is_workday, note, field, message",
    [
        ("", False, "", "date", "请填写日期，例如 2027-01-01。"),
        ("2027-02-30", False, "", "date", "“2027-02-30”不是日历上存在的日期（该月没有这一天）。"),
        ("1/2/2027", False, "", "date", "“1/2/2027”不是日期：请写成 2027-01-01 的样子。"),
        ("2025-10-01", False, "", "date", "2025-10-01 在已经过去的年份"),
        ("2028-01-01", False, "", "date", "2028-01-01 太远了"),
        ("2027-03-01", None, "", "is_workday", "请选择这一天是休息日还是上班日。"),
        ("2027-03-01", False, "长" * 201, "note", "说明有 201 个字，最多 200 个字。"),
    ],
)
def test_a_bad_date_is_named_and_nothing_is_written(admin, day, is_workday, note, field, message):
    with pytest.raises(ValidationFailed) as caught:
        holiday_override_create(actor=admin, day=day, is_workday=is_workday, note=note)
    assert message in _messages(caught.value, field)
    assert _overrides() == [] and _calendar_events() == []


def test_a_date_with_an_override_already_is_refused_on_add_and_on_edit(admin):
    first = holiday_override_create(actor=admin, day="2026-12-01", is_workday=False).overrides[0]
    second = holiday_override_create(actor=admin, day="2026-12-02", is_workday=False).overrides[0]
    with pytest.raises(ValidationFailed) as caught:
        holiday_override_create(actor=admin, day="2026-12-01", is_workday=True)
    assert _messages(caught.value, "date") == "2026-12-01 已有一条调整记录（休息日），请修改或删除那一条。"
    with pytest.raises(ValidationFailed):
        holiday_override_update(actor=admin, override=second, day="2026-12-01", is_workday=False)
    assert [row[0] for row in _overrides()] == [first.date, second.date]
    assert len(_calendar_events()) == 2


def test_an_old_override_can_still_be_annotated_and_deleted(admin):
    old = HolidayOverride.objects.create(date=date(2024, 5, 6), is_workday=False, note="")
    holiday_override_update(actor=admin, override=old, day="2024-05-06", is_workday=False, note="旧记录")
    assert HolidayOverride.objects.get(pk=old.pk).note == "旧记录"
    holiday_override_delete(actor=admin, override=old)
    assert _overrides() == []


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["fangshan_admin", "auditor", "fangshan_staff", "union_a_widened"])
def test_only_an_administrator_at_the_top_level_federation_may_change_the_calendar(
    personas, november_2026, persona
):
    actor = personas[persona]
    existing = HolidayOverride.objects.create(date=date(2026, 12, 1), is_workday=False, note="原样")
    with pytest.raises(Forbidden) as caught:
        holiday_override_create(actor=actor, day="2026-12-02", is_workday=False)
    assert caught.value.message == "只有顶层总工会的管理员才能修改节假日日历。"
    with pytest.raises(Forbidden):
        holiday_override_update(actor=actor, override=existing, day="2026-12-03", is_workday=True)
    with pytest.raises(Forbidden):
        holiday_override_delete(actor=actor, override=existing)
    with pytest.raises(Forbidden):
        holiday_notice_enter(actor=actor, year=2027, text=NOTICE_2027)
    assert _overrides() == [(date(2026, 12, 1), False, "原样", None)]
    assert _calendar_events() == []


# --- a notice -------------------------------------------------------------------------------------


def test_a_notice_makes_its_year_known_and_moves_working_days(admin):
    assert calendar_missing_years(years=[2026, 2027]) == [2027]
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)  # weekends only: a Friday
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 8)

    change = holiday_notice_enter(actor=admin, year="2027", text=NOTICE_2027, client_address="10.1.2.3")

    assert len(change.overrides) == 3 + 8 + 2 + 7 + 1
    assert calendar_missing_years(years=[2026, 2027]) == []
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 14)  # the adjusted Sunday
    assert add_working_days(date(2027, 10, 8), 1) == date(2027, 10, 9)  # the adjusted Saturday
    rows = _overrides()
    assert rows[0] == (date(2027, 1, 1), False, "元旦", 2027)
    assert (date(2027, 2, 20), True, "春节", 2027) in rows
    assert (date(2027, 10, 7), False, "国庆节", 2027) in rows
    status = calendar_year_status(year=2027)
    assert (status.package_knows, status.notice_dates, status.has_data) == (False, 21, True)

    [event] = _calendar_events()
    assert (
        event.action == "holiday.notice"
        and event.client_address == "10.1.2.3"
        and event.actor_label == "city.admin"
    )
    assert event.data["year"] == 2027
    assert event.data["working_days"] == ["2027-02-14", "2027-02-20", "2027-10-09"]
    assert event.data["days_off"][:3] == ["2027-01-01", "2027-01-02", "2027-01-03"]

    holiday_notice_delete(actor=admin, year=2027, client_address="10.1.2.3")
    assert _overrides() == []
    assert calendar_missing_years(years=[2027]) == [2027]
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert [e.action for e in _calendar_events()] == ["holiday.notice", "holiday.notice_delete"]
    assert len(_calendar_events()[1].data["dates"]) == 21


def test_the_calendar_year_shows_each_day_with_its_source(admin):
    holiday_override_create(actor=admin, day="2026-10-08", is_workday=False, note="本地假日")
    days = {d.day: d for d in calendar_year(year=2026, chinese=True)}
    national_day = days[date(2026, 10, 1)]
    assert (national_day.is_workday, national_day.name, national_day.source) == (False, "国庆节", "package")
    assert days[date(2026, 10, 10)].is_workday and days[date(2026, 10, 10)].name == "国庆节"  # 调休 Saturday
    local = days[date(2026, 10, 8)]
    assert (local.source, local.name, local.changes_the_package, local.underlying_is_workday) == (
        "override",
        "本地假日",
        True,
        True,
    )
    assert calendar_year(year=2027, chinese=True) == []
    holiday_notice_enter(actor=admin, year=2027, text="元旦 2027-01-01")
    [new_year] = calendar_year(year=2027, chinese=True)
    assert (new_year.source, new_year.name, new_year.override is not None) == ("notice", "元旦", True)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请至少写一行，例如“春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20”。"),
        ("春节 2027-02-30 至 2027-03-05", "第 1 行：“2027-02-30”不是日历上存在的日期（该月没有这一天）。"),
        (
            "元旦 2027-01-01\n端午节 2027-06-12 至 2027-06-10",
            "第 2 行：放假结束日 2027-06-10 早于开始日 2027-06-12。",
        ),
        ("国庆节 2027-10-01 至 13", "第 1 行：无法识别“13”：每个日期都要写完整（含年份），例如 2027-02-13。"),
        ("元旦 1月1日至3日", "第 1 行：无法识别“1”"),
        ("清明节", "第 1 行：没有找到日期。"),
        ("劳动节 2027-05-01、2027-05-05", "第 1 行：放假的第一天和最后一天请用“至”连接"),
        ("春节 2027-02-06 2027-02-07 2027-02-08", "第 1 行：放假期间只有第一天和最后一天（这里有 3 个日期）"),
        ("春节 2027-02-06 至 2027-02-13 上班", "第 1 行：“上班”后面没有日期"),
        (
            "春节 上班 2027-02-14 放假 2027-02-06 至 2027-02-13",
            "第 1 行：“上班”后面只写调休上班的日期，逐个列出；放假期间写在它前面",
        ),
        (
            "春节 2027-02-06 至 2027-02-13 上班 2027-02-14 至 2027-02-20",
            "第 1 行：“上班”后面只写调休上班的日期",
        ),
        (
            "元旦 2028-01-01 至 2028-01-03",
            "第 1 行：2028-01-01 不属于 2027 年的安排（应在 2026-12-01 至 2027-12-31 之间）。",
        ),
        ("元旦 2026-11-30", "第 1 行：2026-11-30 不属于 2027 年的安排"),
        (
            "春节 2027-02-06 至 2027-02-13 上班 2027-02-10",
            "第 1 行：调休上班日 2027-02-10 是星期三，本来就是工作日",
        ),
        ("元旦 2027-01-01 至 2027-01-03\n元旦 2027-01-03", "第 2 行：2027-01-03 在第 1 行已经出现。"),
        ("春节 2027-02-06 至 2027-02-13 上班 2027-02-13", "第 1 行：2027-02-13 在第 1 行已经出现。"),
        (
            "国庆节 2027-10-01 至 2027-10-31",
            "第 1 行：2027-10-01 至 2027-10-31 共 31 天，假期不会超过 14 天，请检查日期。",
        ),
    ],
)
def test_a_bad_notice_is_named_line_by_line_and_nothing_is_written(admin, text, message):
    with pytest.raises(ValidationFailed) as caught:
        holiday_notice_enter(actor=admin, year=2027, text=text)
    assert message in _messages(caught.value, "text")
    assert _overrides() == [] and _calendar_events() == []


def test_one_bad_line_stops_the_whole_notice_and_every_bad_line_is_named(admin):
    text = NOTICE_2027 + "端午节 2027-06-31\n中秋节 2027-09-15 至 2027-09-14\n"
    with pytest.raises(ValidationFailed) as caught:
        holiday_notice_enter(actor=admin, year=2027, text=text)
    messages = caught.value.fields["text"]
    assert len(messages) == 2
    assert messages[0].startswith("第 6 行：") and messages[1].startswith("第 7 行：")
    assert _overrides() == [] and _calendar_events() == []


@pytest.mark.parametrize(
    "year, message",
    [
        ("2025", "只能录入 2026 年或 2027 年的通知，不能录入 2025 年的。"),
        ("2028", "只能录入 2026 年或 2027 年的通知，不能录入 2028 年的。"),
        ("明年", "请选择通知所属的年份：2026 或 2027。"),
        ("2026", "2026 年的节假日已由节假日数据包（chinese-calendar）提供"),
    ],
)
def test_a_notice_for_a_wrong_year_is_refused(admin, year, message):
    with pytest.raises(ValidationFailed) as caught:
        holiday_notice_enter(actor=admin, year=year, text="元旦 2027-01-01")
    assert message in _messages(caught.value, "year")
    assert _overrides() == []


def test_a_notice_is_entered_once_and_does_not_overwrite_single_dates(admin):
    holiday_override_create(actor=admin, day="2027-02-14", is_workday=True, note="先录的一天")
    with pytest.raises(ValidationFailed) as caught:
        holiday_notice_enter(actor=admin, year=2027, text=NOTICE_2027)
    assert _messages(caught.value, "text") == (
        "第 4 行：2027-02-14 已有一条调整记录（上班日），请先修改或删除那一条。"
    )
    assert len(_overrides()) == 1

    holiday_notice_enter(actor=admin, year=2027, text="元旦 2027-01-01 至 2027-01-03")
    with pytest.raises(ValidationFailed) as caught:
        holiday_notice_enter(actor=admin, year=2027, text="清明节 2027-04-05")
    assert (
        _messages(caught.value, "year")
        == "2027 年的通知已经录入（共 3 个日期）。如需重新录入，请先在日历页面删除它。"
    )


def test_checking_a_notice_writes_nothing(admin):
    year, days = holiday_notice_check(year=2027, text=NOTICE_2027)
    assert year == 2027 and len(days) == 21 and days[0].day == date(2027, 1, 1)
    assert _overrides() == [] and _calendar_events() == []


def test_a_concurrent_duplicate_is_a_conflict_not_a_crash(admin, monkeypatch):
    from smartunion.holidays import services

    # A row appears between the check and the write, as another administrator's would (here it is
    # written in the same transaction, so it is rolled back with everything else).
    real_check = services.holiday_notice_check

    def check_then_race(**kwargs):
        result = real_check(**kwargs)
        HolidayOverride.objects.create(date=date(2027, 1, 2), is_workday=False, note="别人")
        return result

    monkeypatch.setattr(services, "holiday_notice_check", check_then_race)
    with pytest.raises(Conflict):
        services.holiday_notice_enter(actor=admin, year=2027, text="元旦 2027-01-01 至 2027-01-03")
    assert _overrides() == [] and _calendar_events() == []


# --- open applications' deadlines follow ----------------------------------------------------------


def _application(org, *, applied: date, name: str, status: str = MembershipStatus.APPLYING) -> Membership:
    _person, membership = make_person(org=org, real_name=name, status=MembershipStatus.APPLYING)
    applied_at = timezone.make_aware(datetime.combine(applied, time(10)))
    due = add_working_days(applied, 15)
    with scopes_disabled():
        Membership.objects.filter(pk=membership.pk).update(applied_at=applied_at, due_date=due, status=status)
        return Membership.objects.get(pk=membership.pk)


def _due(membership: Membership) -> date:
    with scopes_disabled():
        return Membership.objects.get(pk=membership.pk).due_date


def test_open_applications_are_counted_again_when_the_calendar_changes(admin, tree):
    spanning = _application(tree.union_a, applied=date(2026, 12, 20), name="跨年申请人")
    earlier = _application(tree.union_c, applied=date(2026, 12, 14), name="较早申请人")
    decided = _application(
        tree.union_b, applied=date(2026, 12, 20), name="已答复", status=MembershipStatus.REJECTED
    )
    before_the_holiday = _application(tree.union_a, applied=date(2026, 11, 2), name="节前申请人")
    assert (_due(spanning), _due(earlier), _due(before_the_holiday)) == (
        date(2027, 1, 8),
        date(2027, 1, 4),
        date(2026, 11, 23),
    )

    change = holiday_notice_enter(actor=admin, year=2027, text="元旦 2027-01-01 至 2027-01-03")

    assert change.deadlines_moved == 2
    assert (_due(spanning), _due(earlier)) == (date(2027, 1, 11), date(2027, 1, 5))
    assert _due(decided) == date(2027, 1, 8)  # answered: its deadline is history
    assert _due(before_the_holiday) == date(2026, 11, 23)
    assert _calendar_events()[0].data["deadlines_moved"] == 2

    # A working Saturday entered later pulls them back by a day; deleting the notice undoes it all.
    saturday = holiday_override_create(actor=admin, day="2027-01-09", is_workday=True, note="补班").overrides[
        0
    ]
    assert _due(spanning) == date(2027, 1, 9)
    holiday_override_delete(actor=admin, override=saturday)
    holiday_notice_delete(actor=admin, year=2027)
    assert (_due(spanning), _due(earlier)) == (date(2027, 1, 8), date(2027, 1, 4))


def test_an_application_keeps_its_own_number_of_working_days(admin, tree, settings):
    application = _application(tree.union_a, applied=date(2026, 12, 20), name="老规则申请人")
    settings.JOIN_RESPONSE_WORKING_DAYS = 5  # changed after it arrived: it still has 15
    holiday_override_create(actor=admin, day="2027-01-01", is_workday=False, note="元旦")
    assert _due(application) == date(2027, 1, 11)


# --- the management command -----------------------------------------------------------------------


def test_the_command_enters_a_notice_from_a_file_as_system_work(november_2026, tmp_path, db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    out = StringIO()
    call_command("holiday_notice", "2027", str(notice), "--check", stdout=out)
    assert "2027-02-14  working day  春节" in out.getvalue() and _overrides() == []

    call_command("holiday_notice", "2027", str(notice), stdout=out)
    assert len(_overrides()) == 21
    [event] = _calendar_events()
    assert event.action == "holiday.notice" and event.actor_label == "system"

    notice.write_text("端午节 2027-06-31", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("holiday_notice", "2027", str(notice), "--check", stdout=out)
    assert "2027 年的通知已经录入" in str(caught.value)


def test_the_command_reads_the_notice_from_standard_input(november_2026, db):
    """``holiday_notice 2027 -`` (as docs/members.md allows: "'-' reads standard input")."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("holiday_notice", "2027", "-", "--check", stdin=StringIO(NOTICE_2027), stdout=out)
    assert "2027-02-14  working day  春节" in out.getvalue() and _overrides() == []

    call_command("holiday_notice", "2027", "-", stdin=StringIO(NOTICE_2027), stdout=out)
    assert len(_overrides()) == 21
