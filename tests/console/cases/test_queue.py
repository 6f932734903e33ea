"""The queue: the centre's cases and mine, by the nearest clock, filtered, a keyset page at a time,
names masked for cases.view-only staff, a fixed number of queries whatever the page size."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartunion.cases.models import Case
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import page_text


def _numbers(response) -> list[str]:
    return re.findall(r'href="/console/cases/\d+/">([A-Z]{2}\d+)</a>', response.content.decode())


def _set_clock(case, days: int, **extra):
    with scopes_disabled():
        Case.objects.filter(pk=case.pk).update(
            next_clock=timezone.localdate() + timedelta(days=days), **extra
        )


def test_the_queue_is_sorted_by_the_nearest_clock_and_flags_it(world, as_user, new_case):
    far, overdue, soon = (new_case(status="received") for _ in range(3))
    _set_clock(far, 30)
    _set_clock(overdue, -2)
    _set_clock(soon, 1)
    response = as_user(world.mediator_fs).get("/console/cases/")
    assert response.status_code == 200
    assert _numbers(response) == [overdue.number, soon.number, far.number]
    html = response.content.decode()
    assert html.count('class="overdue"') == 1 and html.count('class="due-soon"') == 1


def test_filters_by_status_clock_kind_type_and_number(world, as_user, new_case):
    received = new_case(status="received")
    overtime = new_case(status="received", dispute_type="overtime")
    mine = new_case(status="assigned")
    _set_clock(received, -1)
    client = as_user(world.mediator_fs)
    assert set(_numbers(client.get("/console/cases/?clock=overdue"))) == {received.number}
    assert set(_numbers(client.get("/console/cases/?status=assigned"))) == {mine.number}
    assert set(_numbers(client.get("/console/cases/?dispute_type=overtime"))) == {overtime.number}
    assert set(_numbers(client.get(f"/console/cases/?q={mine.number}"))) == {mine.number}
    assert set(_numbers(client.get("/console/cases/?view=mine"))) == {mine.number}
    assert _numbers(client.get("/console/cases/?kind=legal_aid")) == []
    assert _numbers(client.get("/console/cases/?status=closed")) == []
    # an officer sees the legal-aid cases of their centre, not the mediation ones
    aid = new_case(kind="legal_aid", status="received", employer=world.employer_fs)
    assert _numbers(as_user(world.officer_fs).get("/console/cases/")) == [aid.number]


def test_union_staff_see_names_masked_the_mediator_in_full(world, as_user, new_case):
    new_case(status="received")
    assert "刘芳" in page_text(as_user(world.mediator_fs).get("/console/cases/"))
    text = page_text(as_user(world.union_staff_fs).get("/console/cases/"))
    assert "刘*" in text and "刘芳" not in text


def test_without_a_case_flag_the_queue_is_403_and_other_centres_are_not_listed(
    world, as_user, new_case, personas
):
    case = new_case(status="received")
    assert as_user(personas["union_a_staff"]).get("/console/cases/").status_code == 403
    assert as_user(personas["fangshan_viewer"]).get("/console/cases/").status_code == 403
    assert case.number not in page_text(as_user(world.mediator_sy).get("/console/cases/"))


def test_keyset_pages_follow_on(world, as_user, new_case):
    cases = [new_case(status="received") for _ in range(3)]
    client = as_user(world.mediator_fs)
    first = client.get("/console/cases/?size=2")
    assert len(_numbers(first)) == 2
    next_url = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', first.content.decode()).group(1)
    second = client.get("/console/cases/" + next_url.replace("&amp;", "&"))
    assert _numbers(second) == [c.number for c in cases][2:] or len(_numbers(second)) == 1
    assert set(_numbers(first)) | set(_numbers(second)) == {c.number for c in cases}


def test_a_fixed_number_of_queries_whatever_the_page_size(world, as_user, new_case):
    for _ in range(12):
        new_case(status="assigned")
    client = as_user(world.mediator_fs)
    client.get("/console/cases/")  # warm the session
    counts = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/console/cases/?size={size}")
        assert response.status_code == 200
        counts[size] = len(queries)
    assert len(_numbers(client.get("/console/cases/?size=50"))) == 12
    assert counts[10] == counts[50]
