"""The audit log: only with audit.view; filters; newest first; keyset pages."""

from __future__ import annotations

import pytest

from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.models import AuditOutcome
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_auditor_browses_the_log_and_union_staff_get_403(signed_in, tree, personas, client):
    auditor = signed_in("auditor")
    text = page_text(auditor.get("/console/audit/"))
    assert "审计日志" in text and "新增组织" in text and "org.create" in text and "北京市总工会" in text
    assert 'href="/console/audit/"' in text  # in the navigation
    client.post("/console/logout/")

    staff = signed_in("fangshan_staff")
    home = page_text(staff.get("/console/"))
    assert 'href="/console/audit/"' not in home
    response = staff.get("/console/audit/")
    assert response.status_code == 403 and "无权执行此操作" in page_text(response)
    assert "新增组织" not in page_text(response)


def test_newest_first_and_filters(signed_in, tree, client):
    client.post("/console/login/", {"username": "fangshan.staff", "password": "wrong-one"})
    auditor = signed_in("auditor")
    text = page_text(auditor.get("/console/audit/"))
    assert text.index("signin.password") < text.index("org.create")  # newest first

    failures = page_text(auditor.get("/console/audit/?outcome=failure")).split("<tbody>")[1]
    assert "signin.password" in failures and "org.create" not in failures
    by_action = page_text(auditor.get("/console/audit/?action=enterprise.create"))
    assert "甲物流有限公司" in by_action and "房山区总工会" not in by_action.split("<tbody>")[1]
    by_actor = page_text(auditor.get("/console/audit/?actor=system")).split("<tbody>")[1]
    assert "org.create" in by_actor
    nobody = page_text(auditor.get("/console/audit/?actor=city.admin"))
    assert "没有符合条件的记录" in nobody
    long_ago = page_text(auditor.get("/console/audit/?date_from=2000-01-01&date_to=2000-01-31"))
    assert "没有符合条件的记录" in long_ago
    by_org = page_text(auditor.get(f"/console/audit/?org={tree.shunyi.pk}"))
    rows = by_org.split("<tbody>")[1]
    assert "丙餐饮有限公司" in rows and "甲物流有限公司" not in rows


def test_a_district_auditor_sees_only_the_district(signed_in, tree):
    # fangshan_admin is a federation administrator of 房山 (audit.view on that subtree).
    text = page_text(signed_in("fangshan_admin").get("/console/audit/"))
    rows = text.split("<tbody>")[1]
    assert "甲物流有限公司" in rows and "丙餐饮有限公司" not in rows


def test_keyset_pages(signed_in, tree):
    with scopes_disabled():
        for i in range(60):
            audit_record(
                action=AuditAction.HOLIDAY_CREATE, org=tree.city, outcome=AuditOutcome.SUCCESS, data={"i": i}
            )
    auditor = signed_in("auditor")
    first = auditor.get("/console/audit/?action=holiday.create")
    text = page_text(first)
    assert text.count("holiday.create</span>") == 50
    next_link = first.context["next_query"]
    assert next_link.startswith("action=holiday.create&before=")
    second = page_text(auditor.get(f"/console/audit/?{next_link}"))
    assert second.count("holiday.create</span>") == 10
    assert "更早" not in second and "最新" in second


@pytest.mark.parametrize("count", [1, 3])
def test_the_log_runs_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, count):
    for _ in range(count - 1):
        EnterpriseFactory(org=tree.union_c, covering_union=tree.union_c)
    auditor = signed_in("auditor")
    # session, user, grants, the org filter, one page of events with their orgs, the enterprises
    # the viewer may open (one query for the page's objects of a kind), the session save
    with django_assert_num_queries(9):
        response = auditor.get(f"/console/audit/?action=enterprise.create&org={tree.union_c.pk}")
    assert page_text(response).count("enterprise.create</span>") == count


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31"])
def test_a_date_at_the_edge_of_the_calendar_is_a_field_error(signed_in, tree, query):
    response = signed_in("auditor").get(f"/console/audit/?{query}")
    assert response.status_code == 200
    assert "请输入 1900-01-01 至 9998-12-31 之间的日期。" in page_text(response)


def test_the_log_names_what_a_worker_did_with_their_own_data(signed_in, tree):
    with scopes_disabled():
        audit_record(action=AuditAction.PERSON_SELF_UPDATE, org=tree.city, outcome=AuditOutcome.FAILURE)
        audit_record(action=AuditAction.ACCOUNT_CLOSE, org=tree.city)
    text = page_text(signed_in("auditor").get("/console/audit/?action=person.self_update"))
    assert "职工更正本人信息" in text and "person.self_update" in text
    assert "职工注销账号" in page_text(signed_in("auditor").get("/console/audit/?action=account.close"))
