"""RSS/Atom feeds: register them, lease the due ones, poll one.

Polling fetches the feed bytes through the SSRF-guarded fetcher (`claims.ingestion.fetch`), reads
them with `claims.ingestion.feeds` (feedparser, no database), then submits each new entry by URL
through `submit_article`, which de-duplicates by (feed, guid), URL and canonical URL. Network I/O
happens outside any database transaction: a slow publisher must not hold row locks.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims.ingestion.feeds import FeedEntry, NotAFeed, read_feed
from claims.ingestion.fetch import FEED_TYPES, FetchError, TransientFetchError, fetch_url
from claims.ingestion.guard import address_refusal, allowed_by_settings, parse_target
from claims.models import Article, Feed, Outlet
from claims.selectors.feeds import due_feeds
from claims.services.articles import submit_article
from claims.services.errors import InvalidInput, NotFound

__all__ = [
    "FeedPollResult",
    "claim_due_feeds",
    "create_feed",
    "due_feeds",
    "ensure_feed",
    "poll_feed",
    "validate_feed_url",
]

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=24)
# A claimed feed is not handed out again for this long, so beat (every minute) does not queue a
# second poll while the first waits in the queue. Longer than the task's hard time limit.
POLL_LEASE = timedelta(minutes=10)
# A feed that suddenly lists thousands of items (an archive dump) is taken in slices.
MAX_ENTRIES_PER_POLL = 100
MAX_ERROR_CHARS = 2000


@dataclass
class FeedPollResult:
    created: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    not_modified: bool = False
    failed: bool = False  # the feed itself could not be fetched or parsed (see errors)

    def summary(self) -> str:
        """One line for an editor: what this poll did."""
        if self.failed:
            return self.errors[0] if self.errors else "failed"
        if self.not_modified:
            return "not modified since the last poll"
        text = f"{self.created} new, {self.duplicates} already known"
        if self.errors:
            text += f", {len(self.errors)} skipped ({self.errors[0]})"
        return text


def validate_feed_url(url: str) -> str:
    """The URL's form, checked now for a clear message; its addresses are checked at each poll,
    because DNS can change between registration and polling."""
    try:
        target = parse_target(url)
    except FetchError as exc:
        raise InvalidInput(exc.message, field="url") from exc
    if (
        target.ip_literal is not None
        and (reason := address_refusal(target.ip_literal))
        and not allowed_by_settings(target.ip_literal)
    ):
        raise InvalidInput(f"refused: {target.ip_literal} is {reason}", field="url")
    if len(target.url) > 2048:
        raise InvalidInput("The URL is longer than 2,048 characters.", field="url")
    return target.url


def ensure_feed(*, url: str) -> Feed:
    """The registered feed for this URL, registering it first if needed (the `ingest --feed` path)."""
    existing = Feed.objects.filter(url=validate_feed_url(url)).first()
    return existing if existing is not None else create_feed(url=url)


def create_feed(
    *, url: str, title: str = "", outlet: Outlet | None = None, interval_minutes: int = 15, active: bool = True
) -> Feed:
    """Register a feed; it is due at once, so the next beat tick polls it."""
    url = validate_feed_url(url)
    if interval_minutes < 1:
        raise InvalidInput("The polling interval must be at least 1 minute.", field="interval_minutes")
    if Feed.objects.filter(url=url).exists():
        raise InvalidInput(f"The feed {url} is already registered.", field="url")
    try:
        with transaction.atomic():
            return Feed.objects.create(
                url=url,
                title=(title or "").strip()[:300],
                outlet=outlet,
                interval_minutes=interval_minutes,
                active=active,
                next_poll_at=timezone.now(),
            )
    except IntegrityError as exc:  # registered by someone else a moment ago
        raise InvalidInput(f"The feed {url} is already registered.", field="url") from exc


def claim_due_feeds(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Lease the due feeds (compare-and-set on next_poll_at) and return their ids.

    Two beat processes, or a beat tick while a poll still waits in the queue, cannot both get
    the same feed: only the UPDATE that still sees it due wins.
    """
    now = now or timezone.now()
    claimed: list[int] = []
    for feed_id in list(due_feeds(now=now).values_list("pk", flat=True)[:limit]):
        won = (
            Feed.objects.filter(pk=feed_id)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .update(next_poll_at=now + POLL_LEASE)
        )
        if won:
            claimed.append(feed_id)
    return claimed


def poll_feed(*, feed_id: int) -> FeedPollResult:
    """Fetch the feed (conditionally), submit its new entries, and record success or back off."""
    feed = Feed.objects.select_related("outlet").filter(pk=feed_id).first()
    if feed is None:
        raise NotFound(f"Feed {feed_id} does not exist.")
    conditional = {}
    if feed.etag:
        conditional["If-None-Match"] = feed.etag
    if feed.last_modified:
        conditional["If-Modified-Since"] = feed.last_modified
    try:
        response = fetch_url(feed.url, accept=FEED_TYPES, headers=conditional)
    except (FetchError, TransientFetchError) as exc:
        return _failed(feed, f"Could not fetch the feed: {exc.message}")

    if response.status == 304:
        _succeeded(
            feed,
            etag=response.headers.get("etag", feed.etag),
            last_modified=response.headers.get("last-modified", feed.last_modified),
        )
        return FeedPollResult(not_modified=True)

    try:
        document = read_feed(
            response.body,
            url=response.final_url,
            content_type=response.headers.get("content-type", ""),
            limit=MAX_ENTRIES_PER_POLL,
        )
    except NotAFeed as exc:
        return _failed(feed, str(exc))

    result = _submit_entries(feed, document.entries)
    _succeeded(
        feed,
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
        title=document.title,
        entry_errors=result.errors,
    )
    return result


def _submit_entries(feed: Feed, entries: list[FeedEntry]) -> FeedPollResult:
    result = FeedPollResult()
    # One query instead of one submit per entry we have already seen: most polls are repeats.
    known = set(
        Article.objects.filter(feed=feed, feed_guid__in=[e.guid for e in entries if e.guid])
        .values_list("feed_guid", flat=True)
    )
    for entry in entries:
        guid = entry.guid
        if not guid:
            result.errors.append("An entry has neither an id nor a link; skipped.")
            continue
        if guid in known:
            result.duplicates += 1
            continue
        known.add(guid)  # the same item listed twice in one document
        if not entry.link:
            result.errors.append(f"Entry {guid[:200]} has no link; skipped.")
            continue
        try:
            submission = submit_article(
                url=entry.link,
                title=entry.title,
                byline=entry.author,
                published_at=entry.published_at,
                source=Article.Source.FEED,
                feed=feed,
                feed_guid=guid,
                outlet=feed.outlet,
            )
        except InvalidInput as exc:
            result.errors.append(f"Entry {guid[:200]}: {exc.message}")
            continue
        if submission.created:
            result.created += 1
        else:
            result.duplicates += 1
    return result


def _succeeded(
    feed: Feed, *, etag: str, last_modified: str, title: str = "", entry_errors: list[str] | None = None
) -> None:
    now = timezone.now()
    summary = ""
    if entry_errors:
        summary = f"{len(entry_errors)} entries skipped: " + " | ".join(entry_errors[:5])
    # update(), not save(): an editor may be changing the title or interval in the admin right now.
    Feed.objects.filter(pk=feed.pk).update(
        etag=(etag or "")[:500],
        last_modified=(last_modified or "")[:100],
        last_polled_at=now,
        next_poll_at=now + timedelta(minutes=feed.interval_minutes),
        consecutive_failures=0,
        last_error=summary[:MAX_ERROR_CHARS],
    )
    if title:
        Feed.objects.filter(pk=feed.pk, title="").update(title=title[:300])


def _failed(feed: Feed, message: str) -> FeedPollResult:
    """Record the error and back off exponentially: interval * 2**failures, at most a day."""
    logger.info("feed %s failed: %s", feed.pk, message)
    now = timezone.now()
    with transaction.atomic():
        current = Feed.objects.select_for_update().filter(pk=feed.pk).first()
        if current is None:  # deleted while we fetched
            return FeedPollResult(errors=[message], failed=True)
        failures = current.consecutive_failures + 1
        delay = min(timedelta(minutes=current.interval_minutes) * 2 ** min(failures, 16), MAX_BACKOFF)
        Feed.objects.filter(pk=feed.pk).update(
            consecutive_failures=failures,
            last_error=message[:MAX_ERROR_CHARS],
            last_polled_at=now,
            next_poll_at=now + delay,
        )
    return FeedPollResult(errors=[message], failed=True)
