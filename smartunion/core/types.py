"""Types that core's mechanisms name without importing a domain app (core is the bottom layer)."""

from __future__ import annotations

from typing import Any, Protocol


class Actor(Protocol):
    """Who does something the audit log records: a staff member or a worker. At run time it is the
    user model (``accounts.User``), which core may not import; services in the domain apps take
    ``actor: User`` (or ``User | None``, where None is the system: a management command, a task)."""

    @property
    def pk(self) -> Any: ...

    @property
    def username(self) -> str: ...

    @property
    def is_staff_member(self) -> bool: ...
