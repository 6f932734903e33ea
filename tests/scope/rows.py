"""The kinds of row in the scope matrix, and where the rows are found.

Each domain keeps its rows in ``tests/scope/rows_<domain>.py``, in module-level lists named as in
``TABLES``; a module holds only the tables it needs. ``test_scope_matrix.py`` finds every
``rows_*.py`` module by itself, so a new domain adds its file and nothing else, and
``test_route_coverage.py`` fails for any route of the console, the mobile web or the API that no
row (of any table) requests and that is not on its public list.

Routes are formatted with the objects of ``personas.scope_objects`` (the tree, the personas' grants,
members, workers and their data): ``{union_c.pk}``, ``{worker_a_message.pk}``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """persona × end × method × route → expected status.

    Before the request the ``target`` (an object, which may leak) must exist. After a request that
    must not reach it (401, 403, 404, or ``refused`` whatever the status: a redirect to sign-in, a
    form error, a worker's own page), its name does not show, it has not changed, ``counted`` (a
    model's class name) has as many rows as before, and an API error has the error shape.
    ``hidden`` strings never show in the answer, ``visible`` ones do (formatted like the route):
    a worker's page shows their own data and not another worker's."""

    persona: str  # a key of the ``personas`` fixture, a worker of scope_objects, or "anonymous"
    end: str  # "console" | "mobile" | "api"
    method: str
    route: str  # formatted with the objects
    expected: int
    target: str = ""  # the key of an object that must exist before the request
    body: tuple = ()
    hidden: tuple[str, ...] = ()
    visible: tuple[str, ...] = ()
    refused: bool = False
    counted: str = ""
    redirect: str = ""  # where a 302 must lead (the start of its Location)

    def __str__(self):
        return f"{self.persona} {self.method} {self.route} -> {self.expected}"


@dataclass(frozen=True)
class ListRow:
    """A console list and the two-role persona: ``hidden`` (a record of 房山 outside 甲公司工会) is
    not listed, ``visible`` (a record of 甲公司工会) is."""

    route_name: str
    url: str
    expected: int
    hidden: str  # a record of 房山 outside 甲公司工会, which the persona must not see listed
    target: str  # the object holding it, which must exist before the request
    visible: str = ""  # a record of 甲公司工会, which the list still shows
    method: str = "GET"
    body: tuple = ()
    persona: str = "union_a_fs_cockpit"

    def __str__(self):
        return f"{self.persona} {self.method} {self.url} {dict(self.body)} hides {self.hidden}"


@dataclass(frozen=True)
class Listed:
    """A list shows only the persona's scope: ``hidden`` is not on it, ``visible`` (if given) is."""

    persona: str
    url: str
    hidden: str
    visible: str = ""
    method: str = "GET"

    def __str__(self):
        return f"{self.persona} {self.method} {self.url} hides {self.hidden or '-'}"


# The tables a rows_<domain>.py module may define, with the kind of row each holds and the test
# that runs it (in test_scope_matrix.py).
TABLES = {
    "MATRIX": Row,  # test_scope_matrix
    "LIST_ROWS": ListRow,  # test_two_role_persona_lists_only_where_the_flag_is_held
    "CONSOLE_LISTS": Listed,  # test_console_lists_show_only_the_scope (the tree's data)
    "CONSOLE_MEMBER_LISTS": Listed,  # test_console_member_lists_show_only_the_scope
    "API_LISTS": Listed,  # test_api_lists_show_only_the_scope (the tree's data)
    "API_MEMBER_LISTS": Listed,  # test_api_member_lists_show_only_the_scope
}


def row_modules() -> dict[str, object]:
    """Every ``tests/scope/rows_<domain>.py`` module, by file name."""
    here = Path(__file__).parent
    return {
        f"{info.name}.py": importlib.import_module(f"{__package__}.{info.name}")
        for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda info: info.name)
        if info.name.startswith("rows_")
    }


def rows(table: str) -> list:
    """The rows of one table, from every domain's module, in file order."""
    found = []
    for module in row_modules().values():
        for row in getattr(module, table, ()):
            if not isinstance(row, TABLES[table]):
                raise TypeError(f"{module.__name__}.{table} holds {row!r}, not a {TABLES[table].__name__}")
            found.append(row)
    return found


def requests() -> list[tuple[str, str, str]]:
    """(method, URL, file) of every row of every table: what the route coverage counts."""
    found = []
    for filename, module in row_modules().items():
        for table in TABLES:
            for row in getattr(module, table, ()):
                url = row.route if isinstance(row, Row) else row.url
                found.append((row.method, url, filename))
    return found
