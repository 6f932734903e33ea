"""Who may change the regional figures, asked by the console and the figures' services.

The figures belong to the whole installation, not to a subtree: every district's calculations use
them, as every district's deadlines use the holiday calendar (decision 0012)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from smartunion.accounts.permissions import has_perm_at_root
from smartunion.core.errors import Forbidden

if TYPE_CHECKING:
    from smartunion.accounts.models import User

FIGURES_PERM = "figures.change"


def can_change_figures(user: User) -> bool:
    """An administrator of the top-level federation: ``figures.change`` held on a top-level node."""
    return has_perm_at_root(user, FIGURES_PERM)


def require_change_figures(actor: User | None) -> None:
    """``can_change_figures``, or Forbidden; ``actor=None`` is system work (seeding, tests)."""
    if actor is not None and not can_change_figures(actor):
        raise Forbidden(
            _("Only an administrator of the top-level federation may change the regional figures.")
        )
