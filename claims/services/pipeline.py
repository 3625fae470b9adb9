"""Processing an article: fetch (when it came as a URL), extract, store claims, announce them.

Safe to run twice and from any state a crash can leave behind: the work is claimed with a
compare-and-set on the status, and claims are stored idempotently.

A worker that claims an article with text also claims up to FACTCHECK_PIPELINE_BATCH - 1 other
queued ones (`SELECT ... FOR UPDATE SKIP LOCKED`) and processes them together: one spaCy stream,
one INSERT, one alert match, one commit for all. Each of those companions is marked with its batch
leader, so its own task message, arriving meanwhile, finds it taken and does nothing. If the leader's
worker dies, the leader's redelivered message claims the same companions again; if that message is
lost too, the sweeper re-queues every article left active, leader or companion."""
from __future__ import annotations

import datetime as dt
import logging
import re
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Length, Lower
from django.utils import timezone

from claims.extraction import header as header_reader
from claims.models import Article, Claim, Outlet
from claims.services.articles import enqueue_processing, one_line, outlet_for_url, text_fingerprint
from claims.services.claims import store_claims_many
from claims.services.durability import derived_data_transaction
from claims.services.errors import DomainError, TransientError

logger = logging.getLogger(__name__)

ACTIVE = (Article.Status.QUEUED, Article.Status.FETCHING, Article.Status.EXTRACTING)
S = Article.Status


def _set_status(article_id: int, status: str, **fields) -> None:
    Article.objects.filter(pk=article_id).update(status=status, status_changed_at=timezone.now(), **fields)


def fail_article(*, article_id: int, error: str) -> None:
    """Record a failure the editor can read; the article stays retryable from the admin."""
    _set_status(article_id, S.FAILED, error=error[:5000], processed_at=timezone.now(), batch_of=None, runs_alone=False)
    from claims.services.webhooks import queue_article_failed

    try:
        queue_article_failed(article_id=article_id)
    except Exception:  # noqa: BLE001 - the failure is recorded on the article whatever happens here
        logger.exception("could not queue the article.failed webhook event for article %s", article_id)


def _given_up(article: Article) -> bool:
    """Fail an article claimed once too often (it keeps crashing its worker, say); True if so."""
    if article.attempts <= settings.FACTCHECK_MAX_ATTEMPTS:
        return False
    fail_article(article_id=article.pk, error=f"Gave up after {article.attempts - 1} attempts.")
    return True


def _claim_work(article_id: int) -> Article | None:
    # One being processed in another article's batch (batch_of set) is not this message's to take.
    claimable = Article.objects.filter(
        Q(status__in=(S.QUEUED, S.FETCHING))
        | Q(status=S.EXTRACTING, batch_of__isnull=True),
        pk=article_id,
    )
    # Most messages of a busy queue are for articles another worker's batch already took or
    # finished: one read settles those, instead of a write transaction.
    if not claimable.exists():
        return None
    now = timezone.now()
    # An article that already has its text goes straight to `extracting` in the same statement; a
    # URL still to fetch is moved to `fetching` by _fetch. The update re-checks the condition, so a
    # batch that took the article since the read above wins.
    with derived_data_transaction():
        claimed = claimable.update(
            attempts=F("attempts") + 1,
            status_changed_at=now,
            status=Case(When(text="", then=F("status")), default=Value(S.EXTRACTING)),
        )
    if not claimed:
        return None  # done, failed, deleted, or in another article's batch: nothing to do
    # The outlet comes along: alert matching reads it from the stored claims' article.
    return Article.objects.select_related("outlet").get(pk=article_id)


def _claim_companions(leader: Article) -> list[Article]:
    """Claim up to FACTCHECK_PIPELINE_BATCH - 1 more articles to process with `leader`: first any
    this leader had claimed before (its worker died and the message came back), then the oldest
    queued articles that already have their text, skipping rows another worker has locked. Their
    texts together stay under FACTCHECK_PIPELINE_BATCH_CHARS, so a batch finishes well inside the
    task's time limit; a leader that is itself that long is processed alone."""
    room = settings.FACTCHECK_PIPELINE_BATCH - 1
    budget = settings.FACTCHECK_PIPELINE_BATCH_CHARS - len(leader.text)
    if room <= 0 or budget <= 0 or leader.runs_alone:
        return []  # batching is off, the text is long, or the article was released to run alone
    with derived_data_transaction():
        candidates = list(
            Article.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("outlet")
            .annotate(size=Length("text"))
            .filter(
                Q(status=S.EXTRACTING, batch_of=leader.pk)
                | Q(status=S.QUEUED, batch_of__isnull=True, runs_alone=False, size__gt=0, size__lte=budget)
            )
            .exclude(pk=leader.pk)
            .order_by(Case(When(batch_of=leader.pk, then=Value(0)), default=Value(1)), "pk")[: room * 2]
        )
        companions: list[Article] = []
        for article in candidates:
            # Its own earlier companions always come back (they were admitted under this budget).
            if article.batch_of != leader.pk and (len(companions) >= room or article.size > budget):
                continue
            budget -= article.size
            companions.append(article)
        if companions:
            Article.objects.filter(pk__in=[a.pk for a in companions]).update(
                status=S.EXTRACTING, batch_of=leader.pk, attempts=F("attempts") + 1,
                status_changed_at=timezone.now(),
            )
    for article in companions:
        article.attempts += 1
    return [article for article in companions if not _given_up(article)]


def _release(articles: list[Article]) -> None:
    """Put the articles of a failed batch back in the queue to be processed alone, each with a
    message of its own (a companion's was spent while it was in the batch), marked `runs_alone`:
    no batch takes it as a companion, and it takes none, so an article that breaks batches fails on
    its own instead of taking others down with it."""
    ids = [article.pk for article in articles]
    if not ids:
        return
    Article.objects.filter(pk__in=ids, status=S.EXTRACTING).update(
        status=S.QUEUED, batch_of=None, runs_alone=True, status_changed_at=timezone.now()
    )
    for pk in ids:
        enqueue_processing(article_id=pk)


def _fetch(article: Article) -> bool:
    """Fill in the text of a URL article. Returns False when it turned out to be a duplicate."""
    from claims.ingestion.articles import fetch_article

    _set_status(article.pk, S.FETCHING)
    # A TransientFetchError is a TransientError: the task retries it like a database blip.
    page = fetch_article(article.url)
    text = page.text.replace("\x00", "")
    if not text.strip():
        raise DomainError("The page has no article text.")
    if len(text) > settings.FACTCHECK_MAX_TEXT_CHARS:
        raise DomainError(
            f"The page's text has {len(text):,} characters; the limit is {settings.FACTCHECK_MAX_TEXT_CHARS:,}."
        )
    fingerprint = text_fingerprint(text)
    twin = Article.objects.filter(fingerprint=fingerprint).exclude(pk=article.pk).first()
    article.text = text
    article.title = article.title or one_line(page.title)
    article.byline = article.byline or one_line(page.byline)
    article.published_at = article.published_at or page.published_at
    article.canonical_url = article.canonical_url or (page.canonical_url or "")[:2048]
    article.outlet = article.outlet or outlet_for_url(article.url)
    # The same text under another URL (syndication) is kept as one article: this one points at it.
    article.duplicate_of = twin
    article.fingerprint = "" if twin is not None else fingerprint
    fields = ["text", "title", "byline", "published_at", "canonical_url", "outlet", "duplicate_of", "fingerprint"]
    article.save(update_fields=[*fields, "updated_at"])
    if twin is not None:
        _set_status(article.pk, S.DONE, processed_at=timezone.now(), error=f"Same text as article {twin.pk}.")
        return False
    # Version 1 of the page, with its own headline: refetches compare with it (stealth edits).
    from claims.services.versions import record_first_version

    record_first_version(article=article, title=page.title, fetched_at=timezone.now())
    return True


# "BALLINMORE (Coastline News)": the outlet is the part in parentheses.
_DATELINE_OUTLET = re.compile(r"\(([^()]{2,100})\)\s*$")


def dateline_outlet(dateline: str | None) -> str:
    match = _DATELINE_OUTLET.search((dateline or "").strip())
    return " ".join(match.group(1).split()) if match else ""


def header_fields(article: Article) -> dict[str, object]:
    """What a pasted article's own header (headline, "By ..." byline, date line, dateline) says
    about it, for the fields the user left empty: a value someone typed is never overwritten.
    URL and feed articles get these from the page instead (`_fetch`). The outlet comes as a name
    (`outlet_name`); `_apply_headers` finds or creates it."""
    if article.url or not article.text or article.transcript:
        return {}  # a transcript's first line is a speaker's turn, not a headline
    try:
        header = header_reader.read_header(article.text)
    except Exception:  # noqa: BLE001 - an unreadable header is no reason to lose the article's claims
        logger.exception("could not read the header of article %s", article.pk)
        return {}
    fields: dict[str, object] = {}
    if not article.title and (header.title or "").strip():
        fields["title"] = one_line(header.title)
    if not article.byline and (header.byline or "").strip():
        fields["byline"] = one_line(header.byline)
    if article.published_at is None and isinstance(header.date, dt.date):
        # A date without a time: midnight where the newsroom is (TIME_ZONE), so it shows as that day.
        fields["published_at"] = timezone.make_aware(dt.datetime.combine(header.date, dt.time.min))
    name = dateline_outlet(header.dateline)[:200]
    if article.outlet_id is None and name:
        fields["outlet_name"] = name
    return fields


# Each field is written only where it is still empty in the row, so an edit made while the article
# was being processed is kept too.
_EMPTY = {"title": Q(title=""), "byline": Q(byline=""), "published_at": Q(published_at__isnull=True),
          "outlet": Q(outlet__isnull=True)}


def _apply_headers(batch: list[Article]) -> None:
    """Fill a batch's empty details from the articles' headers in at most seven queries, whatever
    the batch's size (tests/pipeline/test_batches.py counts them)."""
    found = {article.pk: header_fields(article) for article in batch}
    found = {pk: fields for pk, fields in found.items() if fields}
    if not found:
        return
    names = {fields["outlet_name"] for fields in found.values() if "outlet_name" in fields}
    outlets: dict[str, Outlet] = {}
    if names:
        wanted = {name.casefold() for name in names}
        for outlet in Outlet.objects.annotate(folded=Lower("name")).filter(folded__in=wanted):
            outlets.setdefault(outlet.name.casefold(), outlet)
        missing = [name for name in sorted(names) if name.casefold() not in outlets]
        if missing:
            Outlet.objects.bulk_create([Outlet(name=name) for name in missing], ignore_conflicts=True)
            for outlet in Outlet.objects.filter(name__in=missing):
                outlets.setdefault(outlet.name.casefold(), outlet)
    by_article = {article.pk: article for article in batch}
    for pk, fields in found.items():
        name = fields.pop("outlet_name", None)
        if name and name.casefold() in outlets:
            fields["outlet"] = outlets[name.casefold()]
        for field_name, value in fields.items():
            setattr(by_article[pk], field_name, value)
    for field_name, empty in _EMPTY.items():
        values = {pk: fields[field_name] for pk, fields in found.items() if field_name in fields}
        if not values:
            continue
        column = "outlet_id" if field_name == "outlet" else field_name
        cases = [When(pk=pk, then=Value(v.pk if field_name == "outlet" else v)) for pk, v in values.items()]
        model_field = Article._meta.get_field(field_name)
        output = model_field.target_field if field_name == "outlet" else model_field
        Article.objects.filter(empty, pk__in=list(values)).update(
            **{column: Case(*cases, output_field=output)}, updated_at=timezone.now()
        )


def _extract_and_store(batch: list[Article]) -> list[Claim]:
    """Extract every article of the batch in one spaCy stream and store what was found in one
    transaction that also marks them done. An article whose extraction raised is failed on its own."""
    from claims.extraction.transcripts import iter_extract_documents

    errors: dict[int, Exception] = {}
    started = time.perf_counter()
    # Articles go through one spaCy stream; a transcript's claims are found turn by turn, with
    # their speakers and times (claims.extraction.transcripts).
    found = list(iter_extract_documents([(a.text, a.transcript) for a in batch], on_error=errors.__setitem__))
    seconds = _shares_by_length(batch, time.perf_counter() - started)
    ok = [(article, claims) for i, (article, claims) in enumerate(zip(batch, found, strict=True)) if i not in errors]
    for i, exc in errors.items():
        fail_article(article_id=batch[i].pk, error=f"Internal error: {type(exc).__name__}: {exc}")
    now = timezone.now()
    with derived_data_transaction():
        _apply_headers([article for article, _ in ok])
        new_claims = store_claims_many(items=ok)
        Article.objects.filter(pk__in=[article.pk for article, _ in ok]).update(
            status=S.DONE, status_changed_at=now, processed_at=now, error="", batch_of=None, runs_alone=False,
            extraction_seconds=Case(
                *(When(pk=article.pk, then=Value(seconds[article.pk])) for article, _ in ok),
                output_field=FloatField(),
            ),
        )
    return new_claims


def _shares_by_length(batch: list[Article], elapsed: float) -> dict[int, float]:
    """Each article's share of a batch's extraction time, in proportion to its text's length
    (spaCy's cost grows with it): one article in a batch of sixteen did not take the batch's time."""
    total = sum(len(article.text) for article in batch) or 1
    return {article.pk: elapsed * len(article.text) / total for article in batch}


def process_article(*, article_id: int) -> list[int]:
    """Run the whole pipeline for one article, and for the companions it claims; return the ids
    of newly stored claims.

    Raises TransientError for the task to retry; records permanent failures on the row."""
    article = _claim_work(article_id)
    if article is None:
        return []
    if _given_up(article):
        return []
    batch = [article]
    try:
        if article.url and not article.text:
            if not _fetch(article):
                return []
            _set_status(article.pk, S.EXTRACTING)
        else:
            batch += _claim_companions(article)
        new_claims = _extract_and_store(batch)
    except TransientError:
        raise  # the retried message claims the same companions again
    except (OperationalError, InterfaceError) as exc:
        # The database went away (restart, failover): not the article's fault. Recording
        # "failed" could succeed once it is back and would stop a good article for good.
        raise TransientError(f"database unavailable: {exc}") from exc
    except SoftTimeLimitExceeded:
        if len(batch) > 1:
            # Which article was too long is unknown: each gets a run of its own.
            _release(batch)
            return []
        fail_article(article_id=article_id,
                     error="Processing took longer than the time limit; the text may be too long.")
        return []
    except DomainError as exc:
        _release(batch[1:])
        fail_article(article_id=article_id, error=exc.message)
        return []
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the article spinning
        if len(batch) > 1:
            # Not knowing which article caused it, run each alone: the culprit then fails on its own.
            logger.exception("batch led by article %s failed; processing its articles one by one", article_id)
            _release(batch)
            return []
        logger.exception("article %s failed", article_id)
        fail_article(article_id=article_id, error=f"Internal error: {type(exc).__name__}: {exc}")
        return []
    claim_ids = [claim.pk for claim in new_claims]
    announce_claims(article_ids=[a.pk for a in batch], claim_ids=claim_ids, claims=new_claims)
    return claim_ids


def announce_claims(*, article_ids: list[int], claim_ids: list[int], claims: list | None = None) -> bool:
    """Hand new claims to the alerts service, outside the extraction transaction so a mail problem
    never un-stores claims; mark the articles only once that worked. `claims`, when the caller
    holds them already (with speaker and article loaded), saves reading them back."""
    from claims.services.alerts import queue_alerts_for_claims
    from claims.services.rulings import link_new_claims

    try:
        # Before the alerts: a claim linked to a rated ruling is a "repeat of a rated claim" for
        # them. Idempotent, like the matching, for the sweeper's second announcement.
        if claim_ids and link_new_claims(claim_ids=claim_ids):
            claims = None  # their links changed: the alerts read them back
    except Exception:  # noqa: BLE001 - the claims are stored; a missed link is no reason to withhold alerts
        logger.exception("could not link claims of articles %s to rulings", article_ids)
    try:
        if claim_ids:
            queue_alerts_for_claims(claim_ids=claim_ids, claims=claims)
    except Exception:  # noqa: BLE001 - left unmarked: the sweeper announces the articles again
        logger.exception("could not queue alerts for articles %s", article_ids)
        return False
    from claims.services.webhooks import queue_article_events

    try:
        # Webhook events (claim.detected, article.processed) are written with the mark: an article
        # announced again by the sweeper is one event per endpoint (their ids say what happened).
        with derived_data_transaction():
            queue_article_events(article_ids=article_ids, claim_ids=claim_ids)
            Article.objects.filter(pk__in=article_ids).update(alerts_queued_at=timezone.now())
    except Exception:  # noqa: BLE001 - left unmarked: the sweeper announces the articles again
        logger.exception("could not queue webhook events for articles %s", article_ids)
        return False
    return True


def sweep_unannounced_articles(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Announce done articles whose claims never reached the alerts service. Matching is idempotent
    (one delivery per subscription and claim), so announcing twice alerts nobody twice."""
    article_ids = list(
        Article.objects.filter(
            status=Article.Status.DONE, alerts_queued_at__isnull=True, processed_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)[:200]
    )
    for article_id in article_ids:
        claim_ids = list(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
        announce_claims(article_ids=[article_id], claim_ids=claim_ids)
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
        # And free it from a batch whose worker is gone, so that message may take it (an article
        # released to run alone stays so).
        Article.objects.filter(pk=article_id).update(status_changed_at=timezone.now(), batch_of=None)
        enqueue_processing(article_id=article_id)
    return stuck
