"""Claims as export rows: one list of columns for the CSV and JSON Lines downloads of the admin and
the API (docs/integrations.md documents each column).

The caller brings the queryset its list already filters (the admin's changelist with its filters
and search, the API's ClaimFilter and ordering); this module narrows it to what the user may see
(claims.selectors.access, the one rule) and reads it as plain rows in chunks, so a download of the
whole table holds one chunk in memory, never the table.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from claims.models import Claim
from claims.selectors import access

# Rows read from the database per round trip (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable[[dict[str, Any]], Any]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _public_url(row: dict[str, Any]) -> str | None:
    if row["status"] not in access.PUBLIC_STATUSES:
        return None
    return settings.SITE_URL + reverse("public:fact-check", kwargs={"claim_id": row["id"]})


COLUMNS: tuple[Column, ...] = (
    Column("id", "The claim's id (as in the API and the admin).", lambda r: r["id"]),
    Column("status", "new, triaged, researching, in_review, published, corrected or dismissed.", lambda r: r["status"]),
    Column(
        "kind", "direct (a quotation), partial (a quoted phrase) or indirect (reported speech).", lambda r: r["kind"]
    ),
    Column(
        "stance", "What the speaker did with the claim: asserts, denies, accuses, questions...", lambda r: r["stance"]
    ),
    Column("is_question", "true when the claim is a question or a reported question.", lambda r: r["is_question"]),
    Column(
        "speaker",
        "The resolved speaker's name, else the name as written in the article.",
        lambda r: r["speaker__name"] or r["speaker_mention"],
    ),
    Column(
        "speaker_id", "The resolved speaker's id; empty when the speaker was not resolved.", lambda r: r["speaker_id"]
    ),
    Column(
        "speaker_title",
        "The speaker's title or affiliation as the article gave it.",
        lambda r: r["speaker_title"] or r["speaker__title"] or "",
    ),
    Column("cue", "The reporting verb or phrase (said, denied, according to...).", lambda r: r["cue"]),
    Column("content", "The claim's words as the article has them.", lambda r: r["content"]),
    Column(
        "checkworthiness", "Check-worthiness between 0 and 1, two decimals.", lambda r: round(r["checkworthiness"], 2)
    ),
    Column("rating", "The published rating's label; empty until published.", lambda r: r["rating__label"] or ""),
    Column(
        "rating_slug",
        "The published rating's slug (as the API's rating filter takes it).",
        lambda r: r["rating__slug"] or "",
    ),
    Column("article_id", "The quoting article's id.", lambda r: r["article_id"]),
    Column("article_title", "The quoting article's headline.", lambda r: r["article__title"]),
    Column(
        "article_url",
        "The quoting article's address (canonical when known); empty for pasted text.",
        lambda r: r["article__canonical_url"] or r["article__url"] or "",
    ),
    Column("outlet", "The article's outlet.", lambda r: r["article__outlet__name"] or ""),
    Column(
        "said_at",
        "When the quoting article was published (ISO 8601, UTC); empty when unknown.",
        lambda r: _iso(r["article__published_at"]),
    ),
    Column(
        "start_seconds",
        "When a claim from a transcript was said, in seconds into the recording; empty for articles.",
        lambda r: r["start_seconds"],
    ),
    Column(
        "end_seconds", "When it ended, in seconds into the recording; empty for articles.", lambda r: r["end_seconds"]
    ),
    Column("detected_at", "When the tracker detected the claim (ISO 8601, UTC).", lambda r: _iso(r["created_at"])),
    Column("published_at", "When the fact check was published; empty until then.", lambda r: _iso(r["published_at"])),
    Column(
        "corrected_at", "When the fact check was last corrected; empty when never.", lambda r: _iso(r["corrected_at"])
    ),
    Column("fact_check_url", "The public fact-check page; empty until published.", _public_url),
)

_FIELDS = (
    "id",
    "status",
    "kind",
    "stance",
    "is_question",
    "speaker__name",
    "speaker_mention",
    "speaker_id",
    "speaker_title",
    "speaker__title",
    "cue",
    "content",
    "checkworthiness",
    "rating__label",
    "rating__slug",
    "article_id",
    "article__title",
    "article__canonical_url",
    "article__url",
    "article__outlet__name",
    "article__published_at",
    "start_seconds",
    "end_seconds",
    "created_at",
    "published_at",
    "corrected_at",
)


def exportable_claims(*, queryset: QuerySet[Claim], user: Any) -> QuerySet[Claim]:
    """`queryset` (already filtered and ordered by the list it came from) narrowed to the claims
    `user` may see: a user without the newsroom's view right gets published fact checks only."""
    if access.sees_unpublished_claims(user):
        return queryset
    return queryset.filter(status__in=access.PUBLIC_STATUSES)


def export_rows(*, queryset: QuerySet[Claim], user: Any) -> Iterator[dict[str, Any]]:
    """Each claim the user may see as {column name: value}, read CHUNK_SIZE rows at a time."""
    return claim_rows(queryset=exportable_claims(queryset=queryset, user=user))


def claim_rows(*, queryset: QuerySet[Claim]) -> Iterator[dict[str, Any]]:
    """Each claim of `queryset` as {column name: value}, unchecked: for callers that decided who
    sees them already (webhooks go only to endpoints whose owner may see every claim)."""
    for row in queryset.values(*_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        yield {column.name: column.value(row) for column in COLUMNS}
