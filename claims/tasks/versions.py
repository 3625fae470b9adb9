"""Refetch tasks (stealth edits, docs/monitoring.md). Thin: ids in, the services called. Beat runs
`refetch_due_articles` every minute; it leases the due articles (compare-and-set) and queues one
`refetch_article` each, which starts only if its lease is still the newest (a second compare-and-set)."""
from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from claims.services import enqueue, versions
from claims.services.quote_change_alerts import sweep_unannounced_quote_changes
from claims.services.quote_change_notices import retry_quote_change_notices, send_notice

__all__ = ["refetch_article", "refetch_due_articles", "send_quote_change_notice"]

logger = logging.getLogger(__name__)


@shared_task(name="claims.tasks.refetch_due_articles", ignore_result=True)
def refetch_due_articles() -> int:
    """Beat: enrol newly processed URL articles, lease the due ones and queue their refetch; also
    re-queue the stealth-edit e-mails and alerts a lost message left behind. Never raises for one
    article: each step's failure is logged and the next tick tries again."""
    try:
        versions.enrol_articles()
    except Exception:  # noqa: BLE001 - the beat goes on; the next tick enrols them
        logger.exception("could not enrol articles for refetching")
    claimed = versions.claim_due_refetches()
    for article_id, claimed_at in claimed:
        try:
            refetch_article.delay(article_id, claimed_at.isoformat())
        except Exception:  # noqa: BLE001 - the lease runs out and the article is due again
            logger.exception("could not queue the refetch of article %s", article_id)
    for sweep in (retry_quote_change_notices, sweep_unannounced_quote_changes):
        try:
            sweep()
        except Exception:  # noqa: BLE001
            logger.exception("%s failed", sweep.__name__)
    return len(claimed)


@shared_task(name="claims.tasks.refetch_article", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def refetch_article(article_id: int, claimed_at: str) -> str:
    stamp: datetime | None = parse_datetime(claimed_at)
    if stamp is None:
        logger.error("refetch of article %s: unreadable claim time %r", article_id, claimed_at)
        return "skipped"
    if timezone.is_naive(stamp):
        stamp = timezone.make_aware(stamp)
    return versions.refetch_article(article_id=article_id, claimed_at=stamp).status


@shared_task(name=enqueue.SEND_QUOTE_CHANGE_NOTICE, bind=True, acks_late=True, max_retries=None)
def send_quote_change_notice(self, change_id: int) -> None:  # noqa: ANN001 - Celery's bound task
    retry_at = send_notice(change_id=change_id)
    if retry_at is not None and not self.request.is_eager:
        # The row carries notice_next_at too: if this retry is lost, the sweep sends it.
        raise self.retry(countdown=max(1, int((retry_at - timezone.now()).total_seconds())))
