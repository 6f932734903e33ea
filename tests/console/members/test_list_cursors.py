"""The cursors of the console's member lists (members, applications, transfers): a cursor belongs to
one list and tab, a damaged or foreign one gives the first page with a message, and it carries no
readable name."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from smartunion.console.views.members import encode_cursor
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership
from smartunion.members.services import join_apply
from tests.console.conftest import page_text
from tests.factories import WorkerFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db

INVALID_LINK = "此页链接无效，现显示第一页。"


def next_link(response) -> str:
    return unescape(re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', response.content.decode()).group(1))


@pytest.fixture
def many_members(tree, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members.PAGE_SIZE", 1)
    monkeypatch.setattr("smartunion.console.views.members_applications.PAGE_SIZE", 1)
    monkeypatch.setattr("smartunion.console.views.members_transfers.PAGE_SIZE", 1)
    for name in ("欧阳甲", "欧阳乙"):
        make_person(org=tree.union_a, real_name=name)


def test_a_member_list_cursor_in_another_list_gives_its_first_page(signed_in, tree, many_members):
    for name, days in (("孙一", 3), ("孙二", 1)):
        application = join_apply(
            user=WorkerFactory(),
            org=tree.union_a,
            data={"real_name": name, "id_number": make_id_number(), "employer": tree.enterprise_a},
        )
        with scopes_disabled():
            Membership.objects.filter(pk=application.pk).update(
                due_date=timezone.localdate() - timedelta(days=days)
            )
    client = signed_in("union_a_staff")
    member_link = next_link(client.get("/console/members/"))

    queue = client.get("/console/applications/" + member_link)
    escalated = client.get("/console/applications/?tab=escalated&" + member_link.lstrip("?"))
    transfers = client.get("/console/transfers/" + member_link)

    text = page_text(queue)
    assert queue.status_code == 200 and INVALID_LINK in text
    assert "孙一" in text and "孙二" not in text  # the first page: the earliest due first
    assert escalated.status_code == 200 and INVALID_LINK in page_text(escalated)
    assert transfers.status_code == 200 and INVALID_LINK in page_text(transfers)


def test_an_application_cursor_does_not_page_the_other_tab(signed_in, tree, monkeypatch):
    monkeypatch.setattr("smartunion.console.views.members_applications.PAGE_SIZE", 1)
    for name in ("李一", "李二"):
        join_apply(
            user=WorkerFactory(),
            org=tree.union_a,
            data={"real_name": name, "id_number": make_id_number(), "employer": tree.enterprise_a},
        )
    client = signed_in("union_a_staff")
    open_link = next_link(client.get("/console/applications/"))

    second = page_text(client.get("/console/applications/" + open_link))
    cursor = open_link.split("after=")[1]
    other_tab = page_text(client.get(f"/console/applications/?tab=escalated&after={cursor}"))

    assert INVALID_LINK not in second and "第一页" in second
    assert INVALID_LINK in other_tab


def test_a_damaged_cursor_gives_the_first_page(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    link = next_link(client.get("/console/members/"))
    damaged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")

    for url in ("/console/members/" + damaged, "/console/members/?after=x", "/console/members/?after=W10"):
        response = client.get(url)
        text = page_text(response)
        assert response.status_code == 200 and INVALID_LINK in text and "欧阳" in text


def test_the_member_list_cursor_carries_no_readable_name(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    link = next_link(client.get("/console/members/?q=欧阳"))
    cursor = link.split("after=")[1]

    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    second = page_text(client.get("/console/members/" + link))

    assert "欧阳".encode() not in raw and "欧阳" not in cursor
    assert INVALID_LINK not in second and "第一页" in second and "欧阳" in second


def test_a_sealed_cursor_whose_values_do_not_fit_gives_the_first_page(signed_in, tree, many_members):
    client = signed_in("union_a_staff")
    wrong_types = encode_cursor(("欧阳甲", "not-an-id"), list_name="members")
    wrong_date = encode_cursor(("not-a-date", 1), list_name="applications.open")

    members = client.get(f"/console/members/?after={wrong_types}")
    queue = client.get(f"/console/applications/?after={wrong_date}")

    assert members.status_code == 200 and INVALID_LINK in page_text(members) and "欧阳" in page_text(members)
    assert queue.status_code == 200 and INVALID_LINK in page_text(queue)
