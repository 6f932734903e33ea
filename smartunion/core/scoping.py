"""The one data-scope mechanism (see docs/architecture.md and docs/decisions/0002-scope-mechanism.md).

Every org-owned model uses ``ScopedManager`` as its default manager. A query through it:
- raises ``ScopeError`` when no scope is active (fail closed: a forgotten scope is a crash in tests,
  never a leak in production);
- is limited to the active scope's subtrees otherwise.

``accounts.middleware.ScopeMiddleware`` activates, for every request, the scope of the signed-in
staff member: the union of the subtrees where they hold a role (this module is the mechanism only;
who sees what is the accounts app's rule). Workers and anonymous visitors get an empty scope: they read
org-owned data only through selectors that state their own rule inside ``scopes_disabled()``.
Background work enters the scope of the org it works for with ``scope_for_orgs``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Q

# The path arithmetic lives in core.tree; these names stay importable from here for the selectors
# that state scopes and subtrees together.
from smartunion.core.tree import collapse_prefixes, is_root_path, path_upper_bound, subtree_q


class ScopeError(RuntimeError):
    """A scoped model was queried with no active scope."""


@dataclass(frozen=True)
class Scope:
    prefixes: tuple[str, ...] = ()
    unrestricted: bool = False

    def covers_path(self, path: str) -> bool:
        return self.unrestricted or any(path.startswith(p) for p in self.prefixes)

    @property
    def includes_a_root(self) -> bool:
        return self.unrestricted or any(is_root_path(p) for p in self.prefixes)

    def q(self, fields: tuple[str, ...], *, null_visible_at_root: bool) -> Q:
        if self.unrestricted:
            return Q()
        condition = Q(pk__in=[])
        for prefix in self.prefixes:
            for field in fields:
                condition |= subtree_q(prefix, field=field)
        if null_visible_at_root and self.includes_a_root:
            for field in fields:
                condition |= Q(**{f"{field}__isnull": True})
        return condition


EMPTY_SCOPE = Scope()
_active: ContextVar[Scope | None] = ContextVar("smartunion_scope", default=None)


def current_scope() -> Scope | None:
    return _active.get()


@contextlib.contextmanager
def activate(active: Scope) -> Iterator[Scope]:
    token = _active.set(active)
    try:
        yield active
    finally:
        _active.reset(token)


def scopes_disabled() -> contextlib.AbstractContextManager[Scope]:
    """For system work that states its own rule: sign-in, seeding, migrations, management commands."""
    return activate(Scope(unrestricted=True))


def scope_for_orgs(orgs: Iterable) -> contextlib.AbstractContextManager[Scope]:
    """Enter the scope of the given org nodes (background tasks working for an org)."""
    return activate(Scope(prefixes=collapse_prefixes(o.path for o in orgs)))


def _active_for(model) -> Scope:
    active = _active.get()
    if active is None:
        raise ScopeError(
            f"{model.__name__} was queried outside a scope: wrap system work in "
            "scopes_disabled() and staff work in the request's scope."
        )
    return active


def scope_sql(model, *, prefix_test: bool = False, **path_columns: str) -> tuple[str, list[str]]:
    """The active scope as a SQL condition, for the few hot reads written in SQL rather than built
    by the ORM (``members.selectors.member_rows``): the rule ``ScopedManager`` applies to
    ``model``, stated on ``path_columns``, the SQL expressions holding the materialized path of the
    org behind each of the model's scope fields (``scope_sql(Person, org="o.path")``). It fails
    closed the same way: no active scope raises ``ScopeError``; an empty scope matches nothing.

    ``prefix_test=True`` states each subtree as PostgreSQL's ``starts_with(path, prefix)`` instead
    of the half-open range (the same rows: paths compare bytewise). A range on an expression the
    planner cannot see into makes it expect few rows and keep planning a statement anew on every
    run; ``starts_with`` lets it reuse one plan (``member_rows``). Elsewhere it is the range."""
    manager = model._default_manager
    if not isinstance(manager, ScopedManager) or set(path_columns) != set(manager.scope_fields):
        raise TypeError(
            f"{model.__name__} is scoped by {getattr(manager, 'scope_fields', ())}, not {tuple(path_columns)}"
        )
    active = _active_for(model)
    if active.unrestricted:
        return "1 = 1", []
    parts: list[str] = []
    params: list[str] = []
    prefix_test = prefix_test and connection.vendor == "postgresql"
    for prefix in active.prefixes:
        for field in manager.scope_fields:
            column = path_columns[field]
            if prefix_test:
                parts.append(f"starts_with({column}, %s)")
                params.append(prefix)
            else:
                parts.append(f"({column} >= %s AND {column} < %s)")
                params += [prefix, path_upper_bound(prefix)]
    if manager.null_visible_at_root and active.includes_a_root:
        parts += [f"{path_columns[field]} IS NULL" for field in manager.scope_fields]
    return ("(" + " OR ".join(parts) + ")", params) if parts else ("1 = 0", [])


class ScopedManager(models.Manager):
    """Default manager of every org-owned model.

    ``fields`` name the foreign keys to ``orgs.Org`` that place a row in the tree ("" for the Org
    model itself); a row is visible when any of them lies in a visible subtree.
    """

    def __init__(self, *fields: str, null_visible_at_root: bool = False):
        super().__init__()
        self._fields = fields
        self._null_visible_at_root = null_visible_at_root

    def contribute_to_class(self, cls, name):
        # The rule belongs to the model: Django builds the managers behind relations
        # (``merchant.stores``) from this class with no arguments, and they must scope the same way.
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract and "_scope_rule" not in cls.__dict__:
            cls._scope_rule = (self._fields or ("org",), self._null_visible_at_root)

    @property
    def scope_fields(self) -> tuple[str, ...]:
        rule = getattr(self.model, "_scope_rule", None)
        return rule[0] if rule else (self._fields or ("org",))

    @property
    def null_visible_at_root(self) -> bool:
        rule = getattr(self.model, "_scope_rule", None)
        return rule[1] if rule else self._null_visible_at_root

    def get_queryset(self) -> models.QuerySet:
        active = _active_for(self.model)
        qs = super().get_queryset()
        if active.unrestricted:
            return qs
        return qs.filter(active.q(self.scope_fields, null_visible_at_root=self.null_visible_at_root))
