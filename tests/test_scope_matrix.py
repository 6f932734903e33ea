"""The scope matrix: persona × route × method × expected status, on the console and the API.

Every row names data that belongs to somebody else; the `tree` fixture creates it before the
request, and each row first checks that it exists, so a 404 means "hidden", not "absent". After a
refused write the row checks that nothing changed. Outside the scope is 404 (never 403); inside
the scope without the permission is 403. Later features add their rows here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from smartunion.accounts.models import RoleGrant
from smartunion.core.scoping import scopes_disabled
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
]


def _objects(tree, personas):
    objects = dict(vars(tree))
    with scopes_disabled():
        objects["grant_shunyi_staff"] = RoleGrant.objects.get(user=personas["shunyi_staff"])
    objects["staff_shunyi"] = personas["shunyi_staff"]
    return objects


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
        if target is not None and isinstance(target, Org | Enterprise):
            assert target.name not in content
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
