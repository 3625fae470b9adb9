"""Reads about the tracker's own state for operators: what /metrics reports and /health/ready
judges (claims/operations/). Counted in the database and the broker, not in process memory, so
any web process answers for every worker: a worker in another container counts as much as one in
this process. Each function is one query (or one round trip to Redis)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count, Min, Q, Sum

from claims.models import AlertDelivery, Article, Claim, ClaimDailyCount, WebhookDelivery

# Upper bounds of the extraction-time histogram, in seconds per article: a short wire story takes
# tens of milliseconds, a long feature a few seconds; anything past a minute is a problem.
EXTRACTION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# The Celery queues the tracker routes to (factcheck/settings.py CELERY_TASK_ROUTES and default).
CELERY_QUEUES = ("extraction", "default", "mail")
# kombu's Redis transport keeps a queue's prioritised messages in sibling lists named
# "<queue>\x06\x16<priority>"; a message without a priority goes to the plain list.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def article_counts_by_status() -> dict[str, int]:
    """Articles per status, every status present (0 when none)."""
    counts = dict(Article.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in Article.Status.values}


def claim_counts_by_kind() -> dict[str, int]:
    """Claims per kind, every kind present: from the daily roll-ups (claims.models.rollups), not a
    COUNT over the claims table on every scrape."""
    counts = dict(ClaimDailyCount.objects.values("kind").annotate(n=Sum("n")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in Claim.Kind.values}


@dataclass(frozen=True)
class Histogram:
    buckets: list[tuple[float, int]]  # (upper bound, articles at or under it), cumulative
    count: int
    total: float


def extraction_seconds_histogram() -> Histogram:
    """Extraction seconds per processed article as a cumulative histogram (one aggregate query)."""
    timed = Article.objects.filter(extraction_seconds__isnull=False)
    row = timed.aggregate(
        count=Count("id"),
        total=Sum("extraction_seconds"),
        **{
            f"le_{i}": Count("id", filter=Q(extraction_seconds__lte=bound))
            for i, bound in enumerate(EXTRACTION_BUCKETS)
        },
    )
    buckets = [(bound, row[f"le_{i}"]) for i, bound in enumerate(EXTRACTION_BUCKETS)]
    return Histogram(buckets=buckets, count=row["count"], total=float(row["total"] or 0.0))


def _delivery_counts(model: Any, *, sent: str) -> dict[str, int]:
    """A delivery table's rows by where they stand: sent, failed, retrying (pending after a failed
    attempt), pending (not tried yet) and sending (claimed by a sender right now)."""
    status = model.Status
    row = model.objects.aggregate(
        sent=Count("id", filter=Q(status=sent)),
        failed=Count("id", filter=Q(status=status.FAILED)),
        retrying=Count("id", filter=Q(status=status.PENDING, attempts__gt=0)),
        pending=Count("id", filter=Q(status=status.PENDING, attempts=0)),
        sending=Count("id", filter=Q(status=status.SENDING)),
    )
    return {name: int(value) for name, value in row.items()}


def alert_delivery_counts() -> dict[str, int]:
    return _delivery_counts(AlertDelivery, sent=AlertDelivery.Status.SENT)


def webhook_delivery_counts() -> dict[str, int]:
    """Named like the alerts' counts: a delivered webhook counts as sent."""
    return _delivery_counts(WebhookDelivery, sent=WebhookDelivery.Status.DELIVERED)


def oldest_undelivered_alert_at() -> datetime | None:
    """When the oldest alert still waiting to be sent (pending or sending) was created."""
    waiting = AlertDelivery.objects.filter(status__in=(AlertDelivery.Status.PENDING, AlertDelivery.Status.SENDING))
    return waiting.aggregate(oldest=Min("created_at"))["oldest"]


def queued_article_count() -> int:
    return Article.objects.filter(status=Article.Status.QUEUED).count()


class BrokerUnavailable(Exception):
    """The Redis broker did not answer; the message says why."""


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue on the Redis broker; None without a broker (tasks
    then run in-process and nothing waits). Raises BrokerUnavailable when Redis does not answer."""
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in CELERY_QUEUES:
                for suffix in _PRIORITY_SUFFIXES:
                    pipe.llen(queue + suffix)
            lengths = pipe.execute()
    except redis.RedisError as exc:
        raise BrokerUnavailable(f"Redis broker unreachable: {type(exc).__name__}") from exc
    finally:
        client.close()
    step = len(_PRIORITY_SUFFIXES)
    return {queue: sum(lengths[i * step : (i + 1) * step]) for i, queue in enumerate(CELERY_QUEUES)}
