"""Workflows: a status field, the one table of its allowed moves, and one ``<entity>_transition``
function per workflow, the only code that changes that status (STYLE.md).

A domain declares its states as ``TextChoices`` and its moves as a table next to its model
(``MEMBERSHIP_TRANSITIONS``: state -> the states it may go to), wraps them in a ``Workflow`` with the
sentence that refuses an illegal move, and writes its ``<entity>_transition`` service on top:
``move`` for a record it holds (checked, set, saved with ``update_fields``), or ``move_where`` for
the conditional form, one ``UPDATE ... WHERE status IN (...)``, where two runs may race for the
same move and only one may win (a roster import's claim). An illegal move raises ``Conflict`` with
a message naming both states, which every end shows as it shows any domain error.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import models
from django.utils.functional import Promise

from smartunion.core.errors import Conflict


class Workflow:
    """The allowed moves of one status field. ``refusal`` is a translatable sentence with
    ``%(from)s`` and ``%(to)s``, filled with the two states' labels in the active language."""

    def __init__(
        self,
        states: type[models.TextChoices],
        transitions: Mapping[str, Collection[str]],
        *,
        refusal: str | Promise,
        field: str = "status",
    ):
        unknown = {s for s in transitions if s not in states.values} | {
            s for targets in transitions.values() for s in targets if s not in states.values
        }
        if unknown:
            raise ValueError(f"Not states of {states.__name__}: {sorted(unknown)}")
        self.states = states
        self.transitions = transitions
        self.refusal = refusal
        self.field = field

    def allowed(self, from_state: str, to: str) -> bool:
        return to in self.transitions.get(from_state, ())

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def check(self, from_state: str, to: str) -> None:
        """Refuse a move the table does not allow (``Conflict``, naming both states)."""
        if not self.allowed(from_state, to):
            raise Conflict(str(self.refusal) % {"from": self.label(from_state), "to": self.label(to)})

    def move(self, obj: models.Model, to: str, *, fields: Sequence[str] = ()) -> str:
        """Check the move, set the status and save it with ``fields`` (set by the caller
        beforehand); returns the state left. Call inside the caller's transaction, on a row it
        holds locked when others may move it too."""
        from_state = getattr(obj, self.field)
        self.check(from_state, to)
        setattr(obj, self.field, to)
        obj.save(update_fields=[self.field, *fields])
        return from_state

    def move_where(
        self, queryset: models.QuerySet, *, from_: str | Collection[str], to: str, **values: Any
    ) -> int:
        """The conditional move: ``UPDATE ... SET status = to, **values WHERE status IN from_`` on
        the rows of ``queryset``, in one statement, so of two runs racing for the same move only one
        moves each row. Returns the number of rows moved (0: the row was no longer in ``from_``).
        Every ``from_`` -> ``to`` must be in the table."""
        sources = [from_] if isinstance(from_, str) else list(from_)
        for source in sources:
            self.check(source, to)
        if len(sources) == 1:
            queryset = queryset.filter(**{self.field: sources[0]})
        else:
            queryset = queryset.filter(**{f"{self.field}__in": sources})
        return queryset.update(**{self.field: to}, **values)
