"""An article in, claims stored: the foundation's path, with tasks run in-process."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.extraction import ExtractedClaim
from claims.models import Article, Claim, Speaker
from claims.services import pipeline
from claims.services.articles import decode_upload, retry_article, submit_article
from claims.services.claims import store_claims
from claims.services.errors import InvalidInput

TEXT = (
    "Harbour plan approved\n\n"
    '"The bridge will open in 2029," Mayor Helena Strand said on Tuesday.\n\n'
    "Councillor Tomas Brightwater said the estimate left out 40 million in maintenance costs.\n"
)


@pytest.fixture
def processed(db, django_capture_on_commit_callbacks) -> Article:
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_article(text=TEXT, title="Harbour plan approved")
    return Article.objects.get(pk=submission.article.pk)


def test_submitted_text_is_processed_into_claims(processed: Article) -> None:
    assert processed.status == Article.Status.DONE, processed.error
    assert processed.attempts == 1
    claims = list(processed.claims.order_by("content_start"))
    assert any(c.kind == "direct" and "open in 2029" in c.content for c in claims)
    for claim in claims:
        assert processed.text[claim.content_start:claim.content_end].startswith(claim.content[:10])
    assert Speaker.objects.filter(name__icontains="Strand").exists()


def test_processing_an_article_twice_never_duplicates_a_claim(processed: Article) -> None:
    before = processed.claims.count()
    Article.objects.filter(pk=processed.pk).update(status=Article.Status.QUEUED)
    assert pipeline.process_article(article_id=processed.pk) == []
    assert processed.claims.count() == before


def test_the_same_text_submitted_twice_is_one_article(processed: Article) -> None:
    again = submit_article(text="  " + TEXT.replace("\n\n", "\n") + " ")
    assert again.created is False
    assert again.article.pk == processed.pk


def test_the_same_url_submitted_twice_is_one_article(db) -> None:
    first = submit_article(url="https://news.example.org/story#top")
    second = submit_article(url="https://NEWS.example.org/story")
    assert first.created and not second.created
    assert second.article.pk == first.article.pk
    assert first.article.outlet.domain == "news.example.org"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "empty"),
        ({"text": " \n\t "}, "empty"),
        ({"url": "ftp://example.org/a"}, "Only http and https"),
        ({"url": "javascript:alert(1)"}, "Only http and https"),
        ({"url": "http:///nohost"}, "no host"),
        ({}, "either a URL or a text"),
        ({"text": "a", "url": "https://example.org"}, "either a URL or a text"),
    ],
)
def test_it_refuses_bad_submissions_with_a_reason(db, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        submit_article(**kwargs)
    assert Article.objects.count() == 0


def test_it_refuses_text_over_the_size_limit(db, settings) -> None:
    settings.FACTCHECK_MAX_TEXT_CHARS = 1000
    with pytest.raises(InvalidInput, match="limit is 1,000"):
        submit_article(text="word " * 300)


def test_it_refuses_undecodable_bytes_instead_of_guessing() -> None:
    with pytest.raises(InvalidInput, match="not valid UTF-8"):
        decode_upload(b"caf\xe9 \xff\xfe\xfa")


def test_it_decodes_utf8_with_bom_and_utf16() -> None:
    assert decode_upload("\ufeffsaid “yes”".encode("utf-8")) == "said “yes”"
    assert decode_upload("said “yes”".encode("utf-16")) == "said “yes”"


def test_nul_characters_are_dropped_so_postgres_can_store_the_text(db, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_article(text='"We will win," she said.\x00')
    article = Article.objects.get(pk=submission.article.pk)
    assert "\x00" not in article.text
    assert article.status == Article.Status.DONE


def test_an_extraction_bug_fails_the_article_with_the_error_on_the_row(db, monkeypatch) -> None:
    article = submit_article(text="Someone said something.").article

    def boom(texts, **_):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr("claims.extraction.iter_extract", boom)
    pipeline.process_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "parser exploded" in article.error


def test_a_failed_article_can_be_retried(db, monkeypatch, django_capture_on_commit_callbacks) -> None:
    article = submit_article(text='"It works," the engineer said.').article
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FAILED, error="earlier failure", attempts=5)
    with django_capture_on_commit_callbacks(execute=True):
        retry_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.DONE
    assert article.error == ""


def test_it_gives_up_after_the_maximum_attempts(db, settings) -> None:
    settings.FACTCHECK_MAX_ATTEMPTS = 2
    article = submit_article(text='"Again," he said.').article
    Article.objects.filter(pk=article.pk).update(attempts=2)
    pipeline.process_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "Gave up after 2 attempts" in article.error


def test_the_sweeper_requeues_articles_stuck_past_the_limit(db, monkeypatch) -> None:
    queued: list[int] = []
    monkeypatch.setattr("claims.services.pipeline.enqueue_processing", lambda *, article_id: queued.append(article_id))
    stuck = submit_article(text="Stuck text, she said.").article
    fresh = submit_article(text="Fresh text, he said.").article
    Article.objects.filter(pk=stuck.pk).update(
        status=Article.Status.EXTRACTING, status_changed_at=timezone.now() - timedelta(hours=1)
    )
    assert pipeline.sweep_stuck_articles(older_than=timedelta(minutes=10)) == [stuck.pk]
    assert queued == [stuck.pk]
    assert fresh.pk not in queued


def test_store_claims_skips_spans_outside_the_text(db) -> None:
    article = Article.objects.create(text="Short text.", fingerprint="x")
    bad = ExtractedClaim(kind="direct", content="nope", content_spans=[(5, 500)])
    good = ExtractedClaim(
        kind="indirect", content="Short", content_spans=[(0, 5)], speaker="Ann Lee", speaker_kind="person"
    )
    stored = store_claims(article=article, extracted=[bad, good])
    assert [c.content for c in stored] == ["Short"]
    assert Claim.objects.get().speaker.name == "Ann Lee"


def test_a_failure_to_queue_alerts_is_retried_by_the_sweeper(db, monkeypatch) -> None:
    calls: list[list[int]] = []

    def broken(*, claim_ids: list[int], claims: object = None) -> None:
        raise ConnectionError("redis went away")

    monkeypatch.setattr("claims.services.alerts.queue_alerts_for_claims", broken)
    article = submit_article(text='"Prices will drop 10 percent," the minister said.').article
    new_ids = pipeline.process_article(article_id=article.pk)
    article.refresh_from_db()
    assert new_ids and article.status == Article.Status.DONE
    assert article.alerts_queued_at is None

    monkeypatch.setattr(
        "claims.services.alerts.queue_alerts_for_claims", lambda *, claim_ids, claims=None: calls.append(claim_ids)
    )
    assert pipeline.sweep_unannounced_articles(older_than=timedelta(0)) == [article.pk]
    assert calls == [new_ids]
    article.refresh_from_db()
    assert article.alerts_queued_at is not None
    assert pipeline.sweep_unannounced_articles(older_than=timedelta(0)) == []


def test_a_claim_nested_inside_another_claims_words_is_not_stored_twice(db) -> None:
    text = "Ann Lee said the council ignored two reviews."
    article = Article.objects.create(text=text, fingerprint="nested")
    outer = ExtractedClaim(kind="indirect", content=text[13:44], content_spans=[(13, 44)], speaker="Ann Lee")
    inner = ExtractedClaim(kind="indirect", content=text[25:44], content_spans=[(25, 44)], speaker="council")
    stored = store_claims(article=article, extracted=[outer, inner])
    assert [c.content for c in stored] == ["the council ignored two reviews"]
