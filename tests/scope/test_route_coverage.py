"""Every route has scope rows, or is public on purpose.

Every URL pattern the resolver serves (the console, the mobile web, the API and anything else) is
either requested by at least one row of some ``rows_<domain>.py`` (any table of rows.py), or listed
in ``PUBLIC`` below with the reason nobody's data is behind it. A new route in neither fails
``test_every_route_has_scope_rows_or_is_public`` with the file to add its rows to.

A route is known by what stays when views move between modules:
- an API operation by its method and path, as the OpenAPI document states them
  (``GET /api/v1/members/{person_id}``): a path answering GET and PATCH needs rows for both;
- any other named pattern by its namespaced URL name (``console:org_detail``, ``mobile:card``);
- an unnamed pattern by its route (``/api/v1/(?P<rest>.*)$``).
A row counts for the route its URL resolves to (its ``{...}`` fields read as 1, its query dropped).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.scope.rows import requests

# Routes with no scope rows, each with the reason why: nobody's data is behind them, or they act
# only on the caller's own session. Anything that reads or changes a record belongs in the rows.
PUBLIC = {
    # The site root only redirects to the mobile web.
    "/": "a redirect to /m/",
    # Signing in and out on the console: before a session exists, or on the caller's own session.
    "console:login": "sign-in: the password step",
    "console:login_otp": "sign-in: the second factor of the caller's own half-open session",
    "console:login_enrol": "sign-in: enrolling the caller's own authenticator at first sign-in",
    "console:logout": "ends the caller's own session",
    "console:set_language": "a language cookie (the one language view, used by the mobile web too)",
    # Signing in, registering and resetting a password on the mobile web.
    "mobile:login": "sign-in with a password",
    "mobile:login_code": "sign-in with a one-time code",
    "mobile:password_reset": "a forgotten password, reset with a code to the sign-in number",
    "mobile:register": "registering a worker account",
    "mobile:logout": "ends the caller's own session",
    "mobile:privacy": "the privacy notice: a page of text",
    # The API's description and its answers to addresses it does not have.
    "api:openapi-json": "the OpenAPI document",
    "api:api-root": "ninja's root, for reversing; answers 404",
    "/api/v1/(?P<rest>.*)$": "any other address under /api/v1: 404 in the error shape",
    # Signing in, registering and resetting a password through the API.
    "POST /api/v1/auth/token": "sign-in: issues a token",
    "DELETE /api/v1/auth/token": "sign-out: revokes the token it is sent with, no other",
    "POST /api/v1/auth/register/code": "registering: a code to the mobile",
    "POST /api/v1/auth/register": "registering a worker account",
    "POST /api/v1/auth/password-reset/code": "a forgotten password: a code to the sign-in number",
    "POST /api/v1/auth/password-reset": "a forgotten password, reset with the code",
    # Health and the public directory (auth=None: the same answer for everybody).
    "GET /api/v1/ping": "answers {ok: true} to any valid token: a health check",
    "GET /api/v1/unions/joinable": "the public union directory (public_* selectors)",
    "GET /api/v1/occupation-tags": "the public list of occupation tags",
    # The statutory calculator (mobile web and API): no sign-in, nothing stored, nobody's data; the
    # regional figures it reads are public law.
    "mobile:calculator": "the statutory calculator: a list of calculations",
    "mobile:calculator_page": "the statutory calculator: a calculation from what was typed, nothing stored",
    "POST /api/v1/calculator/economic-compensation": "the statutory calculator: nothing stored, nobody's data",
    "POST /api/v1/calculator/unlawful-termination": "the statutory calculator: nothing stored, nobody's data",
    "POST /api/v1/calculator/overtime": "the statutory calculator: nothing stored, nobody's data",
    "POST /api/v1/calculator/double-wages": "the statutory calculator: nothing stored, nobody's data",
    "POST /api/v1/calculator/final-award": "the statutory calculator: nothing stored, nobody's data",
    "POST /api/v1/calculator/deadline": "the statutory calculator: nothing stored, nobody's data",
}

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
ROW_FIELD = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Route:
    key: str  # what the coverage is keyed on (see the module's docstring)
    path: str  # the route as a path, for people: /console/orgs/<int:pk>/


def _join(prefix: str, route: str) -> str:
    # As Django joins the routes of nested patterns (ResolverMatch.route).
    return prefix + route.removeprefix("^")


def _patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(route, namespace, name) of every URL pattern, nested includes flattened."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = _join(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace))) or None
            yield from _patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, namespace, pattern.name


def api_operations(client) -> dict[str, set[str]]:
    """Path (``/api/v1/members/{person_id}``) -> methods, from the API's own OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json()
    return {path: {method.upper() for method in item} for path, item in document["paths"].items()}


def _as_path(route: str) -> str:
    return "/" + PARAMETER.sub(r"{\1}", route)


def all_routes(operations: dict[str, set[str]]) -> list[Route]:
    """Every route the site serves, keyed as the module's docstring says."""
    routes: dict[str, Route] = {}
    for route, namespace, name in _patterns():
        path = _as_path(route)
        if path in operations:
            keys = [f"{method} {path}" for method in sorted(operations[path])]
        elif name:
            keys = [f"{namespace}:{name}" if namespace else name]
        else:
            keys = ["/" + route]
        for key in keys:
            routes.setdefault(key, Route(key, "/" + route))
    return list(routes.values())


def row_route(method: str, url: str, operations: dict[str, set[str]]) -> str:
    """The key of the route a row's request reaches."""
    path = ROW_FIELD.sub("1", url).split("?")[0]
    match = resolve(path)
    as_path = _as_path(match.route)
    if as_path in operations:
        return f"{method} {as_path}"
    return match.view_name if match.url_name else "/" + match.route


def covered(operations: dict[str, set[str]]) -> tuple[dict[str, set[str]], list[str]]:
    """Route key -> the rows files requesting it; and the rows whose URL reaches no route."""
    files: dict[str, set[str]] = defaultdict(set)
    problems = []
    for method, url, filename in requests():
        try:
            files[row_route(method, url, operations)].add(filename)
        except Resolver404:
            problems.append(f"{filename}: {method} {url} reaches no route")
    return files, problems


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


END_PREFIXES = (["console"], ["m"], ["api", "v1"])


def rows_file_for(route: Route, routes: list[Route], files: dict[str, set[str]]) -> str:
    """Where a route's rows belong: the file of the covered route sharing the longest path with it
    (at least its first part past the end's own prefix), else rows_<that part>.py."""
    segments = _segments(route.path)
    end = next((p for p in END_PREFIXES if segments[: len(p)] == p), [])
    best, best_length = "", len(end)
    for other in routes:
        if other.key not in files or other.key == route.key:
            continue
        shared = 0
        for mine, theirs in zip(segments, _segments(other.path), strict=False):
            if mine != theirs:
                break
            shared += 1
        if shared > best_length:
            best, best_length = sorted(files[other.key])[0], shared
    if best:
        return best
    first = segments[len(end)] if len(segments) > len(end) else "home"
    return f"rows_{re.sub(r'[^a-z0-9]+', '_', PARAMETER.sub('', first).lower()).strip('_') or 'home'}.py"


def coverage_problems(routes: list[Route], files: dict[str, set[str]], public: dict[str, str]) -> list[str]:
    """What is wrong: routes with neither rows nor a place on the public list, public entries that
    are no route (any more), and routes both public and in the rows."""
    problems = []
    keys = {route.key for route in routes}
    for route in sorted(routes, key=lambda r: (r.path, r.key)):
        if route.key not in files and route.key not in public:
            where = rows_file_for(route, routes, files)
            problems.append(f"{route.key} ({route.path}): no scope rows; add them to tests/scope/{where}")
        elif route.key in files and route.key in public:
            problems.append(
                f"{route.key}: has rows in {sorted(files[route.key])} and is on PUBLIC; choose one"
            )
    for key in sorted(set(public) - keys):
        problems.append(f"{key}: on PUBLIC but no such route")
    return problems


def test_every_route_has_scope_rows_or_is_public(client):
    operations = api_operations(client)
    routes = all_routes(operations)
    files, unresolved = covered(operations)
    problems = unresolved + coverage_problems(routes, files, PUBLIC)
    assert not problems, "\n" + "\n".join(problems)


def test_the_routes_are_found_on_every_end(client):
    """The enumeration sees the three ends (a broken walk would find nothing to check)."""
    operations = api_operations(client)
    keys = {route.key for route in all_routes(operations)}
    assert {"console:org_detail", "mobile:card", "GET /api/v1/members/{person_id}"} <= keys
    assert {"GET /api/v1/enterprises/{enterprise_id}", "PATCH /api/v1/enterprises/{enterprise_id}"} <= keys
    assert "api:enterprise_change" not in keys  # an operation is keyed on its method and path


def test_the_coverage_check_names_a_new_route_and_its_file(client):
    operations = api_operations(client)
    routes = all_routes(operations)
    files, _unresolved = covered(operations)
    before = set(coverage_problems(routes, files, PUBLIC))  # empty when the suite passes
    routes += [
        Route("console:org_archive", "/console/orgs/<int:pk>/archive/"),
        Route("console:survey_list", "/console/surveys/"),
        Route("POST /api/v1/members/{person_id}/card", "/api/v1/members/<person_id>/card"),
    ]
    public = {**PUBLIC, "console:gone": "a route that was removed"}
    problems = [p for p in coverage_problems(routes, files, public) if p not in before]
    assert problems == [
        "POST /api/v1/members/{person_id}/card (/api/v1/members/<person_id>/card): no scope rows; add "
        "them to tests/scope/rows_members.py",
        "console:org_archive (/console/orgs/<int:pk>/archive/): no scope rows; add them to "
        "tests/scope/rows_orgs.py",
        "console:survey_list (/console/surveys/): no scope rows; add them to tests/scope/rows_surveys.py",
        "console:gone: on PUBLIC but no such route",
    ]
    assert row_route("GET", "/console/orgs/{union_c.pk}/?q=x", operations) == "console:org_detail"
    assert row_route("PATCH", "/api/v1/enterprises/{enterprise_c.pk}", operations) == (
        "PATCH /api/v1/enterprises/{enterprise_id}"
    )
