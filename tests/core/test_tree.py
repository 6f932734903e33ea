"""The organisation tree: paths, moves, refusals, and serialized concurrent writes."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.scoping import scopes_disabled, subtree_q
from smartunion.core.tree import PATH_STEP
from smartunion.orgs.models import Org, OrgKind
from smartunion.orgs.services import org_create, org_delete, org_move, org_update
from tests.factories import OrgFactory, StaffFactory


def assert_tree_consistent():
    """Every node sits under its parent's path at the right depth; counts match; no cycles."""
    with scopes_disabled():
        nodes = {o.pk: o for o in Org.objects.all()}
    paths = [o.path for o in nodes.values()]
    assert len(paths) == len(set(paths))
    for org in nodes.values():
        assert len(org.path) == org.depth * PATH_STEP
        if org.parent_id is None:
            assert org.depth == 1
        else:
            parent = nodes[org.parent_id]
            assert org.path.startswith(parent.path) and len(org.path) == len(parent.path) + PATH_STEP
        assert org.numchild == sum(1 for o in nodes.values() if o.parent_id == org.pk)


@pytest.mark.django_db
def test_subtree_is_a_range_of_paths(tree, system_scope):
    names = set(Org.objects.filter(subtree_q(tree.fangshan.path)).values_list("name", flat=True))
    assert names == {"房山区总工会", "拱辰街道总工会", "甲公司工会", "乙公司工会", "房山区劳动争议调解中心"}
    assert_tree_consistent()


@pytest.mark.django_db
def test_move_carries_the_whole_subtree(tree, system_scope):
    org_move(actor=None, org=tree.street_fs, new_parent=tree.shunyi)
    under_shunyi = set(
        Org.objects.filter(subtree_q(Org.objects.get(pk=tree.shunyi.pk).path)).values_list("name", flat=True)
    )
    assert {"拱辰街道总工会", "甲公司工会", "乙公司工会"} <= under_shunyi
    under_fangshan = set(Org.objects.filter(subtree_q(tree.fangshan.path)).values_list("name", flat=True))
    assert under_fangshan == {"房山区总工会", "房山区劳动争议调解中心"}
    assert_tree_consistent()


@pytest.mark.django_db
def test_moving_under_own_descendant_is_refused(tree, system_scope):
    with pytest.raises(ValidationFailed) as exc:
        org_move(actor=None, org=tree.fangshan, new_parent=tree.union_a)
    assert "其下级组织" in exc.value.fields["parent"][0]
    with pytest.raises(ValidationFailed):
        org_move(actor=None, org=tree.fangshan, new_parent=tree.fangshan)
    assert_tree_consistent()


@pytest.mark.django_db
def test_nothing_goes_under_a_service_body(tree, system_scope):
    with pytest.raises(ValidationFailed) as exc:
        org_create(
            actor=None,
            parent=tree.mediation_fs,
            name="x",
            kind=OrgKind.ENTERPRISE_UNION,
            region_code="110111",
        )
    assert "服务机构" in exc.value.fields["parent"][0]
    with pytest.raises(ValidationFailed):
        org_move(actor=None, org=tree.union_a, new_parent=tree.mediation_fs)


@pytest.mark.django_db
def test_bad_division_code_is_refused_and_nothing_saved(tree, system_scope):
    before = Org.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        org_create(
            actor=None,
            parent=tree.fangshan,
            name="新工会",
            kind=OrgKind.ENTERPRISE_UNION,
            region_code="99011",
        )
    assert "region_code" in exc.value.fields
    assert Org.objects.count() == before
    with pytest.raises(ValidationFailed):
        org_update(actor=None, org=tree.union_a, region_code="abc")
    assert Org.objects.get(pk=tree.union_a.pk).region_code == "110111"


@pytest.mark.django_db
def test_delete_is_refused_with_the_reasons(tree, system_scope):
    with pytest.raises(Conflict) as exc:
        org_delete(actor=None, org=tree.street_fs)
    assert "其下仍有2个下级组织" in exc.value.message
    StaffFactory(home_org=tree.union_b)
    with pytest.raises(Conflict) as exc:
        org_delete(actor=None, org=tree.union_b)
    assert "工作人员" in exc.value.message and "企业" in exc.value.message
    leaf = OrgFactory(parent=tree.union_a.parent, name="空工会")
    org_delete(actor=None, org=leaf)
    assert not Org.objects.filter(name="空工会").exists()
    assert_tree_consistent()


@pytest.mark.django_db
def test_staff_need_the_permission_on_both_ends_of_a_move(tree, personas, system_scope):
    from smartunion.core.errors import Forbidden

    with pytest.raises(Forbidden):
        org_move(actor=personas["fangshan_staff"], org=tree.street_fs, new_parent=tree.shunyi)
    org_move(actor=personas["city_admin"], org=tree.street_fs, new_parent=tree.shunyi)


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_and_inserts_cannot_corrupt_the_tree(default_roles):
    """Moves between streets and new unions under the same streets, all at once on real separate
    connections: the tree lock serializes them, every write succeeds, and paths, depths and child
    counts stay exact (without the lock, two inserts under one parent would take the same path)."""
    with scopes_disabled():
        root = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        district = OrgFactory(name="区", kind=OrgKind.DISTRICT_UNION, parent=root, region_code="110105")
        streets = [
            OrgFactory(name=f"街道{i}", kind=OrgKind.STREET_UNION, parent=district, region_code="110105001")
            for i in range(4)
        ]
        unions = [OrgFactory(name=f"工会{i}", parent=streets[i % 4], region_code="110105") for i in range(8)]
    jobs = [("move", unions[i], streets[(i + 1) % 4]) for i in range(8)]
    jobs += [("create", None, streets[i % 4]) for i in range(8)]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(kind, org, parent):
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():
                if kind == "move":
                    org_move(actor=None, org=org, new_parent=parent)
                else:
                    org_create(
                        actor=None,
                        parent=parent,
                        name="新工会",
                        kind=OrgKind.ENTERPRISE_UNION,
                        region_code="110105",
                    )
            outcomes.append(kind)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["create"] * 8 + ["move"] * 8
    assert_tree_consistent()
    with scopes_disabled():
        assert Org.objects.filter(subtree_q(root.path)).count() == 2 + 4 + 8 + 8
        for i, union in enumerate(unions):
            assert Org.objects.get(pk=union.pk).parent_id == streets[(i + 1) % 4].pk


@pytest.mark.django_db
def test_kinds_stand_in_order(tree, system_scope):
    with pytest.raises(ValidationFailed) as exc:
        org_create(
            actor=None, parent=tree.union_a, name="x", kind=OrgKind.CITY_FEDERATION, region_code="110000"
        )
    assert "kind" in exc.value.fields
    with pytest.raises(ValidationFailed):
        org_move(actor=None, org=tree.street_fs, new_parent=tree.union_c)
    with pytest.raises(ValidationFailed) as exc:
        org_update(actor=None, org=tree.union_a, kind=OrgKind.STREET_UNION)
    assert "kind" in exc.value.fields  # it still covers an enterprise
