"""Scope rows of the staff console's case pages (issue 9): a page needs a case flag (403 without
one, inside the scope), a case outside what the flags let one see does not exist (404), acting on a
case needs holding it (403 for cases.view-only union staff), numbers show no case or name."""

from __future__ import annotations

from tests.scope.rows import ListRow, Row

CASE = "/console/cases/{case_fs.pk}"
NAME = "矩阵申请人"


def _refused(persona: str, method: str, route: str, expected: int, body: tuple = ()) -> Row:
    return Row(persona, "console", method, route, expected, "case_fs", body, hidden=(NAME,))


MATRIX = [
    # --- the queue ------------------------------------------------------------------------------
    Row("anonymous", "console", "GET", "/console/cases/", 302, redirect="/console/login/"),
    Row("union_a_staff", "console", "GET", "/console/cases/", 403, "case_fs", hidden=(NAME,)),
    Row("fangshan_viewer", "console", "GET", "/console/cases/", 403, "case_fs", hidden=(NAME,)),
    Row(
        "shunyi_staff", "console", "GET", "/console/cases/", 200, "case_fs", hidden=(NAME, "{case_fs.number}")
    ),
    Row(
        "case_mediator_sy",
        "console",
        "GET",
        "/console/cases/?status=received",
        200,
        "case_fs",
        hidden=("{case_fs.number}",),
    ),
    # cases.view-only union staff read the list of their subtree with names masked
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/cases/",
        200,
        "case_fs",
        hidden=(NAME,),
        visible=("{case_fs.number}", "矩*"),
    ),
    Row(
        "case_mediator_fs",
        "console",
        "GET",
        "/console/cases/",
        200,
        "case_fs",
        visible=("{case_fs.number}", NAME),
    ),
    # --- entering an application and its employer picker: case handlers only ------------------
    Row("fangshan_staff", "console", "GET", "/console/cases/new/", 403),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/cases/new/",
        403,
        body=(("kind", "mediation"), ("applicant_name", "越权"), ("submission_key", "x")),
        counted="Case",
    ),
    Row("union_a_staff", "console", "GET", "/console/cases/employers/?q=甲公司", 403),
    Row("case_mediator_fs", "console", "GET", "/console/cases/new/", 200, "case_fs", hidden=(NAME,)),
    # --- numbers: counts only, for cockpit viewers too -----------------------------------------
    Row("union_a_staff", "console", "GET", "/console/cases/numbers/", 403),
    Row(
        "fangshan_viewer",
        "console",
        "GET",
        "/console/cases/numbers/",
        200,
        "case_fs",
        hidden=(NAME, "{case_fs.number}"),
    ),
    Row(
        "shunyi_staff",
        "console",
        "GET",
        "/console/cases/numbers/",
        200,
        "case_fs",
        hidden=(NAME, "{case_fs.number}"),
    ),
    # --- routing rules: cases.route, in its subtree -------------------------------------------
    Row("fangshan_staff", "console", "GET", "/console/cases/routing/", 403),
    Row("case_mediator_fs", "console", "GET", "/console/cases/routing/", 403),
    Row(
        "fangshan_admin",
        "console",
        "GET",
        "/console/cases/routing/",
        200,
        "case_rule_sy",
        hidden=("矩阵规则",),
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/cases/routing/{case_rule_sy.pk}/delete/",
        404,
        "case_rule_sy",
        counted="RoutingRule",
    ),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/cases/routing/{case_rule_sy.pk}/delete/",
        403,
        "case_rule_sy",
        counted="RoutingRule",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/cases/routing/",
        400,
        body=(("region_prefix", "110113"), ("centre", "{case_rule_sy.centre_id}")),
        refused=True,
        counted="RoutingRule",
    ),
    # --- one case: 404 outside, 403 without a case flag, read only without holding it --------
    _refused("shunyi_staff", "GET", f"{CASE}/", 404),
    _refused("case_mediator_sy", "GET", f"{CASE}/", 404),
    _refused("union_a_staff", "GET", f"{CASE}/", 403),
    _refused("fangshan_viewer", "GET", f"{CASE}/", 403),
    Row("fangshan_staff", "console", "GET", f"{CASE}/", 200, "case_fs", visible=(NAME,)),
    _refused("fangshan_staff", "POST", f"{CASE}/unmask/", 403, (("field", "mobile"),)),
    _refused("shunyi_staff", "POST", f"{CASE}/unmask/", 404, (("field", "mobile"),)),
    _refused("fangshan_staff", "POST", f"{CASE}/transition/", 403, (("to", "accepted"),)),
    _refused(
        "case_mediator_sy", "POST", f"{CASE}/transition/", 404, (("to", "declined"), ("reason", "越权"))
    ),
    _refused(
        "fangshan_staff",
        "POST",
        f"{CASE}/contacts/",
        403,
        (("channel", "phone"), ("party", "worker"), ("summary", "越权")),
    ),
    _refused(
        "shunyi_staff",
        "POST",
        f"{CASE}/contacts/",
        404,
        (("channel", "phone"), ("party", "worker"), ("summary", "越权")),
    ),
    _refused("fangshan_staff", "POST", f"{CASE}/material/", 403, (("items", "越权"), ("due", "2099-01-01"))),
    _refused(
        "case_mediator_sy", "POST", f"{CASE}/material/", 404, (("items", "越权"), ("due", "2099-01-01"))
    ),
    _refused("fangshan_staff", "POST", f"{CASE}/payment/", 403, (("amount_paid", "1"),)),
    _refused("shunyi_staff", "POST", f"{CASE}/payment/", 404, (("amount_paid", "1"),)),
    _refused(
        "fangshan_staff",
        "POST",
        f"{CASE}/move/",
        403,
        (("centre", "{case_rule_sy.centre_id}"), ("reason", "越权")),
    ),
    _refused(
        "case_mediator_sy",
        "POST",
        f"{CASE}/move/",
        404,
        (("centre", "{case_rule_sy.centre_id}"), ("reason", "越权")),
    ),
    _refused("fangshan_staff", "POST", f"{CASE}/share/", 403, (("recipient", "越权"), ("purpose", "越权"))),
    _refused("shunyi_staff", "POST", f"{CASE}/share/", 404, (("recipient", "越权"), ("purpose", "越权"))),
    _refused("shunyi_staff", "GET", f"{CASE}/evidence/1/", 404),
    _refused("union_a_staff", "GET", f"{CASE}/evidence/1/", 403),
    _refused("fangshan_staff", "POST", f"{CASE}/documents/", 403, (("kind", "mediation_application"),)),
    _refused("shunyi_staff", "GET", f"{CASE}/documents/1/", 404),
    _refused("fangshan_viewer", "GET", f"{CASE}/documents/1/", 403),
]

# The two-role persona (甲公司工会's clerk who reads 房山's cockpit) holds no case flag: the case
# lists refuse them, whatever their wider scope.
LIST_ROWS = [
    ListRow("case_queue", "/console/cases/", 403, hidden="乙会员", target="person_b"),
    ListRow("case_routing", "/console/cases/routing/", 403, hidden="乙会员", target="person_b"),
]
