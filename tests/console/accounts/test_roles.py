"""Role grants: the list in scope, granting with re-authentication, revoking, new staff accounts."""

from __future__ import annotations

import pytest

from smartunion.accounts.models import Role, RoleGrant, User
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import STAFF_PASSWORD, StaffFactory, totp_now

pytestmark = pytest.mark.django_db

WRONG_CONFIRM = "Re-enter your password or a current authenticator code to confirm."


def grants_of(user):
    with scopes_disabled():
        return list(RoleGrant.objects.filter(user=user).values_list("role__code", "org_id"))


def test_the_list_shows_grants_in_my_scope(signed_in, personas):
    text = page_text(signed_in("fangshan_admin").get("/console/roles/"))
    assert "角色授权" in text and "fangshan.staff" in text and zh("Union staff") in text
    assert "shunyi.staff" not in text and "city.admin" not in text


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, count):
    for i in range(count):
        StaffFactory(username=f"qc.{i}", home_org=tree.union_c, roles=[("grassroots_staff", tree.union_c)])
    client = signed_in("city_admin")
    with django_assert_num_queries(8):
        response = client.get("/console/roles/?q=qc.")
    assert page_text(response).count('<td class="code">qc.') == count


def test_grant_with_a_wrong_then_the_right_confirmation(signed_in, tree, personas):
    newcomer = StaffFactory(username="gongchen.staff", home_org=tree.street_fs)
    client = signed_in("fangshan_admin")
    role = Role.objects.get(code="union_staff")
    data = {
        "username": "gongchen.staff",
        "role": role.pk,
        "org": tree.street_fs.pk,
        "confirm": "not-my-password",
    }
    response = client.post("/console/roles/grant/", data)
    assert form_error_near(response, "id_confirm") == zh(WRONG_CONFIRM)
    assert 'value="gongchen.staff"' in response.content.decode()
    assert grants_of(newcomer) == []

    response = client.post("/console/roles/grant/", {**data, "confirm": STAFF_PASSWORD}, follow=True)
    assert "已授予 gongchen.staff 在“拱辰街道总工会”上的" in page_text(response)
    assert grants_of(newcomer) == [("union_staff", tree.street_fs.pk)]


def test_grant_confirmed_with_a_current_code(signed_in, tree, personas):
    newcomer = StaffFactory(username="code.staff", home_org=tree.street_fs)
    client = signed_in("fangshan_admin")
    role = Role.objects.get(code="grassroots_staff")
    data = {
        "username": "code.staff",
        "role": role.pk,
        "org": tree.union_a.pk,
        "confirm": totp_now(personas["fangshan_admin"]),
    }
    assert client.post("/console/roles/grant/", data).status_code == 302
    assert grants_of(newcomer) == [("grassroots_staff", tree.union_a.pk)]


def test_grant_to_an_unknown_username_or_outside_my_scope(signed_in, tree):
    client = signed_in("fangshan_admin")
    role = Role.objects.get(code="union_staff")
    response = client.post(
        "/console/roles/grant/",
        {"username": "nobody", "role": role.pk, "org": tree.street_fs.pk, "confirm": STAFF_PASSWORD},
    )
    assert form_error_near(response, "id_username") == "没有使用该用户名的工作人员账号。"
    StaffFactory(username="target.staff", home_org=tree.street_fs)
    response = client.post(
        "/console/roles/grant/",
        {"username": "target.staff", "role": role.pk, "org": tree.shunyi.pk, "confirm": STAFF_PASSWORD},
    )
    assert "请从列表中选择一个组织。" in page_text(response)


def test_union_staff_cannot_grant(signed_in):
    response = signed_in("fangshan_staff").get("/console/roles/grant/")
    assert response.status_code == 403 and "无权执行此操作" in page_text(response)


def test_revoke(signed_in, personas):
    staff = personas["fangshan_staff"]
    with scopes_disabled():
        grant = RoleGrant.objects.get(user=staff)
    client = signed_in("fangshan_admin")
    page = page_text(client.get(f"/console/roles/{grant.pk}/revoke/"))
    assert "确定撤销 fangshan.staff 在“房山区总工会”上的" in page
    wrong = client.post(f"/console/roles/{grant.pk}/revoke/", {"confirm": "nope"})
    assert form_error_near(wrong, "id_confirm") == zh(WRONG_CONFIRM)
    assert grants_of(staff) != []
    response = client.post(f"/console/roles/{grant.pk}/revoke/", {"confirm": STAFF_PASSWORD}, follow=True)
    assert "已撤销 fangshan.staff 的" in page_text(response)
    assert grants_of(staff) == []


def test_create_a_staff_account(signed_in, tree):
    client = signed_in("fangshan_admin")
    weak = client.post(
        "/console/staff/new/",
        {"username": "liang.xiang", "display_name": "梁祥", "password": "123", "home_org": tree.street_fs.pk},
    )
    assert form_error_near(weak, "id_password")
    assert 'value="liang.xiang"' in weak.content.decode()
    with scopes_disabled():
        assert not User.objects.filter(username="liang.xiang").exists()

    response = client.post(
        "/console/staff/new/",
        {
            "username": "liang.xiang",
            "display_name": "梁祥",
            "password": "Gold-Harbor-7319",
            "home_org": tree.street_fs.pk,
        },
    )
    assert response["Location"] == f"/console/roles/grant/?username=liang.xiang&org={tree.street_fs.pk}"
    with scopes_disabled():
        user = User.objects.get(username="liang.xiang")
    assert user.is_staff_member and user.home_org_id == tree.street_fs.pk
    form = page_text(client.get(response["Location"]))
    assert (
        "工作人员账号 liang.xiang 已创建" in form
        and 'value="liang.xiang"' in form
        and "拱辰街道总工会" in form
    )


def test_an_administrator_resets_a_lost_authenticator(signed_in, tree, personas, client):
    from smartunion.accounts.models import ApiToken, TotpDevice
    from smartunion.accounts.services import token_issue
    from smartunion.core.models import AuditEvent

    staff = personas["fangshan_staff"]
    with scopes_disabled():
        token_issue(user=staff, client_address="")
    admin_client = signed_in("fangshan_admin")
    url = f"/console/staff/{staff.pk}/reset-authenticator/"
    response = admin_client.post(url, {"confirm": "wrong"})
    assert zh(WRONG_CONFIRM) in page_text(response)
    assert TotpDevice.objects.filter(user=staff).exists()
    response = admin_client.post(url, {"confirm": STAFF_PASSWORD}, follow=True)
    assert "fangshan.staff" in page_text(response)
    assert not TotpDevice.objects.filter(user=staff).exists()
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="2fa.reset", object_id=str(staff.pk)).count() == 1
    # At the next sign-in the staff member is sent to enrol a new authenticator.
    client.logout()
    response = client.post("/console/login/", {"username": "fangshan.staff", "password": STAFF_PASSWORD})
    assert response.headers["Location"].startswith("/console/login/enrol/")


def test_authenticator_reset_outside_scope_is_404_and_changes_nothing(signed_in, personas):
    from smartunion.accounts.models import TotpDevice

    shunyi = personas["shunyi_staff"]
    response = signed_in("fangshan_admin").post(
        f"/console/staff/{shunyi.pk}/reset-authenticator/", {"confirm": STAFF_PASSWORD}
    )
    assert response.status_code == 404
    assert TotpDevice.objects.filter(user=shunyi).exists()


def test_the_grant_form_does_not_tell_which_usernames_exist_elsewhere(signed_in, tree):
    """A staff account homed outside the subtrees where I grant roles reads like an unknown one,
    whatever the confirmation."""
    client = signed_in("fangshan_admin")
    role = Role.objects.get(code="grassroots_staff")
    unknown = "没有使用该用户名的工作人员账号。"
    for username in ("nobody", "shunyi.staff", "city.admin"):
        for confirm in ("not-my-password", STAFF_PASSWORD):
            response = client.post(
                "/console/roles/grant/",
                {"username": username, "role": role.pk, "org": tree.union_a.pk, "confirm": confirm},
            )
            assert form_error_near(response, "id_username") == unknown, (username, confirm)
    with scopes_disabled():
        assert (
            not RoleGrant.objects.filter(org=tree.union_a, role=role)
            .exclude(user__username__in=["union_a.staff", "union_a.widened", "union_a.fs_cockpit"])
            .exists()
        )
