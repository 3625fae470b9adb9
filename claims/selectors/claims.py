"""Reads shared by the admin screens, the public pages and the API: similar claims, a claim's
context and timeline, dashboard numbers. No writes here."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from claims.models import Claim, Rating, Speaker
from claims.selectors import access

S = Claim.Status
PUBLIC_STATUSES = access.PUBLIC_STATUSES
UNRESOLVED_STATUSES = (S.NEW, S.TRIAGED, S.RESEARCHING, S.IN_REVIEW)
# The Python fallback compares against at most this many recent claims (plus as many published
# ones): enough for a newsroom's working set, bounded so a claim page never scans the table.
FALLBACK_CANDIDATES = 1000


# --- similar claims -----------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: lower-cased words padded with two spaces before and one after, so the
    fallback's scores mean the same as PostgreSQL's and one threshold serves both."""
    grams: set[str] = set()
    for word in _NON_WORD.split(text.lower()):
        if not word or word == "_":
            continue
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)
    return shared / (len(ga) + len(gb) - shared)


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float


# Similar claims on PostgreSQL: the candidates are the earlier claims sharing at least two of the
# new claim's CANDIDATE_WORDS longest words (a near-repeat keeps most of its words), found by the
# full-text GIN index; at most MAX_CANDIDATES of them, newest first, are scored. Measured at one
# million claims: under a millisecond, where the trigram GIN index took seconds (bench/scale_bench.py).
CANDIDATE_WORDS = 4
MAX_CANDIDATES = 2000
# PostgreSQL's English stop words of four letters or more: to_tsvector drops them, so a pair
# made of them would match nothing.
_STOP_WORDS = frozenset(
    "about above after again against because been before being below between both does doing down during "
    "each further from have having here hers herself himself into itself just more most myself once only other "
    "ours ourselves over same should some such than that their theirs them themselves then there these they "
    "this those through under until very were what when where which while whom will with would your yours "
    "yourself yourselves".split()
)


def candidate_query(content: str, *, pairs: bool = True) -> Any:
    """The full-text query selecting similar claims' candidates: any two of the claim's longest
    words (any one of them with `pairs=False`, for thresholds so low that claims sharing a single
    word count), as a SearchQuery; None when the claim has no word long enough to select by."""
    from django.contrib.postgres.search import SearchQuery

    words = sorted({w for w in _NON_WORD.split(content.lower()) if len(w) >= 4 and w not in _STOP_WORDS},
                   key=lambda w: (-len(w), w))[:CANDIDATE_WORDS]
    if not words:
        return None
    groups = (list(itertools.combinations(words, 2)) if pairs else []) or [(word,) for word in words]
    query = None
    for pair in groups:
        part = SearchQuery(" ".join(pair), search_type="plain", config="english")
        query = part if query is None else query | part
    return query


def _earlier_than(claim: Claim) -> Q:
    return Q(created_at__lt=claim.created_at) | Q(created_at=claim.created_at, pk__lt=claim.pk)


def similar_claims(*, claim: Claim, limit: int = 5, threshold: float | None = None,
                   only_rated: bool = False) -> list[SimilarClaim]:
    """Earlier claims whose wording is close to this one (other articles only), best first.
    `only_rated`: published fact checks only (linking a new claim to a ruling, services.rulings)."""
    threshold = settings.FACTCHECK_SIMILARITY_THRESHOLD if threshold is None else threshold
    base = Claim.objects.filter(_earlier_than(claim)).exclude(article_id=claim.article_id)
    if only_rated:
        base = base.filter(status__in=PUBLIC_STATUSES)
    related = ("speaker", "rating", "article", "article__outlet")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        from claims.selectors.api import EnglishContentVector

        # Candidates first, through the full-text GIN index, then pg_trgm's similarity on those
        # only (docs/scaling.md, "Similar claims"): a trigram index alone cannot bound this search
        # on claim-length texts, whose common trigrams ("the", "ing") are in nearly every row.
        candidates = base
        # Below 0.3 two claims may share a single long word and still count as similar.
        words = candidate_query(claim.content, pairs=threshold >= 0.3)
        if words is not None:
            candidates = candidates.annotate(_fts=EnglishContentVector(F("content"))).filter(_fts=words)
        candidate_ids = candidates.order_by("-created_at", "-id").values("pk")[:MAX_CANDIDATES]
        rows = (
            Claim.objects.filter(pk__in=candidate_ids)
            .annotate(similarity=TrigramSimilarity("content", claim.content))
            .filter(similarity__gte=threshold)
            .select_related(*related)
            .order_by("-similarity", "-created_at")[:limit]
        )
        return [SimilarClaim(row, round(float(row.similarity), 3)) for row in rows]

    recent = [] if only_rated else list(base.order_by("-created_at").values_list("pk", "content")[:FALLBACK_CANDIDATES])
    rated = list(
        base.filter(status__in=PUBLIC_STATUSES).order_by("-published_at")
        .values_list("pk", "content")[:FALLBACK_CANDIDATES]
    )
    scores: dict[int, float] = {}
    for pk, content in recent + rated:
        if pk not in scores:
            scores[pk] = trigram_similarity(claim.content, content)
    best = sorted(((s, pk) for pk, s in scores.items() if s >= threshold), reverse=True)[:limit]
    by_pk = Claim.objects.select_related(*related).in_bulk([pk for _, pk in best])
    return [SimilarClaim(by_pk[pk], round(score, 3)) for score, pk in best if pk in by_pk]


# --- a claim in its article -----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str = ""  # "", "quote", "speaker" or "cue"


@dataclass(frozen=True)
class ClaimContext:
    segments: list[Segment]
    truncated_before: bool
    truncated_after: bool


def _paragraph_bounds(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    left = max(text.rfind("\n", 0, start) + 1, 0)
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    # A text without line breaks is one huge "paragraph": keep a readable window around the quote.
    left = max(left, start - max_chars)
    right = min(right, end + max_chars)
    return left, right


def claim_context(claim: Claim, *, max_chars: int = 1200) -> ClaimContext:
    """The claim's paragraph cut into segments, with the quote, the speaker and the cue marked."""
    text = claim.article.text or ""
    start, end = claim.content_start, claim.content_end
    if not text or end > len(text) or start >= end:
        return ClaimContext([Segment(claim.content, "quote")], False, False)
    left, right = _paragraph_bounds(text, start, end, max_chars)
    marks: list[tuple[int, int, str]] = []
    for span in claim.spans or [[start, end]]:
        a, b = int(span[0]), int(span[1])
        marks.append((a, b, "quote"))
    if claim.speaker_start is not None and claim.speaker_end is not None:
        marks.append((claim.speaker_start, claim.speaker_end, "speaker"))
    if claim.cue_start is not None and claim.cue_end is not None:
        marks.append((claim.cue_start, claim.cue_end, "cue"))
    # Keep marks inside the window and non-overlapping (the first one wins: the quote).
    marks = sorted((max(a, left), min(b, right), kind) for a, b, kind in marks if a < right and b > left and a < b)
    segments: list[Segment] = []
    position = left
    for a, b, kind in marks:
        if a < position:
            continue
        if a > position:
            segments.append(Segment(text[position:a]))
        segments.append(Segment(text[a:b], kind))
        position = b
    if position < right:
        segments.append(Segment(text[position:right]))
    return ClaimContext(segments, left > 0 and text[left - 1] != "\n", right < len(text) and text[right] != "\n")


# --- timeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: Any
    title: str
    note: str = ""
    kind: str = "transition"


_TRACKED = {"assignee_id": "Assigned to", "proposed_rating_id": "Proposed rating",
            "same_as_id": "Linked as same claim as"}
# Transitions worded as what happened ("Sent back to research"), not only as two statuses.
_MOVES = {
    (S.NEW, S.TRIAGED): "Triaged", (S.NEW, S.DISMISSED): "Dismissed", (S.TRIAGED, S.DISMISSED): "Dismissed",
    (S.DISMISSED, S.NEW): "Reopened", (S.TRIAGED, S.RESEARCHING): "Research started",
    (S.RESEARCHING, S.IN_REVIEW): "Submitted for review", (S.IN_REVIEW, S.RESEARCHING): "Sent back to research",
    (S.IN_REVIEW, S.PUBLISHED): "Published", (S.PUBLISHED, S.CORRECTED): "Corrected",
    (S.CORRECTED, S.CORRECTED): "Corrected again",
}


def _transition_title(from_status: str, to_status: str) -> str:
    if (from_status, to_status) in _MOVES:
        return _MOVES[(from_status, to_status)]
    return f"{S(from_status).label} → {S(to_status).label}" if from_status in S.values else to_status


def claim_timeline(*, claim: Claim) -> list[TimelineEvent]:
    """Everything that happened to the claim, oldest first, in one list: transitions (who, when,
    why; corrections with their note), evidence added or removed, notes, assignments, rating
    proposals and same-claim links. Six queries whatever the history's length."""
    from claims.models import Evidence, Note
    from claims.models.workflow import EVIDENCE_REMOVED

    events: list[TimelineEvent] = []
    for row in claim.transitions.select_related("actor"):
        kind = "correction" if row.to_status == S.CORRECTED else "transition"
        if (row.from_status, row.to_status) == (S.IN_REVIEW, S.RESEARCHING):
            kind = "sent-back"
        events.append(TimelineEvent(row.created_at, row.actor, _transition_title(row.from_status, row.to_status),
                                    row.note, kind))
    for evidence in Evidence.objects.filter(claim=claim).select_related("added_by"):
        events.append(TimelineEvent(evidence.created_at, evidence.added_by,
                                    f"Evidence added: {evidence.title or evidence.url}", evidence.excerpt[:300],
                                    "evidence"))
    for note in Note.objects.filter(claim=claim).select_related("author"):
        events.append(TimelineEvent(note.created_at, note.author, "Note", note.body, "note"))

    history = list(claim.history.order_by("history_date", "history_id").values(
        "history_date", "history_user_id", "history_type", "history_change_reason", *_TRACKED))
    changes: list[tuple[dict, str, Any]] = []
    removals: list[dict] = []
    previous: dict | None = None
    for record in history:
        for name in _TRACKED:
            before = previous.get(name) if previous else None
            if record[name] != before and record[name] is not None:
                changes.append((record, name, record[name]))
        if (record["history_change_reason"] or "").startswith(EVIDENCE_REMOVED):
            removals.append(record)
        previous = record
    user_ids = ({r["history_user_id"] for r, _, _ in changes} | {v for _, n, v in changes if n == "assignee_id"}
                | {r["history_user_id"] for r in removals})
    users = get_user_model().objects.in_bulk([i for i in user_ids if i is not None])
    ratings = Rating.objects.in_bulk([v for _, n, v in changes if n == "proposed_rating_id"])
    for record, name, value in changes:
        if name == "assignee_id":
            shown = str(users.get(value, f"user #{value}"))
        elif name == "proposed_rating_id":
            shown = ratings[value].label if value in ratings else f"rating #{value}"
        else:
            shown = f"claim #{value}"
        events.append(TimelineEvent(record["history_date"], users.get(record["history_user_id"]),
                                    f"{_TRACKED[name]} {shown}", "", "change"))
    for record in removals:
        removed = record["history_change_reason"][len(EVIDENCE_REMOVED):]
        events.append(TimelineEvent(record["history_date"], users.get(record["history_user_id"]),
                                    f"Evidence removed: {removed}", "", "evidence-removed"))
    events.sort(key=lambda event: event.at)
    return events


def sent_back_reason(*, claim: Claim) -> TimelineEvent | None:
    """While a claim is back in research after review, the editor's reason for sending it back
    (shown at the top of the claim page)."""
    if claim.status != S.RESEARCHING:
        return None
    last = claim.transitions.select_related("actor").order_by("-created_at", "-id").first()
    if last is None or (last.from_status, last.to_status) != (S.IN_REVIEW, S.RESEARCHING):
        return None
    return TimelineEvent(last.created_at, last.actor, "Sent back to research", last.note, "sent-back")


# --- lists and numbers ----------------------------------------------------------------------------


def published_fact_checks(*, with_article_text: bool = True) -> QuerySet[Claim]:
    """What readers may see: published and corrected claims, newest first. Feeds, which never
    show the article's text, leave it unread (`with_article_text=False`)."""
    qs = (
        Claim.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("speaker", "rating", "rating__scale", "article", "article__outlet")
        .order_by("-published_at", "-id")
    )
    return qs if with_article_text else qs.defer("article__text")


def get_published_fact_check(*, claim_id: int) -> Claim | None:
    return published_fact_checks().prefetch_related("evidence").filter(pk=claim_id).first()


@dataclass(frozen=True)
class RatingCount:
    label: str
    colour: str
    count: int


def speaker_rating_counts(*, speaker: Speaker) -> list[RatingCount]:
    """A speaker's claims per published rating, plus one row for those not yet rated."""
    rows = (
        Claim.objects.filter(speaker=speaker)
        .values("rating__label", "rating__colour", "rating__order")
        .annotate(n=Count("id"))
        .order_by("rating__order")
    )
    rated = [RatingCount(r["rating__label"], r["rating__colour"], r["n"]) for r in rows if r["rating__label"]]
    unrated = sum(r["n"] for r in rows if not r["rating__label"])
    return rated + ([RatingCount("Not rated", "#999999", unrated)] if unrated else [])


@dataclass
class DashboardStats:
    per_day: list[tuple[date, int]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    by_rating: list[RatingCount] = field(default_factory=list)
    top_speakers: list[tuple[Speaker, int]] = field(default_factory=list)
    oldest_unresolved: list[Claim] = field(default_factory=list)


def dashboard_stats(*, days: int = 30, today: date | None = None, top: int = 10) -> DashboardStats:
    """The dashboard's numbers from the daily roll-ups (claims.models.rollups), never an aggregate
    over the claims: five small queries whatever the archive's size. Top speakers are those of the
    period shown; the oldest open claims come from a partial index (claim_unresolved_idx)."""
    from claims.models import ClaimDailyCount, SpeakerDailyCount

    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    counts = dict(ClaimDailyCount.objects.filter(day__gte=first, day__lte=today).values("day")
                  .annotate(total=Sum("n")).values_list("day", "total"))
    per_day = [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]

    totals = ClaimDailyCount.objects.values("status", "rating_pk").annotate(total=Sum("n"))
    status_counts: dict[str, int] = {}
    rating_counts: dict[int, int] = {}
    for row in totals:
        status_counts[row["status"]] = status_counts.get(row["status"], 0) + row["total"]
        if row["status"] in PUBLIC_STATUSES and row["total"]:
            rating_counts[row["rating_pk"]] = rating_counts.get(row["rating_pk"], 0) + row["total"]
    by_status = [(value, label, status_counts.get(value, 0)) for value, label in S.choices]
    ratings = Rating.objects.in_bulk(list(rating_counts))
    by_rating = [RatingCount(ratings[pk].label, ratings[pk].colour, n)
                 for pk, n in sorted(rating_counts.items(), key=lambda kv: (ratings[kv[0]].order, kv[0]))
                 if pk in ratings]

    top_rows = list(SpeakerDailyCount.objects.filter(day__gte=first, day__lte=today).values("speaker_pk")
                    .annotate(total=Sum("n")).filter(total__gt=0).order_by("-total", "speaker_pk")[:top])
    speakers = Speaker.objects.in_bulk([row["speaker_pk"] for row in top_rows])
    top_speakers = [(speakers[row["speaker_pk"]], row["total"]) for row in top_rows if row["speaker_pk"] in speakers]
    top_speakers.sort(key=lambda pair: (-pair[1], pair[0].name))
    oldest = (
        Claim.objects.filter(status__in=UNRESOLVED_STATUSES)
        .select_related("speaker", "assignee", "article")
        .defer("article__text")
        .order_by("created_at", "id")[:top]
    )
    return DashboardStats(
        per_day=per_day,
        by_status=by_status,
        by_rating=by_rating,
        top_speakers=top_speakers,
        oldest_unresolved=list(oldest),
    )


# --- a user's queue (the home page) ---------------------------------------------------------------


@dataclass
class Queue:
    mine: list[Claim] = field(default_factory=list)  # open claims assigned to the user, oldest first
    mine_count: int = 0
    new_count: int = 0  # waiting for triage (shown to those who triage)
    in_review_count: int = 0  # waiting for an editor (shown to those who publish)
    can_triage: bool = False
    can_publish: bool = False


def user_queue(*, user: Any, limit: int = 10) -> Queue | None:
    """What is waiting for this user: their open assignments, and the triage and review piles
    their role works on. Three queries whatever the numbers. None for a user who may not see
    claims at all (nothing waits for them)."""
    if not user.has_perm("claims.view_claim"):
        return None
    queue = Queue(can_triage=user.has_perm("claims.triage_claim"), can_publish=user.has_perm("claims.publish_claim"))
    mine = (Claim.objects.filter(assignee=user, status__in=UNRESOLVED_STATUSES)
            .select_related("speaker", "article", "article__outlet").order_by("created_at", "id"))
    queue.mine = list(mine[:limit])
    # The piles from the roll-ups (an aggregate over the claims grew with the archive); one's own
    # open claims by the assignee index.
    from claims.models import ClaimDailyCount

    piles = dict(ClaimDailyCount.objects.filter(status__in=[S.NEW, S.IN_REVIEW]).values("status")
                 .annotate(total=Sum("n")).values_list("status", "total"))
    queue.mine_count = Claim.objects.filter(assignee=user, status__in=UNRESOLVED_STATUSES).count()
    queue.new_count, queue.in_review_count = piles.get(S.NEW, 0), piles.get(S.IN_REVIEW, 0)
    return queue
