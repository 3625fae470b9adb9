"""Alert knobs, read from settings with defaults so the module works before settings name them."""
from __future__ import annotations

from django.conf import settings


def dedup_hours() -> int:
    return int(getattr(settings, "FACTCHECK_ALERT_DEDUP_HOURS", 72))


def max_attempts() -> int:
    # With the backoff capped at an hour this is about a day of trying before a row turns 'failed'
    # (still retryable from the admin), long enough to ride out an SMTP outage.
    return int(getattr(settings, "FACTCHECK_ALERT_MAX_ATTEMPTS", 30))


def stale_sending_minutes() -> int:
    # Longer than a task's hard time limit, so a live sender is never mistaken for a dead one.
    hard_limit_minutes = int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 300)) // 60 + 1
    return max(int(getattr(settings, "FACTCHECK_ALERT_STALE_MINUTES", 15)), hard_limit_minutes)


def lost_task_grace_minutes() -> int:
    # A pending immediate alert this old without a retry time lost its task (broker down at enqueue).
    return int(getattr(settings, "FACTCHECK_ALERT_LOST_TASK_MINUTES", 2))


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
