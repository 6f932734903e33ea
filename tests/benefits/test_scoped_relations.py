"""Rows scoped through a parent (a store through its merchant's org) are scoped the same way when
read through the parent's relation: Django builds that manager from the class with no arguments."""

from smartunion.core.scoping import Scope, activate
from tests.factories.benefits import make_benefits_world


def test_a_relation_reads_through_the_models_own_scope_rule(tree):
    world = make_benefits_world(tree)
    with activate(Scope(prefixes=(tree.fangshan.path,))):
        assert world.theatre.stores.count() == 1
        assert world.programme.shops.count() == 1
    with activate(Scope(prefixes=(tree.shunyi.path,))):
        assert world.theatre.stores.count() == 0
        assert world.programme.shops.count() == 0
