"""The case objects the scope rows name (``case_`` keys): 房山's mediation centre with a case, its
mediator, 顺义's mediator, and a routing rule of 顺义's centre. Made through the real services."""

from __future__ import annotations

from smartunion.cases.models import RoutingRule
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case, make_case_world

CASE_KEYS = ("case_",)


def case_objects(tree) -> dict:
    world = make_case_world(tree)
    case = make_case(world, status="received", name="矩阵申请人")
    with scopes_disabled():
        rule = RoutingRule.objects.create(
            kind="mediation", region_prefix="110113001", centre=world.mediation_sy, note="矩阵规则"
        )
    return {
        "case_fs": case,
        "case_mediator_fs": world.mediator_fs,
        "case_mediator_sy": world.mediator_sy,
        "case_rule_sy": rule,
    }
