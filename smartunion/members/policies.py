"""Who may do what with members, applications, transfers, rosters and cards, as named predicates
asked by every end (console pages and buttons, the API) and by the services where a rule is more
than one flag.

A flag held on a node counts on its whole subtree (``accounts.permissions``); a member's union is
``person.org``. ``can_*`` answer yes or no; ``require_*`` raise ``Forbidden`` (403) with the flag's
name. Where an object is optional, without it the question is "anywhere" (whether to offer a
button or a choice at all)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartunion.accounts.permissions import has_perm, require_perm
from smartunion.accounts.policies import can_redeem
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person

if TYPE_CHECKING:
    from smartunion.accounts.models import User
    from smartunion.members.models import Membership, Transfer
    from smartunion.orgs.models import Org


# --- The register ----------------------------------------------------------------------------------


def can_view_members(user: User, org: Org | None = None) -> bool:
    """See the members of ``org`` (records, applications, transfers, imports): ``members.view``."""
    return has_perm(user, "members.view", org)


def require_view_members(user: User, org: Org) -> None:
    """``can_view_members`` on ``org``, or Forbidden."""
    require_perm(user, "members.view", org)


def can_view_member(user: User, person: Person) -> bool:
    """Open a member's record: ``members.view`` on the member's union."""
    return can_view_members(user, person.org)


def can_change_member(user: User, person: Person) -> bool:
    """Edit a member's data and change their membership's status: ``members.change`` on the
    member's union."""
    return has_perm(user, "members.change", person.org)


def require_change_member(user: User, person: Person) -> None:
    """``can_change_member``, or Forbidden."""
    require_perm(user, "members.change", person.org)


def can_enrol_member(user: User, org: Org | None = None) -> bool:
    """Enrol a member on a worker's behalf into ``org``: ``members.change`` there."""
    return has_perm(user, "members.change", org)


def can_unmask(user: User, person: Person | None = None) -> bool:
    """Show a member's full ID number or mobile (audited): ``members.unmask`` on the member's union.
    A grassroots clerk never holds it: they see masked numbers only."""
    return has_perm(user, "members.unmask", person.org if person is not None else None)


def can_import_roster(user: User, org: Org | None = None) -> bool:
    """Import a roster into ``org``: ``members.change`` there."""
    return has_perm(user, "members.change", org)


# --- Applications and transfers --------------------------------------------------------------------


def can_decide_application(user: User, membership: Membership) -> bool:
    """Answer an application to join: ``members.change`` on the union applied to."""
    return has_perm(user, "members.change", membership.org)


def can_decide_transfer(user: User, transfer: Transfer | None = None) -> bool:
    """The receiving union approves or rejects a transfer: ``members.change`` on ``transfer.to_org``."""
    return has_perm(user, "members.change", transfer.to_org if transfer is not None else None)


def can_request_transfer(user: User, person: Person) -> bool:
    """Ask for a member's transfer: the member themselves, or staff holding ``members.change`` on the
    member's current union (the receiving union approves). A receiving union cannot pull a member
    it only sees through a wider role."""
    if not user.is_staff_member:
        return person.user_id == user.pk
    return has_perm(user, "members.change", person.org)


def can_cancel_transfer(user: User, transfer: Transfer) -> bool:
    """Call off a waiting transfer: whoever may ask for it (the member, the sending union), and the
    receiving union (which may also simply reject it)."""
    with scopes_disabled():
        person = Person.objects.get(pk=transfer.person_id)
    return can_request_transfer(user, person) or (
        user.is_staff_member and has_perm(user, "members.change", transfer.to_org)
    )


# --- Cards -----------------------------------------------------------------------------------------


def can_verify_card(user: User) -> bool:
    """Verify a member card shown to them: merchant clerks (``can_redeem``) and union staff
    (``members.view``), held anywhere, since cards are shown across the federation."""
    return can_redeem(user) or can_view_members(user)
