"""The guided interview's drafts: a worker's answers so far, saved at every step (one draft per
worker and kind), so the application resumes where they left off, on any device they sign in on.

The draft holds the application data as ``case_apply`` takes it (see ``applying``), with what the
worker typed kept as typed (a wrong amount stays wrong until corrected: nothing is lost), and the
evidence files chosen before the case exists: checked like any evidence (``evidence_check``), held
outside the web root under a random name, and added to the case on submission.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.cases.models import ApplicationDraft, Case, CaseKind
from smartunion.cases.selectors import draft_get
from smartunion.cases.services.applying import case_apply
from smartunion.cases.services.casework import evidence_add, evidence_check
from smartunion.core.errors import DomainError, Forbidden, NotFound, ValidationFailed, field_error

# A draft is answers typed on a phone: far below this. The limit keeps a script from filling rows.
DRAFT_MAX_BYTES = 64 * 1024
STEP_MAX_LENGTH = 20
# The key under which the draft lists its evidence files; only the evidence services change it.
EVIDENCE_KEY = "evidence"

__all__ = [
    "draft_discard",
    "draft_evidence_add",
    "draft_evidence_remove",
    "draft_get",
    "draft_save",
    "draft_submit",
]

logger = logging.getLogger(__name__)


def _require_worker(user: User) -> None:
    if user is None or not user.is_authenticated or user.is_staff_member:
        raise Forbidden(_("Only a worker applies for themself here."))


def _clean_kind(kind: str) -> str:
    if kind not in CaseKind.values:
        raise field_error("kind", _("Choose mediation, legal aid or legal consultation."))
    return kind


def draft_save(*, user: User, kind: str, step: str, data: dict[str, Any]) -> ApplicationDraft:
    """Save the answers so far (replacing the draft's answers; its evidence list stays) and the step
    the worker is on."""
    _require_worker(user)
    kind = _clean_kind(kind)
    if not isinstance(data, dict):
        raise ValidationFailed(_("The application is empty."))
    answers = {k: v for k, v in data.items() if k != EVIDENCE_KEY}
    answers["kind"] = kind
    if len(json.dumps(answers, ensure_ascii=False).encode()) > DRAFT_MAX_BYTES:
        raise ValidationFailed(_("The application is too long to save. Shorten the longest answers."))
    with transaction.atomic():
        draft = ApplicationDraft.objects.select_for_update().filter(user=user, kind=kind).first()
        if draft is None:
            return ApplicationDraft.objects.create(
                user=user, kind=kind, step=step[:STEP_MAX_LENGTH], data=answers
            )
        answers[EVIDENCE_KEY] = draft.data.get(EVIDENCE_KEY, [])
        draft.step, draft.data = step[:STEP_MAX_LENGTH], answers
        draft.save(update_fields=["step", "data", "updated_at"])
        return draft


def _pending_dir() -> Path:
    path = Path(settings.CASE_FILES_DIR) / "drafts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(item: dict[str, Any]) -> Path:
    token = str(item.get("token", ""))
    if not token.isalnum():  # a token is hex; anything else never names a file
        raise NotFound(_("This file does not exist."))
    return _pending_dir() / token


def draft_discard(*, user: User, kind: str) -> None:
    """Throw the draft away, with the files it holds."""
    _require_worker(user)
    draft = ApplicationDraft.objects.filter(user=user, kind=kind).first()
    if draft is None:
        return
    for item in draft.data.get(EVIDENCE_KEY, []):
        _pending_path(item).unlink(missing_ok=True)
    draft.delete()


def draft_evidence_add(*, user: User, kind: str, upload, description: str = "") -> dict[str, Any]:
    """Hold one photo or PDF for the application, checked as any evidence is (size, content)."""
    _require_worker(user)
    kind = _clean_kind(kind)
    data, content_type = evidence_check(upload)
    with transaction.atomic():
        draft = ApplicationDraft.objects.select_for_update().filter(user=user, kind=kind).first()
        if draft is None:
            draft = ApplicationDraft.objects.create(
                user=user, kind=kind, step="evidence", data={"kind": kind}
            )
        files = list(draft.data.get(EVIDENCE_KEY, []))
        if len(files) >= settings.CASE_EVIDENCE_MAX_FILES:
            raise field_error(
                "file", _("A case holds at most %(n)d files.") % {"n": settings.CASE_EVIDENCE_MAX_FILES}
            )
        item = {
            "token": secrets.token_hex(20),
            "name": (getattr(upload, "name", "") or "file")[-200:],
            "size": len(data),
            "content_type": content_type,
            "description": (description or "").strip()[:200],
        }
        _pending_path(item).write_bytes(data)
        files.append(item)
        draft.data = {**draft.data, EVIDENCE_KEY: files}
        draft.save(update_fields=["data", "updated_at"])
    return item


def draft_evidence_remove(*, user: User, kind: str, token: str) -> None:
    _require_worker(user)
    with transaction.atomic():
        draft = ApplicationDraft.objects.select_for_update().filter(user=user, kind=kind).first()
        files = list(draft.data.get(EVIDENCE_KEY, [])) if draft is not None else []
        kept = [item for item in files if item.get("token") != token]
        if draft is None or len(kept) == len(files):
            raise NotFound(_("This file does not exist."))
        draft.data = {**draft.data, EVIDENCE_KEY: kept}
        draft.save(update_fields=["data", "updated_at"])
    _pending_path({"token": token}).unlink(missing_ok=True)


def draft_submit(
    *, user: User, kind: str, submission_key: str, client_address: str = ""
) -> tuple[Case, bool]:
    """File the draft as an application (``case_apply``), add the files it holds as the case's
    evidence, and throw the draft away. The same ``submission_key`` again (a double tap, after the
    draft is gone) returns the case already made."""
    _require_worker(user)
    draft = draft_get(user=user, kind=kind)
    data: dict[str, Any] = dict(draft.data) if draft is not None else {"kind": kind}
    files: list[dict[str, Any]] = data.pop(EVIDENCE_KEY, None) or []
    data["kind"] = kind
    case, created = case_apply(
        actor=user, data=data, submission_key=submission_key, client_address=client_address
    )
    if not created:
        return case, False
    try:
        for item in files:
            path = _pending_path(item)
            if not path.exists():
                continue
            upload = ContentFile(path.read_bytes(), name=item.get("name") or "file")
            try:
                evidence_add(
                    case=case,
                    actor=user,
                    upload=upload,
                    description=item.get("description", ""),
                    client_address=client_address,
                )
            except DomainError:
                # Checked when it was chosen; a file refused now (the case's limit) is left out and
                # the rest still go with the case. The worker sees which arrived on the case page.
                logger.warning("a held evidence file was not added to case %s", case.pk)
    finally:
        # The case exists: the draft is done with, whatever happened to its files.
        draft_discard(user=user, kind=kind)
    return case, True
