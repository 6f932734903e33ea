"""The merchant clerk's home on the mobile web (/m/merchant/), the second audience of the phone end:
staff holding the merchant clerk's role, signed in on the console (staff never sign in on the
mobile web). A clerk not yet linked to a merchant reads whom to ask (the scan page and the day's
redemptions are in tests/mobile/benefits). Workers and visitors are sent to the console's sign-in
as the console sends them; other staff are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.console.conftest import page_text
from tests.factories import STAFF_PASSWORD, StaffFactory, WorkerFactory, totp_now

pytestmark = pytest.mark.django_db

MERCHANT_HOME = "/m/merchant/"


@pytest.fixture
def clerk(tree):
    return StaffFactory(
        username="shop.clerk", display_name="早餐店店员", roles=[("merchant_clerk", tree.fangshan)]
    )


def test_the_address_is_the_merchant_home():
    assert reverse("mobile:merchant_home") == MERCHANT_HOME


def test_a_clerk_not_linked_to_a_merchant_reads_whom_to_ask(client, staff_client, clerk):
    staff_client(clerk)
    response = client.get(MERCHANT_HOME)
    assert response.status_code == 200
    page = page_text(response)
    assert "商户服务" in page
    assert "早餐店店员，您好" in page
    assert "您的账号还没有关联商户" in page
    assert "商户店员在管理后台登录" in page
    # No tab bar to the workers' pages (home, member card, me): they refuse staff.
    assert reverse("mobile:card") not in page and reverse("mobile:me") not in page


def test_the_merchant_home_in_english(client, staff_client, clerk):
    staff_client(clerk)
    client.cookies["smartunion_language"] = "en"
    page = page_text(client.get(MERCHANT_HOME))
    assert "Merchant services" in page
    assert "Your account is not linked to a merchant yet" in page


def test_a_merchant_clerk_signs_in_on_the_console_and_comes_back_to_the_merchant_home(client, clerk):
    response = client.get(MERCHANT_HOME)
    assert response.status_code == 302
    assert response["Location"] == f"/console/login/?next={MERCHANT_HOME}"

    response = client.post(
        response["Location"], {"username": clerk.username, "password": STAFF_PASSWORD, "next": MERCHANT_HOME}
    )
    assert response["Location"] == reverse("console:login_otp")
    response = client.post(reverse("console:login_otp"), {"otp": totp_now(clerk)})
    assert response["Location"] == MERCHANT_HOME
    assert "您的账号还没有关联商户" in page_text(client.get(MERCHANT_HOME))


def test_a_visitor_and_a_worker_are_sent_to_sign_in_as_the_console_sends_them(client):
    console_sign_in = client.get(reverse("console:home"))["Location"].split("?")[0]
    visitor = client.get(MERCHANT_HOME)
    assert visitor.status_code == 302 and visitor["Location"].split("?")[0] == console_sign_in

    client.force_login(WorkerFactory())
    assert client.get(reverse("console:home"))["Location"].split("?")[0] == console_sign_in
    worker = client.get(MERCHANT_HOME)
    assert worker.status_code == 302 and worker["Location"].split("?")[0] == console_sign_in
    assert "普惠服务" not in page_text(client.get(MERCHANT_HOME, follow=True))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("union_a_staff", 403),
        ("fangshan_viewer", 403),
        # The page asks for the flag of the merchant clerk's role (benefits.redeem), as every
        # permission check does; a federation administrator holds every flag.
        ("city_admin", 200),
    ],
)
def test_other_staff_are_refused_unless_they_hold_the_merchant_clerks_flag(
    client, staff_client, personas, persona, status
):
    staff_client(personas[persona])
    response = client.get(MERCHANT_HOME)
    assert response.status_code == status
    page = page_text(response)
    if status == 403:
        assert "此页面仅供商户店员使用。您的工作人员账号没有商户店员角色。" in page
        assert "您的账号还没有关联商户" not in page
    else:
        assert "您的账号还没有关联商户" in page


def test_a_merchant_clerk_is_refused_the_workers_pages(client, staff_client, clerk):
    staff_client(clerk)
    response = client.get(reverse("mobile:me"))
    assert response.status_code == 403
    assert "管理后台" in page_text(response)


def test_the_merchant_home_answers_only_get(client, staff_client, clerk):
    staff_client(clerk)
    assert client.post(MERCHANT_HOME).status_code == 405
