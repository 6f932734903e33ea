from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartunion.core.scoping import ScopedManager


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """Append-only, hash-chained audit record (GB/T 22239 level 3 audit; 网络安全法 第二十一条).

    Each record carries the hash of the previous one; ``manage.py audit_verify`` walks the chain.
    Database triggers refuse UPDATE and DELETE (migration 0002). Records hold no personal data:
    a worker is named by user id, a mobile by its blind index.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    client_address = models.CharField(max_length=45, blank=True)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = ScopedManager("org", null_visible_at_root=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "created_at"]),
        ]
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit records are append-only")


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash. Appending locks it, so the chain stays linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class RateLimitHit(models.Model):
    """One request counted by a rate limit while the cache is unavailable (api/throttle.py): the
    limits count in Redis, and here when Redis is down, so that they still hold. ``key`` is the
    limit's scope and a hash of what it limits (never a token in plain text)."""

    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"])]


class ScheduledRun(models.Model):
    """The last run of a periodic job (settings.CELERY_BEAT_SCHEDULE) by ``manage.py run_scheduled``:
    run from cron every minute, it starts each job once per period. ``name`` is the job's key in the
    schedule."""

    name = models.CharField(max_length=100, primary_key=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
