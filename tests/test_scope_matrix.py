"""The scope matrix: persona × route × method × expected status, on the console and the API.

Every row names data that belongs to somebody else; the `tree` fixture creates it before the
request, and each row first checks that it exists, so a 404 means "hidden", not "absent". After a
refused write the row checks that nothing changed. Outside the scope is 404 (never 403); inside
the scope without the permission is 403. Later features add their rows here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from smartunion.accounts.models import RoleGrant
from smartunion.core.models import HolidayOverride
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import RosterImport
from smartunion.orgs.models import Enterprise, Org
from tests.conftest import staff_login
from tests.factories import totp_now


@dataclass(frozen=True)
class Row:
    persona: str
    end: str  # "console" | "api"
    method: str
    route: str  # formatted with the tree's objects
    expected: int
    target: str = ""  # attribute of the tree (or "grant:<persona>") that must exist before the request
    body: tuple = ()

    def __str__(self):
        return f"{self.persona} {self.method} {self.route} -> {self.expected}"


ORG_EDIT = (("name", "改名"), ("kind", "enterprise_union"), ("region_code", "110113"))
ENT_EDIT = (("name", "改名公司"),)
ROSTER_EXPORT_B = (("org", "{union_b.pk}"), ("content", "masked"), ("file_format", "xlsx"))
HOLIDAY_ADD = (("date", "2026-12-31"), ("kind", "off"), ("note", "越权"))
HOLIDAY_EDIT = (("date", "2027-03-01"), ("kind", "work"), ("note", "越权"))
HOLIDAY_NOTICE = (("year", "2027"), ("text", "越权 2027-03-01"), ("save", "1"))

MATRIX = [
    # --- console: a district cannot reach another district ------------------------------------
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_c.pk}/", 404, "union_c"),
    Row("fangshan_staff", "console", "GET", "/console/orgs/{shunyi.pk}/children/", 404, "shunyi"),
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_c.pk}/edit/", 404, "union_c"),
    Row("fangshan_staff", "console", "POST", "/console/orgs/{union_c.pk}/edit/", 404, "union_c", ORG_EDIT),
    Row("fangshan_staff", "console", "POST", "/console/orgs/{union_c.pk}/move/", 404, "union_c",
        (("parent", "{street_fs.pk}"),)),
    Row("fangshan_staff", "console", "POST", "/console/orgs/{union_c.pk}/delete/", 404, "union_c"),
    Row("fangshan_staff", "console", "GET", "/console/enterprises/{enterprise_c.pk}/", 404, "enterprise_c"),
    Row("fangshan_staff", "console", "POST", "/console/enterprises/{enterprise_c.pk}/edit/", 404, "enterprise_c",
        ENT_EDIT),
    Row("fangshan_staff", "console", "POST", "/console/enterprises/{enterprise_c.pk}/delete/", 404, "enterprise_c"),
    Row("shunyi_staff", "console", "GET", "/console/orgs/{union_a.pk}/", 404, "union_a"),
    Row("fangshan_admin", "console", "POST", "/console/roles/{grant_shunyi_staff.pk}/revoke/", 404,
        "grant_shunyi_staff", (("confirm", "Staff-Pass-2026!"),)),
    Row("fangshan_admin", "console", "POST", "/console/staff/{staff_shunyi.pk}/reset-authenticator/", 404,
        "staff_shunyi", (("confirm", "Staff-Pass-2026!"),)),
    # --- console: a grassroots union cannot reach its sibling ---------------------------------
    Row("union_a_staff", "console", "GET", "/console/orgs/{union_b.pk}/", 404, "union_b"),
    Row("union_a_staff", "console", "GET", "/console/enterprises/{enterprise_b.pk}/", 404, "enterprise_b"),
    Row("union_a_staff", "console", "POST", "/console/enterprises/{enterprise_b.pk}/edit/", 404, "enterprise_b",
        ENT_EDIT),
    Row("union_a_staff", "console", "POST", "/console/enterprises/{enterprise_b.pk}/delete/", 404, "enterprise_b"),
    Row("union_a_staff", "console", "GET", "/console/orgs/{street_fs.pk}/", 404, "street_fs"),
    # --- a wider scope (cockpit on the city) gives no wider rights: 403 on records it now reaches -
    Row("union_a_widened", "console", "GET", "/console/orgs/{union_c.pk}/", 403, "union_c"),
    Row("union_a_widened", "console", "GET", "/console/enterprises/{enterprise_c.pk}/", 403, "enterprise_c"),
    Row("union_a_widened", "console", "POST", "/console/enterprises/{enterprise_c.pk}/edit/", 403, "enterprise_c",
        ENT_EDIT),
    Row("union_a_widened", "api", "GET", "/api/v1/enterprises/{enterprise_c.pk}", 403, "enterprise_c"),
    Row("union_a_widened", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 200, "enterprise_a"),
    # --- console: inside the scope, without the permission: 403 -------------------------------
    Row("fangshan_viewer", "console", "GET", "/console/orgs/{union_a.pk}/edit/", 403, "union_a"),
    Row("fangshan_viewer", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 403, "enterprise_a"),
    Row("union_a_staff", "console", "POST", "/console/enterprises/{enterprise_a.pk}/delete/", 403, "enterprise_a"),
    Row("union_a_staff", "console", "POST", "/console/orgs/{union_a.pk}/edit/", 403, "union_a", ORG_EDIT),
    Row("fangshan_staff", "console", "GET", "/console/audit/", 403),
    # --- console: positive controls (the same routes work inside the scope) -------------------
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_a.pk}/", 200, "union_a"),
    Row("union_a_staff", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 200, "enterprise_a"),
    Row("city_admin", "console", "GET", "/console/orgs/{union_c.pk}/", 200, "union_c"),
    Row("auditor", "console", "GET", "/console/audit/", 200),
    # --- console: members, applications, transfers (data made by _member_objects) -----------
    Row("union_a_staff", "console", "GET", "/console/members/{person_b.pk}/", 404, "person_b"),
    Row("union_a_staff", "console", "POST", "/console/members/{person_b.pk}/unmask/", 404, "person_b",
        (("field", "id_number"),)),
    Row("union_a_staff", "console", "POST", "/console/members/{person_b.pk}/status/", 404, "person_b",
        (("to", "suspended"), ("reason", "越权"))),
    Row("union_a_staff", "console", "POST", "/console/members/{person_b.pk}/edit/", 404, "person_b",
        (("real_name", "改名"), ("employment_form", "courier"))),
    Row("union_a_staff", "console", "POST", "/console/members/{person_b.pk}/transfer/", 404, "person_b",
        (("to_org", "{union_a.pk}"),)),
    Row("union_a_staff", "console", "GET", "/console/applications/{application_b.pk}/", 404, "application_b"),
    Row("union_a_staff", "console", "POST", "/console/applications/{application_b.pk}/", 404, "application_b",
        (("decision", "approve"),)),
    Row("union_a_staff", "console", "GET", "/console/transfers/{transfer_b.pk}/", 404, "transfer_b"),
    Row("union_a_staff", "console", "POST", "/console/transfers/{transfer_b.pk}/", 404, "transfer_b",
        (("decision", "approve"),)),
    Row("fangshan_staff", "console", "GET", "/console/members/{person_c.pk}/", 404, "person_c"),
    Row("fangshan_staff", "console", "POST", "/console/members/{person_c.pk}/status/", 404, "person_c",
        (("to", "left"), ("reason", "越权"))),
    Row("fangshan_admin", "console", "POST", "/console/members/{person_c.pk}/unmask/", 404, "person_c",
        (("field", "mobile"),)),
    Row("fangshan_staff", "console", "GET", "/console/applications/{application_c.pk}/", 404, "application_c"),
    Row("fangshan_staff", "console", "POST", "/console/applications/{application_c.pk}/", 404, "application_c",
        (("decision", "reject"), ("reason", "越权"))),
    Row("shunyi_staff", "console", "GET", "/console/transfers/{transfer_fs.pk}/", 404, "transfer_fs"),
    Row("shunyi_staff", "console", "POST", "/console/transfers/{transfer_fs.pk}/", 404, "transfer_fs",
        (("decision", "approve"),)),
    # inside the scope, without the flag: 403
    Row("fangshan_viewer", "console", "GET", "/console/members/{person_a.pk}/", 403, "person_a"),
    Row("fangshan_viewer", "console", "GET", "/console/applications/{application_b.pk}/", 403, "application_b"),
    Row("union_a_staff", "console", "POST", "/console/members/{person_a.pk}/unmask/", 403, "person_a",
        (("field", "id_number"),)),
    Row("fangshan_staff", "console", "POST", "/console/members/{person_a.pk}/unmask/", 403, "person_a",
        (("field", "mobile"),)),
    Row("union_a_staff", "console", "POST", "/console/transfers/{transfer_b_from_a.pk}/", 403, "transfer_b_from_a",
        (("decision", "approve"),)),
    # positive controls
    Row("union_a_staff", "console", "GET", "/console/members/{person_a.pk}/", 200, "person_a"),
    Row("fangshan_staff", "console", "GET", "/console/members/{person_b.pk}/", 200, "person_b"),
    Row("fangshan_staff", "console", "GET", "/console/applications/{application_b.pk}/", 200, "application_b"),
    Row("union_a_staff", "console", "GET", "/console/transfers/{transfer_fs.pk}/", 200, "transfer_fs"),
    Row("shunyi_staff", "console", "GET", "/console/transfers/{transfer_b.pk}/", 200, "transfer_b"),
    Row("city_admin", "console", "GET", "/console/members/{person_c.pk}/", 200, "person_c"),
    # --- console: roster import and export (data made by _member_objects) -------------------
    Row("union_a_staff", "console", "GET", "/console/roster/imports/{roster_import_b.pk}/", 404, "roster_import_b"),
    Row("union_a_staff", "console", "POST", "/console/roster/imports/{roster_import_b.pk}/", 404, "roster_import_b"),
    Row("union_a_staff", "console", "GET", "/console/roster/?org={union_b.pk}", 404, "union_b"),
    Row("union_a_staff", "console", "POST", "/console/roster/", 404, "union_b", (("org", "{union_b.pk}"),)),
    Row("union_a_staff", "console", "POST", "/console/roster/export/", 404, "person_b", ROSTER_EXPORT_B),
    Row("fangshan_staff", "console", "POST", "/console/roster/export/", 404, "person_c",
        (("org", "{union_c.pk}"), ("content", "masked"), ("file_format", "xlsx"))),
    Row("shunyi_staff", "console", "GET", "/console/roster/imports/{roster_import_a.pk}/", 404, "roster_import_a"),
    Row("fangshan_viewer", "console", "GET", "/console/roster/imports/{roster_import_a.pk}/", 403, "roster_import_a"),
    Row("fangshan_viewer", "console", "GET", "/console/roster/", 403),
    Row("union_a_staff", "console", "GET", "/console/roster/imports/{roster_import_a.pk}/", 200, "roster_import_a"),
    Row("fangshan_staff", "console", "GET", "/console/roster/imports/{roster_import_a.pk}/", 200, "roster_import_a"),
    Row("fangshan_staff", "console", "GET", "/console/roster/export/?org={union_b.pk}", 200, "union_b"),
    # --- API ----------------------------------------------------------------------------------
    Row("fangshan_staff", "api", "GET", "/api/v1/orgs/{union_c.pk}", 404, "union_c"),
    Row("fangshan_staff", "api", "GET", "/api/v1/enterprises/{enterprise_c.pk}", 404, "enterprise_c"),
    Row("fangshan_staff", "api", "PATCH", "/api/v1/enterprises/{enterprise_c.pk}", 404, "enterprise_c", ENT_EDIT),
    Row("fangshan_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_c.pk}", 404, "enterprise_c"),
    Row("union_a_staff", "api", "GET", "/api/v1/orgs/{union_b.pk}", 404, "union_b"),
    Row("union_a_staff", "api", "GET", "/api/v1/enterprises/{enterprise_b.pk}", 404, "enterprise_b"),
    Row("union_a_staff", "api", "PATCH", "/api/v1/enterprises/{enterprise_b.pk}", 404, "enterprise_b", ENT_EDIT),
    Row("union_a_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_b.pk}", 404, "enterprise_b"),
    Row("fangshan_viewer", "api", "GET", "/api/v1/enterprises/{enterprise_a.pk}", 403, "enterprise_a"),
    Row("union_a_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_a.pk}", 403, "enterprise_a"),
    Row("fangshan_staff", "api", "GET", "/api/v1/orgs/{union_a.pk}", 200, "union_a"),
    Row("union_a_staff", "api", "GET", "/api/v1/enterprises/{enterprise_a.pk}", 200, "enterprise_a"),
    # --- API: members, applications, transfers (data made by _member_objects) ---------------
    Row("union_a_staff", "api", "GET", "/api/v1/members/{person_b.pk}", 404, "person_b"),
    Row("union_a_staff", "api", "POST", "/api/v1/members/{person_b.pk}/unmask", 404, "person_b",
        (("field", "id_number"),)),
    Row("union_a_staff", "api", "POST", "/api/v1/applications/{application_b.pk}/decision", 404, "application_b",
        (("approve", "true"),)),
    Row("union_a_staff", "api", "POST", "/api/v1/transfers/{transfer_b.pk}/decision", 404, "transfer_b",
        (("approve", "true"),)),
    Row("fangshan_staff", "api", "GET", "/api/v1/members/{person_c.pk}", 404, "person_c"),
    Row("fangshan_staff", "api", "POST", "/api/v1/applications/{application_c.pk}/decision", 404, "application_c",
        (("approve", "false"), ("reason", "越权"))),
    Row("shunyi_staff", "api", "POST", "/api/v1/transfers/{transfer_fs.pk}/decision", 404, "transfer_fs",
        (("approve", "true"),)),
    # a person named in the body that the caller cannot see reads like one that does not exist
    Row("union_a_staff", "api", "POST", "/api/v1/transfers", 422, "person_b",
        (("person", "{person_b.pk}"), ("to_org", "{union_a.pk}"))),
    # inside the scope, without the flag: 403
    Row("fangshan_viewer", "api", "GET", "/api/v1/members/{person_a.pk}", 403, "person_a"),
    Row("fangshan_viewer", "api", "GET", "/api/v1/members", 403),
    Row("fangshan_viewer", "api", "POST", "/api/v1/applications/{application_b.pk}/decision", 403, "application_b",
        (("approve", "true"),)),
    Row("fangshan_staff", "api", "POST", "/api/v1/members/{person_a.pk}/unmask", 403, "person_a",
        (("field", "mobile"),)),
    Row("union_a_staff", "api", "POST", "/api/v1/transfers/{transfer_b_from_a.pk}/decision", 403,
        "transfer_b_from_a", (("approve", "true"),)),
    # positive controls
    Row("union_a_staff", "api", "GET", "/api/v1/members/{person_a.pk}", 200, "person_a"),
    Row("fangshan_staff", "api", "GET", "/api/v1/members/{person_b.pk}", 200, "person_b"),
    Row("city_admin", "api", "GET", "/api/v1/members/{person_c.pk}", 200, "person_c"),
    Row("city_admin", "api", "POST", "/api/v1/members/{person_c.pk}/unmask", 200, "person_c",
        (("field", "mobile"),)),
    # --- after the membership review: searching by POST, cancelling a transfer -----------------
    Row("union_a_staff", "console", "POST", "/console/transfers/{transfer_b.pk}/cancel/", 404, "transfer_b"),
    Row("shunyi_staff", "console", "POST", "/console/transfers/{transfer_fs.pk}/cancel/", 404, "transfer_fs"),
    Row("fangshan_viewer", "console", "POST", "/console/transfers/{transfer_fs.pk}/cancel/", 403, "transfer_fs"),
    Row("union_a_staff", "api", "POST", "/api/v1/transfers/{transfer_b.pk}/cancel", 404, "transfer_b"),
    Row("shunyi_staff", "api", "POST", "/api/v1/transfers/{transfer_fs.pk}/cancel", 404, "transfer_fs"),
    Row("fangshan_viewer", "api", "POST", "/api/v1/transfers/{transfer_fs.pk}/cancel", 403, "transfer_fs"),
    Row("fangshan_viewer", "api", "POST", "/api/v1/members/search", 403, "", (("q", "乙"),)),
    # --- activation: linking a record is for a worker's own account; a staff token, whatever its
    # scope, claims nobody's record through it (and the record stays without an account)
    Row("union_a_staff", "api", "POST", "/api/v1/me/membership/link", 403, "person_b",
        (("mobile", "{person_b.mobile}"), ("code", "123456"))),
    Row("city_admin", "api", "POST", "/api/v1/me/membership/link", 403, "person_a",
        (("mobile", "{person_a.mobile}"), ("code", "123456"))),
    Row("union_a_staff", "api", "POST", "/api/v1/me/membership/link/code", 403, "person_a",
        (("mobile", "{person_a.mobile}"),)),
    # --- the sign-in number is a worker's own: no staff token moves an account to a member's number
    Row("union_a_staff", "api", "POST", "/api/v1/me/mobile/code", 403, "person_a",
        (("mobile", "{person_a.mobile}"),)),
    Row("city_admin", "api", "POST", "/api/v1/me/mobile", 403, "person_a",
        (("password", "Staff-Pass-2026!"), ("mobile", "{person_a.mobile}"), ("code", "123456"))),
    Row("union_a_staff", "api", "POST", "/api/v1/members/search", 422, "person_b", (("org", "{union_b.pk}"),)),
    # --- console: the holiday calendar belongs to the whole installation: no subtree hides it, so
    # whoever lacks calendar.change on a top-level node gets 403 on every route, existing row or not
    # (a district's federation administrator holds the flag, but only on the district).
    Row("fangshan_admin", "console", "GET", "/console/calendar/", 403),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/new/", 403, "holiday_override",
        HOLIDAY_ADD),
    Row("fangshan_admin", "console", "GET", "/console/calendar/overrides/{holiday_override.pk}/edit/", 403,
        "holiday_override"),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/{holiday_override.pk}/edit/", 403,
        "holiday_override", HOLIDAY_EDIT),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/{holiday_override.pk}/delete/", 403,
        "holiday_override"),
    Row("fangshan_admin", "console", "POST", "/console/calendar/notice/", 403, "holiday_override", HOLIDAY_NOTICE),
    Row("fangshan_admin", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/999999/delete/", 403),
    Row("auditor", "console", "GET", "/console/calendar/", 403),  # on the root, without the flag
    Row("union_a_widened", "console", "POST", "/console/calendar/overrides/{holiday_override.pk}/edit/", 403,
        "holiday_override", HOLIDAY_EDIT),
    Row("union_a_staff", "console", "POST", "/console/calendar/overrides/{holiday_override.pk}/delete/", 403,
        "holiday_override"),
    Row("fangshan_staff", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"),
    # positive controls
    Row("city_admin", "console", "GET", "/console/calendar/", 200),
    Row("city_admin", "console", "GET", "/console/calendar/overrides/{holiday_override.pk}/edit/", 200,
        "holiday_override"),
    Row("city_admin", "console", "GET", "/console/calendar/notice/2027/delete/", 200, "holiday_override"),
]


def _objects(tree, personas):
    objects = dict(vars(tree))
    with scopes_disabled():
        objects["grant_shunyi_staff"] = RoleGrant.objects.get(user=personas["shunyi_staff"])
    objects["staff_shunyi"] = personas["shunyi_staff"]
    # A date of an entered notice: what a refused edit or delete must leave as it is.
    objects["holiday_override"] = HolidayOverride.objects.create(
        date=date(2027, 1, 1), is_workday=False, note="矩阵元旦", notice_year=2027
    )
    return objects


MEMBER_KEYS = ("person_", "application_", "transfer_", "roster_import_")


def _member_objects(tree) -> dict:
    """People, applications and transfers on both sides of each boundary (members' rows only)."""
    from smartunion.members.services import join_apply, transfer_request
    from tests.factories import StaffFactory, WorkerFactory, make_id_number, make_person

    mover = StaffFactory(username="matrix.mover", home_org=tree.city, roles=[("federation_admin", tree.city)])
    objects = {}
    objects["person_a"], _m = make_person(org=tree.union_a, real_name="甲会员")
    objects["person_b"], _m = make_person(org=tree.union_b, real_name="乙会员")
    objects["person_c"], _m = make_person(org=tree.union_c, real_name="丙会员")
    for key, org, employer, name in (
        ("application_b", tree.union_b, tree.enterprise_b, "乙申请人"),
        ("application_c", tree.union_c, tree.enterprise_c, "丙申请人"),
    ):
        data = {"real_name": name, "id_number": make_id_number(), "employer": employer}
        objects[key] = join_apply(user=WorkerFactory(), org=org, data=data)
    with scopes_disabled():
        for key, org, to_org, name in (
            ("transfer_b", tree.union_b, tree.union_c, "乙转会人"),  # union_b -> union_c: not union_a's
            ("transfer_fs", tree.union_b, tree.union_a, "房山转会人"),  # inside Fangshan: not Shunyi's
            ("transfer_b_from_a", tree.union_a, tree.union_b, "甲转出人"),  # union_a only sends it
        ):
            person, _m = make_person(org=org, real_name=name)
            objects[key] = transfer_request(actor=mover, person=person, to_org=to_org)
        for key, org in (("roster_import_a", tree.union_a), ("roster_import_b", tree.union_b)):
            objects[key] = RosterImport.objects.create(
                org=org, original_filename=f"{org.name}名册.xlsx", file_format="xlsx", status="ready", total_rows=1
            )
    return objects


def _leak_names(target) -> list[str]:
    """Names that a refused response must not show."""
    if isinstance(target, Org | Enterprise):
        return [target.name]
    if isinstance(target, HolidayOverride):
        return [target.note]
    with scopes_disabled():
        person = getattr(target, "person", None) or target
        return [person.real_name] if hasattr(person, "real_name") else []


def _snapshot(obj):
    with scopes_disabled():
        model = type(obj)
        row = model.objects.filter(pk=obj.pk).values().first()
    return row


def _api_token(client, user) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "Staff-Pass-2026!", "otp": totp_now(user)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_scope_matrix(row, tree, personas, client):
    objects = _objects(tree, personas)
    if any(key in row.route or row.target.startswith(key) for key in MEMBER_KEYS):
        objects.update(_member_objects(tree))
    target = objects.get(row.target) if row.target else None
    before = _snapshot(target) if target is not None else None
    if target is not None:
        assert before is not None, "the data that could leak must exist before the request"
    route = row.route.format(**objects)
    body = {k: v.format(**objects) for k, v in row.body}
    user = personas[row.persona]
    if row.end == "console":
        staff_login(client, user)
        response = client.generic(row.method, route, data=_urlencode(body),
                                  content_type="application/x-www-form-urlencoded")
    else:
        token = _api_token(client, user)
        response = client.generic(row.method, route, data=__import__("json").dumps(body) if body else "",
                                  content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == row.expected, response.content[:500]
    if row.expected in (403, 404):
        # Nothing leaked and nothing changed.
        content = response.content.decode()
        if target is not None:
            assert not any(name in content for name in _leak_names(target))
        if target is not None:
            assert _snapshot(target) == before
        if row.end == "api":
            assert set(response.json()) >= {"code", "message", "fields"}


def _urlencode(body: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(body)


@pytest.mark.parametrize(
    "persona, route, hidden",
    [
        ("fangshan_staff", "/console/enterprises/?q=公司", "丙餐饮有限公司"),
        ("union_a_staff", "/console/enterprises/?q=公司", "乙科技有限公司"),
        ("fangshan_staff", "/console/orgs/?q=工会", "丙公司工会"),
        ("union_a_staff", "/console/orgs/?q=工会", "乙公司工会"),
        ("fangshan_staff", "/console/roles/", "shunyi.staff"),
        ("auditor", "/console/orgs/?q=工会", ""),
        ("union_a_widened", "/console/enterprises/?q=公司", "丙餐饮有限公司"),
        ("union_a_widened", "/console/orgs/?q=工会", "丙公司工会"),
    ],
)
def test_console_lists_show_only_the_scope(persona, route, hidden, tree, personas, client):
    staff_login(client, personas[persona])
    response = client.get(route)
    assert response.status_code == 200
    if hidden:
        assert hidden not in response.content.decode()


@pytest.mark.parametrize(
    "persona, route, hidden, visible",
    [
        ("union_a_staff", "/console/members/", "乙会员", "甲会员"),
        ("union_a_staff", "/console/members/?q=乙", "乙会员", ""),
        ("fangshan_staff", "/console/members/", "丙会员", "乙会员"),
        ("shunyi_staff", "/console/members/", "甲会员", "丙会员"),
        ("union_a_staff", "/console/applications/", "乙申请人", ""),
        ("fangshan_staff", "/console/applications/", "丙申请人", "乙申请人"),
        ("union_a_staff", "/console/transfers/", "乙转会人", "房山转会人"),
        ("shunyi_staff", "/console/transfers/", "房山转会人", "乙转会人"),
    ],
)
def test_console_member_lists_show_only_the_scope(persona, route, hidden, visible, tree, personas, client):
    objects = _member_objects(tree)
    assert hidden in {n for o in objects.values() for n in _leak_names(o)}, "the data that could leak must exist"
    staff_login(client, personas[persona])
    content = client.get(route).content.decode()
    assert hidden not in content
    if visible:
        assert visible in content


@pytest.mark.parametrize(
    "persona, route, hidden, visible",
    [
        ("fangshan_staff", "/api/v1/enterprises?q=公司", "丙餐饮有限公司", "甲物流有限公司"),
        ("union_a_staff", "/api/v1/enterprises?q=公司", "乙科技有限公司", "甲物流有限公司"),
        ("fangshan_staff", "/api/v1/orgs?q=工会", "丙公司工会", "乙公司工会"),
        ("union_a_staff", "/api/v1/orgs?q=工会", "乙公司工会", "甲公司工会"),
    ],
)
def test_api_lists_show_only_the_scope(persona, route, hidden, visible, tree, personas, client):
    token = _api_token(client, personas[persona])
    response = client.get(route, HTTP_AUTHORIZATION=f"Bearer {token}")
    names = [item["name"] for item in response.json()["items"]]
    assert visible in names and hidden not in names


@pytest.mark.parametrize(
    "persona, route, hidden, visible",
    [
        ("union_a_staff", "/api/v1/members", "乙会员", "甲会员"),
        ("union_a_staff", "/api/v1/members?q=乙", "乙会员", ""),
        ("fangshan_staff", "/api/v1/members", "丙会员", "乙会员"),
        ("shunyi_staff", "/api/v1/members", "甲会员", "丙会员"),
        ("union_a_staff", "/api/v1/applications", "乙申请人", ""),
        ("fangshan_staff", "/api/v1/applications", "丙申请人", "乙申请人"),
        ("union_a_staff", "/api/v1/transfers", "乙转会人", "房山转会人"),
        ("shunyi_staff", "/api/v1/transfers", "房山转会人", "乙转会人"),
    ],
)
def test_api_member_lists_show_only_the_scope(persona, route, hidden, visible, tree, personas, client):
    objects = _member_objects(tree)
    with scopes_disabled():
        assert any(getattr(o, "real_name", None) == hidden or getattr(getattr(o, "person", None), "real_name", None)
                   == hidden for o in objects.values()), "the data that could leak must exist"
    token = _api_token(client, personas[persona])
    items = client.get(route, HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"]
    names = [item.get("real_name") or item["person"]["real_name"] for item in items]
    assert hidden not in names
    if visible:
        assert visible in names
