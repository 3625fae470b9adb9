"""Feed polling tasks: beat calls `poll_due_feeds` every minute; it fans out one poll per feed."""
from __future__ import annotations

import logging

from celery import shared_task

from claims.services.errors import NotFound
from claims.services.feeds import claim_due_feeds, poll_feed

__all__ = ["poll_due_feeds", "poll_feed_task"]

logger = logging.getLogger(__name__)


@shared_task(name="claims.tasks.poll_due_feeds", ignore_result=True)
def poll_due_feeds() -> int:
    """Lease every due feed and queue its poll; returns how many were queued."""
    feed_ids = claim_due_feeds()
    for feed_id in feed_ids:
        poll_feed_task.delay(feed_id)
    return len(feed_ids)


# No autoretry: a failed poll is recorded on the feed and retried by its back-off schedule.
@shared_task(name="claims.tasks.poll_feed_task", ignore_result=True)
def poll_feed_task(feed_id: int) -> None:
    try:
        result = poll_feed(feed_id=feed_id)
    except NotFound:
        logger.info("feed %s was deleted before its poll ran", feed_id)
        return
    logger.info(
        "feed %s polled: %s new, %s known, %s errors%s",
        feed_id, result.created, result.duplicates, len(result.errors),
        " (not modified)" if result.not_modified else "",
    )
