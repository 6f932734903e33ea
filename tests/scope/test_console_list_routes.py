"""Every console list follows its own flag (issue 7, item 3): each console route is classified as a
list (with the flag it lists under) or not, and each list has a row for the two-role persona in a
rows_<domain>.py module (LIST_ROWS)."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver

from smartunion.console.helpers import staff_required
from tests.scope.rows import rows

# --- Every console list follows its own flag (issue 7, item 3) ------------------------------------
# A list shows only records in orgs where the viewer holds the list's flag, not everything their
# grants put in scope. The persona who broke this: 甲公司工会's clerk who also holds cockpit_viewer
# on 房山 (``union_a_fs_cockpit``): their scope is the district, their lists are 甲公司工会's.
#
# Every console route is in one of two tables: LIST_ROUTES (the flag its list follows) or
# NOT_LISTS (why it lists nothing of the scope). A new console route in neither fails
# test_every_console_route_is_classified; a list route whose view does not narrow to its flag
# (``staff_required(perm=..., lists=True)``) fails it too, and every list route has a row in the
# LIST_ROWS of its rows_<domain>.py showing that the two-role persona does not see a record of
# 房山 outside 甲公司工会.

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
    # The case queue lists what the user's case flags let them see (cases.selectors.visible_q
    # narrows by each flag's own grants, whatever the wider scope); routing rules follow cases.route.
    "case_queue": "cases.view",
    "case_routing": "cases.route",
    "breakfast_list": "benefits.view",
    "statement_list": "benefits.view",
    "benefits_figures": "benefits.view",
    # Benefits: every page, one record's too, runs in the scope of the flag it needs (view to read,
    # manage to change), so a record outside that flag's subtrees is 404.
    "benefits_merchant_list": "benefits.view",
    "benefits_merchant_detail": "benefits.view",
    "benefits_merchant_add": "benefits.manage",
    "benefits_merchant_edit": "benefits.manage",
    "benefits_merchant_store_add": "benefits.manage",
    "benefits_merchant_agreement_add": "benefits.manage",
    "benefits_merchant_clerk_add": "benefits.manage",
    "benefits_service_list": "benefits.view",
    "benefits_service_add": "benefits.manage",
    "benefits_service_edit": "benefits.manage",
    "benefits_campaign_list": "benefits.view",
    "benefits_campaign_detail": "benefits.view",
    "benefits_campaign_add": "benefits.manage",
    "benefits_campaign_edit": "benefits.manage",
    "benefits_campaign_transition": "benefits.manage",
}
# List routes whose view narrows by itself, for a part of the page (scope_with_perm inside): the
# children of a node (after require_perm on it), the picker (to the flag its form asks for), the
# candidate parents of a move (orgs.change).
NARROWED_INSIDE = {"org_children", "org_pick", "org_move", "case_queue"}
NOT_LISTS = {
    "home": "counts only, each counted in its list's flag (test_home_counts_what_the_lists_show)",
    "inbox": "the user's own reminders, no org-owned rows",
    "inbox_read": "marks the user's own reminders read",
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
    "figure_list": "the installation's regional wage figures: no organisation owns them",
    "figure_add": "the regional wage figures",
    "figure_edit": "the regional wage figures",
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
    "case_new": "a form",
    "case_employer_pick": "public: the enterprise register as a worker searches it (public_* selectors)",
    "case_numbers": "counts and sums only, over the cases the flags let one see (cases.selectors.numbers_q)",
    "case_routing_delete": "one rule, found in the cases.route scope",
    "case_detail": "one case, found through visible_q; its panels are the case's own rows",
    "case_unmask": "one case",
    "case_transition": "one case",
    "case_contact": "one case",
    "case_material": "one case",
    "case_material_supplied": "one case",
    "case_payment": "one case",
    "case_move": "one case; the centres it may move to are named federation-wide on purpose",
    "case_share": "one case",
    "case_evidence": "one file of one case",
    "case_document_generate": "one case",
    "case_document": "one document of one case",
    "statement_detail": "one statement, found in the benefits.view scope",
    "statement_approve": "one statement",
    "statement_download": "one statement",
    "statement_generate": "a form; reports the statements of the benefits.view scope",
    "breakfast_add": "a form; its organisations are those of the benefits.manage scope",
    "breakfast_detail": "one programme, found in the benefits.view scope; its panels are its own rows",
    "breakfast_edit": "one programme",
    "breakfast_shop_add": "one programme; its shops are those of the benefits.manage scope",
    "breakfast_workers": "one programme; the search runs in the benefits.manage scope",
    "breakfast_roster": "one programme; the roster's people are found in the benefits.manage scope",
    "breakfast_funding": "one programme",
    "breakfast_donation": "one programme",
    "breakfast_acknowledgement": "one donation of one programme",
    "breakfast_ledger": "one programme's own ledger",
}


def console_routes() -> dict[str, object]:
    """URL name -> view of every route in the console namespace, from the URL resolver."""
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


def test_every_list_route_has_a_row_for_the_two_role_persona():
    list_rows = rows("LIST_ROWS")
    assert {row.route_name for row in list_rows} == set(LIST_ROUTES)
    assert all(row.hidden for row in list_rows)
