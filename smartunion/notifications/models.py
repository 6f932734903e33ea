"""The in-app inbox. The model moved here from ``core`` (issue 8; docs/decisions/0016-layers.md)
without touching the database: its table keeps the name ``core_inboxmessage``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InboxMessage(models.Model):
    """A message to a user's in-app inbox (application answered, transfer approved, ...). Written
    only by ``notifications.services``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_inboxmessage"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
