"""The case's documents as PDFs (``cases.documents`` renders them from plain data): the mediation
application as filed (劳动争议调解仲裁法 第十二条), the mediation agreement (第十四条), the arbitration
application (第二十八条), the payment-order application (第十六条) and the application for judicial
confirmation (人民调解法 第三十三条). Each generation is stored as a new version beside the others,
outside the web root; none is overwritten."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.cases.documents.context import (
    AgreementItem,
    ClaimLine,
    DocumentContext,
    DocumentUnavailable,
    Employer,
    EvidenceLine,
    Worker,
)
from smartunion.cases.documents.render import render
from smartunion.cases.models import (
    PAYMENT_ORDER_TYPES,
    Case,
    CaseDocument,
    CaseKind,
    CaseStatus,
    Channel,
    DisputeType,
    DocumentKind,
    EventKind,
    PaymentStatus,
)
from smartunion.cases.policies import can_handle_case, is_applicant
from smartunion.cases.services.events import case_event, lock_case
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, NotFound, field_error
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind

CHANNEL_PRINTED = {
    Channel.ONLINE: "网上申请",
    Channel.PHONE: "电话申请（工作人员现场记录）",
    Channel.WALK_IN: "现场口头申请（工作人员现场记录）",
    Channel.STATION: "工会驿站代为申请",
}


def documents_dir() -> Path:
    path = Path(settings.CASE_FILES_DIR) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def available_kinds(case: Case) -> list[str]:
    """The documents this case can have now, in the order of the case's course."""
    kinds: list[str] = []
    if case.kind == CaseKind.MEDIATION:
        kinds.append(DocumentKind.MEDIATION_APPLICATION)
    if case.status == CaseStatus.AGREED:
        kinds += [DocumentKind.MEDIATION_AGREEMENT, DocumentKind.JUDICIAL_CONFIRMATION]
        # 劳动争议调解仲裁法 第十六条: the payment date passed and something is still owed.
        owed = (
            case.payment_status in (PaymentStatus.PENDING, PaymentStatus.UNPAID, PaymentStatus.PARTLY_PAID)
            and case.payment_due is not None
            and case.payment_due < timezone.localdate()
        )
        if owed and case.claims.filter(dispute_type__in=PAYMENT_ORDER_TYPES).exists():
            kinds.append(DocumentKind.PAYMENT_ORDER)
    if case.kind in (CaseKind.MEDIATION, CaseKind.LEGAL_AID) and case.status != CaseStatus.DECLINED:
        kinds.append(DocumentKind.ARBITRATION_APPLICATION)
    return kinds


def _ancestor_named(org: Org, kind: str) -> str:
    with scopes_disabled():
        node = Org.objects.filter(path__in=org.ancestor_paths(), kind=kind).order_by("-depth").first()
    return node.name.removesuffix("总工会") if node is not None else ""


def _venues(case: Case) -> tuple[str, str]:
    """Where the arbitration application and the court papers go: the committee and the basic court
    of the district of the employer (劳动争议调解仲裁法 第二十一条 allows either place; the worker may
    change it before filing)."""
    city = _ancestor_named(case.org, OrgKind.CITY_FEDERATION) or _ancestor_named(
        case.org, OrgKind.PROVINCIAL_FEDERATION
    )
    district = _ancestor_named(case.org, OrgKind.DISTRICT_UNION)
    if not district:
        return "", ""
    return f"{city}{district}劳动人事争议仲裁委员会", f"{city}{district}人民法院"


def build_context(case: Case) -> DocumentContext:
    """The plain data the documents print, from the case, in Chinese."""
    with translation.override("zh-hans"), scopes_disabled():
        claims = list(case.claims.all())
        type_labels = tuple(dict.fromkeys(str(DisputeType(c.dispute_type).label) for c in claims))
        committee, court = _venues(case)
        agreed = case.amount_agreed
        items: tuple[AgreementItem, ...] = ()
        if case.status == CaseStatus.AGREED and agreed and case.payment_due:
            what = "、".join(type_labels) or "劳动报酬"
            items = (AgreementItem(what=what, amount=agreed, due=case.payment_due, paid=case.amount_paid),)
        representatives = tuple(
            Worker(name=p.name, mobile=p.mobile) for p in case.participants.filter(is_representative=True)
        )
        return DocumentContext(
            case_number=case.number or "",
            centre_name=case.org.name,
            centre_address=case.org.address,
            centre_phone=case.org.contact_phone,
            received_on=timezone.localdate(case.received_at),
            channel=CHANNEL_PRINTED.get(Channel(case.channel), ""),
            oral=case.channel in (Channel.PHONE, Channel.WALK_IN),
            applicant=Worker(
                name=case.applicant_name,
                sex=case.applicant_sex,
                birth_date=case.applicant_birth_date,
                id_number=case.applicant_id_number,
                occupation=case.applicant_occupation,
                workplace=case.employer_name,
                residence=case.applicant_address,
                mobile=case.applicant_mobile,
            ),
            employer=Employer(
                name=case.employer_name,
                credit_code=case.employer_credit_code,
                address=case.employer_address,
                legal_representative=case.employer_legal_rep,
            ),
            generated_at=timezone.now(),
            dispute_types=type_labels,
            employment_start=case.employment_start,
            employment_end=case.employment_end,
            claims=tuple(
                ClaimLine(label=c.description or str(DisputeType(c.dispute_type).label), amount=c.amount)
                for c in claims
            ),
            facts=case.facts,
            request=case.request,
            evidence=tuple(
                EvidenceLine(description=e.description or e.original_name, source=case.applicant_name)
                for e in case.evidence.all()
            ),
            representatives=representatives,
            collective_headcount=case.participants.count() if case.is_collective else 0,
            agreement_items=items,
            agreement_date=timezone.localdate(case.closed_at) if case.closed_at and items else None,
            performance_deadline=case.payment_due if items else None,
            mediator_name=case.assignee.display_name if case.assignee_id and case.assignee else "",
            arbitration_committee=committee,
            court_name=court,
        )


def document_generate(*, case: Case, kind: str, actor: User, client_address: str = "") -> CaseDocument:
    """Produce a new version of one of the case's documents (those holding the case)."""
    if not can_handle_case(actor, case):
        raise Forbidden(_("Only the centre handling this case may produce its documents."))
    if kind not in DocumentKind.values:
        raise field_error("kind", _("Unknown document."))
    if kind not in available_kinds(case):
        raise Conflict(
            _("This case cannot have the %(document)s now.") % {"document": DocumentKind(kind).label}
        )
    try:
        data = render(kind, build_context(case))
    except DocumentUnavailable as exc:
        raise Conflict(
            _("This case cannot have the %(document)s now.") % {"document": DocumentKind(kind).label}
        ) from exc
    storage_name = secrets.token_hex(20)
    target = documents_dir() / storage_name
    target.write_bytes(data)
    try:
        with transaction.atomic():
            lock_case(case)  # two clicks at once: one version each, in turn
            version = (case.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
            document = CaseDocument.objects.create(
                case=case,
                kind=kind,
                version=version,
                storage_name=storage_name,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                created_by=actor,
            )
            case_event(
                case=case,
                kind=EventKind.DOCUMENT,
                actor=actor,
                public_text=lambda: (
                    _("%(document)s is ready (version %(version)d).")
                    % {"document": DocumentKind(kind).label, "version": version}
                ),
                data={"document": document.pk, "kind": kind, "version": version},
            )
            audit_record(
                action=AuditAction.CASE_DOCUMENT,
                actor=actor,
                obj=case,
                org=case.org,
                client_address=client_address,
                data={"document": document.pk, "kind": kind, "version": version},
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return document


def document_open(*, document: CaseDocument, actor: User, client_address: str = "") -> bytes:
    """The PDF for the applicant and for staff holding the case; audited. The papers print the
    worker's ID number and mobile in full, so staff who only read cases (``cases.view``) do not get
    them, as they do not get the unmasked numbers."""
    case = document.case
    if not (is_applicant(actor, case) or can_handle_case(actor, case)):
        raise NotFound(_("This document does not exist."))
    data = (documents_dir() / document.storage_name).read_bytes()
    audit_record(
        action=AuditAction.CASE_DOCUMENT_VIEW,
        actor=actor,
        obj=case,
        org=case.org,
        client_address=client_address,
        data={"document": document.pk},
    )
    return data


def document_filename(document: CaseDocument) -> str:
    with translation.override("zh-hans"):
        return f"{document.case.number}-{DocumentKind(document.kind).label}-v{document.version}.pdf"
