"""A worker's membership on the mobile web, read the way a worker reads it: joining (by employer or
directly), the status and inbox, the e-member card, and their own data (PIPL 第四十四条—第四十七条)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from smartunion.accounts.models import User
from smartunion.core.audit import audit_verify
from smartunion.core.models import AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import EmploymentForm, Membership, MembershipStatus, OccupationTag, Person
from smartunion.members.services import (
    card_verify,
    join_apply,
    join_decide,
    membership_transition,
    person_open,
    person_unmask,
)
from smartunion.mobile.views.members import card_qr_data_uri
from smartunion.notifications import senders
from smartunion.notifications.models import InboxMessage
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff
from tests.factories import (
    WORKER_PASSWORD,
    EnterpriseFactory,
    OrgFactory,
    StaffFactory,
    WorkerFactory,
    make_id_number,
    make_mobile,
    make_person,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(region="110111", birth="19900307", serial=123)
WORKER_MOBILE = "13900001111"


def zh(msgid: str, context: str = "", **values) -> str:
    """A message as a zh-Hans page shows it."""
    with translation.override("zh-hans"):
        text = str(translation.pgettext(context, msgid) if context else translation.gettext(msgid))
    return text % values if values else text


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
        contact_name="赵联络",
        contact_phone="010-69999999",
        address="房山区良乡东路1号",
    )


@pytest.fixture
def courier(db):
    return WorkerFactory(display_name="吴师傅", mobile=WORKER_MOBILE)


@pytest.fixture
def courier_client(client, courier):
    client.force_login(courier)
    return client


def apply(client, org, **overrides):
    data = {
        "real_name": "吴建国",
        "id_number": ID_NUMBER,
        "employment_form": "courier",
        "sensitive_consent": "on",
        **overrides,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("mobile:join_apply", args=[org.pk]), data, follow=True)


def approve(membership, staff):
    with as_staff(staff):
        join_decide(actor=staff, membership=membership, approve=True)


def the_membership(user) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("person", "org").get(person__user=user)


# --- Step 1: finding the union --------------------------------------------------------------------


def test_search_by_enterprise_name_shows_its_union_and_an_apply_button(client, tree):
    response = client.get(reverse("mobile:join"), {"q": "甲物流"})
    text = page(response)
    assert "甲物流有限公司" in text
    assert "甲公司工会" in text and "房山区总工会" in text  # the covering union and its district
    apply_url = f"{reverse('mobile:join_apply', args=[tree.union_a.pk])}?employer={tree.enterprise_a.pk}"
    assert apply_url in text
    assert "乙科技有限公司" not in text
    # The enterprise's internals are not published: no credit code.
    assert tree.enterprise_a.credit_code not in text


def test_search_by_credit_code_finds_exactly_that_employer(client, tree):
    response = client.get(reverse("mobile:join"), {"q": tree.enterprise_b.credit_code.lower()})
    text = page(response)
    assert "乙科技有限公司" in text and "乙公司工会" in text
    assert "甲物流有限公司" not in text


def test_an_employer_without_a_union_points_to_direct_joining(client, tree, direct_union):
    with scopes_disabled():
        EnterpriseFactory(name="丁快递服务有限公司", org=tree.fangshan)
    text = page(client.get(reverse("mobile:join"), {"q": "丁快递"}))
    assert "丁快递服务有限公司" in text
    assert (
        zh(
            "This employer has no union yet. You can join a union that accepts direct joining below, and transfer later when one is set up."
        )
        in text
    )


def test_unknown_employer_says_so(client, tree):
    text = page(client.get(reverse("mobile:join"), {"q": "不存在的公司"}))
    assert "没有找到" in text and "不存在的公司" in text


def test_direct_joining_unions_by_district_with_the_reason_and_the_law(client, tree, direct_union):
    other = OrgFactory(
        name="顺义区快递行业联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.shunyi,
        region_code="110113",
        accepts_direct_joining=True,
    )
    text = page(client.get(reverse("mobile:join")))
    assert "工会法" in text and "第三条" in text and "劳动合同" in text
    assert "快递员" in text or "网约车" in text  # who can join here
    assert direct_union.name in text and other.name in text
    # The union's office, as it publishes it (issue 7, item 18): address, contact and phone.
    assert "赵联络" in text and "010-69999999" in text and "良乡东路" in text

    text = page(client.get(reverse("mobile:join"), {"district": tree.fangshan.pk}))
    assert direct_union.name in text and other.name not in text
    assert f'<option value="{tree.fangshan.pk}" selected>房山区总工会</option>' in text
    assert "顺义区总工会" in text  # the other district is still offered


@pytest.mark.parametrize("count", [1, 3])
def test_join_page_queries_do_not_grow_with_the_list(client, tree, django_assert_num_queries, count):
    for i in range(count):
        OrgFactory(
            name=f"房山区联合工会{i}",
            kind=OrgKind.JOINT_UNION,
            parent=tree.street_fs,
            region_code="110111",
            accepts_direct_joining=True,
        )
    # districts: direct-joining paths + district unions; list: unions + their districts
    with django_assert_num_queries(4):
        response = client.get(reverse("mobile:join"))
    assert page(response).count("房山区联合工会") == count


# --- Step 2: applying ---------------------------------------------------------------------------------


def test_applying_needs_an_account(client, direct_union):
    response = client.get(reverse("mobile:join_apply", args=[direct_union.pk]))
    assert response.status_code == 302 and reverse("mobile:login") in response["Location"]


def test_only_a_union_that_takes_members_has_a_form(courier_client, tree):
    for org in (tree.fangshan, tree.street_fs, tree.mediation_fs):
        assert courier_client.get(reverse("mobile:join_apply", args=[org.pk])).status_code == 404
    response = courier_client.get(reverse("mobile:join_apply", args=[tree.union_a.pk]), {"employer": "x"})
    assert response.status_code == 404


def test_the_form_explains_why_the_id_number_is_needed(courier_client, direct_union):
    text = page(courier_client.get(reverse("mobile:join_apply", args=[direct_union.pk])))
    assert direct_union.name in text
    assert "敏感个人信息" in text and "第二十八条" in text
    for choice in EmploymentForm:
        assert zh(choice.label) in text


def test_a_courier_applies_to_the_direct_joining_union(courier_client, courier, direct_union):
    with scopes_disabled():
        tag = OccupationTag.objects.order_by("id").first()
    response = apply(courier_client, direct_union, occupation_tags=[tag.pk] if tag else None)
    assert response.redirect_chain[-1][0] == reverse("mobile:membership")
    text = page(response)
    assert zh("Your application has been sent. The union will answer you here.") in text
    assert direct_union.name in text and zh(MembershipStatus.APPLYING.label) in text
    membership = the_membership(courier)
    assert f"{membership.due_date:%Y-%m-%d}" in text
    assert membership.status == MembershipStatus.APPLYING
    person = membership.person
    assert person.real_name == "吴建国" and person.id_number == ID_NUMBER and person.mobile == WORKER_MOBILE
    assert person.employment_form == "courier"
    if tag:
        assert list(person.occupation_tags.all()) == [tag]
    # The consent is on record, the ID number is not.
    with scopes_disabled():
        event = AuditEvent.objects.get(action="membership.apply", actor=courier)
    assert event.data == {"sensitive_consent": True}
    assert ID_NUMBER not in json.dumps(event.data) and ID_NUMBER not in event.object_repr
    # The inbox says it arrived.
    assert f"您向{direct_union.name}提交的申请已收到" in text or direct_union.name in text


def test_applying_to_the_employers_union_keeps_the_employer(courier_client, courier, tree):
    url = f"{reverse('mobile:join_apply', args=[tree.union_a.pk])}?employer={tree.enterprise_a.pk}"
    assert "甲物流有限公司" in page(courier_client.get(url))
    response = courier_client.post(
        reverse("mobile:join_apply", args=[tree.union_a.pk]),
        {
            "real_name": "吴建国",
            "id_number": ID_NUMBER,
            "employment_form": "standard",
            "employer": tree.enterprise_a.pk,
            "sensitive_consent": "on",
        },
        follow=True,
    )
    assert tree.union_a.name in page(response)
    membership = the_membership(courier)
    assert membership.org == tree.union_a and membership.person.employer == tree.enterprise_a


def test_a_union_that_takes_no_direct_applications_says_so(courier_client, courier, tree):
    text = page(apply(courier_client, tree.union_b))
    assert (
        "不接受直接申请" in text
        or zh(
            "This union does not take direct applications: choose your employer's union or a union that accepts direct joining."
        )
        in text
    )
    with scopes_disabled():
        assert not Person.objects.filter(user=courier).exists()


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (
            ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1"),
            "The check character is wrong: this ID number was mistyped.",
        ),
        ("110111" + "20990101" + "123" + "X", None),  # a birth date in the future
        ("110111" + "19900231" + "123" + "X", "The birth date in this ID number does not exist."),
    ],
)
def test_a_wrong_id_number_is_named_on_the_field_and_nothing_is_written(
    courier_client, courier, direct_union, id_number, message
):
    from smartunion.core.personal import id_number_check_char

    if message is None:
        id_number = id_number[:17] + id_number_check_char(id_number[:17])
        message = "The birth date in this ID number is impossible."
    response = apply(courier_client, direct_union, id_number=id_number)
    text = page(response)
    assert f'<small class="m-error" id="id_id_number_error">{zh(message)}</small>' in text
    assert f'value="{id_number}"' in text  # what was typed stays, to be corrected
    with scopes_disabled():
        assert not Person.objects.filter(user=courier).exists()
        assert not Membership.objects.exists()


def test_trying_id_numbers_on_file_ends_in_a_lockout_said_on_the_form(
    courier_client, courier, direct_union, tree, settings
):
    on_file = [make_person(org=tree.union_a)[0] for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES)]
    for person in on_file:
        text = page(apply(courier_client, direct_union, id_number=person.id_number))
        assert "该身份证号码已有会员档案" in text
    text = page(apply(courier_client, direct_union))  # a number nobody has, after five refusals

    assert "填写已登记身份证号的次数过多，请 15 分钟后再试。" in text
    assert 'value="吴建国"' in text  # what was typed stays
    with scopes_disabled():
        assert not Person.objects.filter(user=courier).exists()


def test_without_consent_to_the_id_number_nothing_is_written(courier_client, courier, direct_union):
    text = page(apply(courier_client, direct_union, sensitive_consent=None))
    assert 'id="id_sensitive_consent_error"' in text and "勾选" in text
    with scopes_disabled():
        assert not Person.objects.filter(user=courier).exists()


def test_a_second_application_is_refused_with_the_reason(courier_client, courier, direct_union, tree):
    apply(courier_client, direct_union)
    text = page(apply(courier_client, tree.union_a, employer=tree.enterprise_a.pk))
    assert (
        zh("You already have an application waiting for an answer from %(org)s.", org=direct_union.name)
        in text
    )
    with scopes_disabled():
        assert Membership.objects.filter(person__user=courier).count() == 1


def test_a_member_applying_again_is_told_to_transfer(courier_client, courier, direct_union, personas):
    apply(courier_client, direct_union)
    approve(the_membership(courier), personas["fangshan_staff"])
    text = page(apply(courier_client, direct_union, id_number=""))
    assert (
        zh("You are already a member of %(org)s. To change union, ask for a transfer.", org=direct_union.name)
        in text
    )


# --- Status, history, inbox -----------------------------------------------------------------------------


def test_no_application_yet(courier_client):
    text = page(courier_client.get(reverse("mobile:membership")))
    assert zh("You have not applied to join a union yet.") in text
    assert reverse("mobile:join") in text


def test_after_approval_the_status_is_active_and_the_inbox_says_welcome(
    courier_client, courier, direct_union, personas
):
    apply(courier_client, direct_union)
    membership = the_membership(courier)
    approve(membership, personas["fangshan_staff"])
    membership.refresh_from_db()

    text = page(courier_client.get(reverse("mobile:membership")))
    assert (
        zh(MembershipStatus.ACTIVE.label) in text and membership.number in text and direct_union.name in text
    )
    assert zh("Welcome to %(org)s", org=direct_union.name) in text
    assert zh("Your membership number is %(number)s.", number=membership.number) in text
    assert zh(MembershipStatus.APPLYING.label) in text  # the history keeps the application step
    assert text.count('class="m-unread"') == 2  # received + welcome

    welcome = InboxMessage.objects.get(user=courier, body__contains=membership.number)
    courier_client.post(reverse("mobile:inbox_read"), {"message": welcome.pk})
    welcome.refresh_from_db()
    assert welcome.read_at is not None
    assert page(courier_client.get(reverse("mobile:membership"))).count('class="m-unread"') == 1
    courier_client.post(reverse("mobile:inbox_read"))
    assert not InboxMessage.objects.filter(user=courier, read_at__isnull=True).exists()


def test_a_rejection_shows_the_reason(courier_client, courier, direct_union, personas):
    apply(courier_client, direct_union)
    staff = personas["fangshan_staff"]
    with as_staff(staff):
        join_decide(actor=staff, membership=the_membership(courier), approve=False, reason="请先提供工作证明")
    text = page(courier_client.get(reverse("mobile:membership")))
    assert zh(MembershipStatus.REJECTED.label) in text
    assert "请先提供工作证明" in text


def test_another_workers_message_cannot_be_marked(courier_client, courier):
    other = WorkerFactory()
    message = InboxMessage.objects.create(user=other, title="别人的消息")
    courier_client.post(reverse("mobile:inbox_read"), {"message": message.pk})
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.parametrize("count", [1, 3])
def test_membership_page_queries_do_not_grow_with_the_inbox(
    courier_client, courier, direct_union, django_assert_num_queries, count
):
    apply(courier_client, direct_union)  # one message already
    for i in range(count - 1):
        InboxMessage.objects.create(user=courier, title=f"通知{i}")
    # session, user, person, memberships, history, inbox
    with django_assert_num_queries(6):
        response = courier_client.get(reverse("mobile:membership"))
    assert page(response).count("m-unread") == count


# --- The e-member card ------------------------------------------------------------------------------------


def card_token_on(text: str) -> str:
    token = re.search(r'data-token="([^"]+)"', text).group(1)
    src = re.search(r'<div id="card-qr"[^>]*>\s*<img src="([^"]+)"', text).group(1)
    assert src.startswith("data:image/svg+xml")
    assert src == card_qr_data_uri(token)  # the image is the QR code of this token
    return token


def test_the_card_shows_a_qr_that_verifies_and_is_revoked_on_suspension(
    courier_client, courier, direct_union, personas
):
    apply(courier_client, direct_union)
    staff = personas["fangshan_staff"]
    approve(the_membership(courier), staff)
    membership = the_membership(courier)

    text = page(courier_client.get(reverse("mobile:card")))
    assert (
        direct_union.name in text and membership.number in text and zh(MembershipStatus.ACTIVE.label) in text
    )
    assert "吴**" in text and "吴建国" not in text  # the name is masked
    assert 'hx-trigger="every 60s"' in text and reverse("mobile:card_qr") in text
    token = card_token_on(text)
    check = card_verify(token=token)
    assert check.result == "valid" and check.membership.pk == membership.pk
    # Under the QR code, the number and code to type where the shop's phone cannot scan.
    typed = re.search(r'<p class="m-ecard-code" id="card-code"[^>]*>(.*?)</p>', text, re.S).group(1)
    typed = re.sub(r"<[^>]+>", " ", typed)
    assert membership.number in typed
    assert card_verify(token=typed).result == "valid"

    # The partial the page polls gives a fresh QR.
    fresh = page(courier_client.get(reverse("mobile:card_qr"), HTTP_HX_REQUEST="true"))
    assert card_verify(token=card_token_on(fresh)).result == "valid"
    assert 'id="card-code"' in fresh

    with as_staff(staff):
        membership_transition(
            membership=membership, to=MembershipStatus.SUSPENDED, actor=staff, reason="欠缴会费"
        )
    assert card_verify(token=token).result == "revoked"
    poll = courier_client.get(reverse("mobile:card_qr"), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286  # htmx stops polling
    assert zh("This card is no longer valid.", "mobile") in page(poll)
    text = page(courier_client.get(reverse("mobile:card")))
    assert zh("Your membership is suspended, so your card is not valid.") in text
    assert "data-token" not in text
    assert card_verify(token=typed).result == "revoked"


def test_not_a_member_gets_a_clear_message_and_a_link_to_join(courier_client):
    text = page(courier_client.get(reverse("mobile:card")))
    assert zh("You are not a union member yet, so there is no card to show.") in text
    assert f'href="{reverse("mobile:join")}"' in text
    assert "data-token" not in text


def test_an_applicant_is_told_the_card_comes_after_approval(courier_client, direct_union):
    apply(courier_client, direct_union)
    text = page(courier_client.get(reverse("mobile:card")))
    assert zh("Your application is waiting for an answer.") in text


# --- The worker's own data -----------------------------------------------------------------------------


@pytest.fixture
def member(courier_client, courier, direct_union, personas):
    apply(courier_client, direct_union)
    approve(the_membership(courier), personas["fangshan_staff"])
    return the_membership(courier)


def test_my_data_page_shows_everything_masked(courier_client, member):
    text = page(courier_client.get(reverse("mobile:my_data")))
    person = member.person
    assert person.id_number_masked in text and person.mobile_masked in text
    assert ID_NUMBER not in text and WORKER_MOBILE not in text
    assert "吴建国" in text and member.number in text and "1990-03-07" in text
    assert zh(EmploymentForm.COURIER.label) in text and member.org.name in text
    assert "2 条消息" in text or "2" in text
    assert reverse("mobile:my_data_json") in text


def test_the_download_has_my_data_in_full_and_is_audited(courier_client, courier, member):
    response = courier_client.get(reverse("mobile:my_data_json"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["person"]["real_name"] == "吴建国"
    assert data["person"]["id_number"] == ID_NUMBER and data["person"]["mobile"] == WORKER_MOBILE
    assert data["memberships"][0]["number"] == member.number
    assert [e["to_status"] for e in data["membership_history"]] == ["applying", "active"]
    assert any(member.number in m["body"] for m in data["inbox"])
    with scopes_disabled():
        event = AuditEvent.objects.get(action="person.self_export")
    assert event.actor == courier and ID_NUMBER not in json.dumps(event.data)


def test_the_contact_mobile_is_corrected_with_a_code_sent_to_the_new_number(courier_client, member):
    new_mobile = make_mobile()
    url = reverse("mobile:my_contact_update")
    response = courier_client.post(url, {"mobile": new_mobile, "action": "send_code"}, HTTP_HX_REQUEST="true")
    assert "验证码已发送" in page(response)
    code = senders.OUTBOX[new_mobile]

    wrong = "000000" if code != "000000" else "111111"
    text = page(courier_client.post(url, {"mobile": new_mobile, "code": wrong}))
    assert zh("The code is wrong or has expired. Request a new one.") in text
    with scopes_disabled():
        assert Person.objects.get(pk=member.person_id).mobile == WORKER_MOBILE

    response = courier_client.post(url, {"mobile": new_mobile, "code": code}, follow=True)
    text = page(response)
    assert zh("Your contact mobile number has been changed.") in text
    assert f"{new_mobile[:3]}****{new_mobile[-4:]}" in text and new_mobile not in text
    with scopes_disabled():
        assert Person.objects.get(pk=member.person_id).mobile == new_mobile
        event = AuditEvent.objects.get(action="person.self_update", outcome=AuditOutcome.SUCCESS)
        failed = AuditEvent.objects.get(action="person.self_update", outcome=AuditOutcome.FAILURE)
    assert event.data == {"changed": ["mobile"]}
    assert failed.data["reason"] == "bad_code"  # the wrong code before it, counted like a failed sign-in


def test_a_code_sent_to_another_number_does_not_change_it(courier_client, member):
    url = reverse("mobile:my_contact_update")
    first, second = make_mobile(), make_mobile()
    courier_client.post(url, {"mobile": first, "action": "send_code"})
    text = page(courier_client.post(url, {"mobile": second, "code": senders.OUTBOX[first]}))
    assert zh("The code is wrong or has expired. Request a new one.") in text
    with scopes_disabled():
        assert Person.objects.get(pk=member.person_id).mobile == WORKER_MOBILE


def test_i_see_who_in_the_union_opened_and_unmasked_my_record(courier_client, member, tree):
    staff = StaffFactory(
        username="fangshan.member.officer",
        display_name="孙干事",
        home_org=tree.fangshan,
        roles=[("union_staff", tree.fangshan)],
    )
    with as_staff(staff):
        person = person_open(actor=staff, pk=member.person_id)
    text = page(courier_client.get(reverse("mobile:my_data")))
    # By name and organisation: a staff member's login name is not the worker's to know.
    assert "孙干事" in text and "房山区总工会" in text and "fangshan.member.officer" not in text
    assert "查看" in text

    admin = StaffFactory(
        username="fangshan.unmasker",
        display_name="",
        home_org=tree.fangshan,
        roles=[("federation_admin", tree.fangshan)],
    )
    with as_staff(admin):
        person_unmask(actor=admin, person=person, field="id_number")
    text = page(courier_client.get(reverse("mobile:my_data")))
    assert "工会工作人员" in text and "显示完整信息" in text and "fangshan.unmasker" not in text


@pytest.mark.parametrize("count", [1, 3])
def test_my_data_page_queries_do_not_grow_with_the_access_history(
    courier_client, member, tree, django_assert_num_queries, count
):
    for i in range(count):
        staff = StaffFactory(
            display_name=f"查看人{i}", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
        )
        with as_staff(staff):
            person_open(actor=staff, pk=member.person_id)
    # session, user, person, memberships, events, tags, transfers, access, inbox counts
    with django_assert_num_queries(9):
        response = courier_client.get(reverse("mobile:my_data"))
    assert page(response).count("查看人") == count


def test_closing_the_account_anonymises_and_keeps_the_audit_chain(courier_client, courier, member):
    url = reverse("mobile:close_account")
    text = page(courier_client.get(url))
    assert "第四十七条" in text and "统计" in text and "审计" in text

    text = page(courier_client.post(url, {"password": "Not-My-Password-1"}))
    assert zh("The current password is wrong.") in text
    courier.refresh_from_db()
    assert courier.is_active

    response = courier_client.post(url, {"password": WORKER_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mobile:home")
    assert zh("Your account has been closed and your personal information removed.") in page(response)
    assert not response.wsgi_request.user.is_authenticated

    # Raw rows: no name, no ID number, no mobile anywhere in the person or account tables.
    for table in (Person._meta.db_table, User._meta.db_table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table name from the model
            rows = cursor.fetchall()
        values = " ".join(str(value) for row in rows for value in row)
        for secret in ("吴建国", "吴师傅", ID_NUMBER, WORKER_MOBILE):
            assert secret not in values, (table, secret)
    with scopes_disabled():
        left = Membership.objects.get(pk=member.pk)
    assert left.status == MembershipStatus.LEFT and left.number == member.number  # statistics kept
    assert audit_verify().ok

    # And the account cannot sign in again.
    response = courier_client.post(
        reverse("mobile:login"), {"mobile": WORKER_MOBILE, "password": WORKER_PASSWORD}
    )
    assert "用户名或密码错误" in page(response)


def test_staff_are_pointed_to_the_console(client, personas):
    from tests.conftest import staff_login

    staff_login(client, personas["fangshan_staff"])
    for name in ("membership", "card", "my_data", "close_account"):
        response = client.get(reverse(f"mobile:{name}"))
        assert response.status_code == 403 and "管理后台" in page(response)


@pytest.fixture
def applicant(tree):
    return WorkerFactory(display_name="吴师傅")


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


def waiting_application(tree, user, *, days_overdue=0):
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
    membership = waiting_application(tree, applicant)
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
    waiting_application(tree, applicant)
    assert applicant_client.get(reverse("mobile:application_withdraw")).status_code == 405
    with scopes_disabled():
        assert Membership.objects.get(person__user=applicant).status == "applying"


def test_the_overdue_notice_follows_the_membership(applicant_client, applicant, tree):
    waiting_application(tree, applicant, days_overdue=2)
    text = page(applicant_client.get(reverse("mobile:membership")))
    assert "已超过答复期限：该申请已同时列入上级工会的逾期清单。" in text


def test_the_download_is_not_cached(applicant_client, applicant, tree):
    waiting_application(tree, applicant)
    response = applicant_client.get(reverse("mobile:my_data_json"))
    assert "no-store" in response["Cache-Control"]
    assert "吴师傅" in response.content.decode()


def test_the_download_names_staff_by_name_never_by_login(applicant_client, applicant, tree):
    membership = waiting_application(tree, applicant)
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
