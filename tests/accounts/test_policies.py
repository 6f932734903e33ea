"""Who may see and hand out roles, and who is a merchant clerk (accounts/policies.py), asked of the
personas in and out of their subtrees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from smartunion.accounts.policies import can_grant_role, can_redeem, can_view_grants, require_grant_role
from smartunion.core.errors import Forbidden
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("auditor", "union_a", True),  # the audit administrator reviews grants federation-wide
        ("fangshan_staff", "union_a", True),
        ("fangshan_staff", "union_c", False),  # Shunyi's grants are not Fangshan's business
        ("union_a_staff", "union_a", False),  # a grassroots clerk has no roles.view at all
        ("fangshan_viewer", "fangshan", False),
    ],
)
def test_grants_are_seen_by_role_viewers_in_their_subtree(personas, tree, persona, org, expected):
    assert can_view_grants(personas[persona], getattr(tree, org)) is expected


def test_the_grants_page_is_offered_to_whoever_sees_grants_anywhere(personas):
    assert can_view_grants(personas["auditor"]) and can_view_grants(personas["fangshan_staff"])
    assert not can_view_grants(personas["union_a_staff"])


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("city_admin", "union_c", True),
        ("fangshan_admin", "union_a", True),
        ("fangshan_admin", "shunyi", False),  # a district's administrator grants in their district only
        ("fangshan_admin", "city", False),  # never above their own node
        ("fangshan_staff", "union_a", False),  # union staff do not hand out roles
        ("auditor", "union_a", False),  # the auditor sees grants, grants none
    ],
)
def test_roles_are_granted_by_administrators_over_the_node(personas, tree, persona, org, expected):
    assert can_grant_role(personas[persona], getattr(tree, org)) is expected


def test_granting_outside_ones_district_is_refused(personas, tree):
    require_grant_role(personas["fangshan_admin"], tree.union_a)  # no error: their district

    with pytest.raises(Forbidden):
        require_grant_role(personas["fangshan_admin"], tree.union_c)


def test_a_merchant_clerk_redeems_and_a_union_clerk_does_not(personas, tree, worker):
    clerk = StaffFactory(
        username="merchant.clerk", home_org=tree.union_a, roles=[("merchant_clerk", tree.union_a)]
    )

    assert can_redeem(clerk)
    assert can_redeem(personas["city_admin"])  # the federation administrator holds every flag
    assert not can_redeem(personas["union_a_staff"])
    assert not can_redeem(personas["fangshan_staff"])
    assert not can_redeem(worker)
    assert not can_redeem(AnonymousUser())
