"""The one scope mechanism fails closed and limits every scoped model to the viewer's subtrees."""

from __future__ import annotations

import pytest

from smartunion.accounts.models import RoleGrant
from smartunion.accounts.permissions import has_perm, scope_for_user
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import ScopeError, activate, collapse_prefixes
from smartunion.orgs.models import Enterprise, Org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Org, Enterprise, RoleGrant, AuditEvent])
def test_a_query_without_scope_raises_instead_of_returning_everything(tree, model):
    with pytest.raises(ScopeError, match="outside a scope"):
        list(model.objects.all())


def test_collapse_prefixes_keeps_only_the_outermost():
    assert collapse_prefixes(["0000", "00000001", "0001", "00010002"]) == ("0000", "0001")


def test_district_staff_see_their_district_only(tree, personas):
    with activate(scope_for_user(personas["fangshan_staff"])):
        names = set(Org.objects.values_list("name", flat=True))
        enterprises = set(Enterprise.objects.values_list("name", flat=True))
    assert "顺义区总工会" not in names and "丙公司工会" not in names and "北京市总工会" not in names
    assert {"房山区总工会", "甲公司工会", "乙公司工会"} <= names
    assert enterprises == {"甲物流有限公司", "乙科技有限公司"}


def test_grassroots_staff_do_not_see_their_sibling(tree, personas):
    with activate(scope_for_user(personas["union_a_staff"])):
        assert list(Org.objects.values_list("name", flat=True)) == ["甲公司工会"]
        assert list(Enterprise.objects.values_list("name", flat=True)) == ["甲物流有限公司"]


def test_an_enterprise_is_visible_through_its_covering_union(tree, personas, system_scope):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory(name="跨区公司", org=tree.shunyi, covering_union=tree.union_a)
    with activate(scope_for_user(personas["union_a_staff"])):
        assert "跨区公司" in set(Enterprise.objects.values_list("name", flat=True))


def test_workers_have_an_empty_scope(tree, worker):
    with activate(scope_for_user(worker)):
        assert Org.objects.count() == 0


def test_permissions_reach_the_subtree_only(tree, personas):
    staff = personas["fangshan_staff"]
    assert has_perm(staff, "orgs.change", tree.union_a)
    assert not has_perm(staff, "orgs.change", tree.union_c)
    assert not has_perm(staff, "orgs.change", tree.city)
    assert not has_perm(staff, "audit.view", tree.union_a)
    assert has_perm(personas["auditor"], "audit.view", tree.union_c)


def test_audit_records_are_scoped_by_org_and_sign_in_events_stay_at_the_root(tree, personas, system_scope):
    from smartunion.core.audit import AuditAction, audit_record

    audit_record(action=AuditAction.SIGNIN_PASSWORD, actor=personas["fangshan_staff"])
    with activate(scope_for_user(personas["fangshan_staff"])):
        actions = set(AuditEvent.objects.values_list("action", "object_repr"))
    assert ("org.create", "甲公司工会") in actions
    assert ("org.create", "丙公司工会") not in actions
    assert not any(a == "signin.password" for a, _ in actions)
    with activate(scope_for_user(personas["auditor"])):
        assert AuditEvent.objects.filter(action="signin.password").count() == 1
