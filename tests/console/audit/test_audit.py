"""The audit log: only with audit.view; filters; newest first; keyset pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from smartunion.console.templatetags.console import ACTION_LABELS
from smartunion.core.audit import audit_record
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
            audit_record(action="holiday.create", org=tree.city, outcome=AuditOutcome.SUCCESS, data={"i": i})
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


# --- every action the code records has a label ------------------------------------------------------

SOURCE = Path(__file__).resolve().parents[3] / "smartunion"


class _ActionFinder(ast.NodeVisitor):
    """The ``action=`` of every call in one module: string literals (both sides of ``a if c else b``)
    and module constants. What is passed on (a parameter: ``action=action`` in attempt_failed; an
    event's ``.action``) is a literal found where it was written; anything else cannot be read here
    and is reported."""

    def __init__(self, where: str, module: ast.Module):
        self.where = where
        self.constants = {
            target.id: node.value.value
            for node in module.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        self.parameters: list[set[str]] = []
        self.actions: dict[str, str] = {}
        self.unreadable: list[str] = []

    def visit_FunctionDef(self, node):  # noqa: N802
        args = node.args
        self.parameters.append({a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]})
        self.generic_visit(node)
        self.parameters.pop()

    def visit_Call(self, node):  # noqa: N802
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if callee != "add_argument":  # argparse's action="store_true" is not an audit action
            for keyword in node.keywords:
                if keyword.arg == "action":
                    self._read(keyword.value, f"{self.where}:{node.lineno}")
        self.generic_visit(node)

    def _read(self, value: ast.expr, at: str) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.actions.setdefault(value.value, at)
        elif isinstance(value, ast.IfExp):
            self._read(value.body, at)
            self._read(value.orelse, at)
        elif isinstance(value, ast.Name) and value.id in self.constants:
            self.actions.setdefault(self.constants[value.id], at)
        elif not self._passed_on(value):
            self.unreadable.append(at)

    def _passed_on(self, value: ast.expr) -> bool:
        """A parameter, or a recorded event's own ``.action``: named where it was first written."""
        if isinstance(value, ast.Name):
            return bool(self.parameters) and value.id in self.parameters[-1]
        return isinstance(value, ast.Attribute) and value.attr == "action"


def audit_actions_in_code() -> dict[str, str]:
    """Every audit action named anywhere in smartunion/, with one place it is named."""
    actions: dict[str, str] = {}
    unreadable: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(), str(path))
        finder = _ActionFinder(str(path.relative_to(SOURCE.parent)), module)
        finder.visit(module)
        for action, at in finder.actions.items():
            actions.setdefault(action, at)
        unreadable += finder.unreadable
    assert not unreadable, f"write these actions as string literals or module constants: {unreadable}"
    return actions


def test_every_audit_action_in_the_code_has_a_chinese_label():
    actions = audit_actions_in_code()
    # The finder sees the actions of every layer, including those passed on to audit_record.
    assert {
        "org.create",
        "signin.code",
        "worker.activate",
        "person.self_update",
        "demo.seed",
        "roster.export_unmasked",
    } <= set(actions)

    missing = {action: at for action, at in actions.items() if action not in ACTION_LABELS}
    assert not missing, f"add these to ACTION_LABELS in console/templatetags/console.py: {missing}"
    with translation.override("zh-hans"):
        untranslated = [a for a in actions if not re.search(r"[\u4e00-\u9fff]", str(ACTION_LABELS[a]))]
    assert not untranslated, f"translate these labels in console's zh_Hans django.po: {untranslated}"


def test_the_log_names_what_a_worker_did_with_their_own_data(signed_in, tree):
    with scopes_disabled():
        audit_record(action="person.self_update", org=tree.city, outcome=AuditOutcome.FAILURE)
        audit_record(action="account.close", org=tree.city)
    text = page_text(signed_in("auditor").get("/console/audit/?action=person.self_update"))
    assert "职工更正本人信息" in text and "person.self_update" in text
    assert "职工注销账号" in page_text(signed_in("auditor").get("/console/audit/?action=account.close"))
