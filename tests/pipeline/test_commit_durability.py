"""The pipeline's own transactions commit without waiting for a disk flush (PostgreSQL), and never
relax a transaction that belongs to someone else."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.models import Article
from claims.services import pipeline
from claims.services.durability import relax_commit_durability

RELAX = "SET LOCAL synchronous_commit TO OFF"


def _relaxed(queries: CaptureQueriesContext) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"] == RELAX)


@pytest.mark.django_db(transaction=True)
def test_processing_an_article_relaxes_only_its_own_transactions_on_postgresql() -> None:
    # Created directly, not submitted: submitting would process it at once where tasks run eagerly.
    article = Article.objects.create(
        text='"Fares will rise by 4 percent," the transport minister said.', fingerprint="durability-run"
    )
    with CaptureQueriesContext(connection) as queries:
        assert pipeline.process_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.DONE and article.alerts_queued_at is not None
    # Claiming it, claiming batch companions, storing, and marking the article announced; none on
    # SQLite, which has no such knob.
    assert _relaxed(queries) == (4 if connection.vendor == "postgresql" else 0)


@pytest.mark.django_db(transaction=True)
def test_an_enclosing_transaction_keeps_its_durability() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, transaction.atomic():
        relax_commit_durability()
    assert _relaxed(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_relaxed_transaction_still_commits_and_rolls_back() -> None:
    article = Article.objects.create(text="A text.", fingerprint="durability")
    with transaction.atomic():
        relax_commit_durability()
        Article.objects.filter(pk=article.pk).update(title="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        relax_commit_durability()
        Article.objects.filter(pk=article.pk).update(title="lost")
        raise RuntimeError("roll back")
    article.refresh_from_db()
    assert article.title == "kept"
