"""Webhook tasks. Thin: an id in, the service called. The compare-and-set on each delivery makes a
redelivered message harmless."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from claims.services import enqueue, webhooks

__all__ = ["retry_webhook_deliveries", "send_webhook_delivery"]


# "send_*": routed to the mail queue with the alert e-mails (factcheck/settings.py), so a slow
# receiver never holds up extraction.
@shared_task(name=enqueue.SEND_WEBHOOK_DELIVERY, bind=True, acks_late=True, max_retries=None)
def send_webhook_delivery(self, delivery_id: int) -> bool:
    outcome = webhooks.send_delivery(delivery_id=delivery_id)
    if outcome.retry_at is not None and not self.request.is_eager:
        # The row carries next_attempt_at too: if this retry is lost, the periodic sweep sends it.
        raise self.retry(countdown=max(1, int((outcome.retry_at - timezone.now()).total_seconds())))
    return outcome.delivered


@shared_task(name="claims.tasks.retry_webhook_deliveries")
def retry_webhook_deliveries() -> int:
    """Beat: re-queue deliveries whose backoff has passed, whose task was lost, or whose worker died."""
    return webhooks.retry_due_deliveries()
