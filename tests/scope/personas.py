"""Who sends the scope rows, and the data that could leak to them.

The staff personas are the ``personas`` fixture of tests/conftest.py (one per grant pattern, on the
``tree``). This module adds the workers of the mobile web and the worker API, "anonymous" (no
session, no token), and the objects the rows name: the tree's, members, applications, transfers and
roster imports on both sides of each boundary (``member_objects``), and workers with their own data
(``worker_objects``): each is made before the request that must not reach it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urlencode

from django.apps import apps

from smartunion.accounts.models import Role, RoleGrant
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import RosterImport
from smartunion.members.services import card_token, join_apply, person_open, transfer_request
from smartunion.orgs.models import Enterprise, Org
from tests.conftest import staff_login
from tests.factories import (
    STAFF_PASSWORD,
    WORKER_PASSWORD,
    StaffFactory,
    WorkerFactory,
    make_id_number,
    make_person,
    totp_now,
)
from tests.scope.objects_cases import CASE_KEYS, case_objects
from tests.scope.objects_cases_worker import WORKER_CASE_KEYS, worker_case_objects
from tests.scope.rows import row_modules

ANONYMOUS = "anonymous"
# Keys of the objects made on demand: a row naming one (in its route, target, body, persona or
# expected text) gets that group made before its request.
MEMBER_KEYS = ("person_", "application_", "transfer_", "roster_import_")
WORKER_KEYS = ("worker_", "applicant_", "unlinked_")


def model(name: str):
    """A model by its class name, whichever app holds it (issue 8 moves the calendar and the inbox
    into apps of their own; the rows do not depend on where they live)."""
    (found,) = [m for m in apps.get_models() if m.__name__ == name]
    return found


def tree_objects(tree, personas) -> dict:
    """The tree, two grants' objects, a role, and a holiday of the calendar (every row gets these)."""
    objects = dict(vars(tree))
    with scopes_disabled():
        objects["grant_shunyi_staff"] = RoleGrant.objects.get(user=personas["shunyi_staff"])
    objects["role_grassroots_staff"] = Role.objects.get(code="grassroots_staff")
    objects["staff_shunyi"] = personas["shunyi_staff"]
    # A date of an entered notice: what a refused edit or delete must leave as it is.
    objects["holiday_override"] = model("HolidayOverride").objects.create(
        date=date(2027, 1, 1), is_workday=False, note="矩阵元旦", notice_year=2027
    )
    # A row of the regional wage figures: what a refused edit must leave as it is.
    objects["regional_figure"] = model("RegionalFigure").objects.create(
        region_code="110111",
        effective_from=date(2026, 1, 1),
        minimum_wage="2600.00",
        average_wage="12000.00",
        source="矩阵房山标准",
        source_date=date(2025, 12, 1),
    )
    return objects


def member_objects(tree) -> dict:
    """People, applications and transfers on both sides of each boundary (members' rows only)."""
    mover = StaffFactory(username="matrix.mover", home_org=tree.city, roles=[("federation_admin", tree.city)])
    objects = {}
    objects["person_a"], _m = make_person(org=tree.union_a, real_name="甲会员")
    objects["person_b"], _m = make_person(org=tree.union_b, real_name="乙会员")
    objects["person_c"], _m = make_person(org=tree.union_c, real_name="丙会员")
    for key, org, employer, name in (
        ("application_a", tree.union_a, tree.enterprise_a, "甲申请人"),
        ("application_b", tree.union_b, tree.enterprise_b, "乙申请人"),
        ("application_c", tree.union_c, tree.enterprise_c, "丙申请人"),
    ):
        data = {"real_name": name, "id_number": make_id_number(), "employer": employer}
        objects[key] = join_apply(user=WorkerFactory(), org=org, data=data)
    with scopes_disabled():
        for key, org, to_org, name in (
            ("transfer_b", tree.union_b, tree.union_c, "乙转会人"),  # union_b -> union_c: not union_a's
            ("transfer_fs", tree.union_b, tree.union_a, "房山转会人"),  # inside Fangshan: not Shunyi's
            ("transfer_b_from_a", tree.union_a, tree.union_b, "甲转出人"),  # union_a only sends it
        ):
            person, _m = make_person(org=org, real_name=name)
            objects[key] = transfer_request(actor=mover, person=person, to_org=to_org)
        for key, org in (("roster_import_a", tree.union_a), ("roster_import_b", tree.union_b)):
            objects[key] = RosterImport.objects.create(
                org=org,
                original_filename=f"{org.name}名册.xlsx",
                file_format="xlsx",
                status="ready",
                total_rows=1,
            )
    return objects


def worker_objects(tree) -> dict:
    """Workers of the mobile web and the worker API, each with data of their own that another
    worker must not see: ``worker_a`` (a member of 甲公司工会 with a message, a transfer asked for,
    a card and a staff member's look at their record) and ``worker_b`` (a member of 丙公司工会 with a
    message); ``worker_new`` has no record yet; ``applicant_c`` waits for 乙公司工会's answer;
    ``unlinked_b`` is a member 乙公司工会 entered, whom no account has claimed."""
    reader = StaffFactory(
        username="matrix.reader",
        display_name="甲记录查看人",
        home_org=tree.city,
        roles=[("federation_admin", tree.city)],
    )
    inbox = model("InboxMessage").objects
    objects = {}
    objects["worker_a"] = WorkerFactory(display_name="甲职工账户")
    objects["worker_a_person"], objects["worker_a_membership"] = make_person(
        org=tree.union_a, real_name="甲职工", user=objects["worker_a"]
    )
    objects["worker_a_message"] = inbox.create(user=objects["worker_a"], title="甲职工的消息：转会申请已提交")
    objects["worker_a_card"] = card_token(membership=objects["worker_a_membership"])
    objects["worker_b"] = WorkerFactory(display_name="乙职工账户")
    objects["worker_b_person"], objects["worker_b_membership"] = make_person(
        org=tree.union_c, real_name="乙职工", user=objects["worker_b"]
    )
    objects["worker_b_message"] = inbox.create(user=objects["worker_b"], title="乙职工的消息：欢迎入会")
    objects["worker_new"] = WorkerFactory(display_name="新职工账户")
    objects["unlinked_b"], _m = make_person(org=tree.union_b, real_name="待认领会员")
    applicant = WorkerFactory(display_name="丙申请职工账户")
    data = {"real_name": "丙申请职工", "id_number": make_id_number(), "employer": tree.enterprise_b}
    objects["applicant_c"] = join_apply(user=applicant, org=tree.union_b, data=data)
    with scopes_disabled():
        objects["worker_a_transfer"] = transfer_request(
            actor=objects["worker_a"], person=objects["worker_a_person"], to_org=tree.union_b
        )
        person_open(actor=reader, pk=objects["worker_a_person"].pk)
    return objects


def scope_objects(tree, personas, *texts: str) -> dict:
    """The objects a row names: the tree's always, members' and workers' when ``texts`` name them."""
    objects = tree_objects(tree, personas)
    text = " ".join(texts)
    if any(key in text for key in MEMBER_KEYS):
        objects.update(member_objects(tree))
    if any(key in text for key in (*WORKER_KEYS, *WORKER_CASE_KEYS)):
        objects.update(worker_objects(tree))
    # "case_" as a key of its own, not the tail of "wcase_".
    if any(re.search(rf"(?<![a-z]){key}", text) for key in CASE_KEYS):
        objects.update(case_objects(tree))
    if any(key in text for key in WORKER_CASE_KEYS):
        objects.update(worker_case_objects(tree, objects))
    objects.update(domain_objects(tree, personas, text))
    return objects


def domain_objects(tree, personas, text: str) -> dict:
    """Objects a domain's rows module makes itself: its ``OBJECTS`` maps a key prefix to a builder
    ``(tree, personas) -> dict``, called when a row names that prefix."""
    objects: dict = {}
    for module in row_modules().values():
        for prefix, build in getattr(module, "OBJECTS", {}).items():
            if prefix in text:
                objects.update(build(tree, personas))
    return objects


def list_objects(tree, personas) -> dict:
    objects = {**tree_objects(tree, personas), **member_objects(tree)}
    with scopes_disabled():
        objects["grant_fangshan_staff"] = RoleGrant.objects.get(user=personas["fangshan_staff"])
    return objects


def leak_names(target) -> list[str]:
    """Names that a refused response must not show."""
    if isinstance(target, Org | Enterprise):
        return [target.name]
    if isinstance(target, model("HolidayOverride")):
        return [target.note]
    if isinstance(target, model("InboxMessage")):
        return [target.title]
    with scopes_disabled():
        person = getattr(target, "person", None) or target
        return [person.real_name] if hasattr(person, "real_name") else []


def snapshot(obj):
    with scopes_disabled():
        return type(obj).objects.filter(pk=obj.pk).values().first()


def count(model_name: str) -> int:
    with scopes_disabled():
        return model(model_name).objects.count()


def api_token(client, user) -> str:
    """A bearer token from the real token endpoint: staff with their second factor, workers with
    their mobile and password."""
    if user.is_staff_member:
        body = {"username": user.username, "password": STAFF_PASSWORD, "otp": totp_now(user)}
    else:
        body = {"username": user.mobile, "password": WORKER_PASSWORD}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def readable(response) -> str:
    """The answer as a person reads it: a JSON answer with its characters unescaped (ninja writes
    ``\\u4e59``), so that a name in it is found by the name."""
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode(errors="replace")  # a file (a PDF, a photo) is not text


def send(client, *, end: str, user, method: str, url: str, body: dict):
    """The request as the end's clients send it: a session (staff past the second factor), or a
    bearer token with a JSON body for the API; nobody signed in for ``user`` None."""
    if end == "api":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, user)}"} if user is not None else {}
        data = json.dumps(body) if body else ""
        return client.generic(method, url, data=data, content_type="application/json", **headers)
    if user is not None:
        if user.is_staff_member:
            # Past the second factor, as on the console (the same session reaches the mobile web).
            staff_login(client, user)
        else:
            client.force_login(user)
    return client.generic(method, url, data=urlencode(body), content_type="application/x-www-form-urlencoded")


def persona_user(name: str, personas: dict, objects: dict):
    """The account of a persona: staff from the fixture, workers from the objects, None for nobody."""
    if name == ANONYMOUS:
        return None
    return personas[name] if name in personas else objects[name]
