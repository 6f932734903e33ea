"""The console's member pages: search, the record (recorded access, audited unmasking), status
changes, editing, staff enrolment, the application queue with its deadline and escalation, and
transfers approved by the receiving union."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from smartunion.core.errors import Conflict
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipEvent, MembershipStatus, Person, Transfer
from smartunion.members.services import join_apply, member_enrol, transfer_request
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import OrgFactory, WorkerFactory, make_id_number, make_mobile, make_person

pytestmark = pytest.mark.django_db


def audit_actions(person, action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action, object_id=str(person.pk)))


def apply(tree, *, name="赵快递", org=None, employer=None, days_overdue=0):
    """A worker's application to ``org`` (union_a through its enterprise by default)."""
    worker = WorkerFactory()
    org = org or tree.union_a
    employer = employer or (tree.enterprise_a if org == tree.union_a else None)
    data = {"real_name": name, "id_number": make_id_number(birth="19920315"), "employment_form": "courier"}
    if employer is not None:
        data["employer"] = employer
    membership = join_apply(user=worker, org=org, data=data)
    if days_overdue:
        with scopes_disabled():
            Membership.objects.filter(pk=membership.pk).update(
                due_date=timezone.localdate() - timedelta(days=days_overdue)
            )
        membership.refresh_from_db()
    return membership


# --- the list and search --------------------------------------------------------------------------


@pytest.fixture
def three_people(tree):
    wang, _m = make_person(org=tree.union_a, real_name="王小明", mobile="13911112222")
    wang2, _m = make_person(org=tree.union_a, real_name="王大力", mobile="13933334444")
    li, _m = make_person(org=tree.union_b, real_name="李四", mobile="13955556666", status="suspended")
    return wang, wang2, li


def test_the_list_shows_masked_data_in_chinese(signed_in, tree, three_people):
    wang, _wang2, li = three_people
    text = page_text(signed_in("fangshan_staff").get("/console/members/"))
    assert "会员名册" in text and "入会申请" in text and "转会" in text
    assert "王小明" in text and "李四" in text and "甲公司工会" in text
    assert wang.id_number_masked in text and "139****2222" in text
    assert wang.id_number not in text and "13911112222" not in text
    assert "暂停" in text  # 李四's status, in words


def test_search_by_full_mobile_full_id_and_name_prefix(signed_in, three_people):
    wang, wang2, li = three_people
    client = signed_in("fangshan_staff")

    by_mobile = page_text(client.post("/console/members/", {"q": "139 1111 2222"}))
    assert "王小明" in by_mobile and "王大力" not in by_mobile and "李四" not in by_mobile
    assert "按完整手机号精确查找" in by_mobile

    by_id = page_text(client.post("/console/members/", {"q": wang2.id_number.lower()}))
    assert "王大力" in by_id and "王小明" not in by_id

    by_name = page_text(client.post("/console/members/", {"q": "王"}))
    assert "王小明" in by_name and "王大力" in by_name and "李四" not in by_name

    # Part of a number is not read as the start of a name (which finds nobody): it is refused with
    # what to type instead (issue 7, item 23).
    partial = client.post("/console/members/", {"q": "1391111"})
    assert form_error_near(partial, "id_q") == "请输入完整的 11 位手机号"
    assert "王小明" not in page_text(partial) and "没有找到与“1391111”相符的会员" not in page_text(partial)


def test_a_member_is_found_by_the_sign_in_mobile_too(signed_in, tree):
    # Issue 7, item 23: the worker's account signs in with one number; the record holds another.
    from tests.factories import WorkerFactory

    account = WorkerFactory(mobile="13700001111")
    make_person(org=tree.union_a, real_name="赵登录", mobile="13700002222", user=account)
    client = signed_in("union_a_staff")
    for number in ("13700001111", "13700002222"):
        text = page_text(client.post("/console/members/", {"q": number}))
        assert "赵登录" in text and "137****2222" in text, number
        assert "13700001111" not in text.replace(f'value="{number}"', "")  # only in the search box
    short = client.post("/console/members/", {"q": "137000"})
    assert form_error_near(short, "id_q") == "请输入完整的 11 位手机号"


def test_search_filters_by_union_and_status(signed_in, tree, three_people):
    client = signed_in("fangshan_staff")
    in_b = page_text(client.get(f"/console/members/?org={tree.union_b.pk}"))
    assert "李四" in in_b and "王小明" not in in_b
    suspended = page_text(client.get("/console/members/?status=suspended"))
    assert "李四" in suspended and "王小明" not in suspended


def test_keyset_pages_follow_the_opaque_cursor(signed_in, tree, settings, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members.PAGE_SIZE", 2)
    for name in ("甲一", "甲二", "甲三"):
        make_person(org=tree.union_a, real_name=name)
    client = signed_in("union_a_staff")
    first = client.get("/console/members/?q=甲")
    text = page_text(first)
    names = ("甲一", "甲二", "甲三")
    assert sum(text.count(n) for n in names) == 2 and "下一页" in text
    next_url = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', first.content.decode()).group(1)
    assert "甲" not in unescape(next_url).split("after=")[1]  # the cursor is opaque
    second = page_text(client.get("/console/members/" + unescape(next_url)))
    assert sum(second.count(n) for n in names) == 1 and "下一页" not in second and "第一页" in second
    assert all(n in text + second for n in names)


def test_an_exact_search_puts_no_number_in_a_link(signed_in, tree, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members.PAGE_SIZE", 1)
    make_person(org=tree.union_a, real_name="孙一", mobile="13977778888")
    make_person(org=tree.union_b, real_name="孙二", mobile="13977778888")
    response = signed_in("fangshan_staff").post("/console/members/", {"q": "13977778888"})
    assert "13977778888" not in response.content.decode().split('name="q"')[1].split(">", 1)[1]


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, count):
    for i in range(count):
        make_person(org=tree.union_a, real_name=f"钱{i}号")
    client = signed_in("union_a_staff")
    # session, user, grants, the page (people with union and employer), their memberships, and the
    # session save (with its savepoint and release)
    with django_assert_num_queries(8):
        response = client.get("/console/members/?q=钱")
    assert page_text(response).count("号</a>") == count


# --- one record ----------------------------------------------------------------------------------


def test_opening_a_record_is_recorded_and_shows_masked_data(signed_in, tree, personas):
    person, membership = make_person(org=tree.union_a, real_name="周师傅", mobile="13812345678")
    text = page_text(signed_in("union_a_staff").get(f"/console/members/{person.pk}/"))
    assert "周师傅" in text and person.id_number_masked in text and "138****5678" in text
    assert person.id_number not in text and "13812345678" not in text
    assert membership.number in text and "会籍" in text and "历史记录" in text
    assert "显示" not in text  # grassroots staff may not unmask
    (event,) = audit_actions(person, "person.view")
    assert event.actor_id == personas["union_a_staff"].pk


def test_unmasking_shows_the_full_value_and_is_audited(signed_in, tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="吴师傅", mobile="13812345678")
    client = signed_in("fangshan_admin")
    detail = page_text(client.get(f"/console/members/{person.pk}/"))
    assert "显示" in detail and "138****5678" in detail

    response = client.post(
        f"/console/members/{person.pk}/unmask/", {"field": "mobile"}, HTTP_HX_REQUEST="true"
    )
    text = page_text(response)
    assert "13812345678" in text and "<html" not in text and "已显示并记录" in text
    (event,) = audit_actions(person, "person.unmask")
    assert event.data == {"field": "mobile"} and event.actor_id == personas["fangshan_admin"].pk

    page = page_text(client.post(f"/console/members/{person.pk}/unmask/", {"field": "id_number"}))
    assert person.id_number in page and "吴师傅" in page
    assert len(audit_actions(person, "person.unmask")) == 2


def test_unmasking_without_the_flag_is_refused_and_recorded_as_refused(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="郑师傅", mobile="13812345678")
    response = signed_in("union_a_staff").post(
        f"/console/members/{person.pk}/unmask/", {"field": "id_number"}
    )
    text = page_text(response)
    assert response.status_code == 403 and "无权" in text
    assert person.id_number not in text
    refused = audit_actions(person, "person.unmask")
    assert [e.outcome for e in refused] == ["denied"] and audit_actions(person, "person.view") == []


def test_status_changes_need_a_reason_and_show_only_allowed_moves(signed_in, tree):
    person, membership = make_person(org=tree.union_a, real_name="冯师傅")
    client = signed_in("union_a_staff")
    text = page_text(client.get(f"/console/members/{person.pk}/"))
    assert "暂停会籍" in text and "标记为离会" in text and "恢复会籍" not in text  # already active

    missing = client.post(f"/console/members/{person.pk}/status/", {"to": "suspended", "reason": ""})
    assert form_error_near(missing, "id_reason") == zh(
        "Give a reason for this change; it is kept in the history."
    )
    membership.refresh_from_db()
    assert membership.status == "active"

    done = page_text(
        client.post(
            f"/console/members/{person.pk}/status/",
            {"to": "suspended", "reason": "长期拖欠会费"},
            follow=True,
        )
    )
    membership.refresh_from_db()
    assert membership.status == "suspended" and "会籍状态已改为“暂停”" in done
    assert "长期拖欠会费" in done and "恢复会籍" in done and "暂停会籍" not in done

    # A move the table does not allow is refused as a page message.
    refused = page_text(
        client.post(
            f"/console/members/{person.pk}/status/", {"to": "retained", "reason": "退休"}, follow=True
        )
    )
    membership.refresh_from_db()
    assert membership.status == "suspended" and "无法" in refused


def test_edit_a_member_keeps_the_mobile_when_blank(signed_in, tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="陈师傅", mobile="13812345678")
    client = signed_in("union_a_staff")
    form = page_text(client.get(f"/console/members/{person.pk}/edit/"))
    assert "138****5678" in form and "13812345678" not in form and "环卫工人" in form
    with scopes_disabled():
        from smartunion.members.models import OccupationTag

        tag = OccupationTag.objects.first()
    bad = client.post(
        f"/console/members/{person.pk}/edit/",
        {"real_name": "陈师傅", "mobile": "12345", "employment_form": "courier", "employer": ""},
    )
    assert form_error_near(bad, "id_mobile") and 'value="12345"' in bad.content.decode()
    done = page_text(
        client.post(
            f"/console/members/{person.pk}/edit/",
            {
                "real_name": "陈大师傅",
                "mobile": "",
                "employment_form": "food_delivery",
                "wage_bracket": "3000_5000",
                "occupation_tags": [str(tag.pk)],
                "employer": str(tree.enterprise_a.pk),
            },
            follow=True,
        )
    )
    assert "修改已保存" in done and "陈大师傅" in done and "外卖骑手" in done and tag.name in done
    assert "甲物流有限公司" in done
    with scopes_disabled():
        person.refresh_from_db()
    assert person.mobile == "13812345678" and person.employer_id == tree.enterprise_a.pk


# --- enrolment by staff ---------------------------------------------------------------------------


def enrol_form(tree, **overrides):
    data = {
        "org": str(tree.union_a.pk),
        "real_name": "何师傅",
        "id_number": make_id_number(birth="19850606"),
        "mobile": "13700001111",
        "employment_form": "standard",
        "employer": str(tree.enterprise_a.pk),
    }
    data.update(overrides)
    return data


def test_staff_enter_a_member_at_the_union_station(signed_in, tree, personas):
    client = signed_in("union_a_staff")
    assert "录入会员" in page_text(client.get("/console/members/new/"))
    data = enrol_form(tree)
    text = page_text(client.post("/console/members/new/", data, follow=True))
    assert "何师傅已成为甲公司工会会员" in text
    with scopes_disabled():
        person = Person.objects.get(real_name="何师傅")
        membership = Membership.objects.get(person=person)
        event = AuditEvent.objects.get(action="member.enrol")
    assert membership.status == "active" and membership.number in text and person.org_id == tree.union_a.pk
    assert person.mobile == "13700001111" and person.employer_id == tree.enterprise_a.pk
    assert event.actor_id == personas["union_a_staff"].pk and "13700001111" not in str(event.data)


def test_enrolment_errors_stay_on_the_form_with_the_input(signed_in, tree):
    client = signed_in("union_a_staff")
    valid = make_id_number(birth="19850606")
    bad_id = valid[:17] + ("0" if valid[17] != "0" else "1")  # a wrong check character
    response = client.post("/console/members/new/", enrol_form(tree, id_number=bad_id, mobile="1370000"))
    assert form_error_near(response, "id_id_number") and form_error_near(response, "id_mobile")
    assert f'value="{bad_id}"' in response.content.decode() and 'value="何师傅"' in response.content.decode()
    with scopes_disabled():
        assert not Person.objects.filter(real_name="何师傅").exists()


def test_enrolment_refuses_a_second_membership_without_naming_the_other_union(signed_in, tree, personas):
    person, _m = make_person(org=tree.union_b, real_name="林师傅")
    data = enrol_form(tree, real_name="林师傅", id_number=person.id_number)
    with scopes_disabled():
        before = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())

    with as_staff(personas["union_a_staff"]), pytest.raises(Conflict, match="转会") as exc:
        member_enrol(
            actor=personas["union_a_staff"], org=tree.union_a, data={**data, "org": None, "employer": None}
        )

    assert "乙公司工会" not in exc.value.message  # staff of one union do not learn where a person is
    response = signed_in("union_a_staff").post("/console/members/new/", data)
    text = page_text(response)
    assert "乙公司工会" not in text and 'value="林师傅"' in text
    with scopes_disabled():
        after = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
        person.refresh_from_db()
    assert after == before and person.org_id == tree.union_b.pk


def test_enrolment_takes_back_a_person_who_left(signed_in, tree):
    person, membership = make_person(org=tree.union_b, real_name="罗师傅", status="left")
    text = page_text(
        signed_in("union_a_staff").post(
            "/console/members/new/",
            enrol_form(tree, real_name="罗师傅", id_number=person.id_number),
            follow=True,
        )
    )
    assert "罗师傅已成为甲公司工会会员" in text
    with scopes_disabled():
        assert Membership.objects.filter(person=person).count() == 2
        assert Person.objects.filter(real_name="罗师傅").count() == 1


# --- applications ---------------------------------------------------------------------------------


def test_the_queue_flags_overdue_applications(signed_in, tree):
    apply(tree, name="赵按时")
    late = apply(tree, name="钱逾期", days_overdue=3)
    client = signed_in("union_a_staff")
    response = client.get("/console/applications/")
    text = page_text(response)
    assert "入会申请" in text and "赵按时" in text and "钱逾期" in text
    assert "逾期 3 天" in text and text.count("逾期 ") == 1
    assert text.index("钱逾期") < text.index("赵按时")  # oldest due first
    assert late.person.id_number_masked in text and late.person.id_number not in text
    assert 'class="overdue"' in response.content.decode()


def test_approve_an_application(signed_in, tree, personas):
    application = apply(tree, name="孙申请", days_overdue=1)
    client = signed_in("union_a_staff")
    detail = page_text(client.get(f"/console/applications/{application.pk}/"))
    assert "孙申请" in detail and application.person.id_number_masked in detail and "逾期 1 天" in detail
    assert application.person.id_number not in detail
    assert audit_actions(application.person, "person.view")

    done = page_text(
        client.post(f"/console/applications/{application.pk}/", {"decision": "approve"}, follow=True)
    )
    application.refresh_from_db()
    assert application.status == MembershipStatus.ACTIVE
    assert f"已批准孙申请入会，会员号 {application.number}" in done
    assert "没有待审批的入会申请" in done  # back on the queue, now empty


def test_reject_needs_a_reason_kept_on_the_form(signed_in, tree):
    application = apply(tree, name="李拒绝")
    client = signed_in("union_a_staff")
    missing = client.post(f"/console/applications/{application.pk}/", {"decision": "reject", "reason": "  "})
    assert form_error_near(missing, "id_reason") == zh("Give the worker a reason for the rejection.")
    application.refresh_from_db()
    assert application.status == MembershipStatus.APPLYING

    done = page_text(
        client.post(
            f"/console/applications/{application.pk}/",
            {"decision": "reject", "reason": "不在本单位工作"},
            follow=True,
        )
    )
    application.refresh_from_db()
    assert application.status == MembershipStatus.REJECTED and application.reason == "不在本单位工作"
    assert "已拒绝李拒绝的入会申请" in done

    # Answering again: the application is gone from the queue, and the page says so.
    again = client.get(f"/console/applications/{application.pk}/")
    assert again.status_code == 404


def test_overdue_applications_escalate_to_the_district(signed_in, tree):
    apply(tree, name="周逾期", days_overdue=2)
    apply(tree, name="吴按时")
    district = page_text(signed_in("fangshan_staff").get("/console/applications/?tab=escalated"))
    assert (
        "名下逾期" in district
        and "周逾期" in district
        and "吴按时" not in district
        and "逾期 2 天" in district
    )

    grassroots = page_text(signed_in("union_a_staff").get("/console/applications/?tab=escalated"))
    assert "周逾期" not in grassroots and "没有逾期" in grassroots


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_runs_a_fixed_number_of_queries(
    signed_in, tree, django_assert_num_queries, count, november_2026
):
    for i in range(count):
        apply(tree, name=f"郑{i}号")
    client = signed_in("union_a_staff")
    # session, user, grants, the page (applications with person and union), the calendar warning
    # (the years open applications fall due in; which of 2027's notice is entered), and the session
    # save (with its savepoint and release)
    with django_assert_num_queries(9):
        response = client.get("/console/applications/")
    assert page_text(response).count("号</a>") == count


# --- transfers ------------------------------------------------------------------------------------


def test_a_transfer_is_requested_by_the_sender_and_approved_by_the_receiver(signed_in, tree, personas):
    person, old = make_person(org=tree.union_a, real_name="王转会")
    sender = signed_in("union_a_staff")
    picker = page_text(sender.get("/console/members/transfer-to/?q=乙科技"))
    assert "乙公司工会" in picker

    text = page_text(
        sender.post(
            f"/console/members/{person.pk}/transfer/",
            {"to_org": str(tree.union_b.pk), "reason": "换工作"},
            follow=True,
        )
    )
    assert "已申请转入乙公司工会" in text
    with scopes_disabled():
        transfer = Transfer.objects.get(person=person)

    outgoing = page_text(sender.get("/console/transfers/"))
    assert "王转会" in outgoing and "批准转会" not in page_text(
        sender.get(f"/console/transfers/{transfer.pk}/")
    )
    refused = sender.post(f"/console/transfers/{transfer.pk}/", {"decision": "approve"})
    assert refused.status_code == 403

    receiver = signed_in("fangshan_staff")  # the district manages union_b
    detail = page_text(receiver.get(f"/console/transfers/{transfer.pk}/"))
    assert "批准转会" in detail and person.id_number_masked in detail
    done = page_text(
        receiver.post(f"/console/transfers/{transfer.pk}/", {"decision": "approve"}, follow=True)
    )
    assert "王转会已转入乙公司工会" in done
    with scopes_disabled():
        old.refresh_from_db()
        new = Membership.objects.get(person=person, status="active")
        person.refresh_from_db()
    assert (
        old.status == "transferred_out" and new.org_id == tree.union_b.pk and person.org_id == tree.union_b.pk
    )
    history = page_text(receiver.get(f"/console/members/{person.pk}/"))
    assert "转出" in history and "甲公司工会" in history and "乙公司工会" in history


def test_transfer_errors_stay_on_the_form(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="何转会")
    client = signed_in("union_a_staff")
    same = client.post(
        f"/console/members/{person.pk}/transfer/", {"to_org": str(tree.union_a.pk), "reason": "x"}
    )
    assert form_error_near(same, "id_to_org") == zh("This is already the member's union.")
    assert 'value="x"' in same.content.decode()
    with scopes_disabled():
        assert not Transfer.objects.exists()


def test_the_receiving_union_rejects_with_a_reason(signed_in, tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="冯转会")
    with as_staff(personas["fangshan_staff"]):
        transfer = transfer_request(actor=personas["fangshan_staff"], person=person, to_org=tree.union_b)
    client = signed_in("fangshan_staff")
    queue = page_text(client.get("/console/transfers/"))
    assert "冯转会" in queue and "待我方批准" in queue
    missing = client.post(f"/console/transfers/{transfer.pk}/", {"decision": "reject", "reason": ""})
    assert form_error_near(missing, "id_reason") == zh("Give a reason for the rejection.")
    done = page_text(
        client.post(
            f"/console/transfers/{transfer.pk}/", {"decision": "reject", "reason": "查无此人"}, follow=True
        )
    )
    assert "已拒绝冯转会的转会" in done
    with scopes_disabled():
        transfer.refresh_from_db()
        assert transfer.status == "rejected" and Membership.objects.get(person=person).status == "active"


def test_the_history_of_a_member_who_joined_online(signed_in, tree):
    direct = OrgFactory(
        name="房山区新就业形态联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )
    application = apply(tree, name="褚骑手", org=direct)
    client = signed_in("fangshan_staff")
    client.post(f"/console/applications/{application.pk}/", {"decision": "approve"})
    text = page_text(client.get(f"/console/members/{application.person_id}/"))
    assert "申请中" in text and "正常" in text and "房山区新就业形态联合工会" in text
    with scopes_disabled():
        assert MembershipEvent.objects.filter(membership=application).count() == 2


# --- after the membership review: birth years, caching, transfers called off, names refused ------


def test_the_record_shows_the_birth_year_beside_the_masked_id_number(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="周师傅", id_number=make_id_number(birth="19870415"))
    text = page_text(signed_in("union_a_staff").get(f"/console/members/{person.pk}/"))

    assert person.id_number_masked in text
    assert "出生年份" in text and "1987" in text
    assert "1987-04" not in text and "0415" not in text and "出生日期" not in text


def test_the_full_birth_date_only_with_the_unmasked_id_number(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="吴师傅", id_number=make_id_number(birth="19870415"))
    client = signed_in("fangshan_admin")

    shown = page_text(client.post(f"/console/members/{person.pk}/unmask/", {"field": "id_number"}))
    mobile_only = page_text(client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"}))

    assert person.id_number in shown and "1987-04-15" in shown
    assert "1987-04" not in mobile_only and person.id_number_masked in mobile_only


def test_an_application_shows_the_birth_year_only(signed_in, tree):
    worker = WorkerFactory()
    application = join_apply(
        user=worker,
        org=tree.union_a,
        data={
            "real_name": "赵快递",
            "id_number": make_id_number(birth="19920315"),
            "employer": tree.enterprise_a,
        },
    )
    text = page_text(signed_in("union_a_staff").get(f"/console/applications/{application.pk}/"))

    assert application.person.id_number_masked in text and "出生年份" in text and "1992" in text
    assert "1992-03" not in text


def test_the_record_and_the_shown_number_are_not_cached(signed_in, tree):
    person, _m = make_person(org=tree.union_a, real_name="钱师傅", mobile="13812345678")
    client = signed_in("fangshan_admin")

    detail = client.get(f"/console/members/{person.pk}/")
    htmx = client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"}, HTTP_HX_REQUEST="true")
    full = client.post(f"/console/members/{person.pk}/unmask/", {"field": "mobile"})

    assert "138****5678" in page_text(detail) and detail["Cache-Control"] == "no-store"
    assert "13812345678" in page_text(htmx) and htmx["Cache-Control"] == "no-store"
    assert "13812345678" in page_text(full) and full["Cache-Control"] == "no-store"


@pytest.fixture
def waiting_transfer(tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="王转会")
    with as_staff(personas["union_a_staff"]):
        return transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)


def test_the_sending_union_cancels_a_waiting_transfer(signed_in, waiting_transfer):
    client = signed_in("union_a_staff")
    detail = page_text(client.get(f"/console/transfers/{waiting_transfer.pk}/"))
    assert "取消转会" in detail

    done = page_text(
        client.post(
            f"/console/transfers/{waiting_transfer.pk}/cancel/", {"reason": "填错了工会"}, follow=True
        )
    )

    assert "已取消王转会的转会" in done and "已取消" in done and "填错了工会" in done
    assert "取消转会" not in done  # nothing left to cancel
    with scopes_disabled():
        waiting_transfer.refresh_from_db()
        assert waiting_transfer.status == "cancelled" and waiting_transfer.reason == "填错了工会"
        assert Membership.objects.get(person=waiting_transfer.person).status == "active"


def test_the_receiving_union_may_cancel_too_and_a_decided_transfer_cannot_be(signed_in, waiting_transfer):
    receiver = signed_in("fangshan_staff")
    receiver.post(f"/console/transfers/{waiting_transfer.pk}/", {"decision": "reject", "reason": "查无此人"})

    detail = page_text(receiver.get(f"/console/transfers/{waiting_transfer.pk}/"))
    again = page_text(receiver.post(f"/console/transfers/{waiting_transfer.pk}/cancel/", {}, follow=True))

    assert "取消转会" not in detail
    assert zh("This transfer has already been decided.") in again
    with scopes_disabled():
        assert Transfer.objects.get(pk=waiting_transfer.pk).status == "rejected"


def test_a_too_long_cancel_reason_stays_on_the_form(signed_in, waiting_transfer):
    response = signed_in("union_a_staff").post(
        f"/console/transfers/{waiting_transfer.pk}/cancel/", {"reason": "长" * 301}
    )
    assert response.status_code == 400 and "301" in form_error_near(response, "id_cancel_reason")
    with scopes_disabled():
        assert Transfer.objects.get(pk=waiting_transfer.pk).status == "requested"


def test_no_transfer_button_for_a_suspended_member(signed_in, tree):
    active, _m = make_person(org=tree.union_a, real_name="陈正常")
    suspended, _m = make_person(org=tree.union_a, real_name="陈暂停", status="suspended")
    client = signed_in("union_a_staff")

    assert "申请转会" in page_text(client.get(f"/console/members/{active.pk}/"))
    assert "申请转会" not in page_text(client.get(f"/console/members/{suspended.pk}/"))


FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'


@pytest.mark.parametrize(
    "name, message",
    [
        (FORMULA_NAME, "A name cannot start with = + - or @ (it would act as a spreadsheet formula)."),
        ("\u200b", "Please enter the real name."),
    ],
)
def test_edit_and_enrol_show_the_services_message_for_a_bad_name(signed_in, tree, name, message):
    person, _m = make_person(org=tree.union_a, real_name="原名字")
    client = signed_in("union_a_staff")

    edited = client.post(
        f"/console/members/{person.pk}/edit/", {"real_name": name, "employment_form": "courier", "mobile": ""}
    )
    enrolled = client.post(
        "/console/members/new/",
        {
            "org": str(tree.union_a.pk),
            "real_name": name,
            "id_number": make_id_number(),
            "mobile": make_mobile(),
            "employment_form": "courier",
        },
    )

    assert form_error_near(edited, "id_real_name") == zh(message)
    assert form_error_near(enrolled, "id_real_name") == zh(message)
    with scopes_disabled():
        person.refresh_from_db()
        assert person.real_name == "原名字"
        assert not Membership.objects.filter(person__real_name=name).exists()
