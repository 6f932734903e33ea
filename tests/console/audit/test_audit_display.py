"""The audit log as a reader sees it: people and objects by name, linked where the reader may open
them and a generic label where not; actions chosen by their label; role names translated."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from smartunion.accounts.models import Role, RoleGrant
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text
from tests.factories import WorkerFactory, make_person

pytestmark = pytest.mark.django_db


def _rows(response) -> str:
    return page_text(response).split("<tbody>")[1].split("</tbody>")[0]


@pytest.fixture
def people(tree):
    """A worker in 甲公司工会 who corrected their data, a member opened by staff, and a member of
    顺义's 丙公司工会 named in a record filed under 房山 (a transfer's far side)."""
    worker = WorkerFactory()
    own, _ = make_person(org=tree.union_a, real_name="李小红", user=worker)
    other, _ = make_person(org=tree.union_c, real_name="王大明")
    with scopes_disabled():
        audit_record(action=AuditAction.PERSON_SELF_UPDATE, actor=worker, obj=own, org=tree.union_a)
        audit_record(action=AuditAction.PERSON_VIEW, obj=other, org=tree.fangshan)
    return {"worker": worker, "own": own, "other": other}


def test_people_are_named_and_linked_for_a_reader_who_may_open_them(signed_in, tree, people):
    rows = _rows(signed_in("fangshan_admin").get("/console/audit/?action=person.self_update"))
    own = people["own"]
    # The worker as actor and their record as object: the name, linked to the member page.
    assert rows.count(f'<a href="/console/members/{own.pk}/">李小红</a>') == 2
    assert "worker#" not in rows and "person#" not in rows


def test_a_person_outside_the_readers_view_gets_a_generic_label(signed_in, tree, people):
    rows = _rows(signed_in("fangshan_admin").get("/console/audit/?action=person.view"))
    assert "无权查看的会员" in rows
    assert "王大明" not in rows and f"/console/members/{people['other'].pk}/" not in rows
    assert "person#" not in rows
    # The city's audit administrator reads the log but not members: nobody is named to them.
    rows = _rows(signed_in("auditor").get("/console/audit/?action=person.self_update"))
    assert "无权查看的职工" in rows and "无权查看的会员" in rows
    assert "李小红" not in rows and "/console/members/" not in rows and "worker#" not in rows


def test_organisations_enterprises_and_staff_by_name(signed_in, tree, personas):
    rows = _rows(signed_in("auditor").get("/console/audit/?action=org.create"))
    assert f'<a href="/console/orgs/{tree.union_a.pk}/">甲公司工会</a>' in rows
    assert "系统" in rows  # the actor of records written outside a request
    # fangshan_admin (a federation administrator of 房山) does not see orgs.view for 顺义.
    with scopes_disabled():
        audit_record(
            action=AuditAction.ORG_UPDATE,
            actor=personas["fangshan_admin"],
            obj=tree.union_c,
            org=tree.fangshan,
        )
    rows = _rows(signed_in("fangshan_admin").get("/console/audit/?action=org.update"))
    assert "无权查看的组织" in rows and "丙公司工会" not in rows
    assert personas["fangshan_admin"].display_name in rows and "fangshan.admin" in rows
    rows = _rows(signed_in("fangshan_admin").get("/console/audit/?action=enterprise.create"))
    assert f'<a href="/console/enterprises/{tree.enterprise_a.pk}/">甲物流有限公司</a>' in rows
    # The audit administrator holds no enterprises.view: named (it is in the log they audit), not linked.
    rows = _rows(signed_in("auditor").get("/console/audit/?action=enterprise.create"))
    assert "甲物流有限公司" in rows and "/console/enterprises/" not in rows


def test_a_staff_account_as_object_is_named(signed_in, tree, personas):
    admin, staff = personas["city_admin"], personas["union_a_staff"]
    with scopes_disabled():
        audit_record(action=AuditAction.TWO_FACTOR_RESET, actor=admin, obj=staff, org=tree.union_a)
    rows = _rows(signed_in("auditor").get("/console/audit/?action=2fa.reset"))
    assert f'{staff.display_name} <span class="muted code">union_a.staff</span>' in rows
    assert f'{admin.display_name} <span class="muted code">city.admin</span>' in rows


def test_role_names_are_translated(signed_in, tree, personas, client):
    admin, staff = personas["city_admin"], personas["fangshan_staff"]
    with scopes_disabled():
        grant = RoleGrant.objects.create(
            user=staff, role=Role.objects.get(code="audit_admin"), org=tree.fangshan
        )
        audit_record(
            action=AuditAction.ROLE_GRANT,
            actor=admin,
            obj=grant,
            org=tree.fangshan,
            data={"user": staff.pk, "role": "audit_admin"},
        )
    auditor = signed_in("auditor")
    rows = _rows(auditor.get("/console/audit/?action=role.grant"))
    assert f"{staff.display_name} · 审计管理员 · 房山区总工会" in rows
    assert "Audit administrator" not in rows
    auditor.post("/console/language/", {"language": "en", "next": "/console/audit/"})
    with translation.override("en"):
        rows = _rows(auditor.get("/console/audit/?action=role.grant"))
    assert f"{staff.display_name} · Audit administrator · 房山区总工会" in rows


def test_the_action_filter_is_a_labelled_choice(signed_in, tree):
    auditor = signed_in("auditor")
    text = page_text(auditor.get("/console/audit/"))
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', text, re.S)
    assert select, "the action filter is a select"
    assert '<option value="org.create">新增组织</option>' in select.group(1)
    assert '<option value="role.grant">授予角色</option>' in select.group(1)
    assert '<input type="text" name="action"' not in text
    chosen = page_text(auditor.get("/console/audit/?action=org.create"))
    assert '<option value="org.create" selected>新增组织</option>' in chosen
    assert "选择一个有效的选项" in page_text(auditor.get("/console/audit/?action=org."))


def test_the_log_runs_a_fixed_number_of_queries_whatever_it_names(
    signed_in, tree, people, django_assert_num_queries
):
    auditor = signed_in("fangshan_admin")
    auditor.get("/console/audit/")
    with scopes_disabled():
        for _ in range(3):
            audit_record(
                action=AuditAction.PERSON_SELF_UPDATE,
                actor=people["worker"],
                obj=people["own"],
                org=tree.union_a,
            )
    # session, user, grants, events, people (objects), people (workers); the session is saved at
    # most once a minute (the idle time-out), and this client's earlier request did it
    with django_assert_num_queries(6):
        response = auditor.get("/console/audit/?action=person.self_update")
    assert _rows(response).count("李小红") == 8
