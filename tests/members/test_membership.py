"""Joining, approval with the deadline, transfers without gap or overlap, the card, unmasking."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core import signing
from django.db import IntegrityError, connections, transaction

from smartunion.core.errors import Conflict, Forbidden, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.holidays.models import HolidayOverride
from smartunion.members.models import Membership, MembershipStatus, Person, Transfer
from smartunion.members.services import (
    card_token,
    card_verify,
    join_apply,
    join_decide,
    membership_transition,
    person_open,
    person_unmask,
    transfer_decide,
    transfer_request,
)
from smartunion.notifications.models import InboxMessage
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff
from tests.factories import OrgFactory, StaffFactory, WorkerFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )


def test_working_days_skip_the_national_day_holiday_and_count_the_adjusted_saturday():
    # 2026: 1–7 October are holidays (国务院办公厅 notice); 10 October (Saturday) is a working day.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert add_working_days(date(2026, 10, 10), 1) == date(2026, 10, 12)  # Sunday the 11th is rest


def test_an_administrators_override_wins(db):
    HolidayOverride.objects.create(date=date(2026, 12, 1), is_workday=False, note="local holiday")
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)


def test_a_courier_applies_to_the_direct_joining_union_and_is_approved(tree, direct_union, personas):
    courier = WorkerFactory(mobile="13612345678")
    membership = join_apply(
        user=courier,
        org=direct_union,
        data={
            "real_name": "吴师傅",
            "id_number": make_id_number(birth="19880808"),
            "employment_form": "courier",
        },
    )
    assert membership.status == MembershipStatus.APPLYING
    assert membership.due_date == add_working_days(membership.applied_at.astimezone().date(), 15)
    with scopes_disabled():
        person = Person.objects.get(user=courier)
    assert person.mobile == "13612345678" and person.birth_date == date(1988, 8, 8)
    assert InboxMessage.objects.filter(user=courier, title__contains=direct_union.name).exists()

    # A second application is refused with the reason; nothing new is written.
    with pytest.raises(Conflict, match=direct_union.name):
        join_apply(user=courier, org=direct_union, data={})

    with as_staff(personas["fangshan_staff"]):
        join_decide(actor=personas["fangshan_staff"], membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and len(membership.number) == 10
    assert InboxMessage.objects.filter(user=courier, body__contains=membership.number).exists()
    with pytest.raises(Conflict), as_staff(personas["fangshan_staff"]):
        join_decide(actor=personas["fangshan_staff"], membership=membership, approve=True)


def test_rejection_needs_a_reason_and_staff_outside_cannot_decide(tree, direct_union, personas):
    worker = WorkerFactory()
    membership = join_apply(
        user=worker, org=direct_union, data={"real_name": "李四", "id_number": make_id_number()}
    )
    with pytest.raises(ValidationFailed) as exc, as_staff(personas["fangshan_staff"]):
        join_decide(actor=personas["fangshan_staff"], membership=membership, approve=False)
    assert "reason" in exc.value.fields
    with pytest.raises(Forbidden), as_staff(personas["shunyi_staff"]):
        join_decide(actor=personas["shunyi_staff"], membership=membership, approve=True)
    with as_staff(personas["fangshan_staff"]):
        join_decide(
            actor=personas["fangshan_staff"], membership=membership, approve=False, reason="不在本区工作"
        )
    with scopes_disabled():
        assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.REJECTED


def test_a_union_that_takes_no_direct_applications_refuses(tree):
    worker = WorkerFactory()
    with pytest.raises(ValidationFailed) as exc:
        join_apply(user=worker, org=tree.union_b, data={"real_name": "王五", "id_number": make_id_number()})
    assert "org" in exc.value.fields
    with scopes_disabled():
        assert not Person.objects.filter(user=worker).exists()


def test_bad_id_number_is_refused_and_nothing_written(tree, direct_union):
    worker = WorkerFactory()
    with pytest.raises(ValidationFailed) as exc:
        join_apply(
            user=worker, org=direct_union, data={"real_name": "王五", "id_number": "110105194912310021"}
        )
    assert "id_number" in exc.value.fields
    with scopes_disabled():
        assert not Person.objects.filter(user=worker).exists()
        assert not Membership.objects.exists()


def test_the_database_refuses_two_active_memberships(tree):
    person, _ = make_person(org=tree.union_a)
    with pytest.raises(IntegrityError), transaction.atomic(), scopes_disabled():
        Membership.objects.create(
            person=person, org=tree.union_b, status=MembershipStatus.ACTIVE, number="X1"
        )


def test_card_valid_then_revoked_when_suspended_forged_and_expired(tree, settings):
    person, membership = make_person(org=tree.union_a)
    token = card_token(membership=membership)
    check = card_verify(token=token)
    assert check.result == "valid" and check.membership.pk == membership.pk
    assert card_verify(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB")).result == "forged"
    forged = signing.dumps(
        {"m": membership.pk, "v": membership.card_version},
        key="not-our-key",
        salt="smartunion.members.card",
        compress=True,
    )
    assert card_verify(token=forged).result == "forged"
    settings.CARD_TOKEN_TTL_SECONDS = -1
    assert card_verify(token=token).result == "expired"
    settings.CARD_TOKEN_TTL_SECONDS = 120
    with scopes_disabled():
        membership_transition(
            membership=membership, to=MembershipStatus.SUSPENDED, actor=None, reason="欠缴会费"
        )
    assert card_verify(token=token).result == "revoked"


def test_unmasking_needs_the_permission_and_is_audited(tree, personas):
    person, _ = make_person(org=tree.union_a, id_number="11010519491231002X")
    with scopes_disabled():
        with pytest.raises(Forbidden):
            person_unmask(actor=personas["fangshan_staff"], person=person, field="id_number")
        assert (
            person_unmask(actor=personas["fangshan_admin"], person=person, field="id_number")
            == "11010519491231002X"
        )
        event = AuditEvent.objects.filter(action="person.unmask", outcome="success").get()
        assert AuditEvent.objects.filter(action="person.unmask", outcome="denied").count() == 1
    assert event.actor == personas["fangshan_admin"] and event.data == {"field": "id_number"}
    assert "11010519491231002X" not in str(event.data) + event.object_repr
    assert person.id_number_masked == "110105********002X"


def test_opening_a_record_is_scoped_and_recorded(tree, personas):
    from smartunion.accounts.permissions import scope_for_user
    from smartunion.core.errors import NotFound
    from smartunion.core.scoping import activate

    person, _ = make_person(org=tree.union_a)
    with activate(scope_for_user(personas["shunyi_staff"])), pytest.raises(NotFound):
        person_open(actor=personas["shunyi_staff"], pk=person.pk)
    with activate(scope_for_user(personas["union_a_staff"])):
        assert person_open(actor=personas["union_a_staff"], pk=person.pk) == person
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="person.view", object_id=str(person.pk)).count() == 1


def test_transfer_approved_by_the_receiving_union(tree, personas):
    worker = WorkerFactory()
    person, old = make_person(org=tree.union_a, user=worker)
    transfer = transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)
    with pytest.raises(Forbidden):
        transfer_decide(
            actor=personas["union_a_staff"], transfer=transfer, approve=True
        )  # union_a cannot approve for b
    receiving = StaffFactory(home_org=tree.union_b, roles=[("grassroots_staff", tree.union_b)])
    transfer_decide(actor=receiving, transfer=transfer, approve=True)
    with scopes_disabled():
        statuses = dict(Membership.objects.filter(person=person).values_list("org_id", "status"))
        assert statuses == {tree.union_a.pk: "transferred_out", tree.union_b.pk: "active"}
        assert Person.objects.get(pk=person.pk).org_id == tree.union_b.pk
        new_number = Membership.objects.get(person=person, status="active").number
    assert InboxMessage.objects.filter(
        user=worker, title__contains=tree.union_b.name, body__contains=new_number
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_leave_two_or_no_active_membership(default_roles):
    """Two receiving unions approve two transfers of one member at the same moment (and a third
    request races in): exactly one wins, the member always has exactly one active membership."""
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        unions = [OrgFactory(name=f"工会{i}", parent=city, region_code="110105") for i in range(3)]
        person, _ = make_person(org=unions[0])
        deciders = [StaffFactory(home_org=u, roles=[("grassroots_staff", u)]) for u in unions]
        # Two requests cannot both be open (unique index), so approve one while another is requested after.
        t1 = transfer_request(actor=deciders[0], person=person, to_org=unions[1])
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(transfer, staff):
        try:
            barrier.wait(timeout=10)
            transfer_decide(actor=staff, transfer=transfer, approve=True)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(t1, deciders[1])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["approved", "conflict"]
    with scopes_disabled():
        active = list(
            Membership.objects.filter(person=person, status="active").values_list("org_id", flat=True)
        )
        assert active == [unions[1].pk]
        assert Transfer.objects.get(pk=t1.pk).status == "approved"
