"""Reads behind the speaker page: the speaker's claims with a scorecard, and likely duplicates."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from claims.models import Claim, Speaker


@dataclass(frozen=True)
class Duplicate:
    speaker: Speaker
    claims: int


def name_variants(normalized: str) -> set[str]:
    """The shorter names one speaker's name may appear as: its leading and trailing runs of words
    ("yang moo-jin" → "yang", "moo-jin"; "anthony rinna" → "anthony", "rinna"). Leading runs cover
    names written family name first (Korean, Chinese, Japanese, Vietnamese, Hungarian)."""
    words = normalized.split()
    return {" ".join(words[:i]) for i in range(1, len(words))} | {" ".join(words[i:]) for i in range(1, len(words))}


def likely_duplicates(*, speaker: Speaker, limit: int = 10) -> list[Duplicate]:
    """Other (unmerged) speakers whose name is a shorter or longer form of this one's, such as
    "Yang" and "Yang Moo-jin" found in different articles: offered for merging, never merged by
    themselves (a wrong merge puts words in someone's mouth). One query."""
    mine = speaker.normalized_name
    if not mine:
        return []
    match = Q(normalized_name__startswith=f"{mine} ") | Q(normalized_name__endswith=f" {mine}")
    variants = name_variants(mine)
    if variants:
        match |= Q(normalized_name__in=variants)
    rows = (Speaker.objects.filter(match, merged_into__isnull=True).exclude(pk=speaker.pk)
            .annotate(n=Count("claims")).order_by("-n", "name")[:limit])
    return [Duplicate(row, row.n) for row in rows]


def speaker_claims(*, speaker: Speaker, limit: int = 50) -> QuerySet[Claim]:
    """The speaker's claims for their page: published fact checks first, then the newest."""
    return (Claim.objects.filter(speaker=speaker)
            .select_related("speaker", "rating", "article", "article__outlet")
            .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-id")[:limit])
