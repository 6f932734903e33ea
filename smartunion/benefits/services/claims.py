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
- ``redis``: an atomic script keeps the hot state (the free vouchers' ids, each member's count, the
  idempotency keys seen), answers sold-out and over-limit without touching the database, and hands
  each claim that can succeed one free voucher; the success is then written to that row by its
  primary key. After Redis loses its data the script finds nothing loaded and the campaign is
  rebuilt from the database (``manage.py benefits_reconcile`` does the same for every campaign).

Once a campaign is sold out, each process knows it for a few seconds and answers "sold out" with no
query at all: it reads the campaign's holders once, and only a holder's request can be a retry that
must get its voucher again.

``auto`` (the default) is the database's own backend.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

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
from smartunion.core.prepared import prepared
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

    def forget(self, campaign_id: int) -> None: ...


# --- The campaign as the claim path sees it ----------------------------------------------------------

_campaigns: dict[int, tuple[float, Campaign | None]] = {}
_lock = threading.Lock()


@dataclass
class _SoldOut:
    """A campaign this process found sold out: believed without asking until ``until`` (a voucher
    given back by a failed claim or a Redis gate that was wrong must not keep it shut for long).
    ``holders``, read once the claims in flight at the sell-out have settled and again each second
    (``holders_at``): the members holding its vouchers, the only ones whose request can be a retry
    of a claim that succeeded."""

    since: float
    until: float
    holders: frozenset[int] | None = None
    holders_at: float = 0.0


_sold_out: dict[int, _SoldOut] = {}
SOLD_OUT_TTL_SECONDS = 10.0
# A claim that took a row just before the sell-out commits within milliseconds; the holders are read
# only after this long.
SOLD_OUT_SETTLE_SECONDS = 1.0
# ... and read again when their reading is this old, so that a claim that committed late (or took a
# voucher given back) is missing from them for a second at most.
SOLD_OUT_HOLDERS_REFRESH_SECONDS = 1.0
# Above this quota the holders are not kept in memory: each refusal asks the database instead.
SOLD_OUT_HOLDERS_MAX = 200_000


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
        with prepared(), connection.cursor() as cursor:
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
    request costs no lookup; a refusal is cheap (sold out: no query at all, once this process has
    read the campaign's holders, unless the worker is one of them)."""
    key = key_clean(idempotency_key)
    campaign = campaign_for_claim(campaign_id)
    if campaign is None or campaign.status == CampaignStatus.DRAFT:
        raise Refused("not_found", _("There is no such campaign."), status=404)
    claims = backend()
    try:
        # Sold out is the answer to most requests of a flash sale: it comes first, with no query
        # (it tells a worker the campaign is not for only that there is nothing left). Then who
        # may claim, before the campaign says anything else of itself (its kind, its times).
        if _known_sold_out(campaign.pk):
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
        if refused.code == "sold_out":
            _mark_sold_out(campaign.pk)
        if not key or refused.status != 409 or getattr(refused, "not_a_retry", False):
            raise
        if refused.code == "sold_out":
            replayed = _replayed_after_sell_out(user, key, campaign)
        else:
            replayed = _replayed(user, key, campaign)
        if replayed is not None:
            return replayed
        raise
    except IntegrityError:
        # The same key, sent twice at the same moment: the other request took the voucher.
        replayed = _replayed(user, key, campaign)
        if replayed is None:
            raise
        return replayed
    return Claimed(voucher, False)


def _mark_sold_out(campaign_id: int) -> None:
    now = time.monotonic()
    with _lock:
        known = _sold_out.get(campaign_id)
        if known is None or known.until <= now:
            _sold_out[campaign_id] = _SoldOut(since=now, until=now + SOLD_OUT_TTL_SECONDS)


def _known_sold_out(campaign_id: int) -> bool:
    known = _sold_out.get(campaign_id)
    if known is None:
        return False
    if known.until > time.monotonic():
        return True
    with _lock:  # expired: forget it, holders and all (a worker lives through many campaigns)
        if _sold_out.get(campaign_id) is known:
            del _sold_out[campaign_id]
    return False


def _replayed_after_sell_out(user: User, key: str, campaign: Campaign) -> Claimed | None:
    """``_replayed`` for a sold-out campaign, asking the database only for a member who holds one of
    its vouchers: nobody else can have claimed one with this key."""
    known = _sold_out.get(campaign.pk)
    now = time.monotonic()
    if known is None or now - known.since < SOLD_OUT_SETTLE_SECONDS or campaign.quota > SOLD_OUT_HOLDERS_MAX:
        return _replayed(user, key, campaign)
    if known.holders is None or now - known.holders_at >= SOLD_OUT_HOLDERS_REFRESH_SECONDS:
        with prepared(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT holder_id FROM benefits_voucher WHERE campaign_id = %s AND holder_id IS NOT NULL",
                [campaign.pk],
            )
            known.holders = frozenset(row[0] for row in cursor.fetchall())
        known.holders_at = now
    if user.pk not in known.holders:
        return None
    return _replayed(user, key, campaign)


# --- The database backends -------------------------------------------------------------------------


class DatabaseClaims:
    """The claim as one transaction: count the member's vouchers, take a free row with the next
    slot. Two claims of the same member at once both pick the same slot: one fails the unique slot
    and counts again. With a limit of one (most campaigns) the claim is the one statement that
    takes the row with slot 1: a member who holds one already fails the unique slot.

    ``voucher_id`` (from the Redis gate) names the row to take; if another claim has it already (Redis
    was behind the database), a free row is taken from the other end of the campaign, where Redis,
    handing out ids in serial order, comes last (``from_tail``: every claim the gate does not hand a
    row, so that it never takes the row the gate hands out next)."""

    name = "database"
    lock = ""  # how the sub-select locks the row it picks

    def claim(
        self,
        *,
        campaign: Campaign,
        user: User,
        member: Member,
        key: str,
        voucher_id: int | None = None,
        from_tail: bool = False,
    ) -> Voucher:
        if campaign.per_member_limit == 1:
            try:
                if not connection.in_atomic_block:
                    # Autocommit: the statement is its own transaction, and a refusal leaves the
                    # connection clean.
                    return self._take(campaign, user, member, key, 1, voucher_id, from_tail)
                with transaction.atomic():  # a savepoint, so a refusal does not spoil the caller's
                    return self._take(campaign, user, member, key, 1, voucher_id, from_tail)
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
                    return self._take(campaign, user, member, key, held + 1, voucher_id, from_tail)
            except IntegrityError as exc:
                if not _slot_taken(exc):
                    raise
        raise _limit_error(campaign)

    def _take(
        self,
        campaign: Campaign,
        user: User,
        member: Member,
        key: str,
        slot: int,
        voucher_id: int | None,
        from_tail: bool,
    ) -> Voucher:
        """One statement: the named row if it is free (and not locked by another claim), else the
        first free row of the campaign (the last with ``from_tail``), becomes the member's, with
        ``slot``."""
        now = timezone.now()
        values: list[Any] = [user.pk, slot, member.org_id, key, now]
        row = None
        with prepared(), connection.cursor() as cursor:
            if voucher_id is not None:
                cursor.execute(_take_sql("id = %s AND ", "", self.lock), [*values, voucher_id, campaign.pk])
                row = cursor.fetchone()
                from_tail = True
            if row is None:
                order = " ORDER BY serial DESC" if from_tail else " ORDER BY serial"
                cursor.execute(_take_sql("", order, self.lock), [*values, campaign.pk])
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
            holder_org_id=member.org_id,
            idempotency_key=key,
            claimed_at=now,
        )

    def still_free(self, voucher_id: int) -> bool:
        """The row may hold no claim (a failed claim gives its id back to the Redis gate). When the
        database cannot say, yes: an id given back that is taken costs one missed take, an id kept
        out is a voucher nobody can claim until the next reconcile."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT holder_id FROM benefits_voucher WHERE id = %s", [voucher_id])
                row = cursor.fetchone()
        except Exception:  # noqa: BLE001 - a broken connection or transaction
            return True
        return row is not None and row[0] is None

    def forget(self, campaign_id: int) -> None:
        pass


@functools.cache
def _take_sql(condition: str, order: str, lock: str) -> str:
    """The claim's one statement: a free row of the campaign (meeting ``condition``, in ``order``)
    becomes the member's."""
    free = f"{condition}campaign_id = %s AND holder_id IS NULL{order} LIMIT 1{lock}"
    sets = "holder_id = %s, holder_slot = %s, holder_org_id = %s, idempotency_key = %s, claimed_at = %s"
    pick = f"SELECT id FROM benefits_voucher WHERE {free}"  # noqa: S608 - constants of this module
    return f"UPDATE benefits_voucher SET {sets} WHERE id = ({pick}) RETURNING id, serial, code"  # noqa: S608


class SqliteClaims(DatabaseClaims):
    name = "sqlite"
    # One writer at a time (the IMMEDIATE transaction): the first free row is ours.
    lock = ""


class PostgresClaims(DatabaseClaims):
    name = "postgresql"
    # Concurrent claims skip the rows others hold locked and take the next free one.
    lock = " FOR UPDATE SKIP LOCKED"


# --- Redis ---------------------------------------------------------------------------------------

# KEYS: loaded (a marker), each member's count (hash), keys seen (hash), the free vouchers' ids (list,
# in serial order). Each is loaded with a sentinel (the field "_", the id 0 at the list's end), so
# that all four exist while the campaign is loaded, and one lost alone (evicted) reads as not loaded.
# ARGV: user, limit, key. Returns {the member's new count, a free voucher's id}, or {-1} sold out,
# {-2} over the limit, {-3} not loaded, {-4} key seen.
CLAIM_SCRIPT = """
if redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) < 4 then return {-3} end
if ARGV[3] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[1] .. ':' .. ARGV[3]) == 1 then return {-4} end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(ARGV[2]) then return {-2} end
local id = redis.call('LPOP', KEYS[4])
if id == '0' then
  redis.call('LPUSH', KEYS[4], id)
  return {-1}
end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[1] .. ':' .. ARGV[3], 1) end
return {held + 1, id}
"""
# Undo a let-through the database then refused (or failed): give the slot back, and the voucher's id
# when its row may still be free. ARGV: user, key, id ('' to keep it out).
RELEASE_SCRIPT = """
if redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) < 4 then return 0 end
if ARGV[3] ~= '' then redis.call('LPUSH', KEYS[4], ARGV[3]) end
redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[3], ARGV[1] .. ':' .. ARGV[2]) end
return 1
"""
COUNTER_TTL_SECONDS = 60 * 60 * 24 * 45
LOAD_CHUNK = 10_000


def _keys(campaign_id: int) -> list[str]:
    base = f"smartunion:benefits:campaign:{campaign_id}"
    return [f"{base}:loaded", f"{base}:held", f"{base}:keys", f"{base}:free"]


class RedisClaims:
    name = "redis"

    def __init__(self, url: str, database: DatabaseClaims):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)
        self.database = database
        self._claim = self.client.register_script(CLAIM_SCRIPT)
        self._release = self.client.register_script(RELEASE_SCRIPT)

    def claim(self, *, campaign: Campaign, user: User, member: Member, key: str) -> Voucher:
        keys = _keys(campaign.pk)
        args: list[int | str] = [user.pk, campaign.per_member_limit, key]
        try:
            answer = self._claim(keys=keys, args=args)
            if int(answer[0]) == -3:
                self.load(campaign.pk)
                answer = self._claim(keys=keys, args=args)
        except RedisError as exc:
            # Redis is down: the database alone is still right, only slower.
            logger.warning("claims: Redis unavailable (%s); claiming through the database", exc)
            return self.database.claim(campaign=campaign, user=user, member=member, key=key, from_tail=True)
        outcome = int(answer[0])
        if outcome == -1:
            raise _sold_out_error()
        if outcome == -2:
            # The script has not seen this key (it answers -4 for a key it let through before), so
            # the request is no retry of a claim that succeeded: no need to look for one.
            refused = _limit_error(campaign)
            refused.not_a_retry = True  # type: ignore[attr-defined]
            raise refused
        if outcome < 0:
            # Not loaded (a flush during the load) or a key seen whose voucher is not written yet:
            # the database decides.
            return self.database.claim(campaign=campaign, user=user, member=member, key=key, from_tail=True)
        voucher_id = int(answer[1])
        try:
            return self.database.claim(
                campaign=campaign, user=user, member=member, key=key, voucher_id=voucher_id
            )
        except BaseException:
            back = str(voucher_id) if self.database.still_free(voucher_id) else ""
            try:
                self._release(keys=keys, args=[user.pk, key, back])
            except RedisError:  # pragma: no cover - the next reconcile puts it right
                logger.warning("claims: could not give a refused claim back to Redis")
            raise

    def load(self, campaign_id: int) -> None:
        """Rebuild the campaign's state from the database (the truth), under a short lock so that
        one process does it."""
        keys = _keys(campaign_id)
        lock = self.client.lock(
            f"smartunion:benefits:campaign:{campaign_id}:load", timeout=30, blocking_timeout=10
        )
        with lock:
            if self.client.exists(*keys) == len(keys):
                return
            with scopes_disabled():
                vouchers = Voucher.objects.filter(campaign_id=campaign_id)
                free = list(
                    vouchers.filter(holder__isnull=True).order_by("serial").values_list("id", flat=True)
                )
                held = dict(
                    vouchers.filter(holder__isnull=False)
                    .values_list("holder_id")
                    .annotate(n=Count("id"))
                    .values_list("holder_id", "n")
                )
                seen = list(vouchers.exclude(idempotency_key="").values_list("holder_id", "idempotency_key"))
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(*keys)
            pipe.hset(keys[1], mapping={"_": 0, **{str(k): v for k, v in held.items()}})
            pipe.hset(keys[2], mapping={"_": 0, **{f"{u}:{k}": 1 for u, k in seen}})
            for start in range(0, len(free), LOAD_CHUNK):
                pipe.rpush(keys[3], *free[start : start + LOAD_CHUNK])
            pipe.rpush(keys[3], 0)  # the end: popped, it answers sold out and goes back
            pipe.set(keys[0], 1)  # last: the script treats the campaign as loaded once this exists
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
