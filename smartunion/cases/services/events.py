"""A case's history, and telling the worker: every step the worker may see becomes an event on the
timeline, an inbox message and a text message (notifications); an internal note stays internal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.cases.models import Case, CaseEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications.services import notify, sms_send_text


def case_link(case: Case) -> str:
    return f"/m/cases/{case.pk}/"


def lock_case(case: Case) -> Case:
    """The case's row, locked for the caller's transaction. The caller has already decided that the
    actor may act on this case (the ends fetch it through the selectors), so the lock reads it
    whatever the active scope: a worker acting on their own case has none."""
    with scopes_disabled():
        return Case.objects.select_for_update().select_related("org").get(pk=case.pk)


def case_event(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    public_text: str | Callable[[], str] = "",
    internal_text: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    tell_worker: bool = True,
) -> CaseEvent:
    """Record one step. With ``public_text`` the worker sees it on the timeline and, when
    ``tell_worker``, gets it in the inbox and by text message once the transaction commits. Give it
    as a function (``lambda: _("…") % {…}``): it is worded in the worker's language, whoever acts."""
    if callable(public_text):
        with translation.override(worker_language(case)):
            public_text = public_text()
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        public_text=public_text,
        internal_text=internal_text,
        is_internal=not public_text,
        data=data or {},
    )
    if public_text and tell_worker:
        tell_applicant(case=case, text=public_text)
    return event


def worker_language(case: Case) -> str:
    """The language the worker reads: their account's choice, else the installation's default."""
    applicant = case.applicant if case.applicant_id else None
    return (applicant.language if applicant is not None else "") or settings.LANGUAGE_CODE


def tell_applicant(*, case: Case, text: str) -> None:
    with translation.override(worker_language(case)):
        _tell(case, text)


def _tell(case: Case, text: str) -> None:
    title = _("Case %(number)s") % {"number": case.number}
    if case.applicant_id:
        notify(user_id=case.applicant_id, title=title, body=text, link=case_link(case))
    mobile = case.applicant_mobile
    if mobile:
        message = _("[smartunion] Case %(number)s: %(text)s") % {"number": case.number, "text": text}
        transaction.on_commit(lambda: sms_send_text(mobile=mobile, text=message))
