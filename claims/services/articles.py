"""Every way an article enters the tracker goes through `submit_article`: admin form, API,
the `ingest` command and feed polling. It validates, de-duplicates and queues; the work happens
in `claims.services.pipeline.process_article` on a worker."""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Article, Feed, Outlet
from claims.services import enqueue
from claims.services.errors import InvalidInput
from claims.text import one_line  # the rule lives in claims.text; services import it from here too

logger = logging.getLogger(__name__)

# PostgreSQL text cannot hold NUL; other C0 controls are kept so offsets stay honest.
_NUL = "\x00"
_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Submission:
    article: Article
    created: bool


def text_fingerprint(text: str) -> str:
    """Same words, same fingerprint: whitespace, case and Unicode form don't make a new article."""
    words = _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def decode_upload(data: bytes) -> str:
    """Decode an uploaded file. UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is
    refused rather than guessed, because a wrong guess silently corrupts every quote."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        # UTF-16 without a BOM is valid UTF-8 with a NUL between letters (the NULs are then
        # stripped and curly quotes turn into control characters): refuse it, don't mangle it.
        if data.count(b"\x00") * 10 > len(data):
            raise InvalidInput(
                "The file looks like UTF-16 text without a byte-order mark, or a binary file; "
                "save it as UTF-8 and submit it again.",
                field="file",
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The file is not valid UTF-8 text (undecodable byte at position {exc.start}); "
            "save it as UTF-8 and submit it again.",
            field="file",
        ) from exc


def clean_text(text: str) -> str:
    text = text.replace(_NUL, "")
    if not text.strip():
        raise InvalidInput("The text is empty.", field="text")
    if len(text) > settings.FACTCHECK_MAX_TEXT_CHARS:
        raise InvalidInput(
            f"The text has {len(text):,} characters; the limit is {settings.FACTCHECK_MAX_TEXT_CHARS:,}.",
            field="text",
        )
    return text


def normalize_url(url: str) -> str:
    """Validate the shape of a URL (scheme and host); the address itself is checked at fetch time,
    where it is resolved, because DNS can change between now and then."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput("The URL is empty.", field="url")
    if len(url) > 2048:
        raise InvalidInput("The URL is longer than 2,048 characters.", field="url")
    try:
        parts = urlsplit(url)
        # Both parse lazily and raise on a bad bracketed host or port ("http://[::1/", ":99999").
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise InvalidInput(f"The URL is malformed ({exc}).", field="url") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise InvalidInput(f"Only http and https URLs can be fetched, not '{parts.scheme or 'none'}'.", field="url")
    if not host:
        raise InvalidInput("The URL has no host.", field="url")
    # Fragments never reach the server: two URLs that differ only by one are one article.
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def outlet_for_url(url: str) -> Outlet | None:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    outlet, _ = Outlet.objects.get_or_create(domain=host, defaults={"name": host})
    return outlet


def _existing(
    *, url: str | None, fingerprint: str, feed: Feed | None, feed_guid: str, canonical_url: str
) -> Article | None:
    match = Q(pk__in=[])
    if url:
        match |= Q(url=url) | Q(canonical_url=url)
    if canonical_url:
        match |= Q(url=canonical_url) | Q(canonical_url=canonical_url)
    if fingerprint:
        match |= Q(fingerprint=fingerprint)
    if feed is not None and feed_guid:
        match |= Q(feed=feed, feed_guid=feed_guid)
    return Article.objects.filter(match).order_by("pk").first()


def submit_article(
    *,
    text: str | None = None,
    url: str | None = None,
    title: str = "",
    byline: str = "",
    published_at: datetime | None = None,
    source: str | None = None,
    feed: Feed | None = None,
    feed_guid: str = "",
    canonical_url: str = "",
    outlet: Outlet | None = None,
    submitted_by: AbstractBaseUser | AnonymousUser | None = None,
    transcript: dict | None = None,
    media_url: str = "",
) -> Submission:
    """Create an article (or return the one we already have) and queue it for processing.

    `transcript` and `media_url` come from `claims.services.transcripts.submit_transcript`: the
    text is then a transcript's turns and the layout says who spoke each and when."""
    if (text is None) == (url is None or url == ""):
        raise InvalidInput("Submit either a URL or a text, not both and not neither.")
    fingerprint = ""
    if text is not None:
        text = clean_text(text)
        fingerprint = text_fingerprint(text)
        url = None
    else:
        url = normalize_url(url or "")
    if canonical_url:
        canonical_url = normalize_url(canonical_url)
    feed_guid = (feed_guid or "")[:1000]

    existing = _existing(url=url, fingerprint=fingerprint, feed=feed, feed_guid=feed_guid, canonical_url=canonical_url)
    if existing is not None:
        return Submission(existing, False)

    if source is None:
        source = Article.Source.URL if url else Article.Source.TEXT
    if outlet is None and url:
        outlet = outlet_for_url(url)
    article = Article(
        url=url,
        canonical_url=canonical_url,
        title=one_line(title),
        byline=one_line(byline),
        published_at=published_at,
        text=text or "",
        fingerprint=fingerprint,
        source=source,
        feed=feed,
        feed_guid=feed_guid,
        outlet=outlet,
        submitted_by=submitted_by if isinstance(submitted_by, User) else None,  # nobody for an anonymous one
        transcript=transcript,
        media_url=media_url,
    )
    try:
        # A savepoint, so a caller's transaction survives losing the race below.
        with transaction.atomic():
            article.save()
            transaction.on_commit(lambda: enqueue_processing(article_id=article.pk))
    except IntegrityError:
        # Someone submitted the same article at the same moment: theirs won, return it.
        existing = _existing(url=url, fingerprint=fingerprint, feed=feed, feed_guid=feed_guid,
                             canonical_url=canonical_url)
        if existing is None:
            raise
        return Submission(existing, False)
    return Submission(article, True)


def enqueue_processing(*, article_id: int) -> None:
    """Hand the article to a worker. A broker outage here loses nothing: the row is committed as
    `queued` and the sweeper re-enqueues it."""
    enqueue.send(enqueue.PROCESS_ARTICLE, article_id)


def retry_article(*, article_id: int) -> Article:
    """Put a failed (or stuck) article back in the queue for a fresh run: the error is cleared, the
    attempt count starts again at 0 (an editor asked for it, so the retry limit applies anew), and
    it leaves any batch whose worker died. A processed article is refused."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.status == Article.Status.DONE:
            raise InvalidInput("This article is already processed.")
        article.status = Article.Status.QUEUED
        article.error = ""
        article.attempts = 0
        article.status_changed_at = timezone.now()
        article.batch_of = None  # out of any batch whose worker died
        article.runs_alone = False  # a fresh start: it may be batched again
        article.save(update_fields=["status", "error", "attempts", "status_changed_at", "batch_of", "runs_alone",
                                    "updated_at"])
        transaction.on_commit(lambda: enqueue_processing(article_id=article_id))
    return article
