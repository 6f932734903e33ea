"""Stories 1 and 2 of PRODUCT.md end to end (issue 9's "Done when"): the worker on a 375-px phone
applies through the guided interview and follows the case; the centre's staff sign in to the console
with password and second factor and work the case from the queue to its close.

1. A courier whose employer, registered in 顺义区, did not pay overtime gets free legal aid from the
   顺义 legal-service centre.
2. A worker whose employer, registered in 房山区, agreed to end her contract but never paid recovers
   21,673.30 yuan through the 房山 mediation centre: contacts with both sides, the agreement PDF,
   the payment, the rating.

Screenshots: var/screenshots/story1-*.png, story2-*.png and the agreement's first page.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from smartunion.cases.models import Case, CaseKind, CaseStatus, Contact, DocumentKind, PaymentStatus
from smartunion.core.scoping import scopes_disabled
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_console_widths import overflow, sign_in
from tests.factories import WORKER_PASSWORD, WorkerFactory, make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(screenshot, page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header is drawn where the page was scrolled
    screenshot(page, name)


def _phone_sign_in(page, base: str, worker) -> None:
    page.goto(f"{base}/m/login/")
    page.fill("#id_mobile", worker.mobile)
    page.fill("#id_password", WORKER_PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/m/login/"))


def _fits(page, name: str) -> None:
    assert overflow(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name


def _next(page) -> None:
    page.locator("button[value=next]").first.click()


def _photo() -> bytes:
    """A small real PNG: the service checks a photo by its content."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (230, 230, 230)).save(buffer, format="PNG")
    return buffer.getvalue()


def _case_of(worker) -> Case:
    with scopes_disabled():
        return Case.objects.select_related("org", "assignee").get(applicant=worker)


def _open_from_queue(desk, base: str, number: str) -> None:
    desk.goto(f"{base}/console/cases/")
    row = desk.locator("table.cases tbody tr", has_text=number)
    expect(row).to_have_count(1)
    desk.get_by_role("link", name=number).click()
    expect(desk).to_have_url(re.compile(r"/console/cases/\d+/$"))
    expect(desk.locator("h1")).to_contain_text(number)


def _move(desk, label: str) -> None:
    """A one-button move in the "next step" panel (accept, grant)."""
    desk.locator("#actions").get_by_role("button", name=label, exact=True).click()


def _assign_to(desk, staff) -> None:
    move = desk.locator("#move-assigned")
    move.locator("summary").click()
    move.locator("select[name=assignee]").select_option(label=staff.display_name)
    move.get_by_role("button", name="指派").click()
    expect(desk.locator("h1 .status")).to_have_text("已指派")
    expect(desk.locator(".page-head")).to_contain_text(staff.display_name)


def test_story_1_a_courier_gets_legal_aid_for_unpaid_overtime(
    live_server, phone_page, desktop_page, screenshot, default_roles, case_world
):
    base = live_server.url
    today = timezone.localdate()
    courier = WorkerFactory(display_name="王师傅")
    officer = case_world.officer_sy
    employer = case_world.employer_sy
    assert employer.region_code == "110113"

    # --- On the phone: the guided interview for legal aid --------------------------------------------
    phone = phone_page
    _phone_sign_in(phone, base, courier)
    phone.goto(f"{base}/m/")
    phone.locator("#tile-cases").click()
    expect(phone).to_have_url(re.compile(r"/m/cases/$"))
    phone.get_by_role("button", name="劳动纠纷求助").click()
    expect(phone.locator("#kind-legal_aid")).to_contain_text("免费法律援助")
    _fits(phone, "apply start")
    _shot(screenshot, phone, "story1-phone-apply-start")
    phone.locator("#kind-legal_aid").get_by_role("button", name="开始").click()

    # About you: the name comes from the account; the courier came from the countryside to work.
    expect(phone).to_have_url(re.compile(r"/m/cases/apply/legal_aid/applicant/$"))
    expect(phone.locator("#id_name")).to_have_value("王师傅")
    phone.fill("#id_name", "王建军")
    phone.fill("#id_id_number", make_id_number(region="110113", birth="19950310", serial=417))
    phone.fill("#id_occupation", "快递员")
    phone.fill("#id_address", "北京市顺义区胜利街道")
    phone.get_by_label("是", exact=True).check()
    _fits(phone, "applicant")
    _shot(screenshot, phone, "story1-phone-step-applicant")
    _next(phone)

    # The employer, found in the register by part of its name.
    expect(phone).to_have_url(re.compile(r"/legal_aid/employer/$"))
    phone.get_by_role("searchbox").fill("顺义示例速递")
    phone.get_by_role("button", name="搜索").click()
    found = phone.locator("#search .m-item", has_text=employer.name)
    expect(found).to_be_visible()
    _fits(phone, "employer")
    _shot(screenshot, phone, "story1-phone-step-employer")
    found.get_by_role("button", name="就是这家单位").click()

    # What happened, and when: overtime not paid, still working there.
    expect(phone).to_have_url(re.compile(r"/legal_aid/dispute/$"))
    phone.get_by_label("加班费").check()
    phone.fill("#id_employment_start", (today - timedelta(days=420)).isoformat())
    phone.fill("#id_dispute_date", (today - timedelta(days=25)).isoformat())
    _fits(phone, "dispute")
    _next(phone)

    # What you are owed: one row per ticked type, already set to overtime pay.
    expect(phone).to_have_url(re.compile(r"/legal_aid/claims/$"))
    expect(phone.locator("#id_claims-0-type")).to_have_value("overtime")
    phone.fill("#id_claims-0-amount", "6840.00")
    phone.fill("#id_claims-0-description", "三个月周末加班未付加班费")
    _fits(phone, "claims")
    _shot(screenshot, phone, "story1-phone-step-claims")
    _next(phone)

    expect(phone).to_have_url(re.compile(r"/legal_aid/facts/$"))
    phone.fill("#id_facts", "我在站点做快递员，今年三月到五月每个周末都加班，公司一直没有支付加班费。")
    phone.fill("#id_request", "要求公司支付加班费6840元。")
    _next(phone)

    # The means test is waived for a migrant worker claiming pay (法律援助法 第四十二条).
    expect(phone).to_have_url(re.compile(r"/legal_aid/means/$"))
    expect(phone.get_by_text("第四十二条")).to_be_visible()
    phone.locator("input[name=means_route][value=waived_migrant]").check()
    _fits(phone, "means")
    _shot(screenshot, phone, "story1-phone-step-means")
    _next(phone)

    # Evidence: a photo of the attendance record.
    expect(phone).to_have_url(re.compile(r"/legal_aid/evidence/$"))
    phone.set_input_files("#id_file", {"name": "kaoqin.png", "mimeType": "image/png", "buffer": _photo()})
    phone.fill("#id_description", "考勤记录截图")
    phone.get_by_role("button", name="添加此文件").click()
    expect(phone.locator("#evidence-files")).to_contain_text("考勤记录截图")
    _fits(phone, "evidence")
    _next(phone)

    # Review, then send.
    expect(phone).to_have_url(re.compile(r"/legal_aid/review/$"))
    expect(phone.locator("#review-problems")).to_have_count(0)
    expect(phone.locator("#review-employer")).to_contain_text(employer.name)
    expect(phone.locator("#review-claims")).to_contain_text("6840.00")
    expect(phone.locator("#review-means")).to_contain_text("进城务工")
    expect(phone.locator("#review-claims").get_by_role("link", name="修改")).to_be_visible()
    _fits(phone, "review")
    _shot(screenshot, phone, "story1-phone-step-review")
    phone.locator("#submit-application").get_by_role("button").click()

    # A case number at once, and the status page: at the 顺义 legal-service centre.
    expect(phone).to_have_url(re.compile(r"/m/cases/\d+/$"))
    case = _case_of(courier)
    assert case.kind == CaseKind.LEGAL_AID and case.status == CaseStatus.RECEIVED
    assert case.org_id == case_world.legal_sy.pk
    assert case.is_migrant_worker and case.means_route == "waived_migrant"
    expect(phone.get_by_text(f"您的案件编号是 {case.number}")).to_be_visible()
    expect(phone.locator("#case-number")).to_have_text(case.number)
    expect(phone.locator("#case-centre")).to_have_text("顺义区总工会职工法律服务中心")
    expect(phone.locator("#case-status .m-badge")).to_have_text("已接收")
    _fits(phone, "case page")
    _shot(screenshot, phone, "story1-phone-case-received")

    # --- In the console: the 顺义 legal-aid officer ---------------------------------------------------
    desk = desktop_page
    sign_in(desk, base, officer)
    _open_from_queue(desk, base, case.number)
    expect(desk.locator("#applicant")).to_contain_text("王建军")
    expect(desk.locator("#applicant")).to_contain_text("进城务工")
    _shot(screenshot, desk, "story1-console-case-received")

    # The moves from "received" read as steps to take, not as states.
    expect(desk.locator("#actions")).to_contain_text("申请人撤回")
    expect(desk.locator("#actions")).not_to_contain_text("已撤回")
    # Before a decision, no agreement or payment-order document is offered.
    expect(desk.locator("#documents")).not_to_contain_text("调解协议书")
    _move(desk, "受理")
    expect(desk.locator("h1 .status")).to_have_text("已受理")
    _assign_to(desk, officer)

    # A call with the courier, entered in the contact form.
    entry = desk.locator("details.contact-entry")
    entry.locator("summary").click()
    entry.locator("#contact_channel").select_option("phone")
    entry.locator("#contact_party").select_option("worker")
    entry.locator("#contact_summary").fill("电话联系王师傅，核实加班时间与考勤记录，告知法律援助审查进度")
    entry.get_by_role("button", name="保存联系记录").click()
    expect(desk.get_by_text("联系记录已保存。")).to_be_visible()
    expect(desk.locator("#contacts tbody")).to_contain_text("核实加班时间")
    expect(desk.locator("h1 .status")).to_have_text("办理中")
    _shot(screenshot, desk, "story1-console-case-in-progress")

    _move(desk, "给予法律援助")
    expect(desk.locator("h1 .status")).to_have_text("给予法律援助")
    _shot(screenshot, desk, "story1-console-aid-granted")
    case.refresh_from_db()
    assert case.status == CaseStatus.AID_GRANTED and case.assignee_id == officer.pk
    with scopes_disabled():
        assert Contact.objects.filter(case=case, party="worker", logged_by=officer).count() == 1
    assert desk.console_errors == []

    # --- Back on the phone: the timeline and the inbox -----------------------------------------------
    phone.reload()
    expect(phone.locator("#case-status .m-badge")).to_have_text("给予法律援助")
    timeline = phone.locator("#timeline")
    expect(timeline).to_contain_text("给予法律援助")
    expect(timeline).to_contain_text("顺义区总工会职工法律服务中心已受理您的申请")
    # Internal notes never reach the worker; the call does, as a contact, not its summary.
    expect(timeline).not_to_contain_text("核实加班时间")
    _fits(phone, "case page granted")
    _shot(screenshot, phone, "story1-phone-case-granted")

    phone.goto(f"{base}/m/")
    phone.locator("#tile-inbox").click()
    news = phone.locator("#inbox li", has_text="给予法律援助")
    expect(news).to_have_count(1)
    expect(news).to_contain_text(f"案件{case.number}")
    _fits(phone, "inbox")
    _shot(screenshot, phone, "story1-phone-inbox")
    # The news opens the case.
    news.get_by_role("link", name=f"案件{case.number}").click()
    expect(phone).to_have_url(re.compile(rf"/m/cases/{case.pk}/$"))
    expect(phone.locator("#case-status .m-badge")).to_have_text("给予法律援助")
    assert phone.console_errors == []


def test_story_2_mediation_recovers_unpaid_wages(
    live_server, phone_page, desktop_page, screenshot, default_roles, case_world
):
    base = live_server.url
    today = timezone.localdate()
    worker = case_world.worker  # 刘芳
    mediator = case_world.mediator_fs
    employer = case_world.employer_fs
    assert employer.region_code == "110111"

    # --- On the phone: the guided interview for mediation --------------------------------------------
    phone = phone_page
    _phone_sign_in(phone, base, worker)
    phone.goto(f"{base}/m/cases/apply/")
    phone.locator("#kind-mediation").get_by_role("button", name="开始").click()

    expect(phone).to_have_url(re.compile(r"/m/cases/apply/mediation/applicant/$"))
    expect(phone.locator("#id_name")).to_have_value("刘芳")
    phone.fill("#id_occupation", "仓库管理员")
    phone.fill("#id_address", "北京市房山区良乡镇")
    phone.get_by_label("否", exact=True).check()
    _next(phone)

    expect(phone).to_have_url(re.compile(r"/mediation/employer/$"))
    phone.get_by_role("searchbox").fill("房山示例商贸")
    phone.get_by_role("button", name="搜索").click()
    found = phone.locator("#search .m-item", has_text=employer.name)
    found.get_by_role("button", name="就是这家单位").click()

    expect(phone).to_have_url(re.compile(r"/mediation/dispute/$"))
    phone.get_by_label("拖欠工资").check()
    phone.fill("#id_employment_start", (today - timedelta(days=800)).isoformat())
    phone.fill("#id_employment_end", (today - timedelta(days=40)).isoformat())
    phone.fill("#id_dispute_date", (today - timedelta(days=30)).isoformat())
    _fits(phone, "dispute")
    _shot(screenshot, phone, "story2-phone-step-dispute")
    _next(phone)

    expect(phone).to_have_url(re.compile(r"/mediation/claims/$"))
    expect(phone.locator("#id_claims-0-type")).to_have_value("unpaid_wages")
    phone.fill("#id_claims-0-amount", "21673.30")
    phone.fill("#id_claims-0-description", "解除劳动合同前三个月的工资")
    _fits(phone, "claims")
    _shot(screenshot, phone, "story2-phone-step-claims")
    _next(phone)

    expect(phone).to_have_url(re.compile(r"/mediation/facts/$"))
    phone.fill("#id_facts", "公司同意与我解除劳动合同，但一直没有支付拖欠的三个月工资。")
    phone.fill("#id_request", "要求公司支付拖欠工资21673.30元。")
    _next(phone)

    # No means test for mediation: straight to the evidence, then the review.
    expect(phone).to_have_url(re.compile(r"/mediation/evidence/$"))
    _next(phone)
    expect(phone).to_have_url(re.compile(r"/mediation/review/$"))
    expect(phone.locator("#review-means")).to_have_count(0)
    expect(phone.locator("#review-claims")).to_contain_text("21673.30")
    _fits(phone, "review")
    _shot(screenshot, phone, "story2-phone-step-review")
    phone.locator("#submit-application").get_by_role("button").click()

    expect(phone).to_have_url(re.compile(r"/m/cases/\d+/$"))
    case = _case_of(worker)
    assert case.kind == CaseKind.MEDIATION
    assert case.org_id == case_world.mediation_fs.pk
    assert str(case.amount_claimed) == "21673.30"
    expect(phone.locator("#case-number")).to_have_text(case.number)
    expect(phone.locator("#case-centre")).to_have_text("房山区劳动争议调解中心")
    _fits(phone, "case page")
    _shot(screenshot, phone, "story2-phone-case-received")

    # --- In the console: the 房山 mediator --------------------------------------------------------------
    desk = desktop_page
    sign_in(desk, base, mediator)
    _open_from_queue(desk, base, case.number)
    _move(desk, "受理")
    expect(desk.locator("h1 .status")).to_have_text("已受理")
    _assign_to(desk, mediator)

    # One click each: the worker (work history and the dispute), then the employer.
    quick = desk.locator(".quick-contacts")
    quick.get_by_role("button", name="已电话联系职工了解工作经历与争议情况").click()
    expect(desk.get_by_text("联系记录已保存。")).to_be_visible()
    expect(desk.locator("h1 .status")).to_have_text("办理中")
    # The evidence she holds: a ready-made summary picked in the form.
    entry = desk.locator("details.contact-entry")
    entry.locator("summary").click()
    entry.locator("#contact_template").select_option("worker_materials")
    entry.locator("#contact_channel").select_option("message")
    entry.locator("#contact_party").select_option("worker")
    entry.get_by_role("button", name="保存联系记录").click()
    expect(desk.get_by_text("联系记录已保存。")).to_be_visible()
    desk.locator(".quick-contacts").get_by_role("button", name="已通知用人单位参加调解").click()
    expect(desk.get_by_text("联系记录已保存。")).to_be_visible()
    contacts = desk.locator("#contacts tbody tr")
    expect(contacts).to_have_count(3)
    expect(desk.locator("#contacts tbody")).to_contain_text("已告知职工需补充的证据材料")
    with scopes_disabled():
        parties = sorted(Contact.objects.filter(case=case).values_list("party", flat=True))
    assert parties == ["employer", "worker", "worker"]
    _shot(screenshot, desk, "story2-console-contacts")

    # Agreement reached: the amount and the date the employer pays by.
    due = today + timedelta(days=10)
    agreed = desk.locator("#move-agreed")
    agreed.locator("summary").click()
    agreed.locator("input[name=amount_agreed]").fill("21673.30")
    agreed.locator("input[name=payment_due]").fill(due.isoformat())
    agreed.get_by_role("button", name="结案：达成协议").click()
    expect(desk.locator("h1 .status")).to_have_text("结案：达成调解协议")
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and str(case.amount_agreed) == "21673.30"
    assert case.payment_due == due

    # The mediation agreement as a PDF, downloaded and read.
    desk.locator("#documents").get_by_role("button", name="生成：调解协议书").click()
    expect(desk.get_by_text("文书已生成。")).to_be_visible()
    row = desk.locator("#documents tbody tr", has_text="调解协议书")
    expect(row).to_have_count(1)
    _shot(screenshot, desk, "story2-console-agreed")
    href = row.get_by_role("link", name="打开 PDF").get_attribute("href")
    response = desk.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SCREENSHOTS / "story2-mediation-agreement.pdf"
    pdf_path.write_bytes(pdf)
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "21,673.30" in flat
    assert case.number in flat
    assert "调解协议书" in flat
    assert employer.name in flat and "刘芳" in flat
    if shutil.which("pdftoppm"):  # a picture of the first page, to look at
        first_page = ["-f", "1", "-l", "1", str(pdf_path), str(pdf_path.with_suffix(""))]
        subprocess.run(["pdftoppm", "-png", "-r", "60", *first_page], check=True)  # noqa: S603, S607
    with scopes_disabled():
        assert case.documents.filter(kind=DocumentKind.MEDIATION_AGREEMENT).count() == 1

    # The employer pays in full; the mediator records it.
    payment = desk.locator("#payment")
    payment.locator("#payment_amount_paid").fill("21673.30")
    payment.get_by_role("button", name="登记支付").click()
    expect(desk.get_by_text("支付情况已登记。")).to_be_visible()
    case.refresh_from_db()
    assert case.payment_status == PaymentStatus.PAID and str(case.amount_paid) == "21673.30"
    expect(desk.locator("#claims, .case-money").first).to_contain_text("21,673.30")
    # Paid in full: no payment order is offered any more.
    expect(desk.locator("#documents")).not_to_contain_text("支付令")
    _shot(screenshot, desk, "story2-console-paid")
    assert desk.console_errors == []

    # --- Back on the phone: closed, paid, and the rating -------------------------------------------------
    phone.reload()
    expect(phone.locator("#case-status .m-badge")).to_have_text("结案：达成调解协议")
    expect(phone.locator("#amount-agreed")).to_contain_text("21,673.30")
    expect(phone.locator("#amount-paid")).to_contain_text("21,673.30")
    expect(phone.locator("#amount-paid")).to_contain_text("已付清")
    timeline = phone.locator("#timeline")
    expect(timeline).to_contain_text("已达成调解协议：21,673.30元")
    expect(timeline).to_contain_text("用人单位已付清协议约定的21,673.30元")
    expect(phone.locator("#documents")).to_contain_text("调解协议书")
    _fits(phone, "case page closed")
    _shot(screenshot, phone, "story2-phone-case-paid")

    rating = phone.locator("#rating")
    rating.get_by_label("满意", exact=True).check()
    rating.locator("#id_comment").fill("调解员很耐心，工资全部拿到了。")
    rating.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_text("感谢您的评价。")).to_be_visible()
    expect(phone.locator("#rating")).to_contain_text("满意")
    case.refresh_from_db()
    assert case.rating == "satisfied" and case.rated_at is not None
    _fits(phone, "rated")
    _shot(screenshot, phone, "story2-phone-rated")
    assert phone.console_errors == []
