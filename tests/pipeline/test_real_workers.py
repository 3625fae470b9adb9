"""The production path: PostgreSQL, Redis and real `celery worker` processes."""
from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections

from claims.models import Article, Claim
from claims.services import pipeline
from claims.services.articles import submit_article
from tests.conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]

PARAGRAPH = (
    '"The reservoir will be full by June," said Water Commissioner Dana Ortiz. '
    "Ortiz added that rationing would end within weeks. "
    "Farmers' union leader Paul Mbeki accused the commission of ignoring the northern valleys. "
    '"We have been promised rain for three years," Mbeki said.\n\n'
)


def _status(article_id: int) -> str:
    return Article.objects.filter(pk=article_id).values_list("status", flat=True).get()


def test_an_article_is_processed_by_a_real_worker_into_postgresql(start_worker) -> None:
    start_worker()
    article = submit_article(text="Water plan\n\n" + PARAGRAPH, title="Water plan").article
    assert wait_until(lambda: _status(article.pk) in {"done", "failed"})
    article.refresh_from_db()
    assert article.status == "done", article.error
    assert Claim.objects.filter(article=article, kind="direct").exists()


def test_a_worker_killed_mid_task_loses_nothing_and_duplicates_nothing(start_worker) -> None:
    worker = start_worker()
    # Long enough that extraction is still running when the worker dies.
    article = submit_article(text="Drought\n\n" + PARAGRAPH * 120, title="Drought").article
    assert wait_until(lambda: _status(article.pk) == "extracting", timeout=120, interval=0.05)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert _status(article.pk) == "extracting"

    start_worker()
    # What beat's sweeper does once the article has been stuck past its limit.
    pipeline.sweep_stuck_articles(older_than=timedelta(0))
    assert wait_until(lambda: _status(article.pk) == "done", timeout=180)
    spans = list(Claim.objects.filter(article=article).values_list("content_start", "content_end"))
    assert spans and len(spans) == len(set(spans))
    assert Article.objects.get(pk=article.pk).attempts == 2


def test_a_killed_pool_process_has_its_task_redelivered(start_worker) -> None:
    worker = start_worker()
    article = submit_article(text="Valley\n\n" + PARAGRAPH * 120, title="Valley").article
    assert wait_until(lambda: _status(article.pk) == "extracting", timeout=120, interval=0.05)
    # Kill only the pool child: acks_late + reject_on_worker_lost put the message back.
    with open(f"/proc/{worker.pid}/task/{worker.pid}/children") as listing:
        children = listing.read().split()
    assert children, "the worker has no pool process"
    for child in children:
        os.kill(int(child), signal.SIGKILL)
    assert wait_until(lambda: _status(article.pk) == "done", timeout=180)
    spans = list(Claim.objects.filter(article=article).values_list("content_start", "content_end"))
    assert spans and len(spans) == len(set(spans))


def test_the_same_article_submitted_twice_at_once_is_one_article(broker) -> None:
    barrier = threading.Barrier(4)
    results: list[int] = []

    def submit() -> None:
        barrier.wait()
        try:
            results.append(submit_article(url="https://news.example.org/race").article.pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert Article.objects.filter(url="https://news.example.org/race").count() == 1
