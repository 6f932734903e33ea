"""Every console page at a phone's 375 px and an office screen's 1366 px: no sideways scroll and no
visible element wider than the window (mediators and merchant clerks use phones). The merchant
clerk's home on the mobile web is opened with them: merchant clerks reach it with the console's
sign-in.

The pages are enumerated from the URL resolver, so a new console route is checked as soon as it
exists; its path parameters are filled with demo objects made here (a route whose parameter this
test cannot fill fails, asking for a demo object).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from playwright.sync_api import expect

from smartunion.accounts.models import Role, RoleGrant, User, UserKind
from smartunion.benefits.models import ServiceCategory
from smartunion.benefits.services.breakfast import donation_record
from smartunion.benefits.services.merchants import service_save
from smartunion.benefits.services.settlement import statements_generate
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.models import HolidayOverride
from smartunion.labourlaw.models import RegionalFigure
from smartunion.members.roster import roster_import_validate
from smartunion.members.services import transfer_request
from tests.conftest import as_staff
from tests.console.benefits.conftest import serve_breakfast
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import STAFF_PASSWORD, StaffFactory, make_person, totp_now
from tests.factories.benefits import make_benefits_world, make_campaign
from tests.factories.cases import make_case, make_case_world
from tests.members.test_roster import csv_file, roster_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Routes this test does not open as a page of its own, and why (routes that answer a GET with 405,
# the POST-only actions, are found and left out as they come).
NOT_PAGES = {
    "roster_template": "a file download",
    "login_otp": "opened during the sign-in below",
    "login_enrol": "opened by an account without an authenticator below",
    "case_evidence": "a file download",
    "case_document": "a file download",
    "statement_download": "a file download",
    "benefits_campaign_transition": "a confirmation opened with ?to= below",
}

# Returns the overflow found on the page: the document's own width, then every visible element
# reaching past the window. The width is the viewport's as set: a phone's browser (is_mobile)
# widens its layout viewport to a page that is too wide, so window.innerWidth alone would hide it. Only overflow hidden/clip ancestors cut an element short; a scrolling
# box (overflow: auto) still makes the reader scroll sideways, so it does not excuse its content.
OVERFLOW_JS = """
(viewport) => {
  const width = Math.min(window.innerWidth, viewport);
  const found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`document ${page}px wide`);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    let left = box.left, right = box.right, clipped = false;
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.overflowX === 'hidden' || s.overflowX === 'clip') {
        const b = up.getBoundingClientRect();
        left = Math.max(left, b.left); right = Math.min(right, b.right);
      }
      if (s.display === 'none') { clipped = true; break; }
    }
    if (clipped || right <= left) continue;
    if (right - left > width + 1 || right > width + 1 || left < -1) {
      const text = (el.innerText || '').trim().slice(0, 30);
      found.push(`${name(el)} [${Math.round(left)}..${Math.round(right)}] ${text}`);
    }
  }
  return found.slice(0, 8);
}
"""


def console_routes() -> list[tuple[str, str]]:
    """(url name, route) of every console URL pattern, from the resolver."""
    resolver = get_resolver()
    console = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "console")
    routes = []
    for pattern in console.url_patterns:
        assert isinstance(pattern, URLPattern), f"nested include under /console/: {pattern}"
        routes.append((pattern.name, str(pattern.pattern)))
    return routes


@pytest.fixture
def demo(tree, personas, settings, tmp_path):
    """One object of each kind a console page shows, in the city administrator's scope."""
    settings.VAR_DIR = tmp_path
    admin = personas["city_admin"]
    clerk = personas["union_a_staff"]
    member, _m = make_person(org=tree.union_a, real_name="欧阳宝华", employer=tree.enterprise_a)
    applicant, application = make_person(org=tree.union_a, real_name="申请人", status="applying")
    mover, _m = make_person(org=tree.union_a, real_name="王转会")
    with as_staff(clerk):
        transfer = transfer_request(actor=clerk, person=mover, to_org=tree.union_b)
    rows = roster_rows(tree.enterprise_a, 3)
    rows[1][2] = "12345"  # one bad row: the preview lists it
    with as_staff(admin):
        roster = roster_import_validate(actor=admin, org=tree.union_a, upload=csv_file(rows))
    world = make_case_world(tree)
    case = make_case(world, status="in_progress", name="欧阳宝华")
    benefits = make_benefits_world(tree)
    serve_breakfast(benefits, benefits.people[0])
    statement = statements_generate(month=timezone.localdate())[0]
    with scopes_disabled():
        donation = donation_record(
            actor=benefits.staff,
            programme=benefits.programme,
            donor="北京某某爱心企业有限公司",
            amount="5000",
        )
    with scopes_disabled():
        override = HolidayOverride.objects.create(date=date(2027, 1, 4), is_workday=True, note="调休上班")
        grant = RoleGrant.objects.get(user=clerk)
        figure = RegionalFigure.objects.create(
            region_code="110111",
            effective_from=date(2026, 1, 1),
            minimum_wage="2600.00",
            average_wage="12000.00",
            source="北京市房山区人力资源和社会保障局关于本区最低工资标准的通知（演示数据，用于检查页面宽度）",
            source_date=date(2025, 12, 1),
        )
    with scopes_disabled():
        service = service_save(
            actor=benefits.staff,
            org=tree.fangshan,
            merchant=benefits.theatre,
            category=ServiceCategory.objects.get_or_create(code="performances", defaults={"name": "演出"})[0],
            title="周末话剧会员专场（演示数据，用于检查页面宽度）",
            benefit="会员八折",
            available_from=date(2026, 1, 1),
        )
        draft = make_campaign(
            benefits.staff, tree.fangshan, benefits.theatre, schedule=False, title="草稿活动"
        )
    objects = {
        # benefits/<kind>/<pk>/: by the route's first two segments.
        "benefits/merchants": benefits.theatre.pk,
        "benefits/services": service.pk,
        "benefits/campaigns": draft.pk,
        "open_campaign": benefits.campaign.pk,
        "orgs": tree.union_a.pk,
        "enterprises": tree.enterprise_a.pk,
        "members": member.pk,
        "applications": application.pk,
        "transfers": transfer.pk,
        "roster": roster.pk,
        "calendar": override.pk,
        "figures": figure.pk,
        "roles": grant.pk,
        "staff": clerk.pk,
        "cases": case.pk,
        "benefits/breakfast": benefits.programme.pk,
        "benefits/statements": statement.pk,
        "donation_id": donation.pk,
    }
    return admin, objects


def fill(route: str, objects: dict[str, int]) -> str | None:
    """The route with its parameters filled from the demo objects (by the route's first segment)."""
    section = route.split("/", 1)[0]
    subsection = "/".join(route.split("/", 2)[:2])

    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name in objects:
            return str(objects[name])
        if converter == "int" and subsection in objects:
            return str(objects[subsection])
        if name == "year":
            return "2027"
        if name == "file_format":
            return "xlsx"
        if converter == "int" and section in objects:
            return str(objects[section])
        raise LookupError(name)

    try:
        return "/console/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    except LookupError:
        return None


def overflow(page) -> list[str]:
    return page.evaluate(OVERFLOW_JS, page.viewport_size["width"])


def on_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] < size["height"] / 2
    )


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.locator("#id_otp")).to_be_visible()
    page.fill("#id_otp", totp_now(user))
    page.press("#id_otp", "Enter")
    expect(page).to_have_url(re.compile(r"/console/$"))


def test_the_sign_in_pages_fit_a_phone(
    live_server, browser, phone_page, screenshot, default_roles, demo, tree
):
    admin, _objects = demo
    page = phone_page
    page.goto(f"{live_server.url}/console/login/")
    assert on_first_screen(page, ".auth-card")  # the card, not the pitch beside it, comes first
    assert overflow(page) == []
    screenshot(page, "console-375-signin")

    page.fill("#id_username", admin.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.locator("#id_otp")).to_be_visible()
    assert on_first_screen(page, ".auth-card")
    assert overflow(page) == []
    screenshot(page, "console-375-otp")

    # A staff account without an authenticator is sent to enrol one.
    with scopes_disabled():
        newcomer = User(kind=UserKind.STAFF, username="new.clerk", display_name="新来的")
        newcomer.set_password(STAFF_PASSWORD)
        newcomer.save()
        RoleGrant.objects.create(
            user=newcomer, role=Role.objects.get(code="grassroots_staff"), org=tree.union_a
        )
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    enrol = context.new_page()
    enrol.goto(f"{live_server.url}/console/login/")
    enrol.fill("#id_username", newcomer.username)
    enrol.fill("#id_password", STAFF_PASSWORD)
    enrol.press("#id_password", "Enter")
    expect(enrol).to_have_url(re.compile(r"/console/login/enrol/$"))
    assert on_first_screen(enrol, ".auth-card")
    assert overflow(enrol) == []
    screenshot(enrol, "console-375-enrol")
    context.close()


def test_every_console_page_fits_375_and_1366(live_server, desktop_page, screenshot, default_roles, demo):
    admin, objects = demo
    page = desktop_page
    sign_in(page, live_server.url, admin)

    urls, unfilled = [], []
    for name, route in console_routes():
        if name in NOT_PAGES:
            continue
        url = fill(route, objects)
        if url is None:
            unfilled.append(route)
        else:
            urls.append((name, url))
    assert unfilled == [], f"add a demo object to this test for {unfilled}"
    # A search that finds someone: the list's rows, not only its empty state.
    urls += [
        ("member_search", "/console/members/?q=欧阳"),
        ("application_overdue", "/console/applications/?tab=overdue"),
        ("case_queue_mine", "/console/cases/?view=mine&status=closed"),
        # The phone end's page for the staff who use phones: the console's session opens it.
        ("merchant_home", "/m/merchant/"),
        # A campaign with vouchers and figures, and the confirmation of a move.
        ("benefits_campaign_open", f"/console/benefits/campaigns/{objects['open_campaign']}/"),
        (
            "benefits_campaign_confirm",
            f"/console/benefits/campaigns/{objects['benefits/campaigns']}/transition/?to=scheduled",
        ),
        ("benefits_merchant_search", "/console/benefits/merchants/?q=剧院&kind=theatre"),
    ]

    # POST-only actions (405 to a GET) have no page to look at.
    urls = [(name, url) for name, url in urls if page.request.get(f"{live_server.url}{url}").status != 405]
    assert len(urls) >= 30

    problems = {}
    # Chinese and English (whose words are longer) at both widths.
    for viewport, language in ((PHONE, "zh-hans"), (DESKTOP, "zh-hans"), (PHONE, "en"), (DESKTOP, "en")):
        page.set_viewport_size(viewport)
        page.context.add_cookies([{"name": "smartunion_language", "value": language, "url": live_server.url}])
        suffix = "" if language == "zh-hans" else "-en"
        for name, url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, f"{url} answered {response.status}"
            assert "/console/login/" not in page.url, f"{url} sent the administrator to sign in again"
            found = overflow(page)
            if found:
                problems[f"{viewport['width']}{suffix} {url}"] = found
            screenshot(page, f"console-{viewport['width']}{suffix}-{name}")
    page.context.add_cookies([{"name": "smartunion_language", "value": "zh-hans", "url": live_server.url}])
    # The tree on a phone: opened two levels down, the names show in full beside their kind.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/console/orgs/")
    page.locator("summary", has_text="北京市总工会").locator(".kind").click()
    page.locator("summary", has_text="房山区总工会").locator(".kind").click()
    page.locator("summary", has_text="拱辰街道总工会").locator(".kind").click()
    name = page.get_by_role("link", name="甲公司工会")
    expect(name).to_be_visible()
    assert name.evaluate("a => a.closest('.tree-name').scrollWidth <= a.closest('.tree-name').clientWidth")
    if found := overflow(page):
        problems["375 /console/orgs/ opened"] = found
    screenshot(page, "console-375-org-tree-open")
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())
    assert page.console_errors == []


def test_a_merchant_clerk_on_a_phone_is_told_what_is_not_built(
    live_server, phone_page, screenshot, default_roles, tree
):
    clerk = StaffFactory(
        username="shop.clerk", display_name="早餐店店员", roles=[("merchant_clerk", tree.fangshan)]
    )
    page = phone_page
    sign_in(page, live_server.url, clerk)
    expect(page.locator("#not-built")).to_contain_text("核销消费券和早餐卡")
    expect(page.locator(".mainnav a")).to_have_count(0)  # no page of theirs exists yet: no menu to a 403
    assert overflow(page) == []
    screenshot(page, "console-375-merchant-clerk-home")
    assert page.console_errors == []


def test_a_merchant_clerk_signs_in_on_a_phone_and_reaches_the_merchant_home(
    live_server, phone_page, screenshot, default_roles, tree
):
    clerk = StaffFactory(
        username="shop.clerk", display_name="早餐店店员", roles=[("merchant_clerk", tree.fangshan)]
    )
    page = phone_page
    page.goto(f"{live_server.url}/m/merchant/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/m/merchant/$"))
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.locator("#id_otp")).to_be_visible()
    page.fill("#id_otp", totp_now(clerk))
    page.press("#id_otp", "Enter")

    expect(page).to_have_url(re.compile(r"/m/merchant/$"))
    expect(page.locator("#merchant-home")).to_contain_text("您的账号还没有关联商户")
    expect(page.locator(".m-tabbar")).to_have_count(0)  # the tab bar leads to the workers' pages
    assert overflow(page) == []
    screenshot(page, "mobile-375-merchant-home")

    page.context.add_cookies([{"name": "smartunion_language", "value": "en", "url": live_server.url}])
    page.reload()
    expect(page.locator("#merchant-home")).to_contain_text("Your account is not linked to a merchant yet")
    assert overflow(page) == []
    screenshot(page, "mobile-375-en-merchant-home")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/console/login/$"))
    page.goto(f"{live_server.url}/m/merchant/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/m/merchant/$"))
    assert page.console_errors == []
