"""Every page of the worker's case pages at 375 px: the interview's steps with errors on them, the
case page, my cases and the lookup; nothing wider than the phone, no console error, a screenshot
of each (var/screenshots/mobile-cases-*.png). The story tests walk the flows themselves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartunion.cases.services import share_request
from tests.e2e.test_console_widths import overflow
from tests.factories import WORKER_PASSWORD
from tests.factories.cases import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_case_pages_fit_a_phone(live_server, phone_page, screenshot, default_roles, case_world):
    page = phone_page
    base = live_server.url
    case = make_case(case_world, status="in_progress")
    share_request(
        case=case, actor=case_world.mediator_fs, recipient="房山区劳动人事争议仲裁委员会", purpose="申请仲裁"
    )
    closed = make_case(case_world, status="paid")
    page.goto(f"{base}/m/login/")
    page.fill("#id_mobile", case_world.worker.mobile)
    page.fill("#id_password", WORKER_PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()

    def check(path: str, name: str) -> None:
        page.goto(f"{base}{path}")
        assert overflow(page) == [], name
        screenshot(page, f"mobile-cases-{name}")

    check("/m/", "home")
    check("/m/cases/apply/", "apply-start")
    check("/m/cases/apply/mediation/applicant/", "step-applicant")
    page.locator("button[value=next]").first.click()
    check(f"/m/cases/apply/mediation/employer/?q={case_world.employer_fs.name[:4]}", "step-employer")
    page.get_by_role("button", name="就是这家单位").first.click()
    page.goto(f"{base}/m/cases/apply/mediation/dispute/")
    page.fill("#id_dispute_date", "2099-01-01")
    page.locator("button[value=next]").first.click()
    expect(page.locator("#id_dispute_date_error")).to_be_visible()
    assert overflow(page) == []
    screenshot(page, "mobile-cases-step-dispute-error")
    page.goto(f"{base}/m/cases/apply/mediation/claims/")
    page.locator("button[value=add]").click()
    page.fill("#id_claims-0-amount", "10.555")
    page.locator("button[value=next]").first.click()
    expect(page.locator("#id_claims-0-amount_error")).to_be_visible()
    assert overflow(page) == []
    screenshot(page, "mobile-cases-step-claims-error")
    check("/m/cases/apply/mediation/facts/", "step-facts")
    check("/m/cases/apply/legal_aid/means/", "step-means")
    check("/m/cases/apply/mediation/evidence/", "step-evidence")
    check("/m/cases/apply/mediation/review/", "step-review")
    check("/m/cases/", "list")
    check(f"/m/cases/{case.pk}/", "detail")
    check(f"/m/cases/{closed.pk}/", "detail-closed")
    check("/m/me/data/", "my-data")
    page.context.clear_cookies()
    check("/m/cases/lookup/", "lookup")
    assert page.console_errors == []
