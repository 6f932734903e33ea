"""Applying: a worker online, or staff recording an application taken by phone or at a station
(劳动争议调解仲裁法 第十二条: an oral application is recorded on the spot, with the applicant's
details, the disputed matters, the reasons and the time). Every end passes the same plain data to
``case_apply``; ``clean_application`` checks it all and names each bad value by its field path
(``claims.0.amount``, ``employer.credit_code``), so nothing is half-written.

The application data::

    {"kind": "mediation" | "legal_aid" | "consultation",
     "applicant": {"name", "mobile", "id_number"?, "occupation"?, "address"?, "is_migrant_worker"?},
     "employer": {"id"} | {"name", "credit_code", "address"?, "legal_rep"?},
     "claims": [{"type", "amount"?, "description"?, "calculation"?}],
     "employment_start", "employment_end"?, "dispute_date", "facts", "request",
     "means_route"? (legal aid), "participants"? (a collective case: [{"name", "mobile"?,
     "is_representative"?}])}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from smartunion.accounts.models import User, UserKind
from smartunion.cases import calculations, clocks
from smartunion.cases.models import (
    NUMBER_PREFIX,
    Case,
    CaseKind,
    Channel,
    Claim,
    DisputeType,
    EventKind,
    MeansRoute,
    Participant,
)
from smartunion.cases.services.events import case_event
from smartunion.cases.services.routing import route
from smartunion.cases.services.workflow import clean_money
from smartunion.core import crypto, personal
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import credit_code_error
from smartunion.core.errors import ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.orgs.models import Enterprise

MAX_CLAIMS = 20
MAX_PARTICIPANTS = 500
TEXT_LIMITS = {"facts": 5000, "request": 2000}
# Migrant workers claiming pay or work-injury damages need no proof of means (法律援助法 第四十二条).
MIGRANT_WAIVER_TYPES = frozenset(
    {DisputeType.UNPAID_WAGES, DisputeType.OVERTIME, DisputeType.TERMINATION, DisputeType.WORK_INJURY}
)


@dataclass
class CleanEmployer:
    enterprise: Enterprise | None
    name: str
    credit_code: str
    region_code: str
    address: str = ""
    legal_rep: str = ""
    industry: str = ""


@dataclass
class CleanApplication:
    kind: str
    name: str
    mobile: str
    id_number: str
    occupation: str
    address: str
    is_migrant_worker: bool
    employer: CleanEmployer
    claims: list[dict[str, Any]]
    employment_start: date | None
    employment_end: date | None
    dispute_date: date | None
    facts: str
    request: str
    means_route: str
    participants: list[dict[str, Any]] = field(default_factory=list)

    @property
    def amount_claimed(self) -> Decimal:
        return sum((c["amount"] or Decimal("0") for c in self.claims), Decimal("0.00"))


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.fields.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _date(value: Any, path: str, errors: _Errors, *, required: bool, today: date) -> date | None:
    if value in (None, ""):
        if required:
            errors.add(path, _("Enter the date."))
        return None
    if isinstance(value, date):
        parsed: date | None = value
    else:
        try:
            parsed = parse_date(str(value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        errors.add(path, _("Enter a date such as 2026-03-01."))
        return None
    if parsed > today:
        errors.add(path, _("This date is in the future."))
        return None
    if parsed.year < 1950:
        errors.add(path, _("This date is too far in the past."))
        return None
    return parsed


def _employer(raw: Any, errors: _Errors) -> CleanEmployer | None:
    if not isinstance(raw, dict):
        errors.add("employer", _("Choose the employer, or enter its name and credit code."))
        return None
    if raw.get("id") not in (None, ""):
        try:
            pk = int(raw["id"])
        except (TypeError, ValueError):
            pk = 0
        with scopes_disabled():
            enterprise = Enterprise.objects.filter(pk=pk).first()
        if enterprise is None:
            errors.add(
                "employer.id", _("This employer is not in the register. Enter its name and credit code.")
            )
            return None
        return CleanEmployer(
            enterprise=enterprise,
            name=enterprise.name,
            credit_code=enterprise.credit_code,
            region_code=enterprise.region_code,
            address=enterprise.address,
            legal_rep=_text(raw.get("legal_rep"))[:100],
            industry=enterprise.industry,
        )
    name = _text(raw.get("name"))
    code = _text(raw.get("credit_code")).upper()
    if not name:
        errors.add("employer.name", _("Enter the employer's name as on its licence."))
    elif len(name) > 200:
        errors.add("employer.name", _("A name has at most 200 characters."))
    error = (
        credit_code_error(code)
        if code
        else _("Enter the employer's 18-character unified social credit code.")
    )
    if error:
        errors.add("employer.credit_code", error)
    if not name or error:
        return None
    with scopes_disabled():
        enterprise = Enterprise.objects.filter(credit_code=code).first()
    # A code already in the register: the register's record is the employer.
    return CleanEmployer(
        enterprise=enterprise,
        name=enterprise.name if enterprise else name,
        credit_code=code,
        # GB 32100: characters 3-8 of the code are the registering division.
        region_code=enterprise.region_code if enterprise else code[2:8],
        address=(enterprise.address if enterprise else "") or _text(raw.get("address"))[:300],
        legal_rep=_text(raw.get("legal_rep"))[:100],
        industry=enterprise.industry if enterprise else "",
    )


def _claims(raw: Any, errors: _Errors) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        errors.add("claims", _("Add at least one claim: what is owed to you or what you ask for."))
        return []
    if len(raw) > MAX_CLAIMS:
        errors.add("claims", _("At most %(n)d claims.") % {"n": MAX_CLAIMS})
        return []
    out = []
    for i, item in enumerate(raw):
        path = f"claims.{i}"
        if not isinstance(item, dict):
            errors.add(path, _("A claim has a type and an amount."))
            continue
        kind = _text(item.get("type"))
        if kind not in DisputeType.values:
            errors.add(f"{path}.type", _("Choose the type of the claim."))
        amount = None
        if item.get("amount") not in (None, ""):
            try:
                amount = clean_money(item["amount"], field=f"{path}.amount")
            except ValidationFailed as exc:
                for key, messages in exc.fields.items():
                    for message in messages:
                        errors.add(key, message)
        description = _text(item.get("description"))
        if len(description) > 500:
            errors.add(f"{path}.description", _("At most 500 characters."))
        calculation: dict[str, Any] = {}
        try:
            calculation = calculations.attach(item.get("calculation"))
        except ValidationFailed as exc:
            for key, messages in exc.fields.items():
                for message in messages:
                    errors.add(f"{path}.calculation.{key}", message)
        if amount is None and calculation:
            amount = Decimal(calculation["amount"])  # the claim is what the calculator worked out
        out.append(
            {"type": kind, "amount": amount, "description": description[:500], "calculation": calculation}
        )
    return out


def _participants(raw: Any, errors: _Errors) -> list[dict[str, Any]]:
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PARTICIPANTS:
        errors.add("participants", _("List the workers of the collective case, at most 500."))
        return []
    out = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        name, name_error = personal.real_name_clean(_text(item.get("name")))
        if name_error or not name:
            errors.add(f"participants.{i}.name", name_error or _("Enter the worker's name."))
        mobile = ""
        if _text(item.get("mobile")):
            mobile, mobile_error = personal.mobile_clean(_text(item.get("mobile")))
            if mobile_error:
                errors.add(f"participants.{i}.mobile", mobile_error)
        out.append({"name": name, "mobile": mobile, "is_representative": bool(item.get("is_representative"))})
    if len(out) < settings.CASE_COLLECTIVE_MIN_WORKERS:
        errors.add(
            "participants",
            _("A collective case needs at least %(n)d workers with a common claim (Art. 7).")
            % {"n": settings.CASE_COLLECTIVE_MIN_WORKERS},
        )
    elif not any(p["is_representative"] for p in out):
        errors.add("participants", _("Name at least one representative of the workers."))
    return out


def clean_application(data: dict[str, Any], *, today: date | None = None) -> CleanApplication:
    """Check an application and return it clean, or raise ``ValidationFailed`` naming every bad
    value by its path."""
    today = today or timezone.localdate()
    errors = _Errors()
    if not isinstance(data, dict):
        raise ValidationFailed(_("The application is empty."))
    kind = _text(data.get("kind"))
    if kind not in CaseKind.values:
        errors.add("kind", _("Choose mediation, legal aid or legal consultation."))
    raw_applicant = data.get("applicant")
    applicant: dict[str, Any] = raw_applicant if isinstance(raw_applicant, dict) else {}
    name, name_error = personal.real_name_clean(_text(applicant.get("name")))
    if name_error or not name:
        errors.add("applicant.name", name_error or _("Enter the applicant's real name."))
    mobile, mobile_error = personal.mobile_clean(_text(applicant.get("mobile")))
    if mobile_error or not mobile:
        errors.add("applicant.mobile", mobile_error or _("Enter a mobile number for the case's news."))
    id_number = ""
    if _text(applicant.get("id_number")):
        id_number, id_error = personal.id_number_clean(_text(applicant.get("id_number")))
        if id_error:
            errors.add("applicant.id_number", id_error)
    occupation = _text(applicant.get("occupation"))[:100]
    address = _text(applicant.get("address"))[:300]
    employer = _employer(data.get("employer"), errors)
    claims = _claims(data.get("claims"), errors)
    start = _date(
        data.get("employment_start"), "employment_start", errors, required=kind != "consultation", today=today
    )
    end = _date(data.get("employment_end"), "employment_end", errors, required=False, today=today)
    dispute = _date(
        data.get("dispute_date"), "dispute_date", errors, required=kind != "consultation", today=today
    )
    if start and end and end < start:
        errors.add("employment_end", _("The end of employment is before its start."))
    if start and dispute and dispute < start:
        errors.add("dispute_date", _("The dispute is dated before the employment began."))
    facts = _text(data.get("facts"))
    request = _text(data.get("request"))
    if not facts:
        errors.add("facts", _("Say what happened, in your own words."))
    for key, limit in TEXT_LIMITS.items():
        if len(_text(data.get(key))) > limit:
            errors.add(key, _("At most %(n)d characters.") % {"n": limit})
    if kind != "consultation" and not request:
        errors.add("request", _("Say what you ask for."))
    is_migrant = bool(applicant.get("is_migrant_worker"))
    means_route = _text(data.get("means_route"))
    if kind == CaseKind.LEGAL_AID:
        if means_route not in MeansRoute.values or not means_route:
            errors.add(
                "means_route",
                _("Say how you meet the means test: a migrant worker claiming pay, or a pledge."),
            )
        elif means_route == MeansRoute.WAIVED_MIGRANT:
            # 法律援助法 第四十二条: the waiver covers migrant workers claiming pay or work-injury damages.
            if not is_migrant:
                errors.add("means_route", _("The waiver is for migrant workers (进城务工人员)."))
            elif claims and not any(c["type"] in MIGRANT_WAIVER_TYPES for c in claims):
                errors.add("means_route", _("The waiver covers claims for pay or work-injury damages only."))
    else:
        means_route = ""
    participants = _participants(data.get("participants"), errors)
    errors.raise_if_any()
    assert employer is not None
    return CleanApplication(
        kind=kind,
        name=name,
        mobile=mobile,
        id_number=id_number,
        occupation=occupation,
        address=address,
        is_migrant_worker=is_migrant,
        employer=employer,
        claims=claims,
        employment_start=start,
        employment_end=end,
        dispute_date=dispute,
        facts=facts,
        request=request,
        means_route=means_route,
        participants=participants,
    )


def _submission_key(actor: User, key: str) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    # One namespace per account: two people's keys never collide, and the key is not stored as sent.
    return hashlib.sha256(f"{actor.pk}:{key[:200]}".encode()).hexdigest()


def case_apply(
    *,
    actor: User,
    data: dict[str, Any],
    channel: str = Channel.ONLINE,
    submission_key: str = "",
    client_address: str = "",
) -> tuple[Case, bool]:
    """File an application; returns (the case, created). A worker applies for themself online;
    staff record one taken by phone, in person or at a station (channel), and the worker whose
    mobile it carries follows it. The same ``submission_key`` (a double tap, a retried request)
    returns the case it already created."""
    key = _submission_key(actor, submission_key)
    if key:
        with scopes_disabled():
            existing = Case.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing, False
    if actor.is_staff_member:
        if channel == Channel.ONLINE:
            channel = Channel.PHONE
    else:
        channel = Channel.ONLINE
        # A worker applies with the mobile of their account: the case's news goes where they sign in.
        if isinstance(data.get("applicant"), dict) and actor.mobile:
            data = {**data, "applicant": {**data["applicant"], "mobile": actor.mobile}}
    clean = clean_application(data)
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown channel.")]})
    centre = route(kind=clean.kind, region_code=clean.employer.region_code, industry=clean.employer.industry)
    try:
        with transaction.atomic(), scopes_disabled():
            case = _create(actor=actor, clean=clean, channel=channel, centre=centre, key=key)
            audit_record(
                action=AuditAction.CASE_CREATE,
                actor=actor,
                obj=case,
                org=centre,
                client_address=client_address,
                data={"kind": case.kind, "channel": channel, "claims": len(clean.claims)},
            )
    except IntegrityError:
        if key:  # two submissions with the same key raced: the other one created it
            with scopes_disabled():
                existing = Case.objects.filter(submission_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return case, True


def _create(*, actor: User, clean: CleanApplication, channel: str, centre, key: str | None) -> Case:
    applicant = None if actor.is_staff_member else actor
    mobile_index = personal.mobile_index(clean.mobile)
    if applicant is None:
        # The worker whose account has this mobile follows the case from the start.
        applicant = User.objects.filter(
            mobile_index=mobile_index, kind=UserKind.WORKER, is_active=True
        ).first()
    person = Person.objects.filter(user=applicant).first() if applicant is not None else None
    sex, birth = "", None
    if clean.id_number:
        birth, sex = personal.birth_and_sex(clean.id_number)
    elif person is not None:
        birth, sex = person.birth_date, person.sex
    employer = clean.employer
    case = Case(
        kind=clean.kind,
        channel=channel,
        org=centre,
        applicant=applicant,
        applicant_name=clean.name,
        applicant_mobile_encrypted=crypto.encrypt(clean.mobile),
        applicant_mobile_index=mobile_index,
        applicant_id_number_encrypted=crypto.encrypt(clean.id_number) if clean.id_number else "",
        applicant_sex=sex or "",
        applicant_birth_date=birth,
        applicant_occupation=clean.occupation,
        applicant_address=clean.address,
        is_migrant_worker=clean.is_migrant_worker,
        means_route=clean.means_route,
        person=person,
        employer=employer.enterprise,
        employer_name=employer.name,
        employer_credit_code=employer.credit_code,
        employer_region_code=employer.region_code,
        employer_address=employer.address,
        employer_legal_rep=employer.legal_rep,
        employment_start=clean.employment_start,
        employment_end=clean.employment_end,
        dispute_date=clean.dispute_date,
        facts=clean.facts,
        request=clean.request,
        is_collective=bool(clean.participants),
        amount_claimed=clean.amount_claimed,
        submission_key=key,
        created_by=actor,
        received_at=timezone.now(),
    )
    clocks.set_dates(case, unpaid_wages=clocks.only_remuneration(c["type"] for c in clean.claims))
    clocks.refresh(case)
    case.save(force_insert=True)
    case.number = (
        f"{NUMBER_PREFIX[CaseKind(case.kind)]}{timezone.localdate(case.received_at):%Y}{case.pk:07d}"
    )
    case.save(update_fields=["number"])
    Claim.objects.bulk_create(
        Claim(
            case=case,
            dispute_type=c["type"],
            amount=c["amount"],
            description=c["description"],
            calculation=c["calculation"],
            position=i,
        )
        for i, c in enumerate(clean.claims)
    )
    Participant.objects.bulk_create(
        Participant(
            case=case,
            name=p["name"],
            mobile_encrypted=crypto.encrypt(p["mobile"]) if p["mobile"] else "",
            is_representative=p["is_representative"],
            position=i,
        )
        for i, p in enumerate(clean.participants)
    )
    case_event(
        case=case,
        kind=EventKind.CREATED,
        actor=actor,
        public_text=lambda: (
            _("Your application %(number)s was received and sent to %(centre)s. You can follow it here.")
            % {"number": case.number, "centre": centre.name}
        ),
        data={"channel": channel, "centre": centre.pk},
    )
    return case
