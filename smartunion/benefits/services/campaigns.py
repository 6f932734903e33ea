"""Voucher campaigns: staff create, schedule, pause, resume and close them in their subtree; the
clock (a scheduled task) opens and closes them and runs the lottery's draw; members register for a
lottery. Claims are in ``claims``.

Scheduling makes the campaign's vouchers (one row per unit of the quota, each with its code), so
the quota is fixed from then on."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartunion.accounts.models import User
from smartunion.benefits.models import (
    CAMPAIGN_TRANSITIONS,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Merchant,
    Registration,
    Voucher,
)
from smartunion.benefits.policies import can_manage_benefits, is_eligible, member_of
from smartunion.benefits.services.claims import campaign_changed, window_refusal
from smartunion.benefits.services.common import Refused, new_code
from smartunion.benefits.services.eligibility import eligibility_clean, eligibility_save
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.core.workflow import Workflow
from smartunion.labourlaw.inputs import parse_number
from smartunion.notifications.services import notify
from smartunion.orgs.models import Org

MAX_QUOTA = 1_000_000
MAX_LIMIT = 100
MAX_FACE_VALUE = Decimal(100_000)
VOUCHER_BATCH = 5_000
VOUCHERS_LINK = "/m/benefits/vouchers/"

CAMPAIGN_WORKFLOW = Workflow(
    CampaignStatus,
    CAMPAIGN_TRANSITIONS,
    refusal=gettext_lazy("A campaign that is “%(from)s” cannot become “%(to)s”."),
)


@dataclass
class CampaignInput:
    org: Org
    merchant: Merchant
    title: str
    kind: str
    face_value: object
    quota: object
    per_member_limit: object
    release_at: datetime | None
    claim_until: datetime | None
    valid_from: date | None
    valid_until: date | None
    description: str = ""
    benefit: str = ""
    employment_forms: list[str] | None = None
    occupation_tags: list | None = None


def _clean(data: CampaignInput) -> dict:
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = (data.title or "").strip()
    if not title:
        err("title", _("Enter the campaign's title."))
    elif len(title) > 200:
        err("title", _("At most 200 characters."))
    if data.kind not in CampaignKind.values:
        err("kind", _("Choose first come or lottery."))
    face_value = None
    try:
        face_value = parse_number(data.face_value, maximum=MAX_FACE_VALUE)
    except ValueError as exc:
        err("face_value", str(exc))
    quota = _count(data.quota, "quota", 1, MAX_QUOTA, err)
    limit = _count(data.per_member_limit, "per_member_limit", 1, MAX_LIMIT, err)
    if data.kind == CampaignKind.LOTTERY and limit not in (None, 1):
        err("per_member_limit", _("A lottery gives each winner one voucher: the limit is 1."))
    if data.release_at is None:
        err("release_at", _("Enter when the vouchers are released."))
    if data.claim_until is None:
        err("claim_until", _("Enter when the claim window ends."))
    if data.release_at and data.claim_until and data.claim_until <= data.release_at:
        err("claim_until", _("The claim window must end after the release time."))
    if data.valid_from is None:
        err("valid_from", _("Enter the first day the vouchers can be used."))
    if data.valid_until is None:
        err("valid_until", _("Enter the last day the vouchers can be used."))
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        err("valid_until", _("The last day of use cannot be before the first."))
    if data.claim_until and data.valid_until and data.valid_until < timezone.localdate(data.claim_until):
        err("valid_until", _("The vouchers must stay usable at least until the claim window ends."))
    if data.merchant.org.path and not data.merchant.active:
        err("merchant", _("This merchant is not active."))
    eligibility = eligibility_clean(
        employment_forms=data.employment_forms or [], occupation_tags=data.occupation_tags or [], err=err
    )
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        "org": data.org,
        "merchant": data.merchant,
        "title": title,
        "kind": data.kind,
        "face_value": face_value,
        "quota": quota,
        "per_member_limit": limit,
        "release_at": data.release_at,
        "claim_until": data.claim_until,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "description": (data.description or "").strip()[:5000],
        "benefit": (data.benefit or "").strip()[:200],
        **eligibility,
    }


def _count(value, field: str, low: int, high: int, err) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        err(field, _("Enter a whole number."))
        return None
    if not low <= number <= high:
        err(field, _("Enter a number from %(low)s to %(high)s.") % {"low": f"{low:,}", "high": f"{high:,}"})
        return None
    return number


def _require_manage(actor: User, org: Org) -> None:
    if not can_manage_benefits(actor, org):
        raise Forbidden(_("You may not manage campaigns here."))


def campaign_create(*, actor: User, data: CampaignInput, client_address: str = "") -> Campaign:
    """A draft campaign; nothing is claimable until it is scheduled."""
    _require_manage(actor, data.org)
    cleaned = _clean(data)
    tags = cleaned.pop("occupation_tags")
    with transaction.atomic():
        campaign = Campaign.objects.create(**cleaned, created_by=actor)
        eligibility_save(campaign, tags)
        audit_record(
            action=AuditAction.CAMPAIGN_CREATE, actor=actor, obj=campaign, client_address=client_address
        )
    return campaign


def campaign_update(
    *, actor: User, campaign: Campaign, data: CampaignInput, client_address: str = ""
) -> Campaign:
    """Edit a draft. Once scheduled, the quota and the limit are fixed in the vouchers made."""
    _require_manage(actor, campaign.org)
    _require_manage(actor, data.org)
    cleaned = _clean(data)
    tags = cleaned.pop("occupation_tags")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise Refused("not_draft", _("Only a draft campaign can be edited; pause or close it instead."))
        for field, value in cleaned.items():
            setattr(campaign, field, value)
        campaign.save()
        eligibility_save(campaign, tags)
        audit_record(
            action=AuditAction.CAMPAIGN_UPDATE, actor=actor, obj=campaign, client_address=client_address
        )
    campaign_changed(campaign.pk)
    return campaign


def _make_vouchers(campaign: Campaign) -> None:
    """One row per unit of the quota, each with a unique code (a clash, one in 10^11, retries)."""
    made = 0
    while made < campaign.quota:
        size = min(VOUCHER_BATCH, campaign.quota - made)
        rows = [
            Voucher(
                campaign=campaign,
                serial=made + i + 1,
                code=new_code(),
                member_limit=campaign.per_member_limit,
            )
            for i in range(size)
        ]
        try:
            with transaction.atomic():
                Voucher.objects.bulk_create(rows, batch_size=1000)
        except IntegrityError:
            continue
        made += size


def campaign_transition(
    *, actor: User | None, campaign: Campaign, to: str, reason: str = "", client_address: str = ""
) -> Campaign:
    """The only code that changes a campaign's status. ``actor`` None: the clock."""
    if actor is not None:
        _require_manage(actor, campaign.org)
    with transaction.atomic(), scopes_disabled():
        campaign = Campaign.objects.select_for_update().select_related("org", "merchant").get(pk=campaign.pk)
        if campaign.status == to:
            return campaign
        CAMPAIGN_WORKFLOW.check(campaign.status, to)
        if to == CampaignStatus.SCHEDULED:
            if campaign.claim_until <= timezone.now():
                raise Refused("closed", _("The claim window has already ended: change the dates first."))
            if campaign.kind == CampaignKind.LOTTERY:
                campaign.draw_seed = secrets.token_hex(16)
                campaign.draw_commitment = hashlib.sha256(campaign.draw_seed.encode()).hexdigest()
            _make_vouchers(campaign)
        CAMPAIGN_WORKFLOW.move(campaign, to, fields=["draw_seed", "draw_commitment", "updated_at"])
        audit_record(
            action=AuditAction.CAMPAIGN_TRANSITION,
            actor=actor,
            obj=campaign,
            client_address=client_address,
            data={"to": to, "reason": reason[:300]},
        )
    campaign_changed(campaign.pk)
    return campaign


def campaign_clock(*, now: datetime | None = None) -> dict[str, int]:
    """Open the scheduled campaigns whose release time has come, close those whose window has
    ended, and draw the lotteries that closed. Claims check the times themselves: the clock only
    keeps the status that lists and figures show current."""
    now = now or timezone.now()
    done = {"opened": 0, "closed": 0, "drawn": 0}
    with scopes_disabled():
        due_open = list(
            Campaign.objects.filter(status=CampaignStatus.SCHEDULED, release_at__lte=now, claim_until__gt=now)
        )
        due_close = list(
            Campaign.objects.filter(
                status__in=[CampaignStatus.SCHEDULED, CampaignStatus.OPEN, CampaignStatus.PAUSED],
                claim_until__lte=now,
            )
        )
    for campaign in due_open:
        campaign_transition(actor=None, campaign=campaign, to=CampaignStatus.OPEN)
        done["opened"] += 1
    for campaign in due_close:
        campaign_transition(actor=None, campaign=campaign, to=CampaignStatus.CLOSED)
        done["closed"] += 1
    # Every closed lottery not drawn yet: those just closed, those staff closed by hand, and any
    # whose draw failed after the close.
    with scopes_disabled():
        undrawn = list(
            Campaign.objects.filter(
                kind=CampaignKind.LOTTERY, status=CampaignStatus.CLOSED, drawn_at__isnull=True
            )
        )
    for campaign in undrawn:
        lottery_draw(campaign=campaign)
        done["drawn"] += 1
    return done


# --- Lottery -------------------------------------------------------------------------------------


def registration_create(*, campaign: Campaign, user: User) -> Registration:
    """A member enters a lottery campaign during its window (once)."""
    member = member_of(user)
    if not is_eligible(member, campaign):
        raise Refused("not_eligible", _("This campaign is not open to you."), status=403)
    assert member is not None
    if campaign.kind != CampaignKind.LOTTERY:
        raise Refused("not_lottery", _("This campaign is first come, first served: claim a voucher instead."))
    refusal = window_refusal(campaign)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic(), scopes_disabled():
            # The draw holds the campaign's row while it freezes the list: a registration waits
            # for it and then finds the window closed.
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.drawn_at is not None or window_refusal(locked) is not None:
                raise window_refusal(locked) or Refused("closed", _("This campaign has closed."))
            return Registration.objects.create(campaign=campaign, user=user, member_org_id=member.org_id)
    except IntegrityError:
        raise Refused("already_registered", _("You are already registered for this draw.")) from None


def draw_rank(seed: str, registration_id: int) -> str:
    """A registration's place in the draw: SHA-256 of "<seed>:<registration number>" in hex. The
    winners are the registrations with the smallest ranks, as many as the quota."""
    return hashlib.sha256(f"{seed}:{registration_id}".encode()).hexdigest()


def registration_digest(rows: list[tuple[int, int]]) -> str:
    """SHA-256 of the frozen list, one "<registration number>:<account>" per line in order."""
    return hashlib.sha256("\n".join(f"{r}:{u}" for r, u in rows).encode()).hexdigest()


def draw_winners(*, seed: str, registration_ids: list[int], quota: int) -> list[int]:
    return sorted(sorted(registration_ids, key=lambda r: draw_rank(seed, r))[:quota])


def lottery_draw(*, campaign: Campaign) -> list[int]:
    """Draw the winners of a closed lottery from its committed seed; each winner gets a voucher
    and a message, the others a message. Runs once (``drawn_at``)."""
    with transaction.atomic(), scopes_disabled():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if (
            campaign.drawn_at is not None
            or campaign.kind != CampaignKind.LOTTERY
            or campaign.status != CampaignStatus.CLOSED
        ):
            return []
        rows = list(campaign.registrations.order_by("id").values_list("id", "user_id"))
        winners = draw_winners(
            seed=campaign.draw_seed, registration_ids=[r for r, _u in rows], quota=campaign.quota
        )
        won = set(winners)
        Registration.objects.filter(id__in=winners).update(won=True)
        free = list(
            Voucher.objects.filter(campaign=campaign, holder__isnull=True).order_by("serial")[: len(winners)]
        )
        registrations = {r.id: r for r in Registration.objects.filter(id__in=winners).select_related("user")}
        now = timezone.now()
        for voucher, registration_id in zip(free, winners, strict=True):
            registration = registrations[registration_id]
            voucher.holder = registration.user
            voucher.holder_slot = 1
            voucher.holder_org_id = registration.member_org_id
            voucher.claimed_at = now
            voucher.save(update_fields=["holder", "holder_slot", "holder_org", "claimed_at"])
        campaign.draw_digest = registration_digest(rows)
        campaign.drawn_at = now
        campaign.save(update_fields=["draw_digest", "drawn_at", "updated_at"])
        audit_record(
            action=AuditAction.CAMPAIGN_DRAW,
            actor=None,
            obj=campaign,
            data={"registrations": len(rows), "winners": len(winners), "seed": campaign.draw_seed},
        )
        users = dict(rows)
        for registration_id, user_id in users.items():
            message = (
                _("You won the draw of “%(title)s”: your voucher is in My vouchers.")
                if registration_id in won
                else _("The draw of “%(title)s” is done; you were not drawn this time.")
            )
            notify(user_id=user_id, title=message % {"title": campaign.title}, link=VOUCHERS_LINK)
    campaign_changed(campaign.pk)
    return winners


@dataclass(frozen=True)
class DrawCheck:
    winners: list[int]
    recorded: list[int]
    digest_matches: bool
    commitment_matches: bool

    @property
    def same(self) -> bool:
        return self.winners == self.recorded and self.digest_matches and self.commitment_matches


def lottery_verify(*, campaign: Campaign) -> DrawCheck:
    """Re-run the published draw from its seed and the frozen registration list."""
    with scopes_disabled():
        rows = list(campaign.registrations.order_by("id").values_list("id", "user_id"))
        recorded = sorted(campaign.registrations.filter(won=True).values_list("id", flat=True))
    winners = draw_winners(
        seed=campaign.draw_seed, registration_ids=[r for r, _u in rows], quota=campaign.quota
    )
    return DrawCheck(
        winners=winners,
        recorded=recorded,
        digest_matches=registration_digest(rows) == campaign.draw_digest,
        commitment_matches=hashlib.sha256(campaign.draw_seed.encode()).hexdigest()
        == campaign.draw_commitment,
    )
