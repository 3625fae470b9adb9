"""Alert tasks. Thin: ids in, a service called. The services make a second run harmless
(compare-and-set on each delivery), so Celery may redeliver any of these."""
from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from claims.selectors.alerts import due_digest_subscription_ids
from claims.services import alerts, enqueue

__all__ = ["retry_pending_deliveries", "send_due_digests", "send_subscription_alerts", "send_subscription_digest"]


def _countdown(retry_at: datetime) -> int:
    return max(1, int((retry_at - timezone.now()).total_seconds()))


@shared_task(name=enqueue.SEND_SUBSCRIPTION_ALERTS, bind=True, acks_late=True, max_retries=None)
def send_subscription_alerts(self, subscription_id: int, delivery_ids: list[int]) -> int:
    """One email: the given deliveries of one immediate subscription (one article's matches)."""
    outcome = alerts.send_deliveries(subscription_id=subscription_id, delivery_ids=delivery_ids)
    if outcome.retry_at is not None and not self.request.is_eager:
        # The rows carry next_attempt_at too, so if this retry is lost the periodic sweep sends them.
        raise self.retry(countdown=_countdown(outcome.retry_at))
    return outcome.sent


@shared_task(name="claims.tasks.send_subscription_digest", bind=True, acks_late=True, max_retries=None)
def send_subscription_digest(self, subscription_id: int) -> int:
    outcome = alerts.send_digest(subscription_id=subscription_id)
    if outcome.retry_at is not None and not self.request.is_eager:
        raise self.retry(countdown=_countdown(outcome.retry_at))
    return outcome.sent


@shared_task(name="claims.tasks.send_due_digests")
def send_due_digests() -> int:
    """Beat, every few minutes: queue one digest task per subscription whose hour has come."""
    due = due_digest_subscription_ids()
    for subscription_id in due:
        send_subscription_digest.delay(subscription_id)
    return len(due)


@shared_task(name="claims.tasks.retry_pending_deliveries")
def retry_pending_deliveries() -> int:
    """Beat: re-queue deliveries whose backoff has passed, whose task was lost, or whose worker died;
    correction e-mails (claims.services.corrections) are swept with them."""
    from claims.services.corrections import retry_due_notices

    retry_due_notices()
    return alerts.retry_due_deliveries()
