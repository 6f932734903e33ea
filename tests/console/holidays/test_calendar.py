"""The console's holiday calendar page, its forms, and the warning staff see while a year that
deadlines fall in has no holiday data. Today is 2026-11-25 and the package knows up to 2026
(``november_2026``); the 2027 dates are made-up examples, not the State Council's notice."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.holidays.models import HolidayOverride
from smartunion.members.models import Membership, MembershipStatus
from tests.console.conftest import form_error_near, page_text
from tests.factories import make_person

pytestmark = pytest.mark.django_db

WARNING = "2027 年节假日安排尚未录入，落在该年的截止日期暂按周末计算，录入后会重新计算。"
NOTICE = "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20"


@pytest.fixture
def admin_client(signed_in, november_2026):
    return signed_in("city_admin")


def _application(org, *, applied: date, name: str) -> Membership:
    _person, membership = make_person(org=org, real_name=name, status=MembershipStatus.APPLYING)
    with scopes_disabled():
        Membership.objects.filter(pk=membership.pk).update(
            applied_at=timezone.make_aware(datetime.combine(applied, time(9))),
            due_date=add_working_days(applied, 15),
        )
        return Membership.objects.get(pk=membership.pk)


def _events(action: str):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_the_page_shows_the_package_year_with_its_holidays_and_sources(admin_client):
    response = admin_client.get("/console/calendar/?year=2026")
    text = page_text(response)
    assert response.status_code == 200
    assert "2026 年节假日日历" in text
    assert "节假日数据包（chinese-calendar）已包含本年的国务院通知（收录 2004–2026 年）。" in text
    assert "2026-10-01" in text and "国庆节" in text and "2026-10-10" in text  # the 调休 Saturday
    assert "节假日数据包" in text
    assert 'href="/console/calendar/"' in text  # the nav link, for the top-level administrator


def test_a_year_without_data_says_so_and_the_warning_links_to_the_notice_form(admin_client):
    text = page_text(admin_client.get("/console/calendar/?year=2027"))
    assert "节假日数据包没有 2027 年的数据，也尚未录入通知：目前只把周末算作休息日。" in text
    assert WARNING in text
    assert "/console/calendar/notice/?year=2027" in text


def test_checking_a_notice_shows_the_dates_and_writes_nothing(admin_client):
    response = admin_client.post("/console/calendar/notice/", {"year": "2027", "text": NOTICE, "check": "1"})
    text = page_text(response)
    assert response.status_code == 200
    assert "将写入 13 个日期" in text
    assert "2027-02-20" in text and "上班日" in text and "春节" in text
    assert HolidayOverride.objects.count() == 0
    assert _events("holiday.notice") == []


def test_saving_a_notice_writes_it_recounts_deadlines_and_ends_the_warning(admin_client, tree, signed_in):
    application = _application(tree.union_a, applied=date(2026, 12, 20), name="跨年申请人")
    assert application.due_date == date(2027, 1, 8)
    staff = signed_in("union_a_staff")
    assert WARNING in page_text(staff.get("/console/applications/"))
    admin_client = signed_in("city_admin")

    response = admin_client.post(
        "/console/calendar/notice/", {"year": "2027", "text": NOTICE, "save": "1"}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302 and response["Location"] == "/console/calendar/?year=2027"
    text = page_text(admin_client.get(response["Location"]))
    assert "2027 年通知已录入：休息日 11 天，调休上班日 2 天。" in text
    assert "1 件待答复入会申请的答复截止日期已重新计算。" in text
    assert "国务院通知已在此录入（共 13 个日期）" in text
    assert "录入的通知" in text and WARNING not in text

    with scopes_disabled():
        assert Membership.objects.get(pk=application.pk).due_date == date(2027, 1, 11)
    [event] = _events("holiday.notice")
    assert event.client_address == "10.9.8.7" and event.actor_label == "city.admin"
    assert event.data["deadlines_moved"] == 1

    staff = signed_in("union_a_staff")
    queue = page_text(staff.get("/console/applications/"))
    assert WARNING not in queue and "2027-01-11" in queue


def test_a_bad_notice_shows_each_problem_and_writes_nothing(admin_client):
    text = "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-13 至 2027-02-06\n清明节 2027-04-31"
    response = admin_client.post("/console/calendar/notice/", {"year": "2027", "text": text, "save": "1"})
    assert response.status_code == 400
    shown = form_error_near(response, "id_text")
    assert "第 2 行：放假结束日 2027-02-06 早于开始日 2027-02-13。" in shown
    assert "第 3 行：“2027-04-31”不是日历上存在的日期（该月没有这一天）。" in shown
    assert HolidayOverride.objects.count() == 0 and _events("holiday.notice") == []


def test_a_notice_for_a_year_the_package_knows_is_refused_with_the_reason(admin_client):
    response = admin_client.post("/console/calendar/notice/", {"year": "2026", "text": "元旦 2026-01-01"})
    assert response.status_code == 400
    assert "2026 年的节假日已由节假日数据包（chinese-calendar）提供" in form_error_near(response, "id_year")


def test_adding_changing_and_deleting_a_date(admin_client):
    response = admin_client.post(
        "/console/calendar/overrides/new/",
        {"date": "2026-12-01", "kind": "off", "note": "本市劳模表彰日"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302
    override = HolidayOverride.objects.get()
    assert (override.date, override.is_workday, override.note, override.notice_year) == (
        date(2026, 12, 1),
        False,
        "本市劳模表彰日",
        None,
    )
    page = page_text(admin_client.get(response["Location"]))
    assert "已将 2026-12-01 加入日历。" in page and "本市劳模表彰日" in page and "单日调整" in page
    assert "（否则为工作日）" in page
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)

    edit = f"/console/calendar/overrides/{override.pk}/edit/"
    assert 'value="2026-12-01"' in admin_client.get(edit).content.decode()
    response = admin_client.post(edit, {"date": "2026-12-05", "kind": "work", "note": "补班"})
    assert response.status_code == 302
    override.refresh_from_db()
    assert (override.date, override.is_workday) == (date(2026, 12, 5), True)

    response = admin_client.post(f"/console/calendar/overrides/{override.pk}/delete/")
    assert response.status_code == 302
    assert "2026-12-05 的调整已删除。" in page_text(admin_client.get(response["Location"]))
    assert HolidayOverride.objects.count() == 0
    assert [
        e.action for e in _events("holiday.create") + _events("holiday.update") + _events("holiday.delete")
    ] == ["holiday.create", "holiday.update", "holiday.delete"]
    assert _events("holiday.create")[0].client_address == "10.9.8.7"


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"date": "2027-02-30", "kind": "off"},
            "id_date",
            "“2027-02-30”不是日历上存在的日期（该月没有这一天）。",
        ),
        ({"date": "2017-10-01", "kind": "off"}, "id_date", "2017-10-01 在已经过去的年份"),
        ({"date": "2027-03-01"}, "id_kind", "请选择这一天是休息日还是上班日。"),
        ({"date": "", "kind": "work"}, "id_date", "请填写日期，例如 2027-01-01。"),
    ],
)
def test_a_bad_date_is_shown_on_its_field_and_nothing_is_written(admin_client, data, field, message):
    response = admin_client.post("/console/calendar/overrides/new/", data)
    assert response.status_code == 400
    assert message in form_error_near(response, field)
    assert HolidayOverride.objects.count() == 0 and _events("holiday.create") == []


def test_deleting_a_notice_takes_every_date_of_it(admin_client):
    admin_client.post("/console/calendar/notice/", {"year": "2027", "text": NOTICE, "save": "1"})
    assert "2027 年通知的 13 个日期将被删除" in page_text(
        admin_client.get("/console/calendar/notice/2027/delete/")
    )
    response = admin_client.post("/console/calendar/notice/2027/delete/")
    assert response.status_code == 302
    assert HolidayOverride.objects.count() == 0
    assert WARNING in page_text(admin_client.get(response["Location"]))
    assert len(_events("holiday.notice_delete")) == 1


def test_the_warning_on_the_start_page_depends_on_who_looks(signed_in, november_2026):
    # November: next year's notice is due, and deadlines are counted into it.
    assert WARNING in page_text(signed_in("union_a_staff").get("/console/"))
    assert "请联系总工会管理员录入国务院通知。" in page_text(signed_in("union_a_staff").get("/console/"))
    admin_home = page_text(signed_in("city_admin").get("/console/"))
    assert WARNING in admin_home and "/console/calendar/notice/?year=2027" in admin_home
    # A cockpit viewer handles no deadline.
    assert WARNING not in page_text(signed_in("fangshan_viewer").get("/console/"))


def test_the_warning_follows_the_open_applications_and_the_month(signed_in, tree, monkeypatch, november_2026):
    november_localdate = timezone.localdate

    def june(value=None, timezone=None):
        return date(2026, 6, 1) if value is None else november_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", june)
    staff = signed_in("union_a_staff")
    assert WARNING not in page_text(staff.get("/console/"))  # June, nothing due in 2027
    application = _application(tree.union_a, applied=date(2026, 12, 20), name="跨年申请人")
    assert WARNING in page_text(staff.get("/console/"))
    assert WARNING in page_text(staff.get(f"/console/applications/{application.pk}/"))


def test_the_application_page_warns_only_when_its_own_deadline_is_provisional(signed_in, tree, november_2026):
    application = _application(tree.union_a, applied=date(2026, 11, 20), name="年内申请人")
    assert application.due_date.year == 2026
    assert WARNING not in page_text(
        signed_in("union_a_staff").get(f"/console/applications/{application.pk}/")
    )


@pytest.mark.parametrize("persona", ["fangshan_admin", "auditor", "union_a_staff"])
def test_others_get_403_and_no_nav_link(signed_in, november_2026, persona):
    client = signed_in(persona)
    response = client.get("/console/calendar/")
    assert response.status_code == 403
    assert "只有顶层总工会的管理员才能修改节假日日历。" in page_text(response)
    assert 'href="/console/calendar/"' not in page_text(client.get("/console/"))


def test_an_unknown_override_is_404_for_the_administrator(admin_client):
    assert admin_client.get("/console/calendar/overrides/999999/edit/").status_code == 404
    assert admin_client.post("/console/calendar/notice/2027/delete/").status_code == 404


def test_the_page_runs_the_same_queries_with_one_or_three_overrides(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/console/calendar/?year=2027").status_code == 200
        return len(queries)

    count()  # the first page of a session also restarts its idle clock (a session save)
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="一")
    one = count()
    HolidayOverride.objects.create(date=date(2027, 1, 2), is_workday=False, note="二")
    HolidayOverride.objects.create(date=date(2027, 1, 3), is_workday=False, note="三")
    assert count() == one
