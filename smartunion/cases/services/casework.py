"""The mediator's and lawyer's work on a case: the contact log, the one request for material, the
evidence files, opening a case (audited: the worker sees who opened it), sharing with consent."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from smartunion.accounts.models import User
from smartunion.cases import clocks
from smartunion.cases.models import (
    Case,
    CaseStatus,
    Contact,
    ContactChannel,
    ContactParty,
    EventKind,
    Evidence,
    MaterialRequest,
    Share,
)
from smartunion.cases.policies import can_handle_case, can_see_evidence, is_applicant
from smartunion.cases.services.events import case_event, lock_case
from smartunion.cases.services.workflow import case_transition, require_handling
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error

SUMMARY_LIMIT = 2000
# What the worker reads of a contact; a contact with someone else is not on their timeline.
CONTACT_TEXTS = {
    ContactParty.WORKER: gettext_lazy("Your mediator or lawyer was in touch with you (%(how)s)."),
    ContactParty.EMPLOYER: gettext_lazy("Your mediator or lawyer was in touch with the employer (%(how)s)."),
}


def case_open(*, case: Case, actor: User, client_address: str = "") -> None:
    """Record that staff opened the case (the worker's "who opened my record" lists it)."""
    audit_record(
        action=AuditAction.CASE_VIEW, actor=actor, obj=case, org=case.org, client_address=client_address
    )


def case_unmask(*, case: Case, actor: User, client_address: str = "") -> dict[str, str]:
    """The applicant's full mobile and ID number, for those holding the case; audited."""
    if not can_handle_case(actor, case):
        audit_record(
            action=AuditAction.CASE_UNMASK,
            actor=actor,
            obj=case,
            org=case.org,
            client_address=client_address,
            outcome="denied",
        )
        raise Forbidden(_("Only those holding the case may see the full number."))
    audit_record(
        action=AuditAction.CASE_UNMASK, actor=actor, obj=case, org=case.org, client_address=client_address
    )
    return {"mobile": case.applicant_mobile, "id_number": case.applicant_id_number}


def contact_log(
    *,
    case: Case,
    actor: User,
    at: datetime | None,
    channel: str,
    party: str,
    summary: str,
    client_address: str = "",
) -> Contact:
    """One entry in the contact log. The first contact with the worker stops the first-contact clock;
    a contact on an assigned case starts the work (assigned -> in progress)."""
    require_handling(actor, case)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    at = at or now
    if channel not in ContactChannel.values:
        errors["channel"] = [_("Choose how you were in touch.")]
    if party not in ContactParty.values:
        errors["party"] = [_("Choose with whom.")]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Write what was said or agreed.")]
    elif len(summary) > SUMMARY_LIMIT:
        errors["summary"] = [_("At most %(n)d characters.") % {"n": SUMMARY_LIMIT}]
    if at > now + timedelta(minutes=5):
        errors["at"] = [_("A contact cannot be in the future.")]
    elif at < case.received_at - timedelta(days=1):
        errors["at"] = [_("A contact cannot be before the application was received.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        # Read the status on the locked row: two mediators logging at once both find it as the other
        # left it (the second sees "in progress" and only adds its entry).
        locked = lock_case(case)
        if not locked.is_open:
            raise Conflict(_("The case is closed; its contact log is complete."))
        if locked.status in (CaseStatus.RECEIVED, CaseStatus.ACCEPTED):
            raise Conflict(_("Assign the case before logging contacts."))
        if locked.status == CaseStatus.ASSIGNED:
            locked = case_transition(
                case=locked, to=CaseStatus.IN_PROGRESS, actor=actor, client_address=client_address
            )
        entry = Contact.objects.create(
            case=locked, at=at, channel=channel, party=party, summary=summary, logged_by=actor
        )
        if party == ContactParty.WORKER and locked.first_contact_at is None:
            locked.first_contact_at = at
            clocks.refresh(locked)
            locked.save(update_fields=["first_contact_at", "updated_at", *clocks.CLOCK_FIELDS])
        public = CONTACT_TEXTS.get(ContactParty(party))
        case_event(
            case=locked,
            kind=EventKind.CONTACT,
            actor=actor,
            public_text=lambda: str(public) % {"how": ContactChannel(channel).label} if public else "",
            internal_text=summary,
            data={"contact": entry.pk, "party": party, "channel": channel},
            tell_worker=False,  # the worker was there, or it is the employer's side: no message
        )
        audit_record(
            action=AuditAction.CASE_CONTACT,
            actor=actor,
            obj=locked,
            org=locked.org,
            client_address=client_address,
            data={"contact": entry.pk, "party": party, "channel": channel},
        )
    return entry


def material_request(
    *, case: Case, actor: User, items: str, due: date, client_address: str = ""
) -> MaterialRequest:
    """Ask the worker for missing material, once and all together (法律援助法 第四十三条): a second
    request is refused, by the database too."""
    require_handling(actor, case)
    items = (items or "").strip()
    errors: dict[str, list[str]] = {}
    if not items:
        errors["items"] = [_("List every piece of material needed, all at once.")]
    elif len(items) > 2000:
        errors["items"] = [_("At most %(n)d characters.") % {"n": 2000}]
    if due is None or due <= timezone.localdate():
        errors["due"] = [_("Give the worker a date after today.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if not case.is_open:
        raise Conflict(_("The case is closed."))
    try:
        with transaction.atomic():
            request = MaterialRequest.objects.create(case=case, items=items, due=due, requested_by=actor)
            case_event(
                case=case,
                kind=EventKind.MATERIAL_REQUEST,
                actor=actor,
                public_text=lambda: (
                    _("Please supply by %(due)s: %(items)s") % {"due": due.isoformat(), "items": items}
                ),
                data={"due": due.isoformat()},
            )
            audit_record(
                action=AuditAction.CASE_MATERIAL_REQUEST,
                actor=actor,
                obj=case,
                org=case.org,
                client_address=client_address,
            )
    except IntegrityError:
        raise Conflict(
            _("Material was already requested for this case. The law asks for it once, all together.")
        ) from None
    return request


def material_supplied(*, case: Case, actor: User, client_address: str = "") -> MaterialRequest:
    """Record that the worker supplied the material asked for; the worker sees it on the timeline."""
    require_handling(actor, case)
    with transaction.atomic():
        lock_case(case)
        request = MaterialRequest.objects.filter(case=case).select_for_update().first()
        if request is None:
            raise Conflict(_("No material was requested for this case."))
        if request.supplied_at is not None:
            raise Conflict(_("The material was already recorded as supplied."))
        request.supplied_at = timezone.now()
        request.save(update_fields=["supplied_at"])
        case_event(
            case=case,
            kind=EventKind.MATERIAL_REQUEST,
            actor=actor,
            public_text=lambda: _("The material you supplied was received."),
            data={"supplied": True},
        )
        audit_record(
            action=AuditAction.CASE_MATERIAL_SUPPLIED,
            actor=actor,
            obj=case,
            org=case.org,
            client_address=client_address,
        )
    return request


# --- Evidence -----------------------------------------------------------------------------------

# What a file must be, judged by its content, never by its name.
EVIDENCE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def sniff_evidence(head: bytes, data: bytes) -> str | None:
    """The content type of an acceptable evidence file, or None: a PDF by its header and trailer,
    a photo by Pillow reading it as JPEG, PNG or WebP."""
    if head.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in data[-2048:] else None
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return EVIDENCE_TYPES.get(kind or "")


def evidence_dir() -> Path:
    path = Path(settings.CASE_FILES_DIR) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_check(upload) -> tuple[bytes, str]:
    """The upload's bytes and content type, or ``ValidationFailed`` on ``file``: at most
    ``CASE_EVIDENCE_MAX_BYTES``, and a photo or PDF by its content (an executable renamed .jpg is
    refused). Also checks a file the guided interview holds until the case exists."""
    limit = settings.CASE_EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise field_error(
            "file",
            _("The file is %(size)s MB; at most %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)},
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise field_error(
            "file", _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    if not data:
        raise field_error("file", _("The file is empty."))
    content_type = sniff_evidence(data[:8], data)
    if content_type is None:
        raise field_error(
            "file", _("Only photos (JPEG, PNG, WebP) and PDF files can be added; this file is neither.")
        )
    return data, content_type


def evidence_add(
    *, case: Case, actor: User, upload, description: str = "", client_address: str = ""
) -> Evidence:
    """Store one photo or PDF for the case, by the applicant or those holding it. The type is checked
    by content (an executable renamed .jpg is refused), the size is limited, and the file is kept
    outside the web root under a random name."""
    if not (is_applicant(actor, case) or can_handle_case(actor, case)):
        raise Forbidden(_("Only the applicant and the centre handling the case may add evidence."))
    if not case.is_open:
        raise Conflict(_("The case is closed; no more evidence can be added."))
    data, content_type = evidence_check(upload)
    if Evidence.objects.filter(case=case).count() >= settings.CASE_EVIDENCE_MAX_FILES:
        raise field_error(
            "file", _("A case holds at most %(n)d files.") % {"n": settings.CASE_EVIDENCE_MAX_FILES}
        )
    description = (description or "").strip()[:200]
    storage_name = secrets.token_hex(20)
    target = evidence_dir() / storage_name
    target.write_bytes(data)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                case=case,
                description=description,
                original_name=(getattr(upload, "name", "") or "file")[-200:],
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_name=storage_name,
                uploaded_by=actor,
            )
            case_event(
                case=case,
                kind=EventKind.EVIDENCE,
                actor=actor,
                public_text=lambda: (
                    _("Evidence added: %(what)s") % {"what": description or evidence.original_name}
                ),
                data={"evidence": evidence.pk},
                tell_worker=actor.is_staff_member,
            )
            audit_record(
                action=AuditAction.CASE_EVIDENCE_ADD,
                actor=actor,
                obj=case,
                org=case.org,
                client_address=client_address,
                data={"evidence": evidence.pk, "size": len(data)},
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return evidence


def evidence_open(*, evidence: Evidence, actor: User, client_address: str = "") -> bytes:
    """The file's bytes for the applicant or those holding the case (404 for everyone else, who may
    not know it exists); every opening is audited."""
    case = evidence.case
    if not can_see_evidence(actor, case):
        raise NotFound(_("This file does not exist."))
    data = (evidence_dir() / evidence.storage_name).read_bytes()
    audit_record(
        action=AuditAction.CASE_EVIDENCE_VIEW,
        actor=actor,
        obj=case,
        org=case.org,
        client_address=client_address,
        data={"evidence": evidence.pk},
    )
    return data


# --- Sharing, with the worker's separate consent (个人信息保护法 第二十三条) ----------------------------


def share_request(
    *, case: Case, actor: User, recipient: str, purpose: str, client_address: str = ""
) -> Share:
    require_handling(actor, case)
    recipient, purpose = (recipient or "").strip(), (purpose or "").strip()
    errors: dict[str, list[str]] = {}
    if not recipient:
        errors["recipient"] = [_("Name who receives the case (an arbitration committee, another centre).")]
    if not purpose:
        errors["purpose"] = [_("Say what the recipient needs it for.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        share = Share.objects.create(
            case=case, recipient=recipient[:200], purpose=purpose[:300], requested_by=actor
        )
        case_event(
            case=case,
            kind=EventKind.SHARE,
            actor=actor,
            public_text=lambda: (
                _("%(centre)s asks your consent to share your case with %(recipient)s for: %(purpose)s")
                % {"centre": case.org.name, "recipient": share.recipient, "purpose": share.purpose}
            ),
            data={"share": share.pk},
        )
        audit_record(
            action=AuditAction.CASE_SHARE,
            actor=actor,
            obj=case,
            org=case.org,
            client_address=client_address,
            data={"share": share.pk, "recipient": share.recipient},
        )
    return share


def share_answer(*, share: Share, user: User, consent: bool, client_address: str = "") -> Share:
    """The worker's own answer; nothing is shared without it."""
    if not is_applicant(user, share.case):
        raise NotFound(_("This request does not exist."))
    if share.consented_at or share.refused_at:
        raise Conflict(_("You have already answered this request."))
    with transaction.atomic():
        now = timezone.now()
        if consent:
            share.consented_at = now
        else:
            share.refused_at = now
        share.save(update_fields=["consented_at", "refused_at"])
        audit_record(
            action=AuditAction.CASE_SHARE_ANSWER,
            actor=user,
            obj=share.case,
            org=share.case.org,
            client_address=client_address,
            data={"share": share.pk, "consent": consent},
        )
    return share


# --- The worker's rating (好差评) --------------------------------------------------------------------

RATINGS = ("satisfied", "neutral", "dissatisfied")


def case_rate(*, case: Case, user: User, rating: str, comment: str = "", client_address: str = "") -> Case:
    if not is_applicant(user, case):
        raise NotFound(_("This case does not exist."))
    if case.is_open:
        raise Conflict(_("You can rate the service once the case is closed."))
    if case.rated_at is not None:
        raise Conflict(_("You have already rated this case."))
    if rating not in RATINGS:
        raise field_error("rating", _("Choose satisfied, neutral or dissatisfied."))
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise field_error("comment", _("At most %(n)d characters.") % {"n": 500})
    with transaction.atomic():
        locked = lock_case(case)
        if locked.rated_at is not None:
            raise Conflict(_("You have already rated this case."))
        locked.rating, locked.rating_comment, locked.rated_at = rating, comment, timezone.now()
        locked.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        case = locked
        case_event(case=case, kind=EventKind.RATING, actor=user, data={"rating": rating}, tell_worker=False)
        audit_record(
            action=AuditAction.CASE_RATE,
            actor=user,
            obj=case,
            org=case.org,
            client_address=client_address,
            data={"rating": rating},
        )
    return case
