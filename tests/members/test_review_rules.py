"""Rules added after the membership review: transfers keep the number and need an active member and
the sending side; identities on file are not rewritten; another union's history stays theirs."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from smartunion.core.errors import Conflict, Forbidden, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Person, Transfer
from smartunion.members.selectors import membership_history
from smartunion.members.services import (
    account_close,
    join_apply,
    join_decide,
    join_withdraw,
    member_enrol,
    membership_transition,
    transfer_cancel,
    transfer_decide,
    transfer_request,
)
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff
from tests.factories import (
    WORKER_PASSWORD,
    OrgFactory,
    StaffFactory,
    WorkerFactory,
    make_id_number,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiving(tree):
    return StaffFactory(home_org=tree.union_b, roles=[("grassroots_staff", tree.union_b)])


def test_a_transfer_keeps_the_membership_number_and_join_date(tree, personas, receiving):
    person, old = make_person(org=tree.union_a)
    with scopes_disabled():
        Membership.objects.filter(pk=old.pk).update(join_date=date(2015, 5, 1))
    transfer = transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)
    with as_staff(receiving):
        transfer_decide(actor=receiving, transfer=transfer, approve=True)
    with scopes_disabled():
        new = Membership.objects.get(person=person, status="active")
        assert (new.number, new.join_date) == (old.number, date(2015, 5, 1))
        assert Membership.objects.get(pk=old.pk).number is None


def test_a_suspended_member_cannot_transfer_into_an_active_card(tree, personas):
    person, membership = make_person(org=tree.union_a)
    with scopes_disabled():
        membership_transition(
            membership=membership, to=MembershipStatus.SUSPENDED, actor=None, reason="欠缴会费"
        )
    with pytest.raises(Conflict):
        transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)


def test_the_receiving_union_cannot_pull_a_member_it_only_sees_through_a_wider_role(tree, personas):
    person, _ = make_person(org=tree.union_a)
    puller = StaffFactory(
        home_org=tree.union_c, roles=[("grassroots_staff", tree.union_c), ("cockpit_viewer", tree.city)]
    )
    with pytest.raises(Forbidden):
        transfer_request(actor=puller, person=person, to_org=tree.union_c)
    with scopes_disabled():
        assert not Transfer.objects.exists()


def test_a_worker_asks_for_their_own_transfer_and_can_cancel_it(tree):
    worker = WorkerFactory()
    person, _ = make_person(org=tree.union_a, user=worker)
    transfer = transfer_request(actor=worker, person=person, to_org=tree.union_b)
    transfer_cancel(actor=worker, transfer=transfer)
    with scopes_disabled():
        assert Transfer.objects.get(pk=transfer.pk).status == "cancelled"
        assert AuditEvent.objects.filter(action="transfer.cancel").count() == 1
    from smartunion.core.errors import NotFound

    with pytest.raises(NotFound):
        transfer_request(actor=WorkerFactory(), person=person, to_org=tree.union_b)


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="直接入会联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )


def test_a_worker_withdraws_an_application_and_cannot_rewrite_their_identity_by_reapplying(
    tree, personas, direct_union
):
    worker = WorkerFactory()
    id_number = make_id_number()
    membership = join_apply(user=worker, org=direct_union, data={"real_name": "赵磊", "id_number": id_number})
    join_withdraw(user=worker)
    with scopes_disabled():
        assert Membership.objects.get(pk=membership.pk).status == "withdrawn"
    with pytest.raises(ValidationFailed) as exc:
        join_apply(
            user=worker, org=direct_union, data={"real_name": "赵磊改名", "id_number": make_id_number()}
        )
    assert set(exc.value.fields) == {"real_name", "id_number"}
    with scopes_disabled():
        person = Person.objects.get(user=worker)
    assert (person.real_name, person.id_number) == ("赵磊", id_number)
    with pytest.raises(Conflict):
        join_withdraw(user=worker)


def test_enrolment_does_not_take_over_a_record_under_another_name(tree, personas):
    person, membership = make_person(
        org=tree.union_b, real_name="罗师傅", status="left", mobile="13900001111"
    )
    with as_staff(personas["union_a_staff"]), pytest.raises(ValidationFailed) as exc:
        member_enrol(
            actor=personas["union_a_staff"],
            org=tree.union_a,
            data={"real_name": "冒名者", "id_number": person.id_number, "mobile": "13900002222"},
        )
    assert "id_number" in exc.value.fields
    with as_staff(personas["union_a_staff"]):
        member_enrol(
            actor=personas["union_a_staff"],
            org=tree.union_a,
            data={"real_name": "罗师傅", "id_number": person.id_number, "mobile": "13900002222"},
        )
    with scopes_disabled():
        person.refresh_from_db()
        assert person.mobile == "13900001111"  # the record's contact mobile is the person's own to change
        assert AuditEvent.objects.filter(action="person.enrol", object_id=str(person.pk)).count() == 1


def test_another_unions_history_stays_theirs_after_a_transfer(tree, personas, receiving):
    person, membership = make_person(org=tree.union_a)
    with scopes_disabled():
        membership_transition(
            membership=membership, to=MembershipStatus.SUSPENDED, actor=None, reason="欠缴会费"
        )
        membership_transition(membership=membership, to=MembershipStatus.ACTIVE, actor=None, reason="已补缴")
    transfer = transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)
    with as_staff(receiving):
        transfer_decide(actor=receiving, transfer=transfer, approve=True)
        reasons = [e.reason for e in membership_history(person=person)]
    assert "欠缴会费" not in reasons
    with as_staff(personas["union_a_staff"]):
        assert "欠缴会费" in [e.reason for e in membership_history(person=person)]


def test_closing_keeps_only_the_birth_year_and_cancels_transfers_on_record(tree, personas):
    worker = WorkerFactory()
    person, _ = make_person(org=tree.union_a, user=worker, id_number=make_id_number(birth="19931009"))
    transfer_request(actor=worker, person=person, to_org=tree.union_b)
    account_close(user=worker, password=WORKER_PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT birth_date, real_name, id_number_encrypted, mobile_encrypted FROM members_person "
            "WHERE id = %s",
            [person.pk],
        )
        birth, name, id_enc, mobile_enc = cursor.fetchone()
    assert str(birth).startswith("1993-01-01") and (id_enc, mobile_enc) == ("", "")
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="transfer.cancel").count() == 1


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "\u200b", "张\u200b三", "@SUM(A1)"])
def test_names_that_are_formulas_or_invisible_are_refused(tree, direct_union, name):
    worker = WorkerFactory()
    with pytest.raises(ValidationFailed) as exc:
        join_apply(user=worker, org=direct_union, data={"real_name": name, "id_number": make_id_number()})
    assert "real_name" in exc.value.fields


def test_join_decide_still_works_for_the_approving_union(tree, personas, direct_union):
    worker = WorkerFactory()
    membership = join_apply(
        user=worker, org=direct_union, data={"real_name": "孙师傅", "id_number": make_id_number()}
    )
    with as_staff(personas["fangshan_staff"]):
        join_decide(actor=personas["fangshan_staff"], membership=membership, approve=True)
