"""Correction e-mails. Thin: an id in, the service called; the compare-and-set on each notice makes
a redelivered message harmless."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from claims.services import corrections, enqueue

__all__ = ["retry_correction_notices", "send_correction_notice"]


# "send_*": routed to the mail queue with the alert e-mails (factcheck/settings.py).
@shared_task(name=enqueue.SEND_CORRECTION_NOTICE, bind=True, acks_late=True, max_retries=None)
def send_correction_notice(self, notice_id: int) -> bool:
    outcome = corrections.send_notice(notice_id=notice_id)
    if outcome.retry_at is not None and not self.request.is_eager:
        # The row carries next_attempt_at too: if this retry is lost, the periodic sweep sends it.
        raise self.retry(countdown=max(1, int((outcome.retry_at - timezone.now()).total_seconds())))
    return outcome.sent


@shared_task(name="claims.tasks.retry_correction_notices")
def retry_correction_notices() -> int:
    """Called from the alerts' periodic sweep (retry_pending_deliveries): one beat entry for the mail queue."""
    return corrections.retry_due_notices()
