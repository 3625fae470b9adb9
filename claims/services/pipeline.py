"""Processing one article: fetch (when it came as a URL), extract, store claims, announce them.

Safe to run twice and from any state a crash can leave behind: the work is claimed with a
compare-and-set on the status, and claims are stored idempotently."""
from __future__ import annotations

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Case, F, Value, When
from django.utils import timezone

from claims.models import Article
from claims.services.articles import enqueue_processing, outlet_for_url, text_fingerprint
from claims.services.claims import store_claims
from claims.services.durability import derived_data_transaction
from claims.services.errors import DomainError

logger = logging.getLogger(__name__)

ACTIVE = (Article.Status.QUEUED, Article.Status.FETCHING, Article.Status.EXTRACTING)


class TransientError(Exception):
    """Worth retrying later (a timeout, a 5xx, a broker or database blip)."""


def _set_status(article_id: int, status: str, **fields) -> None:
    Article.objects.filter(pk=article_id).update(status=status, status_changed_at=timezone.now(), **fields)


def fail_article(*, article_id: int, error: str) -> None:
    """Record a failure the editor can read; the article stays retryable from the admin."""
    _set_status(article_id, Article.Status.FAILED, error=error[:5000], processed_at=timezone.now())


def _claim_work(article_id: int) -> Article | None:
    now = timezone.now()
    # An article that already has its text goes straight to `extracting` in the same statement; a
    # URL still to fetch is moved to `fetching` by _fetch.
    with derived_data_transaction():
        claimed = Article.objects.filter(pk=article_id, status__in=ACTIVE).update(
            attempts=F("attempts") + 1,
            status_changed_at=now,
            status=Case(When(text="", then=F("status")), default=Value(Article.Status.EXTRACTING)),
        )
    if not claimed:
        return None  # done, failed, or deleted: nothing to do
    # The outlet comes along: alert matching reads it from the stored claims' article.
    return Article.objects.select_related("outlet").get(pk=article_id)


def _fetch(article: Article) -> bool:
    """Fill in the text of a URL article. Returns False when it turned out to be a duplicate."""
    from claims.ingestion.articles import fetch_article
    from claims.ingestion.fetch import TransientFetchError

    _set_status(article.pk, Article.Status.FETCHING)
    try:
        page = fetch_article(article.url)
    except TransientFetchError as exc:
        raise TransientError(str(exc)) from exc
    text = page.text.replace("\x00", "")
    if not text.strip():
        raise DomainError("The page has no article text.")
    if len(text) > settings.FACTCHECK_MAX_TEXT_CHARS:
        raise DomainError(f"The page's text has {len(text):,} characters; the limit is {settings.FACTCHECK_MAX_TEXT_CHARS:,}.")
    fingerprint = text_fingerprint(text)
    twin = Article.objects.filter(fingerprint=fingerprint).exclude(pk=article.pk).first()
    article.text = text
    article.title = article.title or (page.title or "")[:500]
    article.byline = article.byline or (page.byline or "")[:500]
    article.published_at = article.published_at or page.published_at
    article.canonical_url = article.canonical_url or (page.canonical_url or "")[:2048]
    article.outlet = article.outlet or outlet_for_url(article.url)
    # The same text under another URL (syndication) is kept as one article: this one points at it.
    article.duplicate_of = twin
    article.fingerprint = "" if twin is not None else fingerprint
    fields = ["text", "title", "byline", "published_at", "canonical_url", "outlet", "duplicate_of", "fingerprint"]
    article.save(update_fields=[*fields, "updated_at"])
    if twin is not None:
        _set_status(article.pk, Article.Status.DONE, processed_at=timezone.now(), error=f"Same text as article {twin.pk}.")
        return False
    return True


def process_article(*, article_id: int) -> list[int]:
    """Run the whole pipeline for one article; return the ids of newly stored claims.

    Raises TransientError for the task to retry; records permanent failures on the row."""
    article = _claim_work(article_id)
    if article is None:
        return []
    if article.attempts > settings.FACTCHECK_MAX_ATTEMPTS:
        fail_article(article_id=article_id, error=f"Gave up after {article.attempts - 1} attempts.")
        return []
    try:
        if article.url and not article.text:
            if not _fetch(article):
                return []
            _set_status(article.pk, Article.Status.EXTRACTING)
        from claims import extraction

        extracted = extraction.extract(article.text)
        with derived_data_transaction():
            new_claims = store_claims(article=article, extracted=extracted)
            _set_status(article.pk, Article.Status.DONE, processed_at=timezone.now(), error="")
    except TransientError:
        raise
    except (OperationalError, InterfaceError) as exc:
        # The database went away (restart, failover): not the article's fault. Recording
        # "failed" could succeed once it is back and would stop a good article for good.
        raise TransientError(f"database unavailable: {exc}") from exc
    except SoftTimeLimitExceeded:
        fail_article(article_id=article_id, error="Processing took longer than the time limit; the text may be too long.")
        return []
    except DomainError as exc:
        fail_article(article_id=article_id, error=exc.message)
        return []
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the article spinning
        logger.exception("article %s failed", article_id)
        fail_article(article_id=article_id, error=f"Internal error: {type(exc).__name__}: {exc}")
        return []
    claim_ids = [claim.pk for claim in new_claims]
    announce_claims(article_id=article_id, claim_ids=claim_ids, claims=new_claims)
    return claim_ids


def announce_claims(*, article_id: int, claim_ids: list[int], claims: list | None = None) -> bool:
    """Hand new claims to the alerts service, outside the extraction transaction so a mail problem
    never un-stores claims; mark the article only once that worked. `claims`, when the caller
    holds them already (with speaker and article loaded), saves reading them back."""
    from claims.services.alerts import queue_alerts_for_claims

    try:
        if claim_ids:
            queue_alerts_for_claims(claim_ids=claim_ids, claims=claims)
    except Exception:  # noqa: BLE001 - left unmarked: the sweeper announces the article again
        logger.exception("could not queue alerts for article %s", article_id)
        return False
    with derived_data_transaction():
        Article.objects.filter(pk=article_id).update(alerts_queued_at=timezone.now())
    return True


def sweep_unannounced_articles(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Announce done articles whose claims never reached the alerts service. Matching is idempotent
    (one delivery per subscription and claim), so announcing twice alerts nobody twice."""
    from claims.models import Claim

    article_ids = list(
        Article.objects.filter(
            status=Article.Status.DONE, alerts_queued_at__isnull=True, processed_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)[:200]
    )
    for article_id in article_ids:
        claim_ids = list(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
        announce_claims(article_id=article_id, claim_ids=claim_ids)
    return article_ids


def sweep_stuck_articles(*, older_than: timedelta | None = None) -> list[int]:
    """Re-enqueue articles stuck in an active state (a lost message, a broker outage between commit
    and enqueue, a worker killed mid-task). Processing is idempotent, so a duplicate is harmless."""
    limit = timedelta(seconds=settings.FACTCHECK_STUCK_AFTER_SECONDS) if older_than is None else older_than
    stuck = list(
        Article.objects.filter(status__in=ACTIVE, status_changed_at__lt=timezone.now() - limit)
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:500]
    )
    for article_id in stuck:
        # Bump the clock so the next sweep doesn't enqueue it again while it waits in the queue.
        Article.objects.filter(pk=article_id).update(status_changed_at=timezone.now())
        enqueue_processing(article_id=article_id)
    return stuck
