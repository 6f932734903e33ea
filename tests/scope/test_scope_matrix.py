"""The scope matrix: persona × route × method × expected status, on the console, the mobile web and
the API. The rows live per domain in ``rows_<domain>.py`` (see rows.py); this module runs them all.

Every row names data that belongs to somebody else; ``personas.scope_objects`` creates it before the
request, and each row first checks that it exists, so a 404 means "hidden", not "absent". After a
refused write the row checks that nothing changed. Outside the scope is 404 (never 403); inside
the scope without the permission is 403. A worker sees their own data only. Every new route adds
its rows (test_route_coverage.py fails until it does).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from smartunion.core.scoping import scopes_disabled
from tests.conftest import staff_login
from tests.scope.personas import (
    api_token,
    count,
    leak_names,
    list_objects,
    member_objects,
    persona_user,
    readable,
    scope_objects,
    send,
    snapshot,
)
from tests.scope.rows import rows


@pytest.mark.parametrize("row", rows("MATRIX"), ids=str)
def test_scope_matrix(row, tree, personas, client):
    body_texts = [f"{k}={v}" for k, v in row.body]
    objects = scope_objects(
        tree, personas, row.persona, row.route, row.target, *body_texts, *row.hidden, *row.visible
    )
    target = objects.get(row.target) if row.target else None
    before = snapshot(target) if target is not None else None
    if target is not None:
        assert before is not None, "the data that could leak must exist before the request"
    counted = count(row.counted) if row.counted else None
    route = row.route.format(**objects)
    body = {k: v.format(**objects) for k, v in row.body}
    user = persona_user(row.persona, personas, objects)
    response = send(client, end=row.end, user=user, method=row.method, url=route, body=body)
    assert response.status_code == row.expected, response.content[:500]
    content = readable(response)
    if row.redirect:
        assert response["Location"].startswith(row.redirect), response["Location"]
    if row.refused or row.expected in (401, 403, 404):
        # Nothing leaked and nothing changed.
        if target is not None:
            assert not any(name in content for name in leak_names(target))
            assert snapshot(target) == before
        if counted is not None:
            assert count(row.counted) == counted
        if row.end == "api" and row.expected >= 400:
            assert set(response.json()) >= {"code", "message", "fields"}
    with scopes_disabled():
        hidden = [text.format(**objects) for text in row.hidden]
        visible = [text.format(**objects) for text in row.visible]
    assert [text for text in hidden if text in content] == [], "another's data is shown"
    assert [text for text in visible if text not in content] == [], "the persona's own data is missing"


@pytest.mark.parametrize("row", rows("LIST_ROWS"), ids=str)
def test_two_role_persona_lists_only_where_the_flag_is_held(row, tree, personas, client):
    objects = list_objects(tree, personas)
    assert snapshot(objects[row.target]) is not None, "the data that could leak must exist"
    staff_login(client, personas[row.persona])
    body = {k: v.format(**objects) for k, v in row.body}
    response = client.generic(
        row.method,
        row.url.format(**objects),
        data=urlencode(body),
        content_type="application/x-www-form-urlencoded",
    )
    content = response.content.decode()
    assert response.status_code == row.expected, content[:500]
    assert row.hidden not in content
    if row.visible:
        assert row.visible in content


@pytest.mark.parametrize("row", rows("CONSOLE_LISTS"), ids=str)
def test_console_lists_show_only_the_scope(row, tree, personas, client):
    staff_login(client, personas[row.persona])
    response = client.get(row.url)
    assert response.status_code == 200
    if row.hidden:
        assert row.hidden not in response.content.decode()


@pytest.mark.parametrize("row", rows("CONSOLE_MEMBER_LISTS"), ids=str)
def test_console_member_lists_show_only_the_scope(row, tree, personas, client):
    objects = member_objects(tree)
    assert row.hidden in {n for o in objects.values() for n in leak_names(o)}, (
        "the data that could leak must exist"
    )
    staff_login(client, personas[row.persona])
    content = client.get(row.url).content.decode()
    assert row.hidden not in content
    if row.visible:
        assert row.visible in content


@pytest.mark.parametrize("row", rows("API_LISTS"), ids=str)
def test_api_lists_show_only_the_scope(row, tree, personas, client):
    token = api_token(client, personas[row.persona])
    response = client.get(row.url, HTTP_AUTHORIZATION=f"Bearer {token}")
    names = [item["name"] for item in response.json()["items"]]
    assert row.visible in names and row.hidden not in names


@pytest.mark.parametrize("row", rows("API_MEMBER_LISTS"), ids=str)
def test_api_member_lists_show_only_the_scope(row, tree, personas, client):
    objects = member_objects(tree)
    with scopes_disabled():
        assert any(
            getattr(o, "real_name", None) == row.hidden
            or getattr(getattr(o, "person", None), "real_name", None) == row.hidden
            for o in objects.values()
        ), "the data that could leak must exist"
    token = api_token(client, personas[row.persona])
    items = client.get(row.url, HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"]
    names = [item.get("real_name") or item["person"]["real_name"] for item in items]
    assert row.hidden not in names
    if row.visible:
        assert row.visible in names
