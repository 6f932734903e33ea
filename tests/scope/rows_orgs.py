"""Scope rows of the organisation tree and the enterprise register (console and API)."""

from __future__ import annotations

from tests.scope.rows import Listed, ListRow, Row

ORG_EDIT = (("name", "改名"), ("kind", "enterprise_union"), ("region_code", "110113"))
ENT_EDIT = (("name", "改名公司"),)
ENT_ADD = (
    ("name", "越权新设有限公司"),
    ("credit_code", "9111010500000T3AJT"),
    ("industry", "G"),
    ("headcount", "10"),
)
ENT_ADD_UNDER_A = (*ENT_ADD, ("org", "{union_a.pk}"))
ENT_ADD_UNDER_B = (*ENT_ADD, ("org", "{union_b.pk}"))

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
    # --- console: positive controls (the same routes work inside the scope) -------------------
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_a.pk}/", 200, "union_a"),
    Row("union_a_staff", "console", "GET", "/console/enterprises/{enterprise_a.pk}/", 200, "enterprise_a"),
    Row("city_admin", "console", "GET", "/console/orgs/{union_c.pk}/", 200, "union_c"),
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
    # --- creating: under a node outside the scope is 404; an org outside the scope is not picked -
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/orgs/{union_c.pk}/add/",
        404,
        "union_c",
        (("name", "越权工会"), ("kind", "enterprise_union"), ("region_code", "110113")),
        counted="Org",
    ),
    Row("fangshan_viewer", "console", "GET", "/console/orgs/{union_a.pk}/add/", 403, "union_a"),
    Row("fangshan_staff", "console", "GET", "/console/orgs/{union_a.pk}/add/", 200, "union_a"),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/enterprises/new/",
        200,
        "union_b",
        ENT_ADD_UNDER_B,
        refused=True,
        counted="Enterprise",
    ),
    Row("fangshan_viewer", "console", "GET", "/console/enterprises/new/", 403),
    # (the API says of an org outside the scope what it says of one that does not exist)
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/enterprises",
        422,
        "union_b",
        ENT_ADD_UNDER_B,
        refused=True,
        counted="Enterprise",
    ),
    Row(
        "fangshan_viewer",
        "api",
        "POST",
        "/api/v1/enterprises",
        403,
        "union_a",
        ENT_ADD_UNDER_A,
        counted="Enterprise",
    ),
]

LIST_ROWS = [
    ListRow(
        "enterprise_list",
        "/console/enterprises/?q=公司",
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
]

CONSOLE_LISTS = [
    Listed("fangshan_staff", "/console/enterprises/?q=公司", "丙餐饮有限公司"),
    Listed("union_a_staff", "/console/enterprises/?q=公司", "乙科技有限公司"),
    Listed("fangshan_staff", "/console/orgs/?q=工会", "丙公司工会"),
    Listed("union_a_staff", "/console/orgs/?q=工会", "乙公司工会"),
    Listed("auditor", "/console/orgs/?q=工会", ""),
    Listed("union_a_widened", "/console/enterprises/?q=公司", "丙餐饮有限公司"),
    Listed("union_a_widened", "/console/orgs/?q=工会", "丙公司工会"),
    Listed("union_a_fs_cockpit", "/console/enterprises/?q=公司", "乙科技有限公司"),
    Listed("union_a_fs_cockpit", "/console/orgs/?q=工会", "乙公司工会"),
]

API_LISTS = [
    Listed("fangshan_staff", "/api/v1/enterprises?q=公司", "丙餐饮有限公司", "甲物流有限公司"),
    Listed("union_a_staff", "/api/v1/enterprises?q=公司", "乙科技有限公司", "甲物流有限公司"),
    Listed("fangshan_staff", "/api/v1/orgs?q=工会", "丙公司工会", "乙公司工会"),
    Listed("union_a_staff", "/api/v1/orgs?q=工会", "乙公司工会", "甲公司工会"),
    Listed("union_a_fs_cockpit", "/api/v1/enterprises?q=公司", "乙科技有限公司", "甲物流有限公司"),
    Listed("union_a_fs_cockpit", "/api/v1/orgs?q=工会", "乙公司工会", "甲公司工会"),
]
