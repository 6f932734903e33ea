"""English pages carry no Chinese chrome and Chinese pages no English chrome.

Each key page of both ends is rendered in each language over data written in that language's script
(organisations, people, enterprises named in Latin letters for English, in Chinese for Chinese), so
any text in the other script is the product's own words left untranslated: labels, headings,
buttons, choices, role names, placeholders. Text marked with another ``lang`` (the language switch)
or hidden from assistive technology (the brand mark) is not chrome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from smartunion.accounts.models import Role
from smartunion.accounts.services import role_grant
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, OccupationTag
from smartunion.members.services import transfer_request
from smartunion.notifications.models import InboxMessage
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff, staff_login
from tests.factories import (
    STAFF_PASSWORD,
    EnterpriseFactory,
    OrgFactory,
    StaffFactory,
    WorkerFactory,
    make_person,
)

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "svg", "template"}
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
# Words a Chinese page may show in Latin letters: names of formats and things known by them.
LATIN_ALLOWED = {
    "JSON",
    "Excel",
    "CSV",
    "xlsx",
    "csv",
    "xls",
    "WPS",
    "EN",
    "QR",
    "TOTP",
    "ID",
    "App",
    "GB",
    "KB",
    "MB",
}
# Chinese an English page shows as data: the example in the organisation search (names are Chinese).
CHINESE_EXAMPLES = ["房山"]


class VisibleText(HTMLParser):
    """The text a reader is shown: text nodes and labelling attributes, without scripts, styles,
    icons, elements hidden from assistive technology or marked with another language."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # per open element: is it (or an ancestor) skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        skipped = (
            (self.stack and self.stack[-1])
            or tag in SKIPPED
            or values.get("aria-hidden") == "true"
            or values.get("type") == "hidden"
            or "code" in (values.get("class") or "").split()  # identifiers: codes, numbers, action names
            or (lang and not lang.startswith(self.language[:2]))
        )
        if not skipped:
            self.parts.extend(values[name] for name in ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(values["value"])
        if tag not in VOID:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, language: str) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return parser.parts


@dataclass
class World:
    staff: object
    worker: object
    data: list[str]  # names and values the pages show as data
    console_pages: list[str]
    mobile_pages: list[str]


NAMES = {
    "en": {
        "city": "Capital Federation",
        "district": "Riverside District Union",
        "street": "Bridge Street Union",
        "union": "Acme Company Union",
        "other": "Beta Company Union",
        "enterprise": "Acme Logistics Ltd",
        "member": "Li Lei",
        "applicant": "Han Meimei",
        "mover": "Wang Fang",
        "clerk": "Clerk Zhou",
        "worker": "Rider Wu",
        "message": "Welcome aboard",
        "reason": "Moved house",
        "helper": "Helper Sun",
    },
    "zh": {
        "city": "北京市总工会",
        "district": "房山区总工会",
        "street": "拱辰街道总工会",
        "union": "甲公司工会",
        "other": "乙公司工会",
        "enterprise": "甲物流有限公司",
        "member": "欧阳宝华",
        "applicant": "韩梅梅",
        "mover": "王芳",
        "clerk": "周干事",
        "worker": "吴师傅",
        "message": "欢迎加入工会",
        "reason": "搬家",
        "helper": "孙助理",
    },
}


def build(language: str) -> World:
    names = NAMES[language]
    city = OrgFactory(name=names["city"], kind=OrgKind.CITY_FEDERATION, region_code="110000")
    district = OrgFactory(
        name=names["district"], kind=OrgKind.DISTRICT_UNION, region_code="110111", parent=city
    )
    street = OrgFactory(
        name=names["street"], kind=OrgKind.STREET_UNION, region_code="110111004", parent=district
    )
    union = OrgFactory(name=names["union"], parent=street, region_code="110111")
    other = OrgFactory(name=names["other"], parent=street, region_code="110111")
    enterprise = EnterpriseFactory(name=names["enterprise"], org=union, covering_union=union)
    staff = StaffFactory(
        username="clerk", display_name=names["clerk"], home_org=city, roles=[("federation_admin", city)]
    )
    # A role granted through the service, so the audit log and the lists show a role by its name.
    helper = StaffFactory(username="helper", display_name=names["helper"], home_org=district)
    with as_staff(staff):
        role_grant(
            actor=staff,
            user=helper,
            role=Role.objects.get(code="union_staff"),
            org=district,
            confirm=STAFF_PASSWORD,
            client_address="127.0.0.1",
        )
    worker = WorkerFactory(display_name=names["worker"])
    member, _m = make_person(org=union, real_name=names["member"], employer=enterprise, user=worker)
    _p, application = make_person(org=union, real_name=names["applicant"], status="applying")
    mover, _m = make_person(org=union, real_name=names["mover"])
    with scopes_disabled():
        Membership.objects.filter(pk=application.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    with as_staff(staff):
        transfer = transfer_request(actor=staff, person=mover, to_org=other, reason=names["reason"])
    InboxMessage.objects.create(user=worker, title=names["message"])
    console_pages = [
        "/console/",
        "/console/orgs/",
        f"/console/orgs/{union.pk}/",
        f"/console/orgs/{union.pk}/edit/",
        "/console/enterprises/",
        f"/console/enterprises/{enterprise.pk}/",
        f"/console/members/?q={names['member']}",
        f"/console/members/{member.pk}/",
        f"/console/members/{member.pk}/edit/",
        "/console/members/new/",
        "/console/applications/",
        f"/console/applications/{application.pk}/",
        "/console/transfers/",
        f"/console/transfers/{transfer.pk}/",
        "/console/roles/",
        "/console/roles/grant/",
        "/console/audit/",
        "/console/roster/",
        "/console/account/password/",
    ]
    mobile_pages = ["/m/", "/m/membership/", "/m/messages/", "/m/me/", "/m/me/data/", "/m/card/", "/m/join/"]
    # Occupation tags are rows an administrator edits, in Chinese only: data, not chrome.
    tags = [str(name) for name in OccupationTag.objects.values_list("name", flat=True)]
    data = [
        *names.values(),
        staff.username,
        helper.username,
        enterprise.credit_code,
        *tags,
        *CHINESE_EXAMPLES,
    ]
    return World(staff, worker, data, console_pages, mobile_pages)


def foreign_chrome(html: str, language: str, data: list[str]) -> list[str]:
    found = []
    for part in visible_text(html, language):
        for value in sorted(data, key=len, reverse=True):
            part = part.replace(value, " ")
        if language == "en":
            found += CJK.findall(part)
        else:
            found += [w for w in LATIN_WORD.findall(part) if w not in LATIN_ALLOWED]
    return found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_chrome_in_the_other_language(client, language):
    world = build(language[:2])
    client.cookies["smartunion_language"] = language
    leaks = {}
    staff_login(client, world.staff)
    for url in world.console_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := foreign_chrome(response.content.decode(), language, world.data):
            leaks[url] = sorted(set(found))
    client.logout()
    client.cookies["smartunion_language"] = language
    for url in ["/m/login/", "/m/register/", "/m/", "/m/join/"]:
        response = client.get(url)
        if found := foreign_chrome(response.content.decode(), language, world.data):
            leaks[f"{url} (signed out)"] = sorted(set(found))
    client.force_login(world.worker)
    for url in world.mobile_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := foreign_chrome(response.content.decode(), language, world.data):
            leaks[url] = sorted(set(found))
    assert leaks == {}, "\n".join(f"{url}: {words}" for url, words in leaks.items())


def test_no_message_is_translated_once_at_import():
    """A module-level ``gettext`` runs once, in whatever language is active at import, and that text
    then shows in every language (the member status buttons did): module and class level messages
    use ``gettext_lazy``."""
    import ast
    from pathlib import Path

    eager_names = {"gettext", "pgettext", "ngettext", "npgettext"}
    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "smartunion").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in eager_names
        }

        def scan(nodes, path=path, eager=eager):
            for node in nodes:
                if isinstance(node, ast.ClassDef):
                    scan(node.body)
                elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.Expr)):
                    for call in ast.walk(node):
                        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in eager:
                            found.append(f"{path.name}:{call.lineno}: {ast.unparse(call)}")

        scan(tree.body)
    assert found == []
