"""Who may change the holiday calendar, asked by the console and the calendar's services.

The calendar belongs to the whole installation, not to a subtree: every district's deadlines are
counted with it (decision 0012)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from smartunion.accounts.permissions import has_perm_at_root
from smartunion.core.errors import Forbidden

if TYPE_CHECKING:
    from smartunion.accounts.models import User

CALENDAR_PERM = "calendar.change"


def can_change_calendar(user: User) -> bool:
    """An administrator of the top-level federation: ``calendar.change`` held on a top-level node."""
    return has_perm_at_root(user, CALENDAR_PERM)


def require_change_calendar(actor: User | None) -> None:
    """``can_change_calendar``, or Forbidden; ``actor=None`` is system work (a management command
    run by the operator)."""
    if actor is not None and not can_change_calendar(actor):
        raise Forbidden(
            _("Only an administrator of the top-level federation may change the holiday calendar.")
        )
