"""Audit actions are ``AuditAction`` members: each has a label in English and in Chinese, the audit
log names no action outside the enum, and ``audit_record`` refuses a free string, so a new domain
cannot write an action the log cannot put into words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled

SOURCE = Path(__file__).resolve().parents[2] / "smartunion"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("action", list(AuditAction), ids=lambda a: a.value)
def test_every_action_has_a_label_in_both_languages(action):
    with translation.override("en"):
        english = str(action.label)
    with translation.override("zh-hans"):
        chinese = str(action.label)
    assert english and english != action.value and not CHINESE.search(english)
    assert CHINESE.search(chinese), f"translate {english!r} in core's zh_Hans django.po"
    with translation.override("zh-hans"):
        assert AuditAction.label_of(action.value) == chinese


def test_an_unknown_stored_code_is_shown_as_it_is():
    assert AuditAction.label_of("retired.action") == "retired.action"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["org.create", "custom.thing", ""])
def test_audit_record_refuses_a_free_string(action):
    with scopes_disabled():
        before = AuditEvent.objects.count()
        with pytest.raises(TypeError, match="AuditAction"):
            audit_record(action=action)
        assert AuditEvent.objects.count() == before


# --- every action the code names is a member ---------------------------------------------------------


class _ActionFinder(ast.NodeVisitor):
    """The ``action=`` of every call in one module (an audit record written, a failed attempt
    counted, a query of the log): ``AuditAction.<MEMBER>`` (both sides of ``a if c else b``), or a
    module constant bound to one. What is passed on (a parameter: ``action=action`` in
    attempt_failed; an event's ``.action``) is checked where it was written; anything else, a
    string above all, is reported."""

    def __init__(self, where: str, module: ast.Module):
        self.where = where
        self.constants = {
            target.id: node.value
            for node in module.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        self.parameters: list[set[str]] = []
        self.actions: dict[str, str] = {}
        self.free: list[str] = []

    def visit_FunctionDef(self, node):  # noqa: N802
        args = node.args
        self.parameters.append({a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]})
        self.generic_visit(node)
        self.parameters.pop()

    def visit_Call(self, node):  # noqa: N802
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if callee != "add_argument":  # argparse's action="store_true" is not an audit action
            for keyword in node.keywords:
                if keyword.arg in ("action", "action__in"):
                    self._read(keyword.value, f"{self.where}:{node.lineno}")
        self.generic_visit(node)

    def _read(self, value: ast.expr, at: str, *, constant: bool = False) -> None:
        if (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id == "AuditAction"
        ):
            self.actions.setdefault(value.attr, at)
        elif isinstance(value, ast.IfExp):
            self._read(value.body, at)
            self._read(value.orelse, at)
        elif isinstance(value, ast.List | ast.Tuple):
            for element in value.elts:
                self._read(element, at)
        elif isinstance(value, ast.Name) and value.id in self.constants and not constant:
            self._read(self.constants[value.id], at, constant=True)
        elif not self._passed_on(value):
            self.free.append(f"{at}: {ast.unparse(value)}")

    def _passed_on(self, value: ast.expr) -> bool:
        """A parameter, or a recorded event's own ``.action``: checked where it was first written."""
        if isinstance(value, ast.Name):
            return bool(self.parameters) and value.id in self.parameters[-1]
        return isinstance(value, ast.Attribute) and value.attr == "action"


def audit_actions_in_code() -> dict[str, str]:
    """Every ``AuditAction`` member named as an action anywhere in smartunion/, with one place."""
    actions: dict[str, str] = {}
    free: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(), str(path))
        finder = _ActionFinder(str(path.relative_to(SOURCE.parent)), module)
        finder.visit(module)
        for action, at in finder.actions.items():
            actions.setdefault(action, at)
        free += finder.free
    assert not free, f"name these actions as AuditAction members (core/audit_actions.py): {free}"
    return actions


def test_every_action_the_code_names_is_a_member():
    actions = audit_actions_in_code()
    # The finder sees the actions of every layer, including those passed on to audit_record.
    assert {
        "ORG_CREATE",
        "SIGNIN_CODE",
        "WORKER_ACTIVATE",
        "PERSON_SELF_UPDATE",
        "DEMO_SEED",
        "ROSTER_EXPORT_UNMASKED",
        "TWO_FACTOR_ENROL",
    } <= set(actions)
    unknown = {name: at for name, at in actions.items() if name not in AuditAction.__members__}
    assert not unknown, f"AuditAction has no such members: {unknown}"


def test_the_finder_reports_a_free_string():
    module = ast.parse(
        'audit_record(action="x.y")\nAuditEvent.objects.filter(action=AuditAction.ORG_CREATE)\n'
    )
    finder = _ActionFinder("example.py", module)
    finder.visit(module)
    assert finder.free == ["example.py:1: 'x.y'"]
    assert finder.actions == {"ORG_CREATE": "example.py:2"}
