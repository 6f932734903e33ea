"""Findings of the membership review on the mobile web: the worker withdraws a waiting
application; the overdue notice and the statuses come from the one place that computes them."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership
from smartunion.members.services import join_apply, person_open
from tests.conftest import as_staff
from tests.factories import StaffFactory, WorkerFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def applicant(tree):
    return WorkerFactory(display_name="吴师傅")


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


def apply(tree, user, *, days_overdue=0):
    membership = join_apply(
        user=user,
        org=tree.union_a,
        data={"real_name": "吴师傅", "id_number": make_id_number(), "employer": tree.enterprise_a},
    )
    if days_overdue:
        with scopes_disabled():
            Membership.objects.filter(pk=membership.pk).update(
                due_date=timezone.localdate() - timedelta(days=days_overdue)
            )
    return membership


def test_a_worker_withdraws_the_waiting_application(applicant_client, applicant, tree):
    membership = apply(tree, applicant)
    url = reverse("mobile:membership")
    assert "撤回我的申请" in page(applicant_client.get(url))

    done = page(applicant_client.post(reverse("mobile:application_withdraw"), follow=True))

    assert "您已撤回向甲公司工会提交的入会申请，可随时重新申请。" in done
    assert "已撤回" in done and "重新申请" in done and "撤回我的申请" not in done
    with scopes_disabled():
        membership.refresh_from_db()
        assert membership.status == "withdrawn"
        assert AuditEvent.objects.filter(action="membership.transition", actor=applicant).exists()


def test_withdrawing_without_a_waiting_application_says_so(applicant_client, applicant, tree):
    make_person(org=tree.union_a, user=applicant, real_name="吴师傅")  # an active member

    done = page(applicant_client.post(reverse("mobile:application_withdraw"), follow=True))

    assert "您没有待审批的入会申请。" in done
    with scopes_disabled():
        assert Membership.objects.get(person__user=applicant).status == "active"


def test_withdrawing_needs_a_post(applicant_client, applicant, tree):
    apply(tree, applicant)
    assert applicant_client.get(reverse("mobile:application_withdraw")).status_code == 405
    with scopes_disabled():
        assert Membership.objects.get(person__user=applicant).status == "applying"


def test_the_overdue_notice_follows_the_membership(applicant_client, applicant, tree):
    apply(tree, applicant, days_overdue=2)
    text = page(applicant_client.get(reverse("mobile:membership")))
    assert "已超过答复期限：该申请已同时列入上级工会的逾期清单。" in text


def test_the_download_is_not_cached(applicant_client, applicant, tree):
    apply(tree, applicant)
    response = applicant_client.get(reverse("mobile:my_data_json"))
    assert "no-store" in response["Cache-Control"]
    assert "吴师傅" in response.content.decode()


def test_the_download_names_staff_by_name_never_by_login(applicant_client, applicant, tree):
    membership = apply(tree, applicant)
    nameless = StaffFactory(
        username="li.login", display_name="", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
    )
    named = StaffFactory(
        display_name="孙干事", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
    )
    for staff in (nameless, named):
        with as_staff(staff):
            person_open(actor=staff, pk=membership.person_id)

    response = applicant_client.get(reverse("mobile:my_data_json"))
    page_text = page(applicant_client.get(reverse("mobile:my_data")))

    history = response.json()["access_history"]
    assert [(h["by"], h["by_org"]) for h in history] == [
        ("孙干事", "房山区总工会"),
        ("工会工作人员", "房山区总工会"),
    ]
    assert "li.login" not in response.content.decode() and "li.login" not in page_text
    assert "孙干事" in page_text and "工会工作人员" in page_text


# --- Names the service refuses show their message on the form ----------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        (
            '=HYPERLINK("http://example.com","点我")',
            "姓名不能以 = + - 或 @ 开头（在表格软件中会被当作公式）。",
        ),
        ("\u200b", "请填写真实姓名。"),
    ],
)
def test_the_join_form_shows_the_services_message_for_a_bad_name(
    applicant_client, applicant, tree, name, message
):
    response = applicant_client.post(
        reverse("mobile:join_apply", args=[tree.union_a.pk]) + f"?employer={tree.enterprise_a.pk}",
        {
            "real_name": name,
            "id_number": make_id_number(),
            "employment_form": "courier",
            "sensitive_consent": "on",
            "employer": str(tree.enterprise_a.pk),
        },
    )

    assert f'<small class="m-error" id="id_real_name_error">{message}</small>' in page(response)
    with scopes_disabled():
        assert not Membership.objects.filter(person__user=applicant).exists()
