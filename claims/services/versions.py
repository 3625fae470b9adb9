"""Article versions and stealth edits (issue 19; docs/monitoring.md).

A URL article is fetched again at ages that back off (FACTCHECK_REFETCH_SCHEDULE: 1 h, 6 h, 1 day,
3 days, 7 days after its first fetch, then never). Each changed version is kept with its fetch time
and fingerprint and compared with the version before: claims whose quoted words changed or
disappeared, new claims, the headline. A change to the quote of a claim the newsroom is working on
(tracked, under research, published) is flagged on the claim, e-mailed to its assignee and offered
to subscriptions that ask for "quote changed in the source".

Exactly once: beat claims due schedules with a compare-and-set on `next_at` (the lease), and the
task starts the work with a second compare-and-set on `started_at`, so two beats, or a message
delivered twice, never fetch one article twice; a version's number is unique per article.
Network I/O happens outside any transaction; a fetch failure is recorded on the schedule row.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from claims.ingestion.worddiff import Alignment, correction_notes, tokens
from claims.models import Article, ArticleRefetch, ArticleVersion, Claim, QuoteChange
from claims.services.articles import one_line, text_fingerprint

logger = logging.getLogger(__name__)

S = Claim.Status
# "Tracked, being researched or published" (claims/services/workflow.py): every status but a new,
# untouched claim and a dismissed one.
WATCHED_STATUSES = (S.TRIAGED, S.RESEARCHING, S.IN_REVIEW, S.PUBLISHED, S.CORRECTED)
MAX_NEW_CLAIMS = 50
MAX_ERROR_CHARS = 2000
# A transient failure is tried again after 15, 30, 60 ... minutes, until the next age comes.
FAILURE_RETRY = timedelta(minutes=15)


def version_fingerprint(*, title: str, text: str) -> str:
    """Same headline and words, same version (whitespace, case and Unicode forms do not count)."""
    return text_fingerprint(f"{one_line(title)}\n{text}")


def _schedule() -> list[timedelta]:
    return [timedelta(seconds=s) for s in settings.FACTCHECK_REFETCH_SCHEDULE]


def next_check(*, first_fetched_at: datetime, now: datetime, after_step: int = -1) -> tuple[int, datetime] | None:
    """The next scheduled age (its index and time) after step `after_step` that is still ahead, or
    None when the schedule is over. Ages missed while no worker ran are skipped, not fetched in a burst."""
    for step, age in enumerate(_schedule()):
        if step > after_step and first_fetched_at + age > now:
            return step, first_fetched_at + age
    return None


# --- versions -----------------------------------------------------------------------------------


def _first_fetched_at(article: Article) -> datetime:
    return article.processed_at or article.status_changed_at or article.created_at


def record_first_version(*, article: Article, title: str = "", fetched_at: datetime | None = None) -> ArticleVersion:
    """Version 1: the text the article's claims point into (Article.text), with the page's own
    headline when we know it. Idempotent."""
    title = one_line(title or article.title)
    version, _ = ArticleVersion.objects.get_or_create(
        article=article,
        number=1,
        defaults={
            "title": title,
            "text": article.text,
            "fingerprint": version_fingerprint(title=title, text=article.text),
            "fetched_at": fetched_at or _first_fetched_at(article),
            "last_checked_at": fetched_at or _first_fetched_at(article),
        },
    )
    return version


def _spans_of_first(article: Article) -> dict[str, list[int]]:
    return {
        str(pk): [start, end]
        for pk, start, end in Claim.objects.filter(article=article).values_list("pk", "content_start", "content_end")
    }


def latest_version(article: Article) -> ArticleVersion:
    version = ArticleVersion.objects.filter(article=article).order_by("-number").first()
    return version if version is not None else record_first_version(article=article)


def _claim_spans(version: ArticleVersion) -> dict[str, list[int] | None]:
    """Where each claim's words sit in `version`. Version 1's are the claims' own offsets (always
    read fresh: claims stored after the version was recorded count too)."""
    if version.number == 1:
        return dict(_spans_of_first(version.article))
    spans = dict(version.claim_spans or {})
    return spans


# --- the schedule -------------------------------------------------------------------------------


def enrol_articles(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Give every processed URL article without a schedule its place in it (beat calls this). An
    article older than the last age is not enrolled: its schedule would already be over."""
    now = now or timezone.now()
    schedule = _schedule()
    if not schedule:
        return 0
    rows = (
        Article.objects.filter(status=Article.Status.DONE, url__isnull=False, duplicate_of__isnull=True,
                               refetch__isnull=True)
        .exclude(text="")
        .filter(Q(processed_at__gte=now - schedule[-1])
                | Q(processed_at__isnull=True, created_at__gte=now - schedule[-1]))
        .annotate(first_fetch=Subquery(
            ArticleVersion.objects.filter(article=OuterRef("pk"), number=1).values("fetched_at")[:1]
        ))
        .order_by("pk")
        .only("pk", "processed_at", "status_changed_at", "created_at")[:limit]
    )
    new = []
    for article in rows:
        due = next_check(first_fetched_at=article.first_fetch or _first_fetched_at(article), now=now)
        if due is not None:
            new.append(ArticleRefetch(article_id=article.pk, step=due[0], next_at=due[1]))
    ArticleRefetch.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def claim_due_refetches(*, now: datetime | None = None, limit: int = 200) -> list[tuple[int, datetime]]:
    """Lease the due schedules and return (article id, claim time) pairs. Compare-and-set on
    `next_at`: of two beats (or a beat and a slow queue), only the UPDATE that still sees the row
    due wins it; the lease moves `next_at` ahead, so a lost task's article is due again after it."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.FACTCHECK_REFETCH_LEASE_SECONDS)
    claimed: list[tuple[int, datetime]] = []
    due = ArticleRefetch.objects.filter(next_at__lte=now).order_by("next_at").values_list("pk", "next_at")[:limit]
    for article_id, next_at in list(due):
        won = ArticleRefetch.objects.filter(pk=article_id, next_at=next_at).update(next_at=now + lease, claimed_at=now)
        if won:
            claimed.append((article_id, now))
    return claimed


def _start(*, article_id: int, claimed_at: datetime, now: datetime) -> bool:
    """The second compare-and-set: one run per claim, even when its message is delivered twice."""
    return bool(
        ArticleRefetch.objects.filter(pk=article_id, claimed_at=claimed_at)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=claimed_at))
        .update(started_at=now)
    )


def _finish(*, article_id: int, claimed_at: datetime, now: datetime, first: datetime, changed: bool) -> None:
    step = ArticleRefetch.objects.filter(pk=article_id).values_list("step", flat=True).first() or 0
    due = next_check(first_fetched_at=first, now=now, after_step=step)
    fields: dict[str, object] = {
        "step": due[0] if due else len(_schedule()),
        "next_at": due[1] if due else None,
        "last_checked_at": now,
        "last_error": "",
        "failures": 0,
    }
    if changed:
        fields["last_changed_at"] = now
    ArticleRefetch.objects.filter(pk=article_id, claimed_at=claimed_at).update(checks=F("checks") + 1, **fields)


def _failed(
    *, article_id: int, claimed_at: datetime, now: datetime, first: datetime, error: str, transient: bool
) -> None:
    """Record why the check failed. A transient failure is tried again with a backoff until
    FACTCHECK_REFETCH_MAX_FAILURES; then, and after a permanent one (404, not HTML), the schedule
    moves on to the next age: the page may be back by then."""
    row = ArticleRefetch.objects.filter(pk=article_id, claimed_at=claimed_at).first()
    if row is None:
        return  # deleted, or claimed again after the lease: the newer claim owns the row
    failures = row.failures + 1
    due = next_check(first_fetched_at=first, now=now, after_step=row.step)
    if transient and failures < settings.FACTCHECK_REFETCH_MAX_FAILURES:
        retry_at = now + FAILURE_RETRY * 2 ** (failures - 1)
        next_at: datetime | None = retry_at
        step = row.step
    else:
        failures = 0
        next_at = due[1] if due else None
        step = due[0] if due else len(_schedule())
    ArticleRefetch.objects.filter(pk=article_id, claimed_at=claimed_at).update(
        last_error=error[:MAX_ERROR_CHARS], failures=failures, next_at=next_at, step=step, last_checked_at=now
    )


# --- one refetch --------------------------------------------------------------------------------


@dataclass
class RefetchOutcome:
    status: str  # "skipped" (not ours), "unchanged", "changed", "failed"
    version: ArticleVersion | None = None
    changes: list[QuoteChange] = field(default_factory=list)
    error: str = ""


def refetch_article(*, article_id: int, claimed_at: datetime) -> RefetchOutcome:
    """Fetch the article again (through the SSRF guard), keep a changed version and compare it with
    the last one. Never raises for a fetch or comparison problem: the row records it."""
    from claims.ingestion.articles import fetch_article
    from claims.ingestion.fetch import FetchError, TransientFetchError

    now = timezone.now()
    if not _start(article_id=article_id, claimed_at=claimed_at, now=now):
        return RefetchOutcome("skipped")
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not article.url:
        ArticleRefetch.objects.filter(pk=article_id).update(next_at=None)
        return RefetchOutcome("skipped")
    first = ArticleVersion.objects.filter(article=article, number=1).values_list("fetched_at", flat=True).first()
    first = first or _first_fetched_at(article)
    try:
        page = fetch_article(article.url)
        text = page.text.replace("\x00", "")
        if not text.strip():
            raise FetchError("The page has no article text any more.")
        if len(text) > settings.FACTCHECK_MAX_TEXT_CHARS:
            limit = settings.FACTCHECK_MAX_TEXT_CHARS
            raise FetchError(f"The page's text has {len(text):,} characters; the limit is {limit:,}.")
        if not ArticleVersion.objects.filter(article=article, number=1).exists():
            # An article fetched before versions were kept: its page's headline is version 1's when
            # the words are still the same (the stored title may be a feed's or a typed one).
            same = text_fingerprint(text) == text_fingerprint(article.text)
            record_first_version(article=article, title=page.title if same else article.title, fetched_at=first)
        version, changes = record_version(article=article, title=page.title, text=text, fetched_at=now)
    except TransientFetchError as exc:
        _failed(article_id=article_id, claimed_at=claimed_at, now=now, first=first, error=exc.message, transient=True)
        return RefetchOutcome("failed", error=exc.message)
    except FetchError as exc:
        _failed(article_id=article_id, claimed_at=claimed_at, now=now, first=first, error=exc.message, transient=False)
        return RefetchOutcome("failed", error=exc.message)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the schedule or crash the worker
        logger.exception("refetching article %s failed", article_id)
        error = f"Internal error: {type(exc).__name__}: {exc}"
        _failed(article_id=article_id, claimed_at=claimed_at, now=now, first=first, error=error, transient=False)
        return RefetchOutcome("failed", error=error)
    changed = version is not None
    _finish(article_id=article_id, claimed_at=claimed_at, now=now, first=first, changed=changed)
    return RefetchOutcome("changed" if changed else "unchanged", version=version, changes=changes)


def record_version(
    *, article: Article, title: str, text: str, fetched_at: datetime
) -> tuple[ArticleVersion | None, list[QuoteChange]]:
    """Keep `text` as the article's next version if it differs from the last one, compare them and
    record what changed. An unchanged text only moves the last version's check time. Returns the
    new version (None when unchanged) and the quote changes found."""
    previous = latest_version(article)
    title = one_line(title) or previous.title
    fingerprint = version_fingerprint(title=title, text=text)
    if fingerprint == previous.fingerprint:
        ArticleVersion.objects.filter(pk=previous.pk).update(last_checked_at=fetched_at)
        return None, []
    comparison = compare(article=article, previous=previous, title=title, text=text)
    try:
        with transaction.atomic():
            version = ArticleVersion.objects.create(
                article=article,
                number=previous.number + 1,
                title=title,
                text=text,
                fingerprint=fingerprint,
                fetched_at=fetched_at,
                last_checked_at=fetched_at,
                claim_spans=comparison.spans,
                changes=comparison.summary(),
                correction_note=comparison.correction_note,
            )
            changes = _record_quote_changes(version=version, previous=previous, comparison=comparison)
    except IntegrityError:
        # Another run recorded this version number first: theirs stands, nothing is counted twice.
        logger.info("version %s of article %s was recorded by another run", previous.number + 1, article.pk)
        return None, []
    flagged = [change.pk for change in changes if change.flagged]
    if flagged:
        transaction.on_commit(lambda: announce_quote_changes(change_ids=flagged))
    return version, changes


@dataclass
class QuoteFate:
    claim_id: int
    kind: str  # QuoteChange.Kind
    old_words: str
    new_words: str
    diff: list[list[str]]


@dataclass
class Comparison:
    spans: dict[str, list[int] | None]
    fates: list[QuoteFate]
    new_claims: list[dict[str, object]]
    headline: dict[str, str] | None
    correction_note: str

    def summary(self) -> dict[str, object]:
        summary: dict[str, object] = {
            "changed": [f.claim_id for f in self.fates if f.kind == QuoteChange.Kind.CHANGED],
            "removed": [f.claim_id for f in self.fates if f.kind == QuoteChange.Kind.REMOVED],
            "new_claims": self.new_claims,
        }
        if self.headline:
            summary["headline"] = self.headline
        return summary


def compare(*, article: Article, previous: ArticleVersion, title: str, text: str) -> Comparison:
    """What changed between `previous` and a new text of the same article."""
    alignment = Alignment(previous.text, text)
    spans: dict[str, list[int] | None] = {}
    fates: list[QuoteFate] = []
    for key, span in sorted(_claim_spans(previous).items(), key=lambda item: int(item[0])):
        if span is None:
            spans[key] = None  # removed in an earlier version: stays removed
            continue
        fate = alignment.map_span(span[0], span[1])
        spans[key] = (
            [fate.start, fate.end] if fate.status != "removed" and fate.start is not None and fate.end is not None
            else None
        )
        if fate.status != "unchanged":
            fates.append(QuoteFate(int(key), fate.status, fate.old_words, fate.new_words, [list(p) for p in fate.diff]))
    old_notes = set(correction_notes(previous.text))
    notes = [note for note in correction_notes(text) if note not in old_notes]
    headline = None
    if one_line(title) and one_line(title).casefold() != one_line(previous.title).casefold():
        headline = {"old": previous.title, "new": one_line(title)}
    return Comparison(
        spans=spans,
        fates=fates,
        new_claims=_new_claims(previous_text=previous.text, text=text, kept=[s for s in spans.values() if s],
                               notes=notes),
        headline=headline,
        correction_note=" ".join(notes)[:2000],
    )


def _new_claims(
    *, previous_text: str, text: str, kept: Iterable[list[int]], notes: list[str]
) -> list[dict[str, object]]:
    """Claims the extractor finds in the new text whose words are not in the previous version, that
    are not a tracked claim's (changed) words and not the outlet's own correction note."""
    from claims import extraction

    kept = list(kept)
    note_words = [" ".join(t.key for t in tokens(note)) for note in notes]
    previous_words = " " + " ".join(t.key for t in tokens(previous_text)) + " "
    found: list[dict[str, object]] = []
    for claim in extraction.extract(text):
        start, end = claim.start, claim.end
        if any(start < span[1] and end > span[0] for span in kept):
            continue
        words = " ".join(t.key for t in tokens(claim.content))
        if not words or f" {words} " in previous_words or any(words in note for note in note_words):
            continue
        found.append({"content": claim.content, "speaker": claim.speaker or "", "kind": claim.kind,
                      "start": start, "end": end})
        if len(found) >= MAX_NEW_CLAIMS:
            break
    return found


def _record_quote_changes(
    *, version: ArticleVersion, previous: ArticleVersion, comparison: Comparison
) -> list[QuoteChange]:
    if not comparison.fates:
        return []
    claims = {
        claim.pk: claim
        for claim in Claim.objects.filter(pk__in=[f.claim_id for f in comparison.fates]).only(
            "pk", "status", "assignee_id"
        )
    }
    rows = []
    for fate in comparison.fates:
        claim = claims.get(fate.claim_id)
        if claim is None:
            continue  # deleted since
        flagged = claim.status in WATCHED_STATUSES
        rows.append(
            QuoteChange(
                claim_id=claim.pk,
                from_version=previous,
                to_version=version,
                kind=fate.kind,
                old_words=fate.old_words,
                new_words=fate.new_words,
                diff=fate.diff,
                correction_note=comparison.correction_note,
                flagged=flagged,
                claim_status=claim.status,
                notice_status=QuoteChange.Notice.PENDING if flagged and claim.assignee_id else QuoteChange.Notice.NONE,
            )
        )
    return QuoteChange.objects.bulk_create(rows)


def announce_quote_changes(*, change_ids: list[int]) -> None:
    """After commit: the assignee's e-mail and the subscriptions' alerts, each on the mail queue.
    A broker outage loses nothing: the rows stay pending and the periodic sweep queues them."""
    from claims.services.quote_change_alerts import queue_quote_change_alerts
    from claims.services.quote_change_notices import enqueue_notices

    try:
        enqueue_notices(change_ids=change_ids)
    except Exception:  # noqa: BLE001 - pending rows are picked up by retry_quote_change_notices
        logger.exception("could not queue quote-change notices %s", change_ids)
    try:
        queue_quote_change_alerts(change_ids=change_ids)
    except Exception:  # noqa: BLE001 - logged; the claim page and the assignee's e-mail still carry it
        logger.exception("could not queue quote-change alerts %s", change_ids)
