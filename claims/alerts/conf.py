"""Alert knobs, read from settings. Their defaults live in factcheck/settings.py only: a second
default here once said 300 s for the Celery time limit where the settings said 960."""
from __future__ import annotations

from django.conf import settings


def dedup_hours() -> int:
    return int(settings.FACTCHECK_ALERT_DEDUP_HOURS)


def max_attempts() -> int:
    # With the backoff capped at an hour this is about a day of trying before a row turns 'failed'
    # (still retryable from the admin), long enough to ride out an SMTP outage.
    return int(settings.FACTCHECK_ALERT_MAX_ATTEMPTS)


def stale_sending_minutes() -> int:
    # Longer than a task's hard time limit, so a live sender is never mistaken for a dead one.
    hard_limit_minutes = int(settings.CELERY_TASK_TIME_LIMIT) // 60 + 1
    return max(int(settings.FACTCHECK_ALERT_STALE_MINUTES), hard_limit_minutes)


def lost_task_grace_minutes() -> int:
    # A pending immediate alert this old without a retry time lost its task (broker down at enqueue).
    return int(settings.FACTCHECK_ALERT_LOST_TASK_MINUTES)


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")
