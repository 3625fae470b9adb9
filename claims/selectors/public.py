"""Reads behind the public pages a signatory of the fact-checkers' codes (IFCN, EFCSN) shows: the
archive's filter choices, the methodology's rating scale, and the corrections log. No writes.

Everything here starts from `published_fact_checks()` (published and corrected claims only), so
no public page can show a claim the fact-check pages would not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from claims.models import Claim, ClaimTransition, Outlet, Rating, RatingScale, Speaker
from claims.selectors.claims import PUBLIC_STATUSES, published_fact_checks

S = Claim.Status


# --- the archive's choices -------------------------------------------------------------------------


def _published(**outer: str) -> Exists:
    return Exists(Claim.objects.filter(status__in=PUBLIC_STATUSES, **{k: OuterRef(v) for k, v in outer.items()}))


def archive_ratings() -> QuerySet[Rating]:
    """Ratings some published fact check carries (retired ones too: old checks keep their label)."""
    return Rating.objects.filter(_published(rating="pk")).select_related("scale").order_by("scale", "order")


def archive_speakers() -> QuerySet[Speaker]:
    return Speaker.objects.filter(_published(speaker="pk")).order_by("name")


def archive_outlets() -> QuerySet[Outlet]:
    return Outlet.objects.filter(_published(article__outlet="pk")).order_by("name")


# --- the methodology page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleDescription:
    scale: RatingScale
    ratings: list[Rating]  # in use, in the scale's order
    retired: list[Rating]  # kept on the fact checks published with them


def rating_scales() -> list[ScaleDescription]:
    """Each rating scale with its definitions, the default scale first: the methodology page is
    generated from these rows, so it cannot drift from the labels editors publish."""
    described = []
    scales = RatingScale.objects.prefetch_related("ratings").order_by("-is_default", "name")
    for scale in scales:
        ratings = sorted(scale.ratings.all(), key=lambda r: (r.order, r.pk))
        in_use = [r for r in ratings if not r.retired]
        retired = [r for r in ratings if r.retired]
        if in_use or retired:
            described.append(ScaleDescription(scale, in_use, retired))
    return described


# --- the corrections log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionEntry:
    claim: Claim
    at: datetime
    note: str
    # The published verdict before and after this correction, when the claim's history has them.
    rating_before: Rating | None = None
    rating_after: Rating | None = None

    @property
    def rating_changed(self) -> bool:
        return (self.rating_before is not None and self.rating_after is not None
                and self.rating_before.pk != self.rating_after.pk)


def correction_transitions() -> QuerySet[ClaimTransition]:
    """Every correction of a fact check still public, newest first. What records a correction
    today: the workflow's `published -> corrected` (and `corrected -> corrected`) transition,
    with the note readers see; the claim's history holds the verdict before and after."""
    return (ClaimTransition.objects.filter(to_status=S.CORRECTED, claim__status__in=PUBLIC_STATUSES)
            .order_by("-created_at", "-id"))


def correction_log(*, transitions: list[ClaimTransition]) -> list[CorrectionEntry]:
    """The log's entries for one page of `correction_transitions()`: three queries whatever the
    page's length (the claims, their history, the ratings)."""
    if not transitions:
        return []
    claim_ids = {t.claim_id for t in transitions}
    claims = published_fact_checks(with_article_text=False).in_bulk(claim_ids)
    # The claim is saved, then its transition recorded, in one transaction: the last historical
    # row up to the transition is the claim as corrected; the one before it, as it stood before.
    history: dict[int, list[tuple[datetime, int | None]]] = {pk: [] for pk in claim_ids}
    rows = (Claim.history.model.objects.filter(id__in=claim_ids)
            .order_by("history_date", "history_id").values_list("id", "history_date", "rating_id"))
    for claim_id, at, rating_id in rows:
        history[claim_id].append((at, rating_id))
    rating_ids = {rating for records in history.values() for _, rating in records if rating is not None}
    ratings = Rating.objects.in_bulk(rating_ids)
    entries = []
    for transition in transitions:
        claim = claims.get(transition.claim_id)
        if claim is None:
            continue
        upto = [rating for at, rating in history[transition.claim_id] if at <= transition.created_at]
        after = upto[-1] if upto else None
        before = upto[-2] if len(upto) > 1 else None
        entries.append(CorrectionEntry(claim, transition.created_at, transition.note,
                                       ratings.get(before) if before else None, ratings.get(after) if after else None))
    return entries
