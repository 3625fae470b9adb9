"""Article processing tasks. Thin: an id in, a service called, retries declared."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from claims.services import enqueue, pipeline
from claims.services.errors import TransientError

__all__ = ["process_article", "sweep_stuck_articles"]


@shared_task(
    name=enqueue.PROCESS_ARTICLE,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
)
def process_article(self, article_id: int) -> list[int]:
    try:
        return pipeline.process_article(article_id=article_id)
    except TransientError as exc:
        if self.request.retries >= self.max_retries or settings.CELERY_TASK_ALWAYS_EAGER:
            # Out of retries (or no broker to retry through): say why on the row.
            pipeline.fail_article(article_id=article_id, error=f"Temporary failure, retries exhausted: {exc}")
            return []
        raise


@shared_task(name="claims.tasks.sweep_stuck_articles")
def sweep_stuck_articles() -> list[int]:
    pipeline.sweep_unannounced_articles()
    return pipeline.sweep_stuck_articles()
