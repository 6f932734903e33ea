"""factory_boy factories, one per model. They write through the services, so the rows they make are
the rows the product makes (paths, audit records)."""

from __future__ import annotations

import itertools
import random

import factory
import pyotp

from smartunion.accounts.models import Role, RoleGrant, User, UserKind
from smartunion.accounts.services import totp_set_secret
from smartunion.core.codes import CREDIT_CODE_CHARS, credit_code_check_char
from smartunion.core.personal import id_number_check_char
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise, Org, OrgKind
from smartunion.orgs.services import enterprise_create, org_create

STAFF_PASSWORD = "Staff-Pass-2026!"
WORKER_PASSWORD = "Worker-Pass-2026!"
_seq = itertools.count(1)


def make_credit_code(region: str = "110105", serial: int | None = None) -> str:
    serial = next(_seq) if serial is None else serial
    body = "91" + region
    tail = ""
    for _ in range(9):
        serial, rem = divmod(serial, 31)
        tail = CREDIT_CODE_CHARS[rem] + tail
    first17 = body + tail
    return first17 + credit_code_check_char(first17)


def make_id_number(region: str = "110105", birth: str = "19900101", serial: int | None = None) -> str:
    serial = (next(_seq) if serial is None else serial) % 1000
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + id_number_check_char(first17)


def make_mobile(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return f"139{n % 100_000_000:08d}"


class OrgFactory(factory.Factory):
    class Meta:
        model = Org

    name = factory.Sequence(lambda n: f"测试工会{n}")
    kind = OrgKind.ENTERPRISE_UNION
    region_code = "110105"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        with scopes_disabled():
            return org_create(actor=None, parent=parent, **kwargs)


class EnterpriseFactory(factory.Factory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    industry = "G"
    headcount = 50

    @classmethod
    def _create(cls, model_class, *args, org, **kwargs):
        with scopes_disabled():
            return enterprise_create(actor=None, org=org, **kwargs)


class WorkerFactory(factory.Factory):
    class Meta:
        model = User

    display_name = factory.Sequence(lambda n: f"职工{n}")
    mobile = factory.LazyFunction(make_mobile)

    @classmethod
    def _create(cls, model_class, *args, mobile, password=WORKER_PASSWORD, **kwargs):
        user = User(username=f"w-{next(_seq)}", kind=UserKind.WORKER, **kwargs)
        user.set_mobile(mobile)
        user.set_password(password)
        user.save()
        return user


class StaffFactory(factory.Factory):
    """A staff account with a confirmed authenticator (``user.totp_secret``) and optional roles."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    home_org = None

    @classmethod
    def _create(cls, model_class, *args, roles=(), password=STAFF_PASSWORD, **kwargs):
        with scopes_disabled():
            user = User(kind=UserKind.STAFF, **kwargs)
            user.set_password(password)
            user.save()
            user.totp_secret = pyotp.random_base32()
            totp_set_secret(user=user, secret=user.totp_secret)
            for role_code, org in roles:
                RoleGrant.objects.create(user=user, role=Role.objects.get(code=role_code), org=org)
        return user


def totp_now(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def random_region() -> str:
    return random.choice(["110101", "110102", "110105", "110108", "110111", "110113"])  # noqa: S311


def make_person(
    *,
    org,
    real_name="张三",
    id_number=None,
    mobile=None,
    status="active",
    user=None,
    employer=None,
    employment_form="standard",
):
    """A person with a membership in ``org`` (status ``status``), written as the services write them."""
    from django.utils import timezone

    from smartunion.members.models import Membership, MembershipStatus, Person
    from smartunion.members.services import (
        allocate_membership_numbers,
        person_set_id_number,
        person_set_mobile,
    )

    with scopes_disabled():
        person = Person(
            real_name=real_name, org=org, user=user, employer=employer, employment_form=employment_form
        )
        person_set_id_number(person, id_number or make_id_number())
        person_set_mobile(person, mobile or make_mobile())
        person.save()
        membership = Membership.objects.create(
            person=person,
            org=org,
            status=status,
            number=allocate_membership_numbers(1)[0] if status != MembershipStatus.APPLYING else None,
            join_date=timezone.localdate() if status != MembershipStatus.APPLYING else None,
        )
    return person, membership
