"""Storing what the extractor found. Idempotent: processing an article twice (a redelivered task,
a retry, a sweeper re-enqueue) never duplicates a claim, thanks to the unique span constraint."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claims.models import Article, Claim
from claims.services.articles import one_line
from claims.services.rollups import count_new_claims
from claims.services.speakers import resolve_speakers

_WORDS = re.compile(r"\w+", re.UNICODE)


def claim_fingerprint(content: str) -> str:
    """Word-for-word repeats (syndicated wire copy) share a fingerprint whatever their punctuation."""
    words = _WORDS.findall(unicodedata.normalize("NFKC", content).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def _first(spans: Iterable[Any]) -> tuple[int | None, int | None]:
    for start, end in spans:
        return int(start), int(end)
    return None, None


def outermost_claims(extracted: list[Any]) -> list[Any]:
    """Drop claims lying wholly inside another claim's words ("the council ignored the reviews"
    inside a councillor's accusation): the extractor reports such nested attributions, which
    research corpora annotate, but to an editor they are the outer speaker's claim counted twice."""
    bounds = [(item.content_spans[0][0], item.content_spans[-1][1]) for item in extracted if item.content_spans]
    kept = []
    for item in extracted:
        if not item.content_spans:
            continue
        start, end = item.content_spans[0][0], item.content_spans[-1][1]
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in bounds):
            continue
        kept.append(item)
    return kept


def _speaker_key(item: Any) -> tuple[str, str | None]:
    return item.speaker, getattr(item, "speaker_kind", None) or None


def store_claims(*, article: Article, extracted: list[Any]) -> list[Claim]:
    """Save the extractor's claims for an article; return only the ones that are new."""
    return store_claims_many(items=[(article, extracted)])


def store_claims_many(*, items: list[tuple[Article, list[Any]]]) -> list[Claim]:
    """store_claims for several articles at once (a worker's batch): one look-up of the spans
    already stored, one speaker resolution and one INSERT for all of them."""
    items = [(article, outermost_claims(extracted)) for article, extracted in items]
    existing = set(
        Claim.objects.filter(article__in=[article.pk for article, _ in items]).values_list(
            "article_id", "content_start", "content_end"
        )
    )
    speakers = resolve_speakers(
        mentions=[
            (*_speaker_key(item), getattr(item, "speaker_title", "") or "")
            for _, extracted in items
            for item in extracted
            if item.speaker
        ]
    )
    to_create: list[Claim] = []
    for article, extracted in items:
        to_create += _new_claims(article, extracted, speakers, existing)
    if not to_create:
        return []
    with transaction.atomic():
        # On conflict (a concurrent run of the same article stored the span first) the row is kept
        # and only touched, so the insert can return every id: no second query to find them.
        Claim.objects.bulk_create(
            to_create,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["article", "content_start", "content_end"],
            update_fields=["fingerprint"],
        )
        # A bulk INSERT sends no post_save: the dashboard's daily roll-ups count the new claims here,
        # in the same transaction (claims.services.rollups).
        count_new_claims(claims=to_create)
    return to_create


def _new_claims(article: Article, extracted: list[Any], speakers: dict, existing: set) -> list[Claim]:
    """Unsaved Claim rows for the extracted items whose span the article doesn't have yet."""
    to_create: list[Claim] = []
    text = article.text
    for item in extracted:
        spans = [(int(s), int(e)) for s, e in item.content_spans if 0 <= int(s) < int(e) <= len(text)]
        if not spans:
            continue
        start, end = spans[0][0], spans[-1][1]
        if (article.pk, start, end) in existing:
            continue
        existing.add((article.pk, start, end))
        speaker = speakers[_speaker_key(item)] if item.speaker else None
        speaker_start, speaker_end = _first(item.speaker_spans)
        cue_start, cue_end = _first(item.cue_spans)
        content = " ".join(text[s:e] for s, e in spans)
        to_create.append(
            Claim(
                article=article,
                kind=item.kind,
                content=content,
                content_start=start,
                content_end=end,
                spans=[list(span) for span in spans],
                speaker=speaker,
                speaker_mention=text[speaker_start:speaker_end][:500] if speaker_start is not None else "",
                speaker_start=speaker_start,
                speaker_end=speaker_end,
                speaker_title=one_line(getattr(item, "speaker_title", ""))[:500],
                cue=(item.cue or "")[:100],
                cue_start=cue_start,
                cue_end=cue_end,
                stance=getattr(item, "stance", "") or Claim.Stance.ASSERTS,
                is_question=bool(getattr(item, "is_question", False)),
                sentence=(getattr(item, "sentence", "") or "")[:5000],
                checkworthiness=min(1.0, max(0.0, float(getattr(item, "score", 0.0) or 0.0))),
                checkworthiness_reasons=list(getattr(item, "score_reasons", []) or []),
                fingerprint=claim_fingerprint(content),
                # Only a transcript's claims (claims.extraction.transcripts.TimedClaim) have times.
                start_seconds=getattr(item, "start_seconds", None),
                end_seconds=getattr(item, "end_seconds", None),
            )
        )
    return to_create
