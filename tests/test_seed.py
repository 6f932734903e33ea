"""The demo federation (manage.py seed_demo): the Beijing-shaped tree, valid codes, consistent
paths, working demo sign-ins, members with valid generated personal data (encrypted at rest), the
demo workers' memberships, determinism and idempotence. One small seed is built for the module and
rolled back at its end."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from smartunion.accounts.models import RoleGrant, TotpDevice, User, UserKind
from smartunion.accounts.permissions import DEFAULT_ROLES, scope_for_user
from smartunion.accounts.services import second_factor_verify, signin_password
from smartunion.cases.models import Case
from smartunion.core.codes import credit_code_error
from smartunion.core.models import AuditEvent
from smartunion.core.personal import id_number_error, is_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tree import PATH_STEP
from smartunion.members import demo as demo_members
from smartunion.members.models import NEW_EMPLOYMENT_FORMS, Membership, MembershipStatus, Person
from smartunion.members.selectors import person_search
from smartunion.members.services import card_token, card_verify
from smartunion.orgs import demo
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org, OrgKind
from tests.factories import OrgFactory

# DOMAIN.md: Beijing's districts and their GB/T 2260 codes.
BEIJING_DISTRICTS = {
    "110101": "东城区总工会",
    "110102": "西城区总工会",
    "110105": "朝阳区总工会",
    "110106": "丰台区总工会",
    "110107": "石景山区总工会",
    "110108": "海淀区总工会",
    "110109": "门头沟区总工会",
    "110111": "房山区总工会",
    "110112": "通州区总工会",
    "110113": "顺义区总工会",
    "110114": "昌平区总工会",
    "110115": "大兴区总工会",
    "110116": "怀柔区总工会",
    "110117": "平谷区总工会",
    "110118": "密云区总工会",
    "110119": "延庆区总工会",
}


@pytest.mark.django_db
def test_refuses_to_add_to_a_tree_it_did_not_build():
    OrgFactory(name="天津市总工会", kind=OrgKind.CITY_FEDERATION, region_code="120000")
    with pytest.raises(CommandError, match="already holds an organisation tree"):
        call_command("seed_demo", "--scale", "tiny", stdout=StringIO(), stderr=StringIO())
    with scopes_disabled():
        assert list(Org.objects.values_list("name", flat=True)) == ["天津市总工会"]


@pytest.mark.django_db
def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="SMARTUNION_ENV=production"):
        call_command("seed_demo", "--scale", "tiny", stdout=StringIO(), stderr=StringIO())
    with scopes_disabled():
        assert not Org.objects.exists()


@dataclass
class Seeded:
    output: str
    var_dir: Path
    accounts: dict


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var_dir), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--scale", "small", stdout=out, stderr=StringIO())
        accounts = json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
        yield Seeded(out.getvalue(), var_dir, accounts)
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    with scopes_disabled():
        return {
            "orgs": Org.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "users": User.objects.count(),
            "grants": RoleGrant.objects.count(),
            "devices": TotpDevice.objects.count(),
            "audit": AuditEvent.objects.count(),
            "people": Person.objects.count(),
            "memberships": Membership.objects.count(),
            "cases": Case.objects.count(),
        }


@pytest.mark.django_db
def test_the_city_and_its_sixteen_districts(seeded, system_scope):
    city = Org.objects.get(depth=1)
    assert (city.name, city.kind, city.region_code) == ("北京市总工会", OrgKind.CITY_FEDERATION, "110000")
    districts = dict(Org.objects.filter(kind=OrgKind.DISTRICT_UNION).values_list("region_code", "name"))
    assert districts == BEIJING_DISTRICTS
    assert set(Org.objects.filter(kind=OrgKind.DISTRICT_UNION).values_list("parent", flat=True)) == {city.pk}
    fangshan = Org.objects.get(region_code="110111", kind=OrgKind.DISTRICT_UNION)
    under = Org.objects.filter(parent=fangshan)
    assert set(under.values_list("kind", flat=True)) >= {
        OrgKind.STREET_UNION,
        OrgKind.MEDIATION_CENTRE,
        OrgKind.LEGAL_SERVICE_CENTRE,
        OrgKind.JOINT_UNION,
    }
    assert "拱辰街道总工会" in set(under.values_list("name", flat=True))
    direct = Org.objects.get(accepts_direct_joining=True, parent=fangshan)
    assert direct.name == "房山区新就业形态劳动者联合工会"
    assert Org.objects.filter(accepts_direct_joining=True).count() == 16
    # Each district: one mediation centre and one legal-service centre; streets carry 9-digit codes.
    for kind in (OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE):
        assert sorted(Org.objects.filter(kind=kind).values_list("parent__region_code", flat=True)) == sorted(
            BEIJING_DISTRICTS
        )
    for street in Org.objects.filter(kind=OrgKind.STREET_UNION).select_related("parent"):
        assert len(street.region_code) == 9 and street.region_code.startswith(street.parent.region_code)
    assert Org.objects.filter(kind=OrgKind.INDUSTRY_UNION, parent=city).count() >= 3
    assert Org.objects.filter(kind=OrgKind.UNION_STATION).count() >= 16
    grassroots = Org.objects.filter(kind__in=GRASSROOTS_KINDS, accepts_direct_joining=False).count()
    assert 550 <= grassroots <= 650
    assert Org.objects.filter(kind=OrgKind.JOINT_UNION, name__endswith="联合工会").count() > 50


@pytest.mark.django_db
def test_every_enterprise_has_a_valid_credit_code_from_its_district(seeded, system_scope):
    enterprises = list(Enterprise.objects.select_related("covering_union"))
    assert len(enterprises) > 600
    for enterprise in enterprises:
        assert credit_code_error(enterprise.credit_code) is None, enterprise.credit_code
        assert enterprise.credit_code[2:8] in BEIJING_DISTRICTS
        assert enterprise.region_code == enterprise.credit_code[2:8]
        assert enterprise.industry in "ABCDEFGHIJKLMNOPQRST" and enterprise.headcount > 0
        if enterprise.covering_union is not None:
            assert enterprise.covering_union.kind in GRASSROOTS_KINDS
    union = Org.objects.filter(kind=OrgKind.ENTERPRISE_UNION, parent__kind=OrgKind.STREET_UNION).first()
    covered = Enterprise.objects.get(covering_union=union)
    assert union.name.startswith(covered.name)
    platforms = set(Enterprise.objects.filter(is_platform=True).values_list("name", flat=True))
    assert "北京骑士即时物流有限公司" in platforms and len(platforms) >= 4


@pytest.mark.django_db
@pytest.mark.parametrize("brand", ["美团", "饿了么", "滴滴", "顺丰"])
def test_a_rider_finds_the_demo_platform_by_its_brand(seeded, brand):
    from smartunion.orgs.selectors import public_enterprise_search

    # (A generated company may carry 顺丰 in its name too, as real ones do.)
    platforms = [e for e in public_enterprise_search(q=brand) if e.brand_names]
    assert len(platforms) == 1 and brand in platforms[0].brand_names[0]
    assert platforms[0].union is not None  # with the union to apply to


@pytest.mark.django_db
def test_paths_depths_and_counters_are_what_org_create_writes(seeded, system_scope):
    nodes = {o.pk: o for o in Org.objects.all()}
    children: dict[int, int] = {}
    for org in nodes.values():
        assert len(org.path) == org.depth * PATH_STEP
        if org.parent_id is not None:
            parent = nodes[org.parent_id]
            assert org.path.startswith(parent.path) and org.depth == parent.depth + 1
            children[parent.pk] = children.get(parent.pk, 0) + 1
    for org in nodes.values():
        assert org.numchild == children.get(org.pk, 0)
        assert org.child_seq >= org.numchild


@pytest.mark.django_db
def test_accounts_file_has_every_role_at_the_city_fangshan_and_shunyi(seeded, system_scope):
    staff = seeded.accounts["staff"]
    where = {(s["role"], s["org"]) for s in staff}
    for role in DEFAULT_ROLES:
        assert (role, "北京市总工会") in where
    # In the districts a mediator works at the mediation centre, a legal-aid officer at the
    # legal-service centre (their queues), everyone else at the district union.
    centres = {"mediator": "劳动争议调解中心", "legal_aid_officer": "总工会职工法律服务中心"}
    for district in ("房山区", "顺义区"):
        for role in DEFAULT_ROLES:
            assert (role, district + centres.get(role, "总工会")) in where
    for slug, district in (("fangshan", "110111"), ("shunyi", "110113")):
        account = next(s for s in staff if s["username"] == f"{slug}.g1.grassroots_staff")
        union = Org.objects.get(name=account["org"])
        assert union.kind in GRASSROOTS_KINDS and union.region_code.startswith(district)
    for account in staff:
        user = User.objects.get(username=account["username"])
        assert user.kind == UserKind.STAFF and user.check_password(account["password"])
        assert user.totp_device.confirmed_at is not None and user.totp_device.secret == account["totp_secret"]
        grant = RoleGrant.objects.select_related("org", "role").get(user=user)
        assert (grant.role.code, grant.org.name) == (account["role"], account["org"])
    # The printed table holds the same accounts.
    assert "fangshan.mediator" in seeded.output and staff[0]["totp_secret"] in seeded.output


@pytest.mark.django_db
def test_a_demo_staff_member_signs_in_with_password_and_totp(seeded, system_scope):
    account = next(s for s in seeded.accounts["staff"] if s["username"] == "fangshan.union_staff")
    user = signin_password(
        username=account["username"], password=account["password"], client_address="127.0.0.1"
    )
    code = pyotp.TOTP(account["totp_secret"]).now()
    assert second_factor_verify(user=user, code=code, client_address="127.0.0.1") == "totp"
    fangshan = Org.objects.get(name="房山区总工会")
    assert scope_for_user(User.objects.get(pk=user.pk)).prefixes == (fangshan.path,)


@pytest.mark.django_db
def test_demo_workers_sign_in_with_mobile_and_password(seeded, system_scope):
    workers = seeded.accounts["workers"]
    assert len(workers) >= 2
    for account in workers:
        user = signin_password(
            username=account["mobile"], password=account["password"], client_address="127.0.0.1"
        )
        assert user.kind == UserKind.WORKER and user.mobile == account["mobile"]
        assert user.display_name == account["display_name"]


@pytest.mark.django_db
def test_the_seed_is_deterministic(seeded, system_scope):
    first, second = demo.build_plan(scale="small"), demo.build_plan(scale="small")
    assert first == second
    assert demo.plan_accounts(first) == demo.plan_accounts(second)
    # The database holds exactly the plan.
    assert sorted(Org.objects.values_list("name", "region_code")) == sorted(
        (o.name, o.region_code) for o in first.orgs
    )
    assert sorted(Enterprise.objects.values_list("name", "credit_code")) == sorted(
        (e.name, e.credit_code) for e in first.enterprises
    )
    other = demo.build_plan(scale="small", seed=7)
    assert {e.credit_code for e in other.enterprises} != {e.credit_code for e in first.enterprises}


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_prints_the_same_accounts(seeded, system_scope):
    before = counts()
    (seeded.var_dir / "demo-accounts.json").unlink()
    out = StringIO()
    with override_settings(VAR_DIR=seeded.var_dir):
        call_command("seed_demo", "--scale", "small", stdout=out, stderr=StringIO())
    assert counts() == before
    assert "already seeded" in out.getvalue()
    again = json.loads((seeded.var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
    assert again == seeded.accounts


@pytest.mark.django_db
def test_the_audit_chain_verifies_after_seeding(seeded, system_scope):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    assert AuditEvent.objects.filter(action="org.create").count() == Org.objects.count()
    assert AuditEvent.objects.filter(action="enterprise.create").count() == Enterprise.objects.count()
    marker = AuditEvent.objects.get(action="demo.seed")
    assert marker.data["scale"] == "small"
    # The members are one record for the whole run, with counts and nothing personal.
    members = AuditEvent.objects.get(action="demo.members")
    assert members.data["counts"]["people"] == 3000
    assert set(members.data) == {"scale", "seed", "counts"}


# --- members --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_three_thousand_members_across_the_grassroots_unions(seeded, system_scope):
    generated = Person.objects.filter(user__isnull=True)
    assert generated.count() == 3000
    assert "Members added" in seeded.output and "3,000 people" in seeded.output
    # One membership each, in the union holding the record; nearly all active, a few otherwise.
    memberships = Membership.objects.filter(person__user__isnull=True)
    assert memberships.count() == 3000
    assert not memberships.exclude(org=F("person__org")).exists()
    by_status = dict(Counter(memberships.values_list("status", flat=True)))
    assert by_status[MembershipStatus.ACTIVE] > 2800
    for status in (MembershipStatus.APPLYING, MembershipStatus.RETAINED, MembershipStatus.LEFT):
        assert 10 <= by_status[status] <= 100, (status, by_status)
    # Every membership except an application has its own number; an application has a due date.
    numbers = list(memberships.exclude(status=MembershipStatus.APPLYING).values_list("number", flat=True))
    assert None not in numbers and len(set(numbers)) == len(numbers)
    assert not memberships.filter(status=MembershipStatus.APPLYING, due_date__isnull=True).exists()
    kinds = set(Org.objects.filter(people__isnull=False).values_list("kind", flat=True))
    assert kinds <= GRASSROOTS_KINDS
    assert Org.objects.filter(kind__in=GRASSROOTS_KINDS, people__isnull=False).distinct().count() > 300
    # About a tenth are new-employment-form workers in the direct-joining unions, through a platform.
    direct = generated.filter(org__accepts_direct_joining=True)
    assert 250 <= direct.count() <= 350
    assert set(direct.values_list("employment_form", flat=True)) <= set(NEW_EMPLOYMENT_FORMS)
    assert direct.filter(platform__is_platform=True).count() > direct.count() / 2
    # Everyone else works for an enterprise that their union covers.
    others = generated.filter(org__accepts_direct_joining=False)
    assert not others.exclude(employer__covering_union=F("org")).exists()
    assert set(others.values_list("employment_form", flat=True)) == {"standard", "dispatched", "part_time"}
    assert Person.occupation_tags.through.objects.count() > 100


@pytest.mark.django_db
def test_generated_id_numbers_and_mobiles_are_valid_unique_and_of_the_district(seeded, system_scope):
    people = list(Person.objects.select_related("org"))
    id_numbers = [p.id_number for p in people]
    mobiles = [p.mobile for p in people]
    assert len(set(id_numbers)) == len(people) and len(set(mobiles)) == len(people)
    for person, id_number, mobile in zip(people, id_numbers, mobiles, strict=True):
        assert id_number_error(id_number) is None, id_number
        assert id_number[:6] == person.org.region_code[:6]
        assert 1960 <= person.birth_date.year <= 2005
        assert id_number[6:14] == person.birth_date.strftime("%Y%m%d")
        assert person.sex == ("M" if int(id_number[16]) % 2 else "F")
        assert is_mobile(mobile) and mobile[1] in "3456789", mobile
        assert 2 <= len(person.real_name) <= 3 and person.real_name[0] in demo_members.SURNAMES
    # Found through the blind indexes, as staff search finds them.
    assert list(person_search(q=mobiles[7])) == [people[7]]
    assert list(person_search(q=id_numbers[11])) == [people[11]]


@pytest.mark.django_db
def test_the_raw_person_table_holds_no_plain_id_number_or_mobile(seeded, system_scope):
    people = {p.pk: p for p in Person.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_person")
        rows = cursor.fetchall()
    assert len(rows) == len(people)
    for row in rows:
        person = people[row[0]]
        raw = " ".join(str(value) for value in row)
        assert person.id_number not in raw and person.mobile not in raw
        assert person.id_number[6:] not in raw and person.mobile[3:] not in raw


@pytest.mark.django_db
def test_the_demo_workers_one_member_one_applicant_one_without(seeded, system_scope):
    member_account, applicant_account, newcomer_account = seeded.accounts["workers"][:3]
    member = Person.objects.get(user__username__isnull=False, real_name=member_account["display_name"])
    membership = member.memberships.get()
    assert membership.status == MembershipStatus.ACTIVE and membership.number
    assert member.user.mobile == member_account["mobile"] == member.mobile
    staff = next(s for s in seeded.accounts["staff"] if s["username"] == "fangshan.g1.grassroots_staff")
    assert membership.org.name == staff["org"]
    assert member.employer.covering_union == membership.org
    assert id_number_error(member.id_number) is None and member.sex == "M"
    assert card_verify(token=card_token(membership=membership)).result == "valid"
    applicant = Person.objects.get(real_name=applicant_account["display_name"], user__isnull=False)
    application = applicant.memberships.get()
    assert application.status == MembershipStatus.APPLYING and application.due_date is not None
    assert application.org.name == "房山区新就业形态劳动者联合工会" and application.org.accepts_direct_joining
    assert (
        applicant.employment_form == "food_delivery" and applicant.platform.name == "北京骑士即时物流有限公司"
    )
    assert applicant.sex == "F"
    newcomer = User.objects.get(display_name=newcomer_account["display_name"], kind=UserKind.WORKER)
    assert not Person.objects.filter(user=newcomer).exists()


@pytest.mark.django_db
def test_the_members_are_deterministic_from_the_seed(seeded, system_scope):
    plan = demo_members.plan_members(total=3000, seed=demo.DEFAULT_SEED)
    generator = demo_members._Generator(plan, demo.DEFAULT_SEED, timezone.now())
    first = generator.batch(0)
    again = demo_members._Generator(plan, demo.DEFAULT_SEED, timezone.now()).batch(0)
    assert [(m.real_name, m.id_number, m.mobile, m.org_id) for m in first] == [
        (m.real_name, m.id_number, m.mobile, m.org_id) for m in again
    ]
    stored = {
        p.id_number: (p.real_name, p.mobile, p.org_id) for p in Person.objects.filter(user__isnull=True)
    }
    assert all(stored[m.id_number] == (m.real_name, m.mobile, m.org_id) for m in first)
