"""How a claim from a transcript reads where it was said: its time code, the link to that moment of
the recording, and the turns around it. The admin's claim page, the public fact check and the API
ask this one module."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claims.extraction.transcripts import moment_url, time_code, turn_at
from claims.models import Article, Claim

TURNS_AROUND = 2  # turns shown before and after the claim's own


@dataclass(frozen=True)
class TurnView:
    index: int
    speaker: str
    time_code: str
    moment_url: str
    is_claim_turn: bool
    # The turn's words in three parts, so templates can mark the claim without building HTML.
    before: str
    claim: str
    after: str


@dataclass(frozen=True)
class ClaimMoment:
    start_seconds: float | None
    end_seconds: float | None
    time_code: str  # "00:00:07–00:00:13"
    moment_url: str  # the recording at the claim's start, when the transcript names one
    media_url: str
    turns: list[TurnView] = field(default_factory=list)


def claim_moment_url(*, media_url: str, start_seconds: float | None) -> str | None:
    """The link to the moment a claim was said, or None (an article, or no recording named)."""
    return moment_url(media_url, start_seconds) or None


def where_said(*, article: Article, start_seconds: float | None) -> str:
    """Where a claim can be read or heard: the article's address, else (a transcript) the recording
    at the claim's moment; empty when neither is known. ClaimReview's `appearance` and the list of a
    ruling's appearances use it."""
    return article.canonical_url or article.url or moment_url(article.media_url, start_seconds)


def transcript_turns(article: Article) -> list[dict[str, Any]] | None:
    """A transcript's turns as the API gives them; None for an article."""
    if not article.transcript:
        return None
    return [
        {"speaker": turn.get("speaker"), "name": turn.get("name") or turn.get("speaker"), "title": turn.get("title"),
         "start_seconds": turn.get("start"), "end_seconds": turn.get("end"),
         "text_start": turn["text"][0], "text_end": turn["text"][1]}
        for turn in article.transcript.get("turns", [])
    ]


def time_range(start: float | None, end: float | None) -> str:
    if start is None:
        return ""
    if end is None or time_code(end) == time_code(start):
        return time_code(start)
    return f"{time_code(start)}\u2013{time_code(end)}"


def _turn_view(article: Article, turn: dict[str, Any], index: int, claim: Claim | None) -> TurnView:
    a, b = turn["text"]
    text = article.text
    media = article.media_url
    if claim is not None and a <= claim.content_start < b:
        start, end = claim.content_start, min(claim.content_end, b)
        before, marked, after = text[a:start], text[start:end], text[end:b]
    else:
        before, marked, after = text[a:b], "", ""
    return TurnView(
        index=index, speaker=turn.get("speaker") or "Unidentified speaker", time_code=time_code(turn.get("start")),
        moment_url=moment_url(media, turn.get("start")), is_claim_turn=bool(marked),
        before=before, claim=marked, after=after,
    )


def claim_moment(claim: Claim, *, around: int = TURNS_AROUND) -> ClaimMoment | None:
    """The claim's place in its transcript, or None for a claim from an article."""
    article = claim.article
    layout = article.transcript
    if not layout:
        return None
    turns = layout.get("turns", [])
    index = turn_at(layout, claim.content_start)
    shown: list[TurnView] = []
    if index is not None:
        for i in range(max(0, index - around), min(len(turns), index + around + 1)):
            shown.append(_turn_view(article, turns[i], i, claim if i == index else None))
    return ClaimMoment(
        start_seconds=claim.start_seconds, end_seconds=claim.end_seconds,
        time_code=time_range(claim.start_seconds, claim.end_seconds),
        moment_url=moment_url(article.media_url, claim.start_seconds), media_url=article.media_url, turns=shown,
    )
