"""Who may do what with cases, as named predicates every end asks.

- A mediator (``cases.mediate``) handles the mediation cases of the centres under their grant; a
  legal-aid officer (``cases.legal_aid``) the legal-aid and consultation cases of theirs. Handling
  means the centre's queue, every action, and the evidence files. The case's assignee handles it too.
- Union staff with ``cases.view`` see the cases of their subtree, read only and without the
  evidence files (they do not hold the case).
- ``cases.route`` changes where new cases go (routing rules) for centres in the subtree.
- A worker sees only their own cases (``is_applicant``): the account that applied, or the account
  whose mobile an application entered by staff carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from smartunion.accounts.permissions import has_perm, orgs_with_perm_paths
from smartunion.cases.models import Case, CaseKind

if TYPE_CHECKING:
    from smartunion.accounts.models import User
    from smartunion.orgs.models import Org

HANDLING_FLAG = {
    CaseKind.MEDIATION: "cases.mediate",
    CaseKind.LEGAL_AID: "cases.legal_aid",
    CaseKind.CONSULTATION: "cases.legal_aid",
}
HANDLING_FLAGS = ("cases.mediate", "cases.legal_aid")
# The kinds each handling flag covers.
FLAG_KINDS = {
    "cases.mediate": (CaseKind.MEDIATION,),
    "cases.legal_aid": (CaseKind.LEGAL_AID, CaseKind.CONSULTATION),
}


def handling_flag(kind: str) -> str:
    return HANDLING_FLAG[CaseKind(kind)]


def can_handle_kind(user: User, kind: str, org: Org | None = None) -> bool:
    return has_perm(user, handling_flag(kind), org)


def can_handle_any(user: User) -> bool:
    """Works cases at all (the workbench and "enter an application" are offered)."""
    return any(has_perm(user, flag) for flag in HANDLING_FLAGS)


def can_view_cases(user: User) -> bool:
    """Sees some cases: handles them or holds ``cases.view`` somewhere (the menu entry)."""
    return can_handle_any(user) or has_perm(user, "cases.view")


def can_handle_case(user: User, case: Case) -> bool:
    """Holds the case: the handling flag on its centre, or it is assigned to them."""
    return handles(user, kind=case.kind, org_path=case.org.path, assignee_id=case.assignee_id)


def handles(user: User, *, kind: str, org_path: str, assignee_id: int | None) -> bool:
    """``can_handle_case`` from a case's kind, centre path and assignee: for a queue's plain rows."""
    return handler(user)(kind, org_path, assignee_id)


def handler(user: User) -> Callable[[str, str, int | None], bool]:
    """``handles`` for ``user`` as a function of (kind, centre path, assignee id), the grants read
    once: a queue asks it for each of its rows."""
    if user is None or not getattr(user, "is_authenticated", False):
        return lambda kind, org_path, assignee_id: False
    pk = user.pk if user.is_active else object()  # an inactive user holds nothing, assigned or not
    staff = user.is_active and user.is_staff_member
    paths: dict[str, tuple[str, ...]] = {
        str(kind): orgs_with_perm_paths(user, flag) if staff else () for kind, flag in HANDLING_FLAG.items()
    }

    def held(kind: str, org_path: str, assignee_id: int | None) -> bool:
        if assignee_id is not None and assignee_id == pk:
            return True
        prefixes = paths.get(kind)
        if prefixes is None:
            handling_flag(kind)  # an unknown kind raises, as it always did
            return False
        return org_path.startswith(prefixes)

    return held


def can_view_case(user: User, case: Case) -> bool:
    return can_handle_case(user, case) or has_perm(user, "cases.view", case.org)


def can_see_evidence(user: User, case: Case) -> bool:
    """Evidence files are for the applicant and those holding the case, not for every union staff."""
    return is_applicant(user, case) or can_handle_case(user, case)


def can_be_assigned(user: User, case: Case) -> bool:
    """A mediator or lawyer the case may be assigned to: an active staff member holding the
    handling flag on the case's centre."""
    return bool(
        user.is_active and user.is_staff_member and has_perm(user, handling_flag(case.kind), case.org)
    )


def can_route(user: User, org: Org | None = None) -> bool:
    return has_perm(user, "cases.route", org)


def is_applicant(user, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_staff_member:
        return False
    if case.applicant_id is not None:
        return case.applicant_id == user.pk
    # A case staff entered for a worker without an account yet: the account that later signs in with
    # its mobile. Never a case that already has its applicant (a mobile number may be reassigned).
    return bool(case.applicant_mobile_index and user.mobile_index == case.applicant_mobile_index)
