"""Claiming a voucher (抢兑): the platform's hottest path (docs/decisions/0018-voucher-claims.md).

A campaign's vouchers exist as rows from the moment it is scheduled, one per unit of the quota. A
claim takes one free row in one statement, so the database never holds more claims than the quota;
the member's slot number is unique and checked against the limit copied onto the row, so it never
holds more than the limit; ``(holder, idempotency_key)`` is unique, so a retried request finds its
voucher instead of taking another. These hold whatever the code above them does.

Three interchangeable backends do the contended work, chosen by ``settings.BENEFITS_CLAIM_BACKEND``:

- ``sqlite``: SQLite takes one writer at a time (IMMEDIATE transactions), so a plain
  ``UPDATE ... WHERE id = (SELECT ... LIMIT 1)`` takes the row;
- ``postgresql``: ``FOR UPDATE SKIP LOCKED`` lets concurrent claims take different rows without
  waiting on each other;
- ``redis``: an atomic script keeps the hot counters (vouchers left, each member's count, the
  idempotency keys seen), answers sold-out and over-limit without touching the database, and lets
  through only claims that can succeed; each success is then written by the database backend. After
  Redis loses its data the script finds no counters and the campaign is rebuilt from the database
  (``manage.py benefits_reconcile`` does the same for every campaign).

``auto`` (the default) is the database's own backend.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import redis
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from smartunion.accounts.models import User
from smartunion.benefits.models import Campaign, CampaignKind, CampaignStatus, Voucher
from smartunion.benefits.policies import Member, is_eligible, member_of
from smartunion.benefits.services.common import Refused
from smartunion.core.scoping import scopes_disabled

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_MAX = 64
# A campaign read by the claim path is kept this long in each process; a pause or a close reaches
# every process within it.
CAMPAIGN_TTL_SECONDS = 1.0


@dataclass(frozen=True)
class Claimed:
    voucher: Voucher
    replayed: bool  # an earlier claim with the same Idempotency-Key


class ClaimBackend(Protocol):
    name: str

    def claim(self, *, campaign: Campaign, user: User, member: Member, key: str) -> Voucher: ...

    def sold_out(self, *, campaign: Campaign, user: User, key: str) -> bool: ...

    def forget(self, campaign_id: int) -> None: ...


# --- The campaign as the claim path sees it ----------------------------------------------------------

_campaigns: dict[int, tuple[float, Campaign | None]] = {}
# Campaigns this process found sold out, until when it believes it without asking (a voucher never
# comes back, but a Redis gate that was wrong must not keep a campaign shut for long).
_sold_out: dict[int, float] = {}
SOLD_OUT_TTL_SECONDS = 10.0
_lock = threading.Lock()


def campaign_for_claim(campaign_id: int) -> Campaign | None:
    """The campaign, from this process's short-lived copy (CAMPAIGN_TTL_SECONDS)."""
    now = time.monotonic()
    hit = _campaigns.get(campaign_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    with scopes_disabled():
        campaign = Campaign.objects.select_related("org", "merchant").filter(pk=campaign_id).first()
    if campaign is not None:
        campaign._tag_ids = frozenset(campaign.occupation_tags.values_list("id", flat=True))
    with _lock:
        _campaigns[campaign_id] = (now + CAMPAIGN_TTL_SECONDS, campaign)
    return campaign


def campaign_changed(campaign_id: int) -> None:
    """A service changed the campaign: drop this process's copy (others expire within the TTL)."""
    with _lock:
        _campaigns.pop(campaign_id, None)
        _sold_out.pop(campaign_id, None)
    backend().forget(campaign_id)


def window_refusal(campaign: Campaign, *, now=None) -> Refused | None:
    """Why the campaign takes no claim (or registration) now, or None."""
    now = now or timezone.now()
    if campaign.status == CampaignStatus.CLOSED or now >= campaign.claim_until:
        return Refused("closed", _("This campaign has closed."))
    if campaign.status == CampaignStatus.DRAFT or now < campaign.release_at:
        when = timezone.localtime(campaign.release_at).strftime("%Y-%m-%d %H:%M")
        return Refused("not_open", _("This campaign opens at %(when)s.") % {"when": when})
    if campaign.status == CampaignStatus.PAUSED:
        return Refused("not_open", _("This campaign is paused. Please try again later."))
    return None


def _slot_taken(exc: IntegrityError) -> bool:
    """The unique (campaign, holder, slot) refused the row: the member already holds that slot."""
    return "voucher_one_slot_per_member" in str(exc) or "holder_slot" in str(exc)


def _sold_out_error() -> Refused:
    return Refused("sold_out", _("All vouchers of this campaign have been claimed."))


def _limit_error(campaign: Campaign) -> Refused:
    return Refused(
        "limit_reached",
        _("You have already claimed %(limit)s voucher(s) of this campaign, the most a member may.")
        % {"limit": campaign.per_member_limit},
    )


def _replay(user: User, key: str) -> Voucher | None:
    if not key:
        return None
    with scopes_disabled():
        # Most refusals have no earlier claim: ask the unique index for the id alone first, in
        # plain SQL (the ORM's building of it costs more than the lookup on the hot path).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM benefits_voucher WHERE holder_id = %s AND idempotency_key = %s",
                [user.pk, key],
            )
            found = cursor.fetchone()
        if found is None:
            return None
        return Voucher.objects.select_related("campaign").get(pk=found[0])


def key_clean(key: str | None) -> str:
    key = (key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise Refused(
            "invalid_idempotency_key",
            _("The Idempotency-Key must be at most %(max)s printable characters.")
            % {"max": IDEMPOTENCY_KEY_MAX},
            status=422,
        )
    return key


def _replayed(user: User, key: str, campaign: Campaign) -> Claimed | None:
    """The voucher an earlier request with this Idempotency-Key claimed, if any."""
    replayed = _replay(user, key)
    if replayed is None:
        return None
    if replayed.campaign_id != campaign.pk:
        raise Refused(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for another campaign."),
            status=422,
        )
    return Claimed(replayed, True)


def voucher_claim(*, campaign_id: int, user: User, idempotency_key: str | None = "") -> Claimed:
    """Claim one voucher of a first-come campaign for the signed-in worker. Raises ``Refused`` with
    ``not_found`` (404), ``not_eligible`` (403), ``not_open``, ``closed``, ``sold_out`` or
    ``limit_reached`` (409). Nothing is written unless the claim succeeds.

    A retried request (the same ``Idempotency-Key``) gets the voucher the first one claimed. The
    earlier claim is looked for only when this one is refused or collides with it, so a first
    request costs no lookup; a refusal is cheap (sold out: the key's lookup, nothing else)."""
    key = key_clean(idempotency_key)
    campaign = campaign_for_claim(campaign_id)
    if campaign is None or campaign.status == CampaignStatus.DRAFT:
        raise Refused("not_found", _("There is no such campaign."), status=404)
    claims = backend()
    try:
        # Sold out is the answer to most requests of a flash sale: it comes first, with no query
        # (it tells a worker the campaign is not for only that there is nothing left). Then who
        # may claim, before the campaign says anything else of itself (its kind, its times).
        if claims.sold_out(campaign=campaign, user=user, key=key):
            raise _sold_out_error()
        member = member_of(user)
        if not is_eligible(member, campaign):
            raise Refused("not_eligible", _("This campaign is not open to you."), status=403)
        assert member is not None
        if campaign.kind == CampaignKind.LOTTERY:
            raise Refused("lottery", _("This campaign is a lottery: register for the draw instead."))
        refusal = window_refusal(campaign)
        if refusal is not None:
            raise refusal
        voucher = claims.claim(campaign=campaign, user=user, member=member, key=key)
    except Refused as refused:
        replayed = _replayed(user, key, campaign) if key and refused.status == 409 else None
        if replayed is not None:
            return replayed
        if refused.code == "sold_out":
            _mark_sold_out(campaign.pk)
        raise
    except IntegrityError:
        # The same key, sent twice at the same moment: the other request took the voucher.
        replayed = _replayed(user, key, campaign)
        if replayed is None:
            raise
        return replayed
    return Claimed(voucher, False)


def _mark_sold_out(campaign_id: int) -> None:
    with _lock:
        _sold_out[campaign_id] = time.monotonic() + SOLD_OUT_TTL_SECONDS


def _known_sold_out(campaign_id: int) -> bool:
    until = _sold_out.get(campaign_id)
    return until is not None and until > time.monotonic()


# --- The database backends -------------------------------------------------------------------------


class DatabaseClaims:
    """The claim as one transaction: count the member's vouchers, take a free row with the next
    slot. Two claims of the same member at once both pick the same slot: one fails the unique slot
    and counts again. With a limit of one (most campaigns) the claim is the one statement that
    takes the row with slot 1: a member who holds one already fails the unique slot."""

    name = "database"
    take_sql = ""

    def claim(self, *, campaign: Campaign, user: User, member: Member, key: str) -> Voucher:
        if campaign.per_member_limit == 1:
            try:
                if not connection.in_atomic_block:
                    # Autocommit: the statement is its own transaction, and a refusal leaves the
                    # connection clean.
                    return self._take(campaign=campaign, user=user, member=member, key=key, slot=1)
                with transaction.atomic():  # a savepoint, so a refusal does not spoil the caller's
                    return self._take(campaign=campaign, user=user, member=member, key=key, slot=1)
            except IntegrityError as exc:
                if not _slot_taken(exc):
                    raise
                raise _limit_error(campaign) from None
        for _attempt in range(campaign.per_member_limit + 1):
            try:
                with transaction.atomic():
                    with scopes_disabled():
                        held = Voucher.objects.filter(campaign=campaign, holder=user).count()
                    if held >= campaign.per_member_limit:
                        raise _limit_error(campaign)
                    return self._take(campaign=campaign, user=user, member=member, key=key, slot=held + 1)
            except IntegrityError as exc:
                if not _slot_taken(exc):
                    raise
        raise _limit_error(campaign)

    def _take(self, *, campaign: Campaign, user: User, member: Member, key: str, slot: int) -> Voucher:
        """One statement: the first free row of the campaign becomes the member's, with ``slot``."""
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(self.take_sql, [user.pk, slot, member.org.pk, key, now, campaign.pk])
            row = cursor.fetchone()
        if row is None:
            raise _sold_out_error()
        return Voucher(
            pk=row[0],
            campaign=campaign,
            serial=row[1],
            code=row[2],
            member_limit=campaign.per_member_limit,
            holder=user,
            holder_slot=slot,
            holder_org=member.org,
            idempotency_key=key,
            claimed_at=now,
        )

    def sold_out(self, *, campaign: Campaign, user: User, key: str) -> bool:
        """This process saw the campaign sold out lately (the refusal then looks for a replay)."""
        return _known_sold_out(campaign.pk)

    def forget(self, campaign_id: int) -> None:
        pass


class SqliteClaims(DatabaseClaims):
    name = "sqlite"
    # One writer at a time (the IMMEDIATE transaction): the first free row is ours.
    take_sql = (
        "UPDATE benefits_voucher SET holder_id = %s, holder_slot = %s, holder_org_id = %s, "
        "idempotency_key = %s, claimed_at = %s WHERE id = (SELECT id FROM benefits_voucher "
        "WHERE campaign_id = %s AND holder_id IS NULL ORDER BY serial LIMIT 1) "
        "RETURNING id, serial, code"
    )


class PostgresClaims(DatabaseClaims):
    name = "postgresql"
    # Concurrent claims skip the rows others hold locked and take the next free one.
    take_sql = (
        "UPDATE benefits_voucher SET holder_id = %s, holder_slot = %s, holder_org_id = %s, "
        "idempotency_key = %s, claimed_at = %s WHERE id = (SELECT id FROM benefits_voucher "
        "WHERE campaign_id = %s AND holder_id IS NULL ORDER BY serial LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, serial, code"
    )


# --- Redis ---------------------------------------------------------------------------------------

# KEYS: vouchers left, each member's count (hash), keys seen (hash). ARGV: user, limit, key.
# Returns the member's new count, or -1 sold out, -2 over the limit, -3 not loaded, -4 key seen.
CLAIM_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -3 end
if ARGV[3] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[1] .. ':' .. ARGV[3]) == 1 then return -4 end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(ARGV[2]) then return -2 end
if tonumber(redis.call('GET', KEYS[1])) <= 0 then return -1 end
redis.call('DECR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[1] .. ':' .. ARGV[3], 1) end
return held + 1
"""
# Undo a let-through the database then refused (or failed): give the unit and the slot back.
RELEASE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[3], ARGV[1] .. ':' .. ARGV[2]) end
return 1
"""
COUNTER_TTL_SECONDS = 60 * 60 * 24 * 45


def _keys(campaign_id: int) -> list[str]:
    base = f"smartunion:benefits:campaign:{campaign_id}"
    return [f"{base}:left", f"{base}:held", f"{base}:keys"]


class RedisClaims:
    name = "redis"

    def __init__(self, url: str, database: DatabaseClaims):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)
        self.database = database
        self._claim = self.client.register_script(CLAIM_SCRIPT)
        self._release = self.client.register_script(RELEASE_SCRIPT)

    def claim(self, *, campaign: Campaign, user: User, member: Member, key: str) -> Voucher:
        keys = _keys(campaign.pk)
        try:
            answer = int(self._claim(keys=keys, args=[user.pk, campaign.per_member_limit, key]))
            if answer == -3:
                self.load(campaign.pk)
                answer = int(self._claim(keys=keys, args=[user.pk, campaign.per_member_limit, key]))
        except RedisError as exc:
            # Redis is down: the database alone is still right, only slower.
            logger.warning("claims: Redis unavailable (%s); claiming through the database", exc)
            return self.database.claim(campaign=campaign, user=user, member=member, key=key)
        if answer == -1:
            raise _sold_out_error()
        if answer == -2:
            raise _limit_error(campaign)
        if answer in (-3, -4):
            # Not loaded (a flush during the load) or a key seen whose voucher is not written yet:
            # the database decides.
            return self.database.claim(campaign=campaign, user=user, member=member, key=key)
        try:
            return self.database.claim(campaign=campaign, user=user, member=member, key=key)
        except BaseException:
            try:
                self._release(keys=keys, args=[user.pk, key])
            except RedisError:  # pragma: no cover - the next reconcile puts it right
                logger.warning("claims: could not give a refused claim back to Redis")
            raise

    def sold_out(self, *, campaign: Campaign, user: User, key: str) -> bool:
        """Nothing left in Redis and the key not seen before: sold out, with no database query."""
        keys = _keys(campaign.pk)
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.get(keys[0])
            pipe.hexists(keys[2], f"{user.pk}:{key}")
            left, seen = pipe.execute()
        except RedisError:
            return _known_sold_out(campaign.pk)
        return left is not None and int(left) <= 0 and not (key and seen)

    def load(self, campaign_id: int) -> None:
        """Rebuild the campaign's counters from the database (the truth), under a short lock so
        that one process does it."""
        keys = _keys(campaign_id)
        lock = self.client.lock(
            f"smartunion:benefits:campaign:{campaign_id}:load", timeout=30, blocking_timeout=10
        )
        with lock:
            if self.client.exists(keys[0]):
                return
            with scopes_disabled():
                vouchers = Voucher.objects.filter(campaign_id=campaign_id)
                left = vouchers.filter(holder__isnull=True).count()
                held = dict(
                    vouchers.filter(holder__isnull=False)
                    .values_list("holder_id")
                    .annotate(n=Count("id"))
                    .values_list("holder_id", "n")
                )
                seen = list(vouchers.exclude(idempotency_key="").values_list("holder_id", "idempotency_key"))
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(*keys)
            if held:
                pipe.hset(keys[1], mapping={str(k): v for k, v in held.items()})
            if seen:
                pipe.hset(keys[2], mapping={f"{u}:{k}": 1 for u, k in seen})
            pipe.set(keys[0], left)  # last: the script treats the campaign as loaded once this exists
            for key in keys:
                pipe.expire(key, COUNTER_TTL_SECONDS)
            pipe.execute()

    def forget(self, campaign_id: int) -> None:
        try:
            self.client.delete(*_keys(campaign_id))
        except RedisError:
            logger.warning("claims: could not drop campaign %s's counters from Redis", campaign_id)


def reconcile(*, campaign_ids: list[int] | None = None) -> list[int]:
    """Rebuild Redis's counters from the database for the given campaigns (default: every campaign
    taking claims). Returns the campaigns rebuilt; nothing to do without the Redis backend."""
    claims = backend()
    if not isinstance(claims, RedisClaims):
        return []
    if campaign_ids is None:
        with scopes_disabled():
            campaign_ids = list(
                Campaign.objects.filter(
                    status__in=[CampaignStatus.SCHEDULED, CampaignStatus.OPEN, CampaignStatus.PAUSED]
                ).values_list("id", flat=True)
            )
    for campaign_id in campaign_ids:
        claims.forget(campaign_id)
        claims.load(campaign_id)
    return campaign_ids


_backend: ClaimBackend | None = None


def backend() -> ClaimBackend:
    """The configured backend, made once per process."""
    global _backend
    if _backend is None:
        _backend = make_backend(getattr(settings, "BENEFITS_CLAIM_BACKEND", "auto"))
    return _backend


def make_backend(name: str) -> ClaimBackend:
    database: DatabaseClaims = PostgresClaims() if connection.vendor == "postgresql" else SqliteClaims()
    if name == "redis":
        url = getattr(settings, "BENEFITS_REDIS_URL", "") or settings.REDIS_URL
        if not url:
            raise RuntimeError("BENEFITS_CLAIM_BACKEND=redis needs REDIS_URL")
        return RedisClaims(url, database)
    if name in ("auto", "database", connection.vendor):
        return database
    raise RuntimeError(f"BENEFITS_CLAIM_BACKEND={name!r}: use auto, {connection.vendor} or redis")


def use_backend(name: str) -> ClaimBackend:
    """Switch the backend (tests and the benchmark)."""
    global _backend
    _backend = make_backend(name)
    with _lock:
        _sold_out.clear()
        _campaigns.clear()
    return _backend
