from __future__ import annotations

from dataclasses import dataclass

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind
from tests.factories import EnterpriseFactory, OrgFactory, StaffFactory, WorkerFactory
from tests.realserver import real_server  # noqa: F401  (the fixture, for every test module)


@pytest.fixture(autouse=True)
def _english_free_defaults(settings):
    # Tests read the product in its default language (zh-Hans) unless they switch.
    settings.LANGUAGE_CODE = "zh-hans"


@dataclass
class Tree:
    """city ─┬─ fangshan ── street_fs ─┬─ union_a (enterprise union) ── enterprise_a
    │                         └─ union_b (sibling)          ── enterprise_b
    ├─ shunyi ─── street_sy ─── union_c                    ── enterprise_c
    └─ mediation centre under fangshan"""

    city: Org
    fangshan: Org
    shunyi: Org
    street_fs: Org
    street_sy: Org
    union_a: Org
    union_b: Org
    union_c: Org
    mediation_fs: Org
    enterprise_a: object
    enterprise_b: object
    enterprise_c: object


@pytest.fixture
def tree(db) -> Tree:
    city = OrgFactory(name="北京市总工会", kind=OrgKind.CITY_FEDERATION, region_code="110000")
    fangshan = OrgFactory(name="房山区总工会", kind=OrgKind.DISTRICT_UNION, region_code="110111", parent=city)
    shunyi = OrgFactory(name="顺义区总工会", kind=OrgKind.DISTRICT_UNION, region_code="110113", parent=city)
    street_fs = OrgFactory(
        name="拱辰街道总工会", kind=OrgKind.STREET_UNION, region_code="110111004", parent=fangshan
    )
    street_sy = OrgFactory(
        name="胜利街道总工会", kind=OrgKind.STREET_UNION, region_code="110113001", parent=shunyi
    )
    union_a = OrgFactory(name="甲公司工会", parent=street_fs, region_code="110111")
    union_b = OrgFactory(name="乙公司工会", parent=street_fs, region_code="110111")
    union_c = OrgFactory(name="丙公司工会", parent=street_sy, region_code="110113")
    mediation_fs = OrgFactory(
        name="房山区劳动争议调解中心", kind=OrgKind.MEDIATION_CENTRE, region_code="110111", parent=fangshan
    )
    ent_a = EnterpriseFactory(name="甲物流有限公司", org=union_a, covering_union=union_a)
    ent_b = EnterpriseFactory(name="乙科技有限公司", org=union_b, covering_union=union_b)
    ent_c = EnterpriseFactory(name="丙餐饮有限公司", org=union_c, covering_union=union_c)
    return Tree(
        city,
        fangshan,
        shunyi,
        street_fs,
        street_sy,
        union_a,
        union_b,
        union_c,
        mediation_fs,
        ent_a,
        ent_b,
        ent_c,
    )


@pytest.fixture
def personas(tree):
    """One staff account per persona used by the scope matrix and the console tests."""
    return {
        "city_admin": StaffFactory(
            username="city.admin", home_org=tree.city, roles=[("federation_admin", tree.city)]
        ),
        "fangshan_admin": StaffFactory(
            username="fangshan.admin", home_org=tree.fangshan, roles=[("federation_admin", tree.fangshan)]
        ),
        "fangshan_staff": StaffFactory(
            username="fangshan.staff", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
        ),
        "shunyi_staff": StaffFactory(
            username="shunyi.staff", home_org=tree.shunyi, roles=[("union_staff", tree.shunyi)]
        ),
        "union_a_staff": StaffFactory(
            username="union_a.staff", home_org=tree.union_a, roles=[("grassroots_staff", tree.union_a)]
        ),
        "fangshan_viewer": StaffFactory(
            username="fangshan.viewer", home_org=tree.fangshan, roles=[("cockpit_viewer", tree.fangshan)]
        ),
        "auditor": StaffFactory(
            username="city.auditor", home_org=tree.city, roles=[("audit_admin", tree.city)]
        ),
        # A grassroots union's staff who also reads the city's cockpit: a wider scope, no wider rights.
        "union_a_widened": StaffFactory(
            username="union_a.widened",
            home_org=tree.union_a,
            roles=[("grassroots_staff", tree.union_a), ("cockpit_viewer", tree.city)],
        ),
        # Two roles from the security trial (issue 7): 甲公司工会's clerk who also reads 房山's cockpit.
        # Their scope reaches the whole district; every list still shows only 甲公司工会's records.
        "union_a_fs_cockpit": StaffFactory(
            username="union_a.fs_cockpit",
            home_org=tree.union_a,
            roles=[("grassroots_staff", tree.union_a), ("cockpit_viewer", tree.fangshan)],
        ),
    }


def staff_login(client, user):
    """A signed-in console session, as after password and second factor."""
    client.force_login(user)
    session = client.session
    session["otp_verified"] = True
    session.save()
    return client


@pytest.fixture
def case_world(tree, settings, tmp_path):
    """Mediation and legal-service centres in 房山 and 顺义, their staff, employers and workers
    (tests/factories/cases.py); case files go to a temporary directory."""
    from tests.factories.cases import make_case_world

    settings.CASE_FILES_DIR = tmp_path / "case-files"
    return make_case_world(tree)


@pytest.fixture
def staff_client(client):
    return lambda user: staff_login(client, user)


@pytest.fixture
def worker(db):
    return WorkerFactory()


@pytest.fixture
def system_scope():
    with scopes_disabled() as active:
        yield active


def restore_migration_data():
    """Transactional tests flush every table, data migrations' rows included; a later
    transactional test puts the roles and occupation tags back with the migrations' own code."""
    import importlib

    from django.apps import apps

    importlib.import_module("smartunion.accounts.migrations.0002_default_roles").forwards(apps, None)

    class _Editor:  # the data half of members.0002 only
        class connection:  # noqa: N801
            vendor = "none"

    importlib.import_module("smartunion.members.migrations.0002_name_collation_and_tags").forwards(
        apps, _Editor
    )


@pytest.fixture
def default_roles(transactional_db):
    restore_migration_data()


def as_staff(user):
    """The scope a request by ``user`` runs in (what ScopeMiddleware activates)."""
    from smartunion.accounts.permissions import scope_for_user
    from smartunion.core.scoping import activate

    return activate(scope_for_user(user))


CALENDAR_TODAY = __import__("datetime").date(2026, 11, 25)


@pytest.fixture
def november_2026(monkeypatch):
    """Today is 2026-11-25 and the holiday package knows the years up to 2026 (as chinese-calendar
    1.11 does), whatever the real clock and the installed release say: 2027's notice is due."""
    from django.utils import timezone

    from smartunion.holidays import calendar

    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return CALENDAR_TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    monkeypatch.setattr(calendar, "PACKAGE_LAST_YEAR", 2026)
    return CALENDAR_TODAY
