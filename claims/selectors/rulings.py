"""Reads for "one ruling, reused" (docs/monitoring.md): a claim's appearances (every claim that
shares its ruling), how often it has been seen, and the words actually checked. Shared by the
admin, the public fact-check page, ClaimReview and the API. No writes here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import Claim
from claims.selectors.transcripts import where_said

# "Repeated 14 times this week": the window the triage numbers count in.
RECENT_WINDOW = timedelta(days=7)


def ruling_root_id(claim: Claim) -> int:
    """The claim whose ruling this one shares: the one it is another appearance of, or itself.
    Links always point at the first claim (workflow.confirm_same_claim flattens chains)."""
    return claim.same_as_id or claim.pk


def family(*, root_id: int) -> QuerySet[Claim]:
    """The root claim and its other appearances."""
    return Claim.objects.filter(Q(pk=root_id) | Q(same_as_id=root_id))


def checked_text(claim: Claim) -> str:
    """The words the fact check is about: the trimmed part when an editor trimmed the claim (the
    pieces of a split quotation that fall inside it, joined as the claim's content is), else the
    whole claim. Falls back to the content when the article's text no longer holds the span."""
    if claim.check_start is None or claim.check_end is None:
        return claim.content
    text = claim.article.text or ""
    a, b = claim.check_start, claim.check_end
    if b > len(text):
        return claim.content
    pieces = [text[max(s, a):min(e, b)] for s, e in (claim.spans or [[claim.content_start, claim.content_end]])
              if min(e, b) > max(s, a)]
    words = " ".join(piece.strip() for piece in pieces if piece.strip())
    return words or claim.content


@dataclass(frozen=True)
class Appearance:
    claim_id: int
    content: str
    speaker: str
    outlet: str
    day: date | None  # the article's date, else the day it was detected
    url: str
    headline: str
    method: str  # how it was linked ("" for the ruling's own claim)
    score: float | None
    status: str


def _day(claim: Claim) -> date:
    when = claim.article.published_at or claim.created_at
    return timezone.localtime(when).date()


def appearances(*, claim: Claim) -> list[Appearance]:
    """Every appearance of the claim's ruling, earliest first, in one query."""
    rows = (family(root_id=ruling_root_id(claim)).select_related("speaker", "article__outlet")
            .defer("article__text").order_by(Coalesce("article__published_at", "created_at"), "id"))
    return [
        Appearance(
            claim_id=row.pk,
            content=row.content,
            speaker=(row.speaker.name if row.speaker else row.speaker_mention) or "Unattributed",
            outlet=row.article.outlet.name if row.article.outlet else "",
            day=_day(row),
            url=where_said(article=row.article, start_seconds=row.start_seconds),
            headline=row.article.title or "",
            method=row.same_as_method,
            score=row.same_as_score,
            status=row.status,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SeenCount:
    total: int
    speakers: int
    outlets: int
    recent: int
    recent_speakers: int

    def __str__(self) -> str:
        if self.total <= 1:
            return "seen once"
        week = (f"repeated {self.recent} time{'s' if self.recent != 1 else ''} this week by {self.recent_speakers} "
                f"speaker{'s' if self.recent_speakers != 1 else ''}")
        return f"{week}; {self.total} appearances in all, {self.speakers} speakers, {self.outlets} outlets"


def seen_count(*, claim: Claim, now: datetime | None = None) -> SeenCount:
    """How often the claim's ruling has been seen, in all and in the last week (one query)."""
    since = (now or timezone.now()) - RECENT_WINDOW
    recent = Q(created_at__gte=since)
    numbers = family(root_id=ruling_root_id(claim)).aggregate(
        total=Count("id"), speakers=Count("speaker_id", distinct=True),
        outlets=Count("article__outlet_id", distinct=True),
        recent=Count("id", filter=recent), recent_speakers=Count("speaker_id", filter=recent, distinct=True),
    )
    return SeenCount(**numbers)


class _Count(Func):
    # COUNT in a correlated subquery without a GROUP BY: one number per outer row.
    function = "COUNT"
    output_field = IntegerField()


def with_recent_appearances(queryset: QuerySet[Claim], *, now: datetime | None = None) -> QuerySet[Claim]:
    """Annotate `recent_appearances` and `recent_speakers`: how many claims sharing each claim's
    ruling were detected in the last week, and by how many speakers (the triage list's column)."""
    since = (now or timezone.now()) - RECENT_WINDOW
    root = Coalesce(OuterRef("same_as_id"), OuterRef("pk"))
    members = Claim.objects.filter(Q(pk=root) | Q(same_as_id=root), created_at__gte=since).order_by()
    return queryset.annotate(
        recent_appearances=Subquery(members.annotate(n=_Count(F("id"))).values("n")[:1], output_field=IntegerField()),
        recent_speakers=Subquery(
            members.annotate(n=_Count(F("speaker_id"), template="COUNT(DISTINCT %(expressions)s)")).values("n")[:1],
            output_field=IntegerField()),
    )
