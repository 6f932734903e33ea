"""How the three ends put membership statuses and the worker's access history into words: one
place, so the console, the mobile web and the API say the same thing.

The access history tells a worker who in the union looked at their record (PIPL 第四十五条): by
the staff member's name and organisation, never by the login name they sign in with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.utils.translation import get_language, pgettext

from smartunion.accounts.models import User
from smartunion.core.audit import AuditAction
from smartunion.core.models import AuditEvent
from smartunion.members.models import MembershipStatus


def choice_label(choices, value: str) -> str:
    """The label of a choice in the active language, straight from the enum; an unknown or empty
    code stays as it is. Remembered per language: a page of members puts two labels on each row,
    and translating a lazy label costs more than the rest of the row."""
    return _choice_label(choices, value, get_language())


@lru_cache(maxsize=1024)
def _choice_label(choices, value: str, _language: str | None) -> str:
    member = choices._value2member_map_.get(value)
    return str(member.label) if member is not None else value


def choice_labels(choices) -> dict[str, str]:
    """Every label of ``choices`` in the active language, by code: for a page that labels each of
    its rows (look up with ``.get(code, code)``, as ``choice_label`` does)."""
    return _choice_labels(choices, get_language())


@lru_cache(maxsize=64)
def _choice_labels(choices, _language: str | None) -> dict[str, str]:
    return {member.value: str(member.label) for member in choices}


def status_label(value: str) -> str:
    """A membership status in words; an unknown or empty code stays as it is."""
    return choice_label(MembershipStatus, value)


def access_labels() -> dict[str, str]:
    """What a staff member did with the worker's record, by audit action."""
    return {
        AuditAction.PERSON_VIEW: pgettext("access", "Viewed"),
        AuditAction.PERSON_UNMASK: pgettext("access", "Showed in full"),
        AuditAction.PERSON_UPDATE: pgettext("access", "Changed"),
        AuditAction.PERSON_ENROL: pgettext("access", "Enrolled"),
        AuditAction.ROSTER_EXPORT_UNMASKED: pgettext("access", "Exported"),
        # A worker's cases (cases fills members.selectors.ACCESS_HISTORY_EXTRA with them).
        AuditAction.CASE_VIEW: pgettext("access", "Opened your case"),
        AuditAction.CASE_EVIDENCE_VIEW: pgettext("access", "Opened an evidence file of your case"),
        AuditAction.CASE_DOCUMENT_VIEW: pgettext("access", "Downloaded a document of your case"),
        AuditAction.CASE_UNMASK: pgettext("access", "Showed your case's numbers in full"),
    }


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    action: str
    action_label: str
    field: str  # for person.unmask: id_number or mobile
    by: str  # the staff member's display name
    by_org: str  # the staff member's organisation
    refused: bool
    case_number: str = ""  # for an opening of one of the worker's cases


def staff_shown_name(actor: User | None) -> str:
    """The name a worker sees for a staff member: their display name, else "Union staff"."""
    name = (getattr(actor, "display_name", "") or "").strip() if actor is not None else ""
    return name or pgettext("access", "Union staff")


def access_entries(events: Iterable[AuditEvent]) -> list[AccessEntry]:
    """The worker's access history (``selectors.person_access_history``) ready to show."""
    labels = access_labels()
    entries = []
    for event in events:
        refused = event.outcome != "success"
        label = labels.get(event.action, event.action)
        if refused and event.action in (AuditAction.PERSON_UNMASK, AuditAction.CASE_UNMASK):
            label = pgettext("access", "Tried to show in full (refused)")
        actor = event.actor
        entries.append(
            AccessEntry(
                at=event.created_at,
                action=event.action,
                action_label=label,
                field=(event.data or {}).get("field", ""),
                by=staff_shown_name(actor),
                by_org=actor.home_org.name if actor is not None and actor.home_org is not None else "",
                refused=refused,
                case_number=event.object_repr if event.object_type == "cases.case" else "",
            )
        )
    return entries
