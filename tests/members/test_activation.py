"""Activation: a member entered by staff (a roster import, an enrolment) has no account until they
prove the mobile on their record with a one-time code. Registering with that number links the
record at once; a signed-in worker without a record links it the same way. Only possession of the
number links; a linked or closed record is never claimed again; until the code is proved, a number
on a roster is answered exactly like any other."""

from __future__ import annotations

import codecs
import csv
import io
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation

from smartunion.accounts.models import OneTimeCode, SignInFailure, User
from smartunion.accounts.services import account_key, one_time_code_send, signin_password
from smartunion.core.audit import audit_verify
from smartunion.core.errors import Conflict, Forbidden, Locked, NotFound, ValidationFailed
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.personal import mobile_index
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Person
from smartunion.members.roster import COLUMNS, roster_import_commit, roster_import_validate
from smartunion.members.selectors import (
    my_active_membership,
    person_access_history,
    worker_membership,
)
from smartunion.members.services import (
    card_token,
    card_verify,
    join_apply,
    member_enrol,
    my_data_export,
    person_link,
    person_open,
    worker_activate,
)
from smartunion.notifications import senders
from smartunion.notifications.models import InboxMessage
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff
from tests.factories import (
    WORKER_PASSWORD,
    OrgFactory,
    WorkerFactory,
    make_id_number,
    make_mobile,
    make_person,
)

pytestmark = pytest.mark.django_db

ADDRESS = "10.20.30.40"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # staged rosters go to a directory of this test's own


def import_member(staff, org, enterprise, *, name: str, id_number: str, mobile: str) -> Person:
    """One member imported through the real roster check and import, as grassroots staff do it."""
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            [c.header for c in COLUMNS],
            [name, id_number, mobile, "快递员", enterprise.credit_code, "2024-03-01", "5000-8000元", ""],
        ]
    )
    upload = SimpleUploadedFile("名册.csv", codecs.BOM_UTF8 + out.getvalue().encode())
    with as_staff(staff):
        checked = roster_import_validate(actor=staff, org=org, upload=upload)
        assert checked.status == "ready", checked.errors
        done = roster_import_commit(actor=staff, roster_import=checked)
        assert done.status == "done"
    with scopes_disabled():
        return Person.objects.get(real_name=name)


def code_for(mobile: str, purpose: str = "register") -> str:
    """A fresh code for ``mobile``. A number gets one code a minute: a code sent before is moved a
    minute back instead of waiting (it stays valid)."""
    with scopes_disabled():
        OneTimeCode.objects.filter(mobile_index=mobile_index(mobile)).update(
            created_at=timezone.now() - timedelta(seconds=61)
        )
    one_time_code_send(mobile=mobile, purpose=purpose, client_address=ADDRESS)
    return senders.OUTBOX[mobile]


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def activate(mobile: str, code: str | None = None, **extra):
    return worker_activate(
        mobile=mobile,
        code=code_for(mobile) if code is None else code,
        password=WORKER_PASSWORD,
        display_name=extra.pop("display_name", "新职工"),
        agree=True,
        client_address=ADDRESS,
        **extra,
    )


def reload(person: Person) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


# --- an imported member, a staff-enrolled member ------------------------------------------------------


def test_an_imported_member_registers_and_sees_membership_card_data_and_access_history(tree, personas):
    staff = personas["union_a_staff"]
    mobile = make_mobile()
    id_number = make_id_number()
    person = import_member(
        staff, tree.union_a, tree.enterprise_a, name="孙快递", id_number=id_number, mobile=mobile
    )
    assert person.user is None
    with as_staff(staff):
        person_open(actor=staff, pk=person.pk)  # staff looked at the record before the worker had an account
    with scopes_disabled():
        number = Membership.objects.get(person=person).number

    activation = activate(mobile, display_name="孙师傅")

    user = activation.user
    assert activation.person.pk == person.pk and activation.membership.number == number
    assert reload(person).user == user
    assert user.display_name == "孙师傅" and user.check_password(WORKER_PASSWORD)
    # The membership, at once.
    state = worker_membership(user=user)
    assert state.membership.status == "active" and state.membership.org == tree.union_a
    assert state.membership.number == number
    # The card, and it verifies.
    card = my_active_membership(user=user)
    check = card_verify(token=card_token(membership=card))
    assert check.result == "valid" and check.membership.number == number
    # The data download has the record, in full (it is the worker's own).
    export = my_data_export(user=user, client_address=ADDRESS)
    assert export["person"]["id_number"] == id_number and export["person"]["mobile"] == mobile
    assert export["memberships"][0]["number"] == number
    # Who opened the record before the account existed.
    history = person_access_history(person=reload(person))
    assert [e.action for e in history] == ["person.view"] and history[0].actor == staff
    # An inbox message says so, with the number.
    message = InboxMessage.objects.get(user=user)
    assert tree.union_a.name in message.title and number in message.body


def test_a_member_enrolled_by_staff_registers_and_is_linked(tree, personas):
    staff = personas["union_a_staff"]
    mobile = make_mobile()
    with as_staff(staff):
        membership = member_enrol(
            actor=staff,
            org=tree.union_a,
            data={
                "real_name": "钱驿站",
                "id_number": make_id_number(),
                "mobile": mobile,
                "employment_form": "standard",
            },
        )

    activation = activate(mobile)

    assert activation.person.pk == membership.person_id and activation.membership.pk == membership.pk
    assert my_active_membership(user=activation.user).number == membership.number
    history = person_access_history(person=reload(activation.person))
    assert [e.action for e in history] == ["person.enrol"] and history[0].actor == staff


def test_the_linking_is_audited_without_personal_data(tree, personas):
    mobile = make_mobile()
    person, _ = make_person(org=tree.union_a, real_name="李档案", mobile=mobile)

    user = activate(mobile).user

    with scopes_disabled():
        record = AuditEvent.objects.get(action="worker.activate")
        register = AuditEvent.objects.get(action="worker.register")
    assert record.actor == user and record.object_id == str(person.pk) and record.org == tree.union_a
    assert record.client_address == ADDRESS and record.outcome == AuditOutcome.SUCCESS
    assert record.data == {"via": "register"} and record.object_repr == f"person#{person.pk}"
    assert register.data == {"privacy_notice": True}
    assert mobile not in str(record.data) and "李档案" not in record.object_repr
    assert audit_verify().ok


def test_a_signed_in_worker_without_a_record_links_it_with_a_code(tree, personas):
    """Registered before their union imported them: the account's own number, proved again."""
    worker = WorkerFactory()
    person = import_member(
        personas["union_a_staff"],
        tree.union_a,
        tree.enterprise_a,
        name="周先注册",
        id_number=make_id_number(),
        mobile=worker.mobile,
    )

    linked = person_link(
        user=worker, mobile=worker.mobile, code=code_for(worker.mobile, "link"), client_address=ADDRESS
    )

    assert linked.pk == person.pk and reload(person).user == worker
    assert worker_membership(user=worker).membership.status == "active"
    with scopes_disabled():
        assert AuditEvent.objects.get(action="worker.activate").data == {"via": "link"}


def test_a_worker_links_the_record_that_has_their_old_number(tree):
    """Registered with a new number; the union has the old one, which the worker still holds."""
    worker = WorkerFactory()
    old = make_mobile()
    person, _ = make_person(org=tree.union_a, mobile=old)

    person_link(user=worker, mobile=old, code=code_for(old, "link"), client_address=ADDRESS)

    person = reload(person)
    assert person.user == worker and person.mobile == old  # the contact number on file stays


# --- possession of the number, and nothing else ----------------------------------------------------------


def test_a_wrong_code_is_refused_counted_and_links_nothing(tree):
    mobile = make_mobile()
    person, _ = make_person(org=tree.union_a, mobile=mobile)
    real = code_for(mobile)

    with pytest.raises(ValidationFailed) as refused:
        activate(mobile, wrong(real))

    assert refused.value.fields == {"code": [zh("The code is wrong or has expired. Request a new one.")]}
    assert reload(person).user is None
    with scopes_disabled():
        assert not User.objects.filter(mobile_index=person.mobile_index).exists()
        assert (
            SignInFailure.objects.filter(account_key=account_key(mobile), client_address=ADDRESS).count() == 1
        )
        failed = AuditEvent.objects.get(action="worker.register", outcome=AuditOutcome.FAILURE)
    assert failed.data["reason"] == "bad_code" and mobile not in str(failed.data)
    # The right code still works afterwards, and ends the number's count (the worker is signed in).
    assert activate(mobile, real).person.pk == person.pk
    with scopes_disabled():
        assert not SignInFailure.objects.filter(
            account_key=account_key(mobile), account_cleared=False
        ).exists()


def test_wrong_codes_lock_the_number_even_for_the_right_code(tree, settings):
    mobile = make_mobile()
    person, _ = make_person(org=tree.union_a, mobile=mobile)
    real = code_for(mobile)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        with pytest.raises(ValidationFailed):
            activate(mobile, wrong(real))
    with pytest.raises(Locked):
        activate(mobile, real)
    assert reload(person).user is None
    # The lock is the number's, shared with sign-in: a password guess on it is refused too.
    with pytest.raises(Locked):
        signin_password(
            username=mobile, password="Anything-2026!", client_address="10.9.9.9", worker_only=True
        )


def test_a_wrong_link_code_is_counted_for_the_signed_in_worker(tree):
    worker = WorkerFactory()
    person, _ = make_person(org=tree.union_a, mobile=worker.mobile)
    real = code_for(worker.mobile, "link")
    with pytest.raises(ValidationFailed) as refused:
        person_link(user=worker, mobile=worker.mobile, code=wrong(real), client_address=ADDRESS)
    assert "code" in refused.value.fields
    assert reload(person).user is None
    with scopes_disabled():
        assert SignInFailure.objects.filter(account_key=account_key(worker.mobile)).count() == 1
        failed = AuditEvent.objects.get(action="worker.activate")
    assert failed.outcome == AuditOutcome.FAILURE and failed.actor == worker


def test_a_registration_code_does_not_link_and_a_link_code_does_not_register(tree):
    worker = WorkerFactory()
    person, _ = make_person(org=tree.union_a, mobile=worker.mobile)
    with pytest.raises(ValidationFailed):
        person_link(
            user=worker,
            mobile=worker.mobile,
            code=code_for(worker.mobile, "register"),
            client_address=ADDRESS,
        )
    assert reload(person).user is None


def test_an_id_number_alone_never_links(tree, direct_union):
    """A worker who knows someone's ID number and applies with it gets no record: the same refusal
    whether or not that record has an account, and it points to linking by the number on file."""
    imported, _ = make_person(org=tree.union_a, id_number=make_id_number())
    owned, _ = make_person(org=tree.union_a, id_number=make_id_number(), user=WorkerFactory())
    answers = []
    for target in (imported, owned):
        stranger = WorkerFactory()
        with pytest.raises(ValidationFailed) as refused:
            join_apply(
                user=stranger,
                org=direct_union,
                consent=True,
                data={
                    "real_name": target.real_name,
                    "id_number": target.id_number,
                    "employment_form": "courier",
                },
            )
        answers.append(refused.value.fields)
        with scopes_disabled():
            assert not Person.objects.filter(user=stranger).exists()
    assert answers[0] == answers[1]
    assert answers[0]["id_number"] == [
        zh(
            "This ID number is already on a member record. If your union entered you, do not apply: link that "
            "record to your account with the mobile number your union has on file."
        )
    ]
    assert reload(imported).user is None


def test_trying_id_numbers_on_file_is_counted_and_audited(tree, direct_union, settings):
    """The refusal tells that an ID number is on file, so trying numbers is limited like passwords:
    after 5 refusals in the window the account is locked, even for a number nobody has; mistakes of
    another kind count nothing, and each refusal is in the audit log without the number."""
    on_file = [make_person(org=tree.union_a, id_number=make_id_number())[0] for _ in range(5)]
    prober, honest = WorkerFactory(), WorkerFactory()

    def apply(user, id_number, name="王五"):
        join_apply(
            user=user,
            org=direct_union,
            consent=True,
            client_address=ADDRESS,
            data={"real_name": name, "id_number": id_number, "employment_form": "courier"},
        )

    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES + 2):  # a name with a formula: not counted
        with pytest.raises(ValidationFailed) as refused:
            apply(honest, make_id_number(), name="=1+1")
        assert list(refused.value.fields) == ["real_name"]
    for target in on_file:
        with pytest.raises(ValidationFailed) as refused:
            apply(prober, target.id_number)
        assert list(refused.value.fields) == ["id_number"]
    with pytest.raises(Locked) as locked:
        apply(prober, make_id_number())

    assert str(locked.value) == zh(
        "Too many tries with ID numbers that are already on file. Try again in %(minutes)d minutes."
    ) % {"minutes": 15}
    with scopes_disabled():
        assert not Person.objects.filter(user=prober).exists()
        failures = AuditEvent.objects.filter(action="membership.apply", outcome=AuditOutcome.FAILURE)
        assert failures.count() == 5 and {e.actor_id for e in failures} == {prober.pk}
        assert all(target.id_number not in str(e.data) for e in failures for target in on_file)
    apply(honest, make_id_number())  # the other account was never held back
    with scopes_disabled():
        assert Person.objects.get(user=honest).memberships.get().status == "applying"
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_parallel_tries_of_id_numbers_on_file_cannot_get_past_the_limit(default_roles, settings):
    """Twelve applications with ID numbers on file at the same moment, each on its own connection:
    at most 5 are checked against the register, the rest are refused as locked."""
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        direct = OrgFactory(
            name="并发联合工会",
            kind=OrgKind.JOINT_UNION,
            parent=city,
            region_code="110105",
            accepts_direct_joining=True,
        )
        on_file = [make_person(org=direct, id_number=make_id_number())[0] for _ in range(12)]
        prober = WorkerFactory()

    def attempt(target):
        return lambda: join_apply(
            user=prober,
            org=direct,
            consent=True,
            client_address=ADDRESS,
            data={"real_name": "王五", "id_number": target.id_number},
        )

    outcomes = _race([attempt(target) for target in on_file])

    assert set(outcomes) <= {"ValidationFailed", "Locked"}, outcomes
    assert outcomes.count("ValidationFailed") <= settings.LOCKOUT_ACCOUNT_FAILURES, outcomes
    with scopes_disabled():
        checked = AuditEvent.objects.filter(action="membership.apply", outcome=AuditOutcome.FAILURE).count()
    assert checked == outcomes.count("ValidationFailed")


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )


# --- what can never be claimed -----------------------------------------------------------------------------


def test_a_record_that_has_an_account_is_not_claimed_again(tree):
    owner = WorkerFactory()
    contact = make_mobile()
    person, _ = make_person(
        org=tree.union_a, mobile=contact, user=owner
    )  # contact number differs from sign-in

    newcomer = activate(contact)  # whoever holds that number now
    assert newcomer.person is None and not newcomer.several
    assert reload(person).user == owner

    other = WorkerFactory()
    with pytest.raises(NotFound):
        person_link(user=other, mobile=contact, code=code_for(contact, "link"), client_address=ADDRESS)
    assert reload(person).user == owner
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action="worker.activate", outcome=AuditOutcome.SUCCESS).exists()


def test_an_account_that_has_a_record_cannot_take_another(tree):
    worker = WorkerFactory()
    make_person(org=tree.union_a, user=worker)
    other_mobile = make_mobile()
    other, _ = make_person(org=tree.union_b, mobile=other_mobile)
    with pytest.raises(Conflict):
        person_link(user=worker, mobile=other_mobile, code="123456", client_address=ADDRESS)
    assert reload(other).user is None
    with scopes_disabled():
        assert not SignInFailure.objects.exists()  # refused before any code was tried


def test_a_closed_record_is_not_claimed(tree):
    mobile = make_mobile()
    person, _ = make_person(org=tree.union_a, mobile=mobile)
    with scopes_disabled():
        # Closure erases the number and its index; even a record that kept them stays closed.
        Person.objects.filter(pk=person.pk).update(closed_at=timezone.now())
    activation = activate(mobile)
    assert activation.person is None
    assert reload(person).user is None


def test_a_staff_account_cannot_link_a_record(tree, personas):
    person, _ = make_person(org=tree.union_a)
    with pytest.raises(Forbidden):
        person_link(
            user=personas["union_a_staff"], mobile=person.mobile, code="123456", client_address=ADDRESS
        )


def test_a_number_on_two_records_links_neither(tree):
    mobile = make_mobile()
    first, _ = make_person(org=tree.union_a, mobile=mobile)
    second, _ = make_person(org=tree.union_b, mobile=mobile)

    activation = activate(mobile)

    assert activation.person is None and activation.several
    assert reload(first).user is None and reload(second).user is None
    with pytest.raises(Conflict):
        person_link(
            user=activation.user, mobile=mobile, code=code_for(mobile, "link"), client_address=ADDRESS
        )


def test_the_database_allows_one_record_per_account(tree):
    """Person.user is unique in the database, not only in the services."""
    org = tree.union_a
    with scopes_disabled():
        worker = WorkerFactory()
        make_person(org=org, user=worker)
        other, _ = make_person(org=org)
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.filter(pk=other.pk).update(user=worker)


# --- brand-new workers, and no oracle before the code -------------------------------------------------------


def test_a_brand_new_worker_registers_as_before(tree):
    make_person(org=tree.union_a, mobile=make_mobile())  # someone else's record
    mobile = make_mobile()
    activation = activate(mobile)
    assert activation.person is None and not activation.several
    assert activation.user.mobile == mobile and activation.user.kind == "worker"
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action="worker.activate").exists()
        assert not Person.objects.filter(user=activation.user).exists()


def test_until_the_code_is_proved_a_number_on_a_roster_is_answered_like_any_other(tree):
    on_roster = make_mobile()
    make_person(org=tree.union_a, mobile=on_roster)
    registered = WorkerFactory().mobile
    fresh = make_mobile()

    answers = []
    for mobile in (on_roster, registered, fresh):
        one_time_code_send(
            mobile=mobile, purpose="register", client_address=ADDRESS
        )  # no error, whatever the number
        with pytest.raises(ValidationFailed) as refused:
            activate(mobile, wrong(senders.OUTBOX[mobile]))
        answers.append((refused.value.message, refused.value.fields))
        # The form's own mistakes are named before any code check, identically.
        with pytest.raises(ValidationFailed) as weak:
            worker_activate(
                mobile=mobile,
                code="123456",
                password="weak",
                display_name="某",
                agree=False,
                client_address=ADDRESS,
            )
        answers.append((weak.value.message, weak.value.fields))
    assert answers[0] == answers[2] == answers[4] and answers[1] == answers[3] == answers[5]


def test_the_registered_number_is_told_only_to_the_owner_after_the_code(tree):
    existing = WorkerFactory()
    with pytest.raises(ValidationFailed) as refused:
        activate(existing.mobile)
    assert refused.value.fields == {
        "mobile": [zh("This mobile number is already registered. Sign in instead.")]
    }


# --- at the same moment -----------------------------------------------------------------------------------


def _race(jobs) -> list[str]:
    """Run the jobs in threads that start together, each on its own database connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(job):
        try:
            barrier.wait(timeout=10)
            outcomes.append(job())
        except (ValidationFailed, Conflict, NotFound, Locked) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(jobs)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_parallel_activations_of_one_record_make_one_account(default_roles):
    """Five registrations with the record's number and its code at the same moment (a double tap,
    several tabs, or someone racing the owner): one account, linked to the record; the others fail.
    (Five: a sixth attempt on one number within the window would be refused by the lockout.)"""
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        org = OrgFactory(name="并发工会", parent=city, region_code="110105")
        mobile = make_mobile()
        person, _ = make_person(org=org, mobile=mobile)
    code = code_for(mobile)

    outcomes = _race([lambda: (activate(mobile, code), "linked")[1] for _ in range(5)])

    assert outcomes.count("linked") == 1, outcomes
    with scopes_disabled():
        users = list(User.objects.filter(mobile_index=reload(person).mobile_index))
        assert len(users) == 1 and reload(person).user == users[0]
        assert AuditEvent.objects.filter(action="worker.activate", outcome=AuditOutcome.SUCCESS).count() == 1
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_registration_and_a_link_racing_for_one_record_link_it_once(default_roles):
    """The owner of the number registers a new account while, signed in elsewhere, they link the
    same record to an existing one; each with a valid code of its own. The database lets one win."""
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        org = OrgFactory(name="并发工会", parent=city, region_code="110105")
        mobile = make_mobile()
        person, _ = make_person(org=org, mobile=mobile)
        existing = WorkerFactory()
    register_code = code_for(mobile, "register")
    link_code = code_for(mobile, "link")

    def register():
        activation = activate(mobile, register_code)
        return "register linked" if activation.person is not None else "register plain"

    def link():
        person_link(user=existing, mobile=mobile, code=link_code, client_address=ADDRESS)
        return "link linked"

    outcomes = _race([register, link])

    linked = [o for o in outcomes if o.endswith(" linked")]
    assert len(linked) == 1, outcomes
    holder = reload(person).user
    with scopes_disabled():
        new_account = User.objects.get(
            mobile_index=reload(person).mobile_index
        )  # registration succeeded either way
        assert holder in (new_account, existing)
        assert Person.objects.filter(user__in=[new_account, existing]).count() == 1
        assert AuditEvent.objects.filter(action="worker.activate", outcome=AuditOutcome.SUCCESS).count() == 1
    if linked == ["link linked"]:
        assert holder == existing and "register plain" in outcomes
    else:
        assert holder == new_account and "NotFound" in outcomes
    assert audit_verify().ok


def test_lookup_is_by_blind_index_and_stores_no_plain_mobile(tree):
    mobile = make_mobile()
    make_person(org=tree.union_a, mobile=mobile)
    user = activate(mobile).user
    with connection.cursor() as cursor:
        for table in (
            "accounts_user",
            "members_person",
            "core_auditevent",
            "accounts_signinfailure",
            "accounts_onetimecode",
            "core_inboxmessage",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert not any(mobile in str(value) for row in cursor.fetchall() for value in row), table
    assert user.mobile == mobile


def test_the_new_account_signs_in_with_its_password(tree):
    mobile = make_mobile()
    make_person(org=tree.union_a, mobile=mobile)
    user = activate(mobile).user
    assert (
        signin_password(username=mobile, password=WORKER_PASSWORD, client_address=ADDRESS, worker_only=True)
        == user
    )


def test_an_enterprise_union_member_imported_twice_is_one_record(tree, personas):
    """A re-run of the same roster after the member activated keeps the link."""
    staff = personas["union_a_staff"]
    mobile, id_number = make_mobile(), make_id_number()
    person = import_member(
        staff, tree.union_a, tree.enterprise_a, name="吴重复", id_number=id_number, mobile=mobile
    )
    user = activate(mobile).user
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            [c.header for c in COLUMNS],
            ["吴重复", id_number, mobile, "快递员", tree.enterprise_a.credit_code, "", "", ""],
        ]
    )
    with as_staff(staff):
        again = roster_import_validate(
            actor=staff, org=tree.union_a, upload=SimpleUploadedFile("名册.csv", out.getvalue().encode())
        )
    assert again.skipped_count == 1
    assert reload(person).user == user
