"""The member list's hot path (members.selectors.member_rows) is one SQL statement. It must find
exactly the people the ORM's person_search finds, in the same order, under every scope; and its
scope comes from the one mechanism (core.scoping.scope_sql), which fails closed like the managers."""

from __future__ import annotations

import pytest

from smartunion.accounts.permissions import scope_with_perm
from smartunion.core.scoping import EMPTY_SCOPE, ScopeError, activate, scope_sql, scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Person
from smartunion.members.selectors import member_rows, person_search
from tests.factories import WorkerFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    """Namesakes across two sibling unions and another district, in several statuses."""
    made = {
        "zhang_a": make_person(
            org=tree.union_a, real_name="张三", mobile="13911112222", employer=tree.enterprise_a
        ),
        "zhang_a2": make_person(org=tree.union_a, real_name="张三丰", status=MembershipStatus.SUSPENDED),
        "zhang_b": make_person(org=tree.union_b, real_name="张三", status=MembershipStatus.APPLYING),
        "zhang_c": make_person(org=tree.union_c, real_name="张伟"),
        "li_a": make_person(org=tree.union_a, real_name="李四", status=MembershipStatus.LEFT),
        "percent": make_person(org=tree.union_a, real_name="100%_张"),
        # Found by the sign-in mobile of the linked account, too (issue 7, item 23).
        "signed_up": make_person(
            org=tree.union_b,
            real_name="赵登录",
            mobile="13700002222",
            user=WorkerFactory(mobile="13700001111"),
        ),
    }
    with scopes_disabled():  # left union_a, applying at union_b: union_a's staff must not see it
        Membership.objects.create(person=made["li_a"][0], org=tree.union_b, status=MembershipStatus.APPLYING)
    return {key: person for key, (person, _membership) in made.items()}


QUERIES = [
    "",
    "张",
    "张三",
    "张三丰",
    "李",
    "100%",
    "100%_",
    "王",
    "13911112222",
    "13700001111",
    "13700002222",
]


@pytest.mark.parametrize("persona", ["city_admin", "fangshan_staff", "union_a_staff", "shunyi_staff"])
def test_the_sql_search_finds_what_the_orm_search_finds(persona, personas, people, tree):
    user = personas[persona]
    with scope_with_perm(user, "members.view"):
        for q in QUERIES:
            for status in ("", MembershipStatus.ACTIVE, MembershipStatus.APPLYING):
                for org in (None, tree.union_a):
                    expected = [p.pk for p in person_search(q=q, org=org, status=status)]
                    got = [row.id for row in member_rows(q=q, org=org, status=status, limit=100)]
                    assert got == expected, (persona, q, status, org)


def test_rows_are_masked_and_carry_the_current_membership(personas, people, tree):
    with scope_with_perm(personas["union_a_staff"], "members.view"):
        rows = {row.id: row for row in member_rows(q="张", limit=10)}
    zhang = people["zhang_a"]
    row = rows[zhang.pk]
    assert row.mobile_masked == "139****2222"
    assert row.id_number_masked == zhang.id_number[:6] + "********" + zhang.id_number[-4:]
    assert row.birth_date == zhang.birth_date
    assert (row.org_name, row.employer_name) == (tree.union_a.name, tree.enterprise_a.name)
    with scopes_disabled():
        number = Membership.objects.get(person=zhang).number
    assert (row.status, row.number) == ("active", number)
    assert rows[people["zhang_a2"].pk].status == "suspended"
    with scope_with_perm(personas["union_a_staff"], "members.view"):
        (left,) = member_rows(q="李四", limit=10)
    assert (left.status, left.number) == ("", "")  # no held membership, no open application


def test_pages_continue_after_the_cursor_without_gaps_or_repeats(personas, tree):
    for n in range(7):
        make_person(org=tree.union_a, real_name="王" + "一二三四五六七"[n % 7] * (1 + n % 2))
    make_person(org=tree.union_a, real_name="王一")  # a namesake: the id breaks the tie
    with scope_with_perm(personas["union_a_staff"], "members.view"):
        everyone = [row.id for row in member_rows(q="王", limit=100)]
        seen, after = [], None
        while True:
            page = member_rows(q="王", after=after, limit=3)
            seen += [row.id for row in page]
            if len(page) < 3:
                break
            after = (page[-1].real_name, page[-1].id)
    assert seen == everyone and len(everyone) == 8


def test_a_membership_out_of_scope_is_neither_shown_nor_filtered_on(personas, tree):
    """A person whose record union_a holds, with an open application at union_b: union_a's staff
    do not see union_b's application, and cannot find the person by filtering on it."""
    person, _membership = make_person(org=tree.union_a, real_name="赵六", status=MembershipStatus.LEFT)
    with scopes_disabled():
        Membership.objects.create(person=person, org=tree.union_b, status=MembershipStatus.APPLYING)
    with scope_with_perm(personas["union_a_staff"], "members.view"):
        (row,) = member_rows(q="赵六", limit=10)
        assert row.status == ""
        assert member_rows(q="赵六", status=MembershipStatus.APPLYING, limit=10) == []
    with scope_with_perm(personas["fangshan_staff"], "members.view"):
        (row,) = member_rows(q="赵六", limit=10)
        assert row.status == "applying"


def test_the_sql_scope_fails_closed(people):
    with pytest.raises(ScopeError):
        member_rows(q="张", limit=10)
    with pytest.raises(ScopeError):
        scope_sql(Person, org="o.path")
    with activate(EMPTY_SCOPE):
        assert scope_sql(Person, org="o.path") == ("1 = 0", [])
        assert member_rows(q="张", limit=10) == []
    with pytest.raises(TypeError):  # Person is placed by its org, not by another column
        scope_sql(Person, employer="e.path")


def _is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.mark.parametrize(("persona", "lateral"), [("city_admin", False), ("union_a_staff", True)])
def test_on_postgresql_a_wide_scope_walks_names_and_a_narrow_one_starts_from_its_unions(
    persona, lateral, personas, people, tree
):
    """A plan the server reuses cannot tell a city from a union, so member_rows picks the shape:
    walking everyone's names in order suits the city; starting from each union suits one union,
    where the walk would pass over the whole city's namesakes first."""
    if not _is_postgresql():
        pytest.skip("the two statement shapes are PostgreSQL's; SQLite runs one statement")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartunion.members.selectors import search as selectors

    selectors._breadth.clear()  # the tree of this test, not of an earlier one
    with scope_with_perm(personas[persona], "members.view"), CaptureQueriesContext(connection) as queries:
        got = [row.id for row in member_rows(q="张", limit=100)]
        expected = [p.pk for p in person_search(q="张")]
    search = [q["sql"] for q in queries.captured_queries if "members_person p" in q["sql"]]
    assert got == expected and got
    assert ("CROSS JOIN LATERAL" in search[0]) is lateral


def test_on_postgresql_the_search_is_planned_once_and_the_plan_reused(personas, people):
    """Planning the search cost more than running it (decision 0011): the statement is prepared,
    and after its first runs the server reuses one plan for every name."""
    if not _is_postgresql():
        pytest.skip("prepared statements are PostgreSQL's")
    from django.db import connection

    with scope_with_perm(personas["city_admin"], "members.view"):
        for q in ["张", "李", "王", "张三", "赵", "张伟", "李四", "张三丰", "100%", "钱"]:
            member_rows(q=q, limit=21)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s AND statement LIKE %s",
            ["%FROM members_person p%", "%real_name >= (SELECT%"],
        )
        plans = cursor.fetchall()
    assert plans, "the member search was not prepared"
    generic, custom = plans[0]
    assert generic >= 1 and generic + custom == 10
