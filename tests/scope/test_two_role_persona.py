"""The two-role persona of the security trial (issue 7): 甲公司工会's clerk who also reads 房山's
cockpit. Beyond the rows of LIST_ROWS: the lists on a real server after a real sign-in, the API's
search by a full number, and the memberships a record shows."""

from __future__ import annotations

from html import unescape
from urllib.parse import quote

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipEvent
from tests.conftest import staff_login
from tests.factories import STAFF_PASSWORD, make_person, totp_now
from tests.scope.personas import api_token, member_objects


def test_the_two_role_persona_lists_only_its_union_on_the_real_server(
    default_roles, real_server, tree, personas
):
    """The trial's case end to end: gunicorn, a real sign-in with password and TOTP, the list pages."""
    objects = member_objects(tree)
    user = personas["union_a_fs_cockpit"]
    server = real_server()
    client = server.client()
    client.post_form("/console/login/", {"username": user.username, "password": STAFF_PASSWORD})
    home = client.post_form("/console/login/otp/", {"otp": totp_now(user)})
    assert home.status == 200 and "union_a.fs_cockpit" in home.text, home.text[:500]

    for url, hidden, visible in (
        ("/console/members/", "乙会员", "甲会员"),
        ("/console/applications/", "乙申请人", "甲申请人"),
        ("/console/transfers/", "乙转会人", "房山转会人"),
        ("/console/enterprises/?q=公司", "乙科技有限公司", "甲物流有限公司"),
        ("/console/orgs/?q=工会", "乙公司工会", "甲公司工会"),
        ("/console/roster/", "乙公司工会名册.xlsx", "甲公司工会名册.xlsx"),
    ):
        page = client.get(quote(url, safe="/?=&"))
        text = unescape(page.text)
        assert page.status == 200, (url, page.status)
        assert visible in text and hidden not in text, url
    # Nor is a member of 乙公司工会 found by their full ID number or mobile.
    person_b = objects["person_b"]
    with scopes_disabled():
        numbers = (person_b.id_number, person_b.mobile)
    for number in numbers:
        found = unescape(client.post_form("/console/members/", {"q": number}).text)
        assert "乙会员" not in found and "乙公司工会" not in found
    assert server.alive()


@pytest.mark.parametrize("field", ["id_number", "mobile"])
def test_api_search_by_number_finds_nobody_outside_the_flag(field, tree, personas, client):
    """POST /members/search with the full number of 乙公司工会's member, as the two-role persona."""
    objects = member_objects(tree)
    with scopes_disabled():
        number = getattr(objects["person_b"], field)
        own = getattr(objects["person_a"], field)
    token = api_token(client, personas["union_a_fs_cockpit"])

    def search(q):
        response = client.post(
            "/api/v1/members/search",
            {"q": q},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return [item["real_name"] for item in response.json()["items"]]

    assert search(number) == []
    assert search(own) == ["甲会员"]


def test_a_record_lists_only_the_memberships_its_flag_shows(tree, personas, client):
    """A member of 甲公司工会 who was once suspended at 乙公司工会: the clerk who also reads 房山's
    cockpit opens the record and sees neither 乙公司工会's membership nor its reason, in the console
    and the API, as 甲公司工会's clerk alone would."""
    person, _m = make_person(org=tree.union_a, real_name="甲会员")
    with scopes_disabled():
        earlier = Membership.objects.create(person=person, org=tree.union_b, status="left")
        MembershipEvent.objects.create(
            membership=earlier, from_status="active", to_status="suspended", reason="乙工会的停会原因"
        )
    user = personas["union_a_fs_cockpit"]
    page = staff_login(client, user).get(f"/console/members/{person.pk}/").content.decode()
    assert "甲会员" in page and "甲公司工会" in page
    assert "乙公司工会" not in page and "乙工会的停会原因" not in page
    token = api_token(client, user)
    body = client.get(f"/api/v1/members/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [m["union"]["name"] for m in body["memberships"]] == ["甲公司工会"]
