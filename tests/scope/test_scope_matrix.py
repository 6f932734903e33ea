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
from tests.factories import make_person, totp_now


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
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/orgs/{union_c.pk}/move/",
        404,
        "union_c",
        (("parent", "{street_fs.pk}"),),
    ),
    Row("fangshan_staff", "console", "POST", "/console/orgs/{union_c.pk}/delete/", 404, "union_c"),
    Row("fangshan_staff", "console", "GET", "/console/enterprises/{enterprise_c.pk}/", 404, "enterprise_c"),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/enterprises/{enterprise_c.pk}/edit/",
        404,
        "enterprise_c",
        ENT_EDIT,
    ),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/enterprises/{enterprise_c.pk}/delete/",
        404,
        "enterprise_c",
    ),
    Row("shunyi_staff", "console", "GET", "/console/orgs/{union_a.pk}/", 404, "union_a"),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/roles/{grant_shunyi_staff.pk}/revoke/",
        404,
        "grant_shunyi_staff",
        (("confirm", "Staff-Pass-2026!"),),
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/staff/{staff_shunyi.pk}/reset-authenticator/",
        404,
        "staff_shunyi",
        (("confirm", "Staff-Pass-2026!"),),
    ),
    # --- console: a grassroots union cannot reach its sibling ---------------------------------
    Row("union_a_staff", "console", "GET", "/console/orgs/{union_b.pk}/", 404, "union_b"),
    Row("union_a_staff", "console", "GET", "/console/enterprises/{enterprise_b.pk}/", 404, "enterprise_b"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/enterprises/{enterprise_b.pk}/edit/",
        404,
        "enterprise_b",
        ENT_EDIT,
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/enterprises/{enterprise_b.pk}/delete/",
        404,
        "enterprise_b",
    ),
    Row("union_a_staff", "console", "GET", "/console/orgs/{street_fs.pk}/", 404, "street_fs"),
    # --- a wider scope (cockpit on the city) gives no wider rights: 403 on records it now reaches -
    Row("union_a_widened", "console", "GET", "/console/orgs/{union_c.pk}/", 403, "union_c"),
    Row("union_a_widened", "console", "GET", "/console/enterprises/{enterprise_c.pk}/", 403, "enterprise_c"),
    Row(
        "union_a_widened",
        "console",
        "POST",
        "/console/enterprises/{enterprise_c.pk}/edit/",
        403,
        "enterprise_c",
        ENT_EDIT,
    ),
    Row("union_a_widened", "api", "GET", "/api/v1/enterprises/{enterprise_c.pk}", 403, "enterprise_c"),
    Row("union_a_widened", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 200, "enterprise_a"),
    # --- console: inside the scope, without the permission: 403 -------------------------------
    Row("fangshan_viewer", "console", "GET", "/console/orgs/{union_a.pk}/edit/", 403, "union_a"),
    Row("fangshan_viewer", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 403, "enterprise_a"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/enterprises/{enterprise_a.pk}/delete/",
        403,
        "enterprise_a",
    ),
    Row("union_a_staff", "console", "POST", "/console/orgs/{union_a.pk}/edit/", 403, "union_a", ORG_EDIT),
    Row("fangshan_staff", "console", "GET", "/console/audit/", 403),
    # --- console: positive controls (the same routes work inside the scope) -------------------
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_a.pk}/", 200, "union_a"),
    Row("union_a_staff", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 200, "enterprise_a"),
    Row("city_admin", "console", "GET", "/console/orgs/{union_c.pk}/", 200, "union_c"),
    Row("auditor", "console", "GET", "/console/audit/", 200),
    # --- console: members, applications, transfers (data made by _member_objects) -----------
    Row("union_a_staff", "console", "GET", "/console/members/{person_b.pk}/", 404, "person_b"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/members/{person_b.pk}/unmask/",
        404,
        "person_b",
        (("field", "id_number"),),
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/members/{person_b.pk}/status/",
        404,
        "person_b",
        (("to", "suspended"), ("reason", "越权")),
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/members/{person_b.pk}/edit/",
        404,
        "person_b",
        (("real_name", "改名"), ("employment_form", "courier")),
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/members/{person_b.pk}/transfer/",
        404,
        "person_b",
        (("to_org", "{union_a.pk}"),),
    ),
    Row("union_a_staff", "console", "GET", "/console/applications/{application_b.pk}/", 404, "application_b"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/applications/{application_b.pk}/",
        404,
        "application_b",
        (("decision", "approve"),),
    ),
    Row("union_a_staff", "console", "GET", "/console/transfers/{transfer_b.pk}/", 404, "transfer_b"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/transfers/{transfer_b.pk}/",
        404,
        "transfer_b",
        (("decision", "approve"),),
    ),
    Row("fangshan_staff", "console", "GET", "/console/members/{person_c.pk}/", 404, "person_c"),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/members/{person_c.pk}/status/",
        404,
        "person_c",
        (("to", "left"), ("reason", "越权")),
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/members/{person_c.pk}/unmask/",
        404,
        "person_c",
        (("field", "mobile"),),
    ),
    Row(
        "fangshan_staff", "console", "GET", "/console/applications/{application_c.pk}/", 404, "application_c"
    ),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/applications/{application_c.pk}/",
        404,
        "application_c",
        (("decision", "reject"), ("reason", "越权")),
    ),
    Row("shunyi_staff", "console", "GET", "/console/transfers/{transfer_fs.pk}/", 404, "transfer_fs"),
    Row(
        "shunyi_staff",
        "console",
        "POST",
        "/console/transfers/{transfer_fs.pk}/",
        404,
        "transfer_fs",
        (("decision", "approve"),),
    ),
    # inside the scope, without the flag: 403
    Row("fangshan_viewer", "console", "GET", "/console/members/{person_a.pk}/", 403, "person_a"),
    Row(
        "fangshan_viewer", "console", "GET", "/console/applications/{application_b.pk}/", 403, "application_b"
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/members/{person_a.pk}/unmask/",
        403,
        "person_a",
        (("field", "id_number"),),
    ),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/members/{person_a.pk}/unmask/",
        403,
        "person_a",
        (("field", "mobile"),),
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/transfers/{transfer_b_from_a.pk}/",
        403,
        "transfer_b_from_a",
        (("decision", "approve"),),
    ),
    # positive controls
    Row("union_a_staff", "console", "GET", "/console/members/{person_a.pk}/", 200, "person_a"),
    Row("fangshan_staff", "console", "GET", "/console/members/{person_b.pk}/", 200, "person_b"),
    Row(
        "fangshan_staff", "console", "GET", "/console/applications/{application_b.pk}/", 200, "application_b"
    ),
    Row("union_a_staff", "console", "GET", "/console/transfers/{transfer_fs.pk}/", 200, "transfer_fs"),
    Row("shunyi_staff", "console", "GET", "/console/transfers/{transfer_b.pk}/", 200, "transfer_b"),
    Row("city_admin", "console", "GET", "/console/members/{person_c.pk}/", 200, "person_c"),
    # --- console: roster import and export (data made by _member_objects) -------------------
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_b.pk}/",
        404,
        "roster_import_b",
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/roster/imports/{roster_import_b.pk}/",
        404,
        "roster_import_b",
    ),
    Row("union_a_staff", "console", "GET", "/console/roster/?org={union_b.pk}", 404, "union_b"),
    Row("union_a_staff", "console", "POST", "/console/roster/", 404, "union_b", (("org", "{union_b.pk}"),)),
    Row("union_a_staff", "console", "POST", "/console/roster/export/", 404, "person_b", ROSTER_EXPORT_B),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/roster/export/",
        404,
        "person_c",
        (("org", "{union_c.pk}"), ("content", "masked"), ("file_format", "xlsx")),
    ),
    Row(
        "shunyi_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        404,
        "roster_import_a",
    ),
    Row(
        "fangshan_viewer",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        403,
        "roster_import_a",
    ),
    Row("fangshan_viewer", "console", "GET", "/console/roster/", 403),
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        200,
        "roster_import_a",
    ),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        200,
        "roster_import_a",
    ),
    Row("fangshan_staff", "console", "GET", "/console/roster/export/?org={union_b.pk}", 200, "union_b"),
    # --- API ----------------------------------------------------------------------------------
    Row("fangshan_staff", "api", "GET", "/api/v1/orgs/{union_c.pk}", 404, "union_c"),
    Row("fangshan_staff", "api", "GET", "/api/v1/enterprises/{enterprise_c.pk}", 404, "enterprise_c"),
    Row(
        "fangshan_staff",
        "api",
        "PATCH",
        "/api/v1/enterprises/{enterprise_c.pk}",
        404,
        "enterprise_c",
        ENT_EDIT,
    ),
    Row("fangshan_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_c.pk}", 404, "enterprise_c"),
    Row("union_a_staff", "api", "GET", "/api/v1/orgs/{union_b.pk}", 404, "union_b"),
    Row("union_a_staff", "api", "GET", "/api/v1/enterprises/{enterprise_b.pk}", 404, "enterprise_b"),
    Row(
        "union_a_staff",
        "api",
        "PATCH",
        "/api/v1/enterprises/{enterprise_b.pk}",
        404,
        "enterprise_b",
        ENT_EDIT,
    ),
    Row("union_a_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_b.pk}", 404, "enterprise_b"),
    Row("fangshan_viewer", "api", "GET", "/api/v1/enterprises/{enterprise_a.pk}", 403, "enterprise_a"),
    Row("union_a_staff", "api", "DELETE", "/api/v1/enterprises/{enterprise_a.pk}", 403, "enterprise_a"),
    Row("fangshan_staff", "api", "GET", "/api/v1/orgs/{union_a.pk}", 200, "union_a"),
    Row("union_a_staff", "api", "GET", "/api/v1/enterprises/{enterprise_a.pk}", 200, "enterprise_a"),
    # --- API: members, applications, transfers (data made by _member_objects) ---------------
    Row("union_a_staff", "api", "GET", "/api/v1/members/{person_b.pk}", 404, "person_b"),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/members/{person_b.pk}/unmask",
        404,
        "person_b",
        (("field", "id_number"),),
    ),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/applications/{application_b.pk}/decision",
        404,
        "application_b",
        (("approve", "true"),),
    ),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/transfers/{transfer_b.pk}/decision",
        404,
        "transfer_b",
        (("approve", "true"),),
    ),
    Row("fangshan_staff", "api", "GET", "/api/v1/members/{person_c.pk}", 404, "person_c"),
    Row(
        "fangshan_staff",
        "api",
        "POST",
        "/api/v1/applications/{application_c.pk}/decision",
        404,
        "application_c",
        (("approve", "false"), ("reason", "越权")),
    ),
    Row(
        "shunyi_staff",
        "api",
        "POST",
        "/api/v1/transfers/{transfer_fs.pk}/decision",
        404,
        "transfer_fs",
        (("approve", "true"),),
    ),
    # a person named in the body that the caller cannot see reads like one that does not exist
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/transfers",
        422,
        "person_b",
        (("person", "{person_b.pk}"), ("to_org", "{union_a.pk}")),
    ),
    # inside the scope, without the flag: 403
    Row("fangshan_viewer", "api", "GET", "/api/v1/members/{person_a.pk}", 403, "person_a"),
    Row("fangshan_viewer", "api", "GET", "/api/v1/members", 403),
    Row(
        "fangshan_viewer",
        "api",
        "POST",
        "/api/v1/applications/{application_b.pk}/decision",
        403,
        "application_b",
        (("approve", "true"),),
    ),
    Row(
        "fangshan_staff",
        "api",
        "POST",
        "/api/v1/members/{person_a.pk}/unmask",
        403,
        "person_a",
        (("field", "mobile"),),
    ),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/transfers/{transfer_b_from_a.pk}/decision",
        403,
        "transfer_b_from_a",
        (("approve", "true"),),
    ),
    # positive controls
    Row("union_a_staff", "api", "GET", "/api/v1/members/{person_a.pk}", 200, "person_a"),
    Row("fangshan_staff", "api", "GET", "/api/v1/members/{person_b.pk}", 200, "person_b"),
    Row("city_admin", "api", "GET", "/api/v1/members/{person_c.pk}", 200, "person_c"),
    Row(
        "city_admin",
        "api",
        "POST",
        "/api/v1/members/{person_c.pk}/unmask",
        200,
        "person_c",
        (("field", "mobile"),),
    ),
    # --- after the membership review: searching by POST, cancelling a transfer -----------------
    Row("union_a_staff", "console", "POST", "/console/transfers/{transfer_b.pk}/cancel/", 404, "transfer_b"),
    Row("shunyi_staff", "console", "POST", "/console/transfers/{transfer_fs.pk}/cancel/", 404, "transfer_fs"),
    Row(
        "fangshan_viewer",
        "console",
        "POST",
        "/console/transfers/{transfer_fs.pk}/cancel/",
        403,
        "transfer_fs",
    ),
    Row("union_a_staff", "api", "POST", "/api/v1/transfers/{transfer_b.pk}/cancel", 404, "transfer_b"),
    Row("shunyi_staff", "api", "POST", "/api/v1/transfers/{transfer_fs.pk}/cancel", 404, "transfer_fs"),
    Row("fangshan_viewer", "api", "POST", "/api/v1/transfers/{transfer_fs.pk}/cancel", 403, "transfer_fs"),
    Row("fangshan_viewer", "api", "POST", "/api/v1/members/search", 403, "", (("q", "乙"),)),
    # --- activation: linking a record is for a worker's own account; a staff token, whatever its
    # scope, claims nobody's record through it (and the record stays without an account)
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/membership/link",
        403,
        "person_b",
        (("mobile", "{person_b.mobile}"), ("code", "123456")),
    ),
    Row(
        "city_admin",
        "api",
        "POST",
        "/api/v1/me/membership/link",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"), ("code", "123456")),
    ),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/membership/link/code",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"),),
    ),
    # --- the sign-in number is a worker's own: no staff token moves an account to a member's number
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/mobile/code",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"),),
    ),
    Row(
        "city_admin",
        "api",
        "POST",
        "/api/v1/me/mobile",
        403,
        "person_a",
        (("password", "Staff-Pass-2026!"), ("mobile", "{person_a.mobile}"), ("code", "123456")),
    ),
    Row(
        "union_a_staff", "api", "POST", "/api/v1/members/search", 422, "person_b", (("org", "{union_b.pk}"),)
    ),
    # --- console: the holiday calendar belongs to the whole installation: no subtree hides it, so
    # whoever lacks calendar.change on a top-level node gets 403 on every route, existing row or not
    # (a district's federation administrator holds the flag, but only on the district).
    Row("fangshan_admin", "console", "GET", "/console/calendar/", 403),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/new/",
        403,
        "holiday_override",
        HOLIDAY_ADD,
    ),
    Row(
        "fangshan_admin",
        "console",
        "GET",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
        HOLIDAY_EDIT,
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/delete/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/notice/",
        403,
        "holiday_override",
        HOLIDAY_NOTICE,
    ),
    Row(
        "fangshan_admin", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"
    ),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/999999/delete/", 403),
    Row("auditor", "console", "GET", "/console/calendar/", 403),  # on the root, without the flag
    Row(
        "union_a_widened",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
        HOLIDAY_EDIT,
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/delete/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_staff", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"
    ),
    # positive controls
    Row("city_admin", "console", "GET", "/console/calendar/", 200),
    Row(
        "city_admin",
        "console",
        "GET",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        200,
        "holiday_override",
    ),
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
        ("application_a", tree.union_a, tree.enterprise_a, "甲申请人"),
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
                org=org,
                original_filename=f"{org.name}名册.xlsx",
                file_format="xlsx",
                status="ready",
                total_rows=1,
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
        response = client.generic(
            row.method, route, data=_urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    else:
        token = _api_token(client, user)
        response = client.generic(
            row.method,
            route,
            data=__import__("json").dumps(body) if body else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
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
        ("union_a_fs_cockpit", "/console/enterprises/?q=公司", "乙科技有限公司"),
        ("union_a_fs_cockpit", "/console/orgs/?q=工会", "乙公司工会"),
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
        ("union_a_fs_cockpit", "/console/members/", "乙会员", "甲会员"),
        ("union_a_fs_cockpit", "/console/applications/", "乙申请人", "甲申请人"),
        ("union_a_fs_cockpit", "/console/transfers/", "乙转会人", "房山转会人"),
    ],
)
def test_console_member_lists_show_only_the_scope(persona, route, hidden, visible, tree, personas, client):
    objects = _member_objects(tree)
    assert hidden in {n for o in objects.values() for n in _leak_names(o)}, (
        "the data that could leak must exist"
    )
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
        ("union_a_fs_cockpit", "/api/v1/enterprises?q=公司", "乙科技有限公司", "甲物流有限公司"),
        ("union_a_fs_cockpit", "/api/v1/orgs?q=工会", "乙公司工会", "甲公司工会"),
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
        ("union_a_fs_cockpit", "/api/v1/members", "乙会员", "甲会员"),
        ("union_a_fs_cockpit", "/api/v1/members?q=乙", "乙会员", ""),
        ("union_a_fs_cockpit", "/api/v1/applications", "乙申请人", "甲申请人"),
        ("union_a_fs_cockpit", "/api/v1/transfers", "乙转会人", "房山转会人"),
    ],
)
def test_api_member_lists_show_only_the_scope(persona, route, hidden, visible, tree, personas, client):
    objects = _member_objects(tree)
    with scopes_disabled():
        assert any(
            getattr(o, "real_name", None) == hidden
            or getattr(getattr(o, "person", None), "real_name", None) == hidden
            for o in objects.values()
        ), "the data that could leak must exist"
    token = _api_token(client, personas[persona])
    items = client.get(route, HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"]
    names = [item.get("real_name") or item["person"]["real_name"] for item in items]
    assert hidden not in names
    if visible:
        assert visible in names


# --- Every console list follows its own flag (issue 7, item 3) ------------------------------------
# A list shows only records in orgs where the viewer holds the list's flag, not everything their
# grants put in scope. The persona who broke this: 甲公司工会's clerk who also holds cockpit_viewer
# on 房山 (``union_a_fs_cockpit``): their scope is the district, their lists are 甲公司工会's.
#
# Every console route is in one of two tables: LIST_ROUTES (the flag its list follows) or
# NOT_LISTS (why it lists nothing of the scope). A new console route in neither fails
# test_every_console_route_is_classified; a list route whose view does not narrow to its flag
# (``staff_required(perm=..., lists=True)``) fails it too, and every list route has a row in
# LIST_ROWS showing that the two-role persona does not see a record of 房山 outside 甲公司工会.

LIST_ROUTES = {
    "org_tree": "orgs.view",
    "org_children": "orgs.view",
    "org_pick": "orgs.view",
    "org_move": "orgs.change",
    "enterprise_list": "enterprises.view",
    "member_employer_pick": "enterprises.view",
    "role_grants": "roles.view",
    "staff_pick": "roles.grant",
    "audit_log": "audit.view",
    "member_list": "members.view",
    "application_queue": "members.view",
    "transfer_queue": "members.view",
    "roster_home": "members.view",
    "roster_export": "members.view",
}
# List routes whose view narrows by itself, for a part of the page (scope_with_perm inside): the
# children of a node (after require_perm on it), the picker (to the flag its form asks for), the
# candidate parents of a move (orgs.change).
NARROWED_INSIDE = {"org_children", "org_pick", "org_move"}
NOT_LISTS = {
    "home": "counts only, each counted in its list's flag (test_home_counts_what_the_lists_show)",
    "login": "sign-in",
    "login_otp": "sign-in",
    "login_enrol": "sign-in",
    "logout": "sign-in",
    "set_language": "a preference",
    "password_change": "the user's own account",
    "org_detail": "one organisation, opened with orgs.view on it; each panel lists under its own flag",
    "org_add": "a form on one organisation",
    "org_edit": "a form on one organisation",
    "org_delete": "a form on one organisation",
    "enterprise_add": "a form",
    "enterprise_detail": "one enterprise",
    "enterprise_edit": "a form on one enterprise",
    "enterprise_delete": "a form on one enterprise",
    "role_grant": "a form",
    "role_revoke": "a form on one grant",
    "staff_add": "a form",
    "staff_reset_authenticator": "a form on one staff account",
    "calendar": "the installation's holiday calendar: no organisation owns it",
    "calendar_override_add": "the holiday calendar",
    "calendar_override_edit": "the holiday calendar",
    "calendar_override_delete": "the holiday calendar",
    "calendar_notice": "the holiday calendar",
    "calendar_notice_delete": "the holiday calendar",
    "member_add": "a form",
    "member_detail": "one person, opened with members.view on their union; its panels list under it",
    "member_unmask": "one person",
    "member_status": "one person",
    "member_edit": "one person",
    "member_transfer": "one person",
    "member_transfer_pick": "public: the unions a worker may move to (public_* selectors), as on the join page",
    "application_detail": "one application",
    "transfer_detail": "one transfer",
    "transfer_cancel": "one transfer",
    "roster_template": "a blank template",
    "roster_import_detail": "one import, opened with members.view on its union",
}


def console_routes() -> dict[str, object]:
    """URL name -> view of every route in the console namespace, from the URL resolver."""
    from django.urls import URLResolver, get_resolver

    found: dict[str, object] = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif namespace == "console":
                found[pattern.name] = pattern.callback

    walk(get_resolver().url_patterns, None)
    return found


def list_rule_problems(routes: dict, lists: dict, not_lists: dict, narrowed_inside: set) -> list[str]:
    """What is wrong with the routes against the tables (empty: every list follows its flag)."""
    problems = []
    for name, view in sorted(routes.items()):
        declared = getattr(view, "list_perm", None)  # set by staff_required
        if name in lists:
            if name in narrowed_inside:
                if declared not in (None, "", lists[name]):
                    problems.append(f"{name}: lists under {declared}, the table says {lists[name]}")
            elif declared != lists[name]:
                problems.append(
                    f"{name}: a list of {lists[name]} must run in staff_required(perm={lists[name]!r}, lists=True)"
                )
        elif name in not_lists:
            if declared:
                problems.append(f"{name}: lists under {declared}, but NOT_LISTS says it lists nothing")
        else:
            problems.append(f"{name}: a console route in neither LIST_ROUTES nor NOT_LISTS")
    for name in sorted((set(lists) | set(not_lists)) - set(routes)):
        problems.append(f"{name}: in the tables but not a console route")
    return problems


def test_every_console_route_is_classified_and_every_list_follows_its_flag():
    assert list_rule_problems(console_routes(), LIST_ROUTES, NOT_LISTS, NARROWED_INSIDE) == []
    assert not set(LIST_ROUTES) & set(NOT_LISTS)


def test_the_route_check_fails_on_a_list_that_does_not_follow_its_flag():
    from smartunion.console.helpers import staff_required

    def view(request):  # pragma: no cover - never called
        raise AssertionError

    routes = {
        **console_routes(),
        "new_list": staff_required(perm="members.view", lists=True)(view),  # in no table
        "unnarrowed_list": staff_required(perm="members.view")(view),  # listed, not narrowed
        "wrong_flag_list": staff_required(perm="orgs.view", lists=True)(view),
    }
    lists = {**LIST_ROUTES, "unnarrowed_list": "members.view", "wrong_flag_list": "members.view"}
    problems = list_rule_problems(routes, lists, NOT_LISTS, NARROWED_INSIDE)
    assert [p.split(":")[0] for p in problems] == ["new_list", "unnarrowed_list", "wrong_flag_list"]
    # A list route declared as listing nothing is caught as well.
    not_lists = {**NOT_LISTS, "member_list": "a form"}
    lists = {k: v for k, v in LIST_ROUTES.items() if k != "member_list"}
    assert list_rule_problems(console_routes(), lists, not_lists, NARROWED_INSIDE) == [
        "member_list: lists under members.view, but NOT_LISTS says it lists nothing"
    ]


@dataclass(frozen=True)
class ListRow:
    route_name: str
    url: str
    expected: int
    hidden: str  # a record of 房山 outside 甲公司工会, which the persona must not see listed
    target: str  # the object holding it, which must exist before the request
    visible: str = ""  # a record of 甲公司工会, which the list still shows
    method: str = "GET"
    body: tuple = ()
    persona: str = "union_a_fs_cockpit"

    def __str__(self):
        return f"{self.persona} {self.method} {self.url} {dict(self.body)} hides {self.hidden}"


LIST_ROWS = [
    ListRow("member_list", "/console/members/", 200, "乙会员", "person_b", "甲会员"),
    ListRow("member_list", "/console/members/?q=乙", 200, "乙会员", "person_b"),
    ListRow(
        "member_list",
        "/console/members/",
        200,
        "乙会员",
        "person_b",
        method="POST",
        body=(("q", "{person_b.id_number}"),),
    ),
    ListRow(
        "member_list",
        "/console/members/",
        200,
        "乙会员",
        "person_b",
        method="POST",
        body=(("q", "{person_b.mobile}"),),
    ),
    ListRow(
        "member_list",
        "/console/members/",
        200,
        "乙会员",
        "person_b",
        "甲会员",
        method="POST",
        body=(("q", "{person_a.id_number}"),),
    ),
    ListRow("member_list", "/console/members/?org={union_b.pk}", 200, "乙会员", "person_b"),
    ListRow("application_queue", "/console/applications/", 200, "乙申请人", "application_b", "甲申请人"),
    ListRow("application_queue", "/console/applications/?tab=escalated", 200, "乙申请人", "application_b"),
    ListRow("transfer_queue", "/console/transfers/", 200, "乙转会人", "transfer_b", "房山转会人"),
    ListRow(
        "enterprise_list",
        "/console/enterprises/?q=公司",
        200,
        "乙科技有限公司",
        "enterprise_b",
        "甲物流有限公司",
    ),
    ListRow(
        "member_employer_pick",
        "/console/members/employers/?q=公司",
        200,
        "乙科技有限公司",
        "enterprise_b",
        "甲物流有限公司",
    ),
    ListRow("org_tree", "/console/orgs/?q=工会", 200, "乙公司工会", "union_b", "甲公司工会"),
    ListRow("org_tree", "/console/orgs/", 200, "拱辰街道总工会", "street_fs", "甲公司工会"),
    ListRow("org_children", "/console/orgs/{street_fs.pk}/children/", 403, "乙公司工会", "union_b"),
    ListRow(
        "org_pick",
        "/console/orgs/pick/?field=org&perm=members.view&q=工会",
        200,
        "乙公司工会",
        "union_b",
        "甲公司工会",
    ),
    ListRow("org_move", "/console/orgs/{union_a.pk}/move/?q=工会", 403, "乙公司工会", "union_b"),
    ListRow("role_grants", "/console/roles/", 403, "fangshan.staff", "grant_fangshan_staff"),
    ListRow(
        "staff_pick", "/console/roles/staff/pick/?q=staff", 403, "fangshan.staff", "grant_fangshan_staff"
    ),
    ListRow("audit_log", "/console/audit/", 403, "乙公司工会", "union_b"),
    ListRow(
        "roster_home",
        "/console/roster/",
        200,
        "乙公司工会名册.xlsx",
        "roster_import_b",
        "甲公司工会名册.xlsx",
    ),
    ListRow("roster_home", "/console/roster/?org={union_b.pk}", 404, "乙公司工会", "union_b"),
    ListRow("roster_export", "/console/roster/export/?org={union_b.pk}", 404, "乙公司工会", "union_b"),
    ListRow(
        "roster_export",
        "/console/roster/export/",
        404,
        "乙会员",
        "person_b",
        method="POST",
        body=ROSTER_EXPORT_B,
    ),
]


def test_every_list_route_has_a_row_for_the_two_role_persona():
    assert {row.route_name for row in LIST_ROWS} == set(LIST_ROUTES)
    assert all(row.hidden for row in LIST_ROWS)


def _list_objects(tree, personas) -> dict:
    objects = {**_objects(tree, personas), **_member_objects(tree)}
    with scopes_disabled():
        objects["grant_fangshan_staff"] = RoleGrant.objects.get(user=personas["fangshan_staff"])
    return objects


@pytest.mark.parametrize("row", LIST_ROWS, ids=str)
def test_two_role_persona_lists_only_where_the_flag_is_held(row, tree, personas, client):
    objects = _list_objects(tree, personas)
    assert _snapshot(objects[row.target]) is not None, "the data that could leak must exist"
    staff_login(client, personas[row.persona])
    body = {k: v.format(**objects) for k, v in row.body}
    response = client.generic(
        row.method,
        row.url.format(**objects),
        data=_urlencode(body),
        content_type="application/x-www-form-urlencoded",
    )
    content = response.content.decode()
    assert response.status_code == row.expected, content[:500]
    assert row.hidden not in content
    if row.visible:
        assert row.visible in content


def test_the_two_role_persona_lists_only_its_union_on_the_real_server(
    default_roles, real_server, tree, personas
):
    """The trial's case end to end: gunicorn, a real sign-in with password and TOTP, the list pages."""
    from html import unescape
    from urllib.parse import quote

    from tests.factories import STAFF_PASSWORD

    objects = _member_objects(tree)
    user = personas["union_a_fs_cockpit"]
    server = real_server()
    client = server.client()
    client.post_form("/console/login/", {"username": user.username, "password": STAFF_PASSWORD})
    home = client.post_form("/console/login/otp/", {"otp": totp_now(user)})
    assert home.status == 200 and "union_a.fs_cockpit" in home.text, home.text[:500]

    for url, hidden, visible in (
        ("/console/members/", "乙会员", "甲会员"),
        ("/console/applications/", "乙申请人", "甲申请人"),
        ("/console/transfers/", "乙转会人", "房山转会人"),
        ("/console/enterprises/?q=公司", "乙科技有限公司", "甲物流有限公司"),
        ("/console/orgs/?q=工会", "乙公司工会", "甲公司工会"),
        ("/console/roster/", "乙公司工会名册.xlsx", "甲公司工会名册.xlsx"),
    ):
        page = client.get(quote(url, safe="/?=&"))
        text = unescape(page.text)
        assert page.status == 200, (url, page.status)
        assert visible in text and hidden not in text, url
    # Nor is a member of 乙公司工会 found by their full ID number or mobile.
    person_b = objects["person_b"]
    with scopes_disabled():
        numbers = (person_b.id_number, person_b.mobile)
    for number in numbers:
        found = unescape(client.post_form("/console/members/", {"q": number}).text)
        assert "乙会员" not in found and "乙公司工会" not in found
    assert server.alive()


@pytest.mark.parametrize("field", ["id_number", "mobile"])
def test_api_search_by_number_finds_nobody_outside_the_flag(field, tree, personas, client):
    """POST /members/search with the full number of 乙公司工会's member, as the two-role persona."""
    objects = _member_objects(tree)
    with scopes_disabled():
        number = getattr(objects["person_b"], field)
        own = getattr(objects["person_a"], field)
    token = _api_token(client, personas["union_a_fs_cockpit"])

    def search(q):
        response = client.post(
            "/api/v1/members/search",
            {"q": q},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return [item["real_name"] for item in response.json()["items"]]

    assert search(number) == []
    assert search(own) == ["甲会员"]


def test_a_record_lists_only_the_memberships_its_flag_shows(tree, personas, client):
    """A member of 甲公司工会 who was once suspended at 乙公司工会: the clerk who also reads 房山's
    cockpit opens the record and sees neither 乙公司工会's membership nor its reason, in the console
    and the API, as 甲公司工会's clerk alone would."""
    from smartunion.members.models import Membership, MembershipEvent

    person, _m = make_person(org=tree.union_a, real_name="甲会员")
    with scopes_disabled():
        earlier = Membership.objects.create(person=person, org=tree.union_b, status="left")
        MembershipEvent.objects.create(
            membership=earlier, from_status="active", to_status="suspended", reason="乙工会的停会原因"
        )
    user = personas["union_a_fs_cockpit"]
    page = staff_login(client, user).get(f"/console/members/{person.pk}/").content.decode()
    assert "甲会员" in page and "甲公司工会" in page
    assert "乙公司工会" not in page and "乙工会的停会原因" not in page
    token = _api_token(client, user)
    body = client.get(f"/api/v1/members/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [m["union"]["name"] for m in body["memberships"]] == ["甲公司工会"]
