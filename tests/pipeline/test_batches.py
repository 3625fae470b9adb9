"""A worker processes other queued articles together with its own (services/pipeline.py): one spaCy
stream, one INSERT, one alert match for the batch, and every article still done exactly once."""
from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Article, Claim
from claims.services import pipeline

S = Article.Status


def _text(n: int, speaker: str = "Mayor Helena Strand") -> str:
    return (
        f"Harbour plan, part {n}\n\n"
        f'"The bridge will open in {2030 + n}," {speaker} said on Tuesday.\n\n'
        f"Councillor Tomas Brightwater said the estimate left out {40 + n} million in maintenance costs.\n"
    )


def _queued(n: int, **fields) -> Article:
    # Created directly, not submitted: submitting would process it at once where tasks run eagerly.
    return Article.objects.create(text=_text(n), fingerprint=f"batch-{n}", **fields)


def _refresh(*articles: Article) -> list[Article]:
    for article in articles:
        article.refresh_from_db()
    return list(articles)


def test_a_worker_processes_queued_articles_with_its_own_in_one_batch(db) -> None:
    leader, *others = [_queued(n) for n in range(4)]
    new_ids = pipeline.process_article(article_id=leader.pk)
    for article in _refresh(leader, *others):
        assert article.status == S.DONE, article.error
        assert article.attempts == 1 and article.batch_of is None and article.alerts_queued_at is not None
        assert Claim.objects.filter(article=article, kind="direct", content__contains="bridge will open").exists()
    assert sorted(new_ids) == sorted(Claim.objects.values_list("pk", flat=True))


def test_a_companions_own_message_finds_it_taken_and_does_nothing(db) -> None:
    leader, companion = _queued(1), _queued(2)
    Article.objects.filter(pk=companion.pk).update(status=S.EXTRACTING, batch_of=leader.pk, attempts=1)
    assert pipeline.process_article(article_id=companion.pk) == []
    (companion,) = _refresh(companion)
    assert (companion.status, companion.attempts, companion.batch_of) == (S.EXTRACTING, 1, leader.pk)
    assert not Claim.objects.filter(article=companion).exists()


def test_a_redelivered_leader_takes_back_the_companions_of_its_dead_run(db) -> None:
    leader, companion = _queued(1), _queued(2)
    # What a SIGKILLed worker leaves: both extracting, the companion marked with its leader.
    Article.objects.filter(pk=leader.pk).update(status=S.EXTRACTING, attempts=1)
    Article.objects.filter(pk=companion.pk).update(status=S.EXTRACTING, batch_of=leader.pk, attempts=1)
    pipeline.process_article(article_id=leader.pk)
    for article in _refresh(leader, companion):
        assert article.status == S.DONE and article.attempts == 2 and article.batch_of is None


def test_the_sweeper_frees_a_companion_whose_batch_died_and_it_is_processed(db) -> None:
    companion = _queued(2)
    long_ago = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk=companion.pk).update(
        status=S.EXTRACTING, batch_of=companion.pk + 1000, attempts=1, status_changed_at=long_ago
    )
    # Tasks run eagerly here, so the sweeper's re-enqueue processes the article at once.
    assert pipeline.sweep_stuck_articles(older_than=timedelta(minutes=1)) == [companion.pk]
    (companion,) = _refresh(companion)
    assert companion.status == S.DONE and companion.batch_of is None and companion.attempts == 2


def test_a_batch_keeps_to_its_size_and_character_limits(db, settings) -> None:
    settings.FACTCHECK_PIPELINE_BATCH = 3
    articles = [_queued(n) for n in range(5)]
    pipeline.process_article(article_id=articles[0].pk)
    assert [a.status for a in _refresh(*articles)] == [S.DONE, S.DONE, S.DONE, S.QUEUED, S.QUEUED]

    settings.FACTCHECK_PIPELINE_BATCH_CHARS = len(articles[3].text) * 2 - 1
    long_one = Article.objects.create(text=_text(9) * 3, fingerprint="batch-long")
    pipeline.process_article(article_id=articles[3].pk)
    assert [a.status for a in _refresh(articles[3], articles[4], long_one)] == [S.DONE, S.QUEUED, S.QUEUED]


def test_articles_still_to_fetch_are_not_taken_as_companions(db) -> None:
    leader = _queued(1)
    url_article = Article.objects.create(url="https://news.example.org/later")
    pipeline.process_article(article_id=leader.pk)
    assert [a.status for a in _refresh(leader, url_article)] == [S.DONE, S.QUEUED]


def test_an_article_whose_extraction_raises_fails_alone_and_the_batch_goes_on(db, monkeypatch) -> None:
    from claims import extraction

    real = extraction.claims_from_parsed

    def fragile(parsed):
        if "part 2" in parsed.text:
            raise RuntimeError("parser exploded")
        return real(parsed)

    monkeypatch.setattr(extraction, "claims_from_parsed", fragile)
    articles = [_queued(n) for n in range(4)]
    pipeline.process_article(article_id=articles[0].pk)
    statuses = [(a.status, a.error) for a in _refresh(*articles)]
    assert statuses[2][0] == S.FAILED and "parser exploded" in statuses[2][1]
    assert [s for s, _ in statuses[:2] + statuses[3:]] == [S.DONE, S.DONE, S.DONE]


def test_an_unexpected_error_in_a_batch_reruns_each_article_alone(db, monkeypatch) -> None:
    from claims.services import claims as claim_services

    real = claim_services.store_claims_many

    def only_one_at_a_time(*, items):
        if len(items) > 1:
            raise RuntimeError("a bug that shows only in batches")
        return real(items=items)

    monkeypatch.setattr(pipeline, "store_claims_many", only_one_at_a_time)
    articles = [_queued(n) for n in range(3)]
    pipeline.process_article(article_id=articles[0].pk)
    # Released companions get messages of their own (run at once here, tasks being eager).
    for article in _refresh(*articles):
        assert article.status == S.DONE and article.batch_of is None, article.error
        # Once in the failed batch, once alone: released articles are not batched again.
        assert article.attempts == 2 and article.claims.exists()


def test_a_companion_past_its_attempts_is_failed_not_processed(db, settings) -> None:
    leader, worn = _queued(1), _queued(2, attempts=settings.FACTCHECK_MAX_ATTEMPTS)
    pipeline.process_article(article_id=leader.pk)
    leader, worn = _refresh(leader, worn)
    assert leader.status == S.DONE
    assert worn.status == S.FAILED and "Gave up" in worn.error and not worn.claims.exists()


def test_a_batch_costs_the_same_queries_whatever_its_size(db, settings) -> None:
    pipeline.process_article(article_id=_queued(0).pk)  # the speakers exist from here on

    def queries_for(size: int, first: int) -> int:
        settings.FACTCHECK_PIPELINE_BATCH = size
        articles = [_queued(first + n) for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            pipeline.process_article(article_id=articles[0].pk)
        assert all(a.status == S.DONE for a in _refresh(*articles))
        return len(queries.captured_queries)

    assert queries_for(2, first=10) == queries_for(8, first=20)


def test_an_article_released_to_run_alone_takes_no_companions_and_joins_no_batch(db) -> None:
    alone, waiting = _queued(1, runs_alone=True), _queued(2)
    pipeline.process_article(article_id=alone.pk)
    alone, waiting = _refresh(alone, waiting)
    assert alone.status == S.DONE and alone.runs_alone is False  # done: the mark has served
    assert waiting.status == S.QUEUED and waiting.batch_of is None
    leader, released = _queued(3), _queued(4, runs_alone=True)
    pipeline.process_article(article_id=leader.pk)
    leader, released, waiting = _refresh(leader, released, waiting)
    assert leader.status == S.DONE and waiting.status == S.DONE
    assert released.status == S.QUEUED and released.runs_alone is True
