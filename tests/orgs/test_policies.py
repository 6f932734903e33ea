"""Who may open, change and delete organisations and enterprises (orgs/policies.py), asked of the
personas in and out of their subtrees."""

from __future__ import annotations

import pytest

from smartunion.core.errors import Forbidden
from smartunion.orgs.policies import (
    can_add_enterprise,
    can_change_enterprise,
    can_change_org,
    can_delete_enterprise,
    can_delete_org,
    can_view_enterprise,
    can_view_enterprises,
    can_view_org,
    require_change_enterprise,
    require_change_org,
    require_delete_org,
    require_view_org,
)
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("union_a_staff", "union_a", True),
        ("union_a_staff", "union_b", False),  # the sibling union next door
        ("union_a_staff", "street_fs", False),  # never the node above
        ("fangshan_staff", "union_b", True),
        ("fangshan_staff", "union_c", False),
        ("auditor", "union_c", True),
        ("fangshan_viewer", "fangshan", False),  # the cockpit viewer reads the cockpit, not the tree
        # A wider scope is no wider right: 甲公司工会's clerk who reads Fangshan's cockpit.
        ("union_a_fs_cockpit", "fangshan", False),
        ("union_a_fs_cockpit", "union_a", True),
    ],
)
def test_a_node_is_opened_by_those_who_view_its_subtree(personas, tree, persona, org, expected):
    assert can_view_org(personas[persona], getattr(tree, org)) is expected


@pytest.mark.parametrize(
    ("persona", "org", "change", "delete"),
    [
        ("fangshan_admin", "street_fs", True, True),
        ("fangshan_admin", "shunyi", False, False),
        ("fangshan_staff", "street_fs", True, False),  # union staff edit and move, never delete
        ("fangshan_staff", "street_sy", False, False),
        ("union_a_staff", "union_a", False, False),  # a grassroots clerk does not edit the tree
        ("auditor", "union_a", False, False),
    ],
)
def test_the_tree_is_changed_and_deleted_within_ones_subtree(personas, tree, persona, org, change, delete):
    user, node = personas[persona], getattr(tree, org)

    assert can_change_org(user, node) is change
    assert can_delete_org(user, node) is delete


def test_the_raise_forms_refuse_what_the_predicates_deny(personas, tree):
    fangshan_staff = personas["fangshan_staff"]
    require_view_org(fangshan_staff, tree.union_a)
    require_change_org(fangshan_staff, tree.union_a)

    with pytest.raises(Forbidden):
        require_view_org(fangshan_staff, tree.union_c)
    with pytest.raises(Forbidden):
        require_change_org(fangshan_staff, tree.union_c)
    with pytest.raises(Forbidden):
        require_delete_org(fangshan_staff, tree.union_a)


def test_enterprises_are_registered_with_a_union_never_with_a_service_body(personas, tree):
    fangshan_staff = personas["fangshan_staff"]

    assert can_add_enterprise(fangshan_staff, tree.union_a)
    assert not can_add_enterprise(fangshan_staff, tree.mediation_fs)  # a mediation centre keeps none
    assert not can_add_enterprise(personas["city_admin"], tree.mediation_fs)  # not even the city's
    assert not can_add_enterprise(fangshan_staff, tree.union_c)
    # Whether to offer "register an enterprise" at all: the flag held anywhere.
    assert can_add_enterprise(personas["union_a_staff"])
    assert not can_add_enterprise(personas["auditor"])


def test_the_register_is_browsed_by_those_who_view_enterprises(personas):
    assert can_view_enterprises(personas["union_a_staff"])
    assert not can_view_enterprises(personas["fangshan_viewer"])
    assert not can_view_enterprises(personas["auditor"])


@pytest.fixture
def covered_elsewhere(tree):
    """An enterprise on Shunyi's register that 甲公司工会 (Fangshan) covers."""
    return EnterpriseFactory(name="丁快递有限公司", org=tree.union_c, covering_union=tree.union_a)


@pytest.mark.parametrize(
    ("persona", "view", "change", "delete"),
    [
        ("shunyi_staff", True, True, False),  # through its responsible union; union staff never delete
        ("union_a_staff", True, True, False),  # through the union that covers it
        ("fangshan_admin", True, True, True),  # through the covering union, with every flag
        ("union_a_fs_cockpit", True, True, False),
        ("fangshan_viewer", False, False, False),
        ("auditor", False, False, False),  # orgs.view only: the register is not the auditor's
    ],
)
def test_an_enterprise_is_acted_on_through_either_of_its_unions(
    personas, covered_elsewhere, persona, view, change, delete
):
    user = personas[persona]

    assert can_view_enterprise(user, covered_elsewhere) is view
    assert can_change_enterprise(user, covered_elsewhere) is change
    assert can_delete_enterprise(user, covered_elsewhere) is delete


def test_an_enterprise_of_another_district_is_not_changed(personas, tree, covered_elsewhere):
    require_change_enterprise(personas["union_a_staff"], covered_elsewhere)  # it covers it

    with pytest.raises(Forbidden):
        require_change_enterprise(personas["union_a_staff"], tree.enterprise_c)
