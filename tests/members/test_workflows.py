"""The members' three workflows (core/workflow.py): every move outside a table is refused with a
message naming both states, in the user's language, and a refused move changes nothing."""

from __future__ import annotations

import itertools

import pytest
from django.utils import translation

from smartunion.core.errors import Conflict
from smartunion.core.scoping import scopes_disabled
from smartunion.core.workflow import Workflow
from smartunion.members.models import (
    MEMBERSHIP_TRANSITIONS,
    ROSTER_IMPORT_TRANSITIONS,
    TRANSFER_TRANSITIONS,
    MembershipStatus,
    RosterImport,
    RosterImportStatus,
    Transfer,
    TransferStatus,
)
from smartunion.members.roster.importing import ROSTER_IMPORT_WORKFLOW, roster_import_transition
from smartunion.members.services import membership_transition, transfer_decide, transfer_request
from smartunion.members.services.membership import MEMBERSHIP_WORKFLOW
from smartunion.members.services.transfers import TRANSFER_WORKFLOW, transfer_transition
from tests.conftest import as_staff
from tests.factories import StaffFactory, make_person

WORKFLOWS = {
    "membership": (MEMBERSHIP_WORKFLOW, MEMBERSHIP_TRANSITIONS, MembershipStatus, "A membership"),
    "transfer": (TRANSFER_WORKFLOW, TRANSFER_TRANSITIONS, TransferStatus, "A transfer"),
    "roster import": (
        ROSTER_IMPORT_WORKFLOW,
        ROSTER_IMPORT_TRANSITIONS,
        RosterImportStatus,
        "A roster import",
    ),
}


def _moves(name: str, *, allowed: bool) -> list[tuple[str, str, str]]:
    _workflow, table, states, _noun = WORKFLOWS[name]
    return [
        (name, a, b)
        for a, b in itertools.product(states.values, repeat=2)
        if (b in table.get(a, set())) == allowed
    ]


ILLEGAL = [move for name in WORKFLOWS for move in _moves(name, allowed=False)]
LEGAL = [move for name in WORKFLOWS for move in _moves(name, allowed=True)]


@pytest.mark.parametrize(("name", "from_state", "to"), ILLEGAL)
def test_every_move_outside_the_table_is_refused_naming_both_states(name, from_state, to):
    workflow, _table, states, noun = WORKFLOWS[name]
    with translation.override("en"), pytest.raises(Conflict) as refused:
        workflow.check(from_state, to)
    with translation.override("en"):
        labels = str(states(from_state).label), str(states(to).label)
    assert refused.value.message == f"{noun} cannot go from “{labels[0]}” to “{labels[1]}”."


@pytest.mark.parametrize(("name", "from_state", "to"), LEGAL)
def test_every_move_in_the_table_is_allowed(name, from_state, to):
    workflow, *_rest = WORKFLOWS[name]
    workflow.check(from_state, to)


def test_every_state_has_a_row_and_the_final_ones_lead_nowhere():
    for _workflow, table, states, _noun in WORKFLOWS.values():
        assert set(table) == set(states.values)
    assert TRANSFER_TRANSITIONS[TransferStatus.APPROVED] == set()
    assert ROSTER_IMPORT_TRANSITIONS[RosterImportStatus.DONE] == set()


def test_the_refusal_is_in_the_users_language():
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        TRANSFER_WORKFLOW.check(TransferStatus.APPROVED, TransferStatus.CANCELLED)
    assert refused.value.message == "转会不能从“已批准”变更为“已取消”。"
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        ROSTER_IMPORT_WORKFLOW.check(RosterImportStatus.DONE, RosterImportStatus.COMMITTING)
    assert refused.value.message == "名册导入不能从“已导入”变更为“导入中”。"


def test_a_table_naming_an_unknown_state_is_refused_when_declared():
    with pytest.raises(ValueError, match="archived"):
        Workflow(TransferStatus, {TransferStatus.REQUESTED: {"archived"}}, refusal="%(from)s %(to)s")


@pytest.mark.django_db
def test_a_decided_transfer_cannot_be_moved_again_and_stays_as_it_was(tree, personas):
    person, _membership = make_person(org=tree.union_a)
    transfer = transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)
    receiving = StaffFactory(home_org=tree.union_b, roles=[("grassroots_staff", tree.union_b)])
    with as_staff(receiving):
        transfer_decide(actor=receiving, transfer=transfer, approve=True)
    with scopes_disabled():
        approved = Transfer.objects.get(pk=transfer.pk)
        with translation.override("en"), pytest.raises(Conflict) as refused:
            transfer_transition(transfer=approved, to=TransferStatus.CANCELLED, actor=receiving, reason="x")
        assert refused.value.message == "A transfer cannot go from “Approved” to “Cancelled”."
        stored = Transfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.reason, stored.decided_by_id) == (TransferStatus.APPROVED, "", receiving.pk)


@pytest.mark.django_db
def test_a_final_membership_cannot_be_moved(tree, personas):
    _person, membership = make_person(org=tree.union_a, status=MembershipStatus.LEFT)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        membership_transition(
            membership=membership, to=MembershipStatus.ACTIVE, actor=personas["union_a_staff"]
        )
    assert refused.value.message == "A membership cannot go from “Left” to “Active”."
    with scopes_disabled():
        membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT


@pytest.mark.django_db
def test_a_roster_import_moves_only_from_the_states_named_and_only_once(tree):
    with scopes_disabled():
        ready = RosterImport.objects.create(
            org=tree.union_a, status=RosterImportStatus.READY, stored_path="x"
        )
        imports = RosterImport.objects.filter(pk=ready.pk)
        claim = {
            "from_": (RosterImportStatus.READY, RosterImportStatus.FAILED),
            "to": RosterImportStatus.COMMITTING,
            "processed_rows": 0,
        }
        assert roster_import_transition(imports=imports, **claim) == 1
        assert roster_import_transition(imports=imports, **claim) == 0  # a second claim finds it taken
        with translation.override("en"), pytest.raises(Conflict) as refused:
            roster_import_transition(
                imports=imports, from_=RosterImportStatus.DONE, to=RosterImportStatus.COMMITTING
            )
        assert refused.value.message == "A roster import cannot go from “Imported” to “Importing”."
        assert RosterImport.objects.get(pk=ready.pk).status == RosterImportStatus.COMMITTING
