"""RSS/Atom documents read into plain entries: feedparser on bytes we fetched ourselves.

Reading only: no database, no Django. Registering feeds, leasing due ones and polling them (the
writes) live in `claims.services.feeds`, which fetches through the SSRF-guarded fetcher and hands
the body here. feedparser never touches the network or the disk.
"""
from __future__ import annotations

import hashlib
import io
from calendar import timegm
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

__all__ = ["GUID_MAX_CHARS", "FeedDocument", "FeedEntry", "NotAFeed", "read_feed"]

GUID_MAX_CHARS = 1000


class NotAFeed(ValueError):
    """The body is neither RSS nor Atom; the message says why, for the feed's error column."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str  # "" when the entry has neither an id nor a link
    link: str
    title: str
    author: str
    published_at: datetime | None


@dataclass(frozen=True)
class FeedDocument:
    title: str
    entries: list[FeedEntry]


def read_feed(body: bytes, *, url: str, content_type: str = "", limit: int | None = None) -> FeedDocument:
    """The feed's title and its first `limit` entries, in document order; NotAFeed when it is none."""
    # A stream, never bytes: given bytes, feedparser first tries them as a local file *path*.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={
            "content-location": url,  # resolves relative entry links
            "content-type": content_type,
        },
    )
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom content"
        raise NotAFeed(f"Not a valid RSS or Atom feed: {reason}")
    entries = parsed.entries if limit is None else parsed.entries[:limit]
    return FeedDocument(
        title=(parsed.feed.get("title") or "").strip(),
        entries=[
            FeedEntry(
                guid=_entry_guid(entry),
                link=(entry.get("link") or "").strip(),
                title=(entry.get("title") or "").strip(),
                author=(entry.get("author") or "").strip(),
                published_at=_entry_date(entry),
            )
            for entry in entries
        ],
    )


def _entry_guid(entry: Mapping[str, Any]) -> str:
    guid = (entry.get("id") or entry.get("link") or "").strip()
    if len(guid) > GUID_MAX_CHARS:
        # Truncating could make two long ids collide; a digest cannot (in practice).
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
    return guid


def _entry_date(entry: Mapping[str, Any]) -> datetime | None:
    # feedparser normalises dates to UTC struct_time.
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
