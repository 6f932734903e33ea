"""The accounts app's scheduled work: Celery tasks (core/tasks.py says what a task promises)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from smartunion.accounts.models import OneTimeCode, SignInFailure

# The longest window a limit on sending codes counts in (CODE_SEND_PER_*_DAY): older codes count
# for nothing.
CODE_SEND_LONGEST_WINDOW = timedelta(days=1)


@shared_task(name="accounts.sign_in_records_prune")
def sign_in_records_prune() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE): delete the sign-in failures older than the lockout window and
    the one-time codes older than the longest limit on sending them. Neither counts for anything any
    more, and the audit chain keeps what happened (decisions 0004 and 0014 planned this clean-up).
    Deleting what is already gone is nothing: safe to run twice."""
    now = timezone.now()
    failures, _ = SignInFailure.objects.filter(
        created_at__lt=now - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)
    ).delete()
    codes, _ = OneTimeCode.objects.filter(
        created_at__lt=now - CODE_SEND_LONGEST_WINDOW, expires_at__lt=now
    ).delete()
    return {"sign_in_failures": failures, "one_time_codes": codes}
