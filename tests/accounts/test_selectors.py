"""Reads of staff accounts and role grants (accounts/selectors.py): through the scope, so that a
staff member elsewhere in the federation does not exist for the reader."""

from __future__ import annotations

import pytest

from smartunion.accounts.models import RoleGrant
from smartunion.accounts.permissions import scope_with_perm
from smartunion.accounts.selectors import (
    role_grant_get,
    role_grant_list,
    staff_grantee_find,
    staff_names_by_id,
    staff_pick_list,
)
from smartunion.core.errors import NotFound
from smartunion.core.scoping import scopes_disabled

pytestmark = pytest.mark.django_db


def test_a_grantee_is_found_only_where_the_actor_grants_roles(personas):
    admin = personas["fangshan_admin"]
    assert staff_grantee_find(actor=admin, username="fangshan.staff") == personas["fangshan_staff"]
    assert staff_grantee_find(actor=admin, username="shunyi.staff") is None
    assert staff_grantee_find(actor=admin, username="nobody.at.all") is None


def test_the_picker_and_the_grant_list_stay_in_scope(personas):
    admin = personas["fangshan_admin"]
    with scope_with_perm(admin, "roles.grant"):
        picked = staff_pick_list(q=".staff", limit=20)
        grants = list(role_grant_list(username_part="staff"))
        with scopes_disabled():
            shunyi_grant = RoleGrant.objects.get(user=personas["shunyi_staff"])
        with pytest.raises(NotFound):
            role_grant_get(pk=shunyi_grant.pk)
        with pytest.raises(NotFound):
            role_grant_get(pk="not-a-number")
    assert {u.username for u in picked} == {"fangshan.staff", "union_a.staff"}
    assert {g.user.username for g in grants} == {"fangshan.staff", "union_a.staff"}


def test_names_of_staff_are_read_wherever_they_are_homed(personas):
    with scope_with_perm(personas["union_a_staff"], "members.view"):
        names = staff_names_by_id(ids=[personas["shunyi_staff"].pk])
    assert names[personas["shunyi_staff"].pk].username == "shunyi.staff"
