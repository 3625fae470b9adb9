"""One ruling, reused (docs/monitoring.md): linking newly detected claims to a claim already
rated, applying that ruling to them, the appearance numbers triage sorts by, and trimming a claim
to its checkable words.

A link is `Claim.same_as` (always the first claim of the family, so links never chain), with how
it was made (`same_as_method`, `same_as_score`). Detection links by fingerprint (the same words,
syndicated copies) or by trigram similarity to a published fact check above the editors' threshold
(RulingSettings, in the admin). Applying a ruling goes through the workflow services step by step,
so every rule (permissions, evidence, four-eyes) applies exactly as when the work is done by hand.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from claims.models import Claim, Evidence, RulingSettings
from claims.models.rulings import DEFAULT_LINK_THRESHOLD
from claims.selectors.access import PUBLIC_STATUSES, can
from claims.selectors.claims import similar_claims
from claims.selectors.rulings import checked_text, family
from claims.services import workflow
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed

logger = logging.getLogger(__name__)

S = Claim.Status
M = Claim.LinkMethod


# --- the editors' settings ------------------------------------------------------------------------


def ruling_settings() -> RulingSettings:
    found = RulingSettings.objects.filter(pk=1).first()
    return found if found is not None else RulingSettings(pk=1)


def clean_threshold(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise InvalidInput("The similarity threshold must be a number from 0.3 to 1.", field="similarity_threshold")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"The similarity threshold {value!r} is not a number.",
                           field="similarity_threshold") from None
    # Below 0.3 the trigram index is not used and unrelated sentences start to match.
    if not 0.3 <= number <= 1:
        raise InvalidInput("The similarity threshold must be from 0.3 (loose) to 1 (identical wording).",
                           field="similarity_threshold")
    return round(number, 3)


def update_ruling_settings(*, user: AbstractBaseUser, similarity_threshold: Any = DEFAULT_LINK_THRESHOLD,
                           link_by_fingerprint: bool = True, link_by_similarity: bool = True) -> RulingSettings:
    if not can(user, "change_rulingsettings"):
        raise NotAllowed("Only editors can change how new claims are linked to rulings.")
    row = ruling_settings()
    row.similarity_threshold = clean_threshold(similarity_threshold)
    row.link_by_fingerprint = bool(link_by_fingerprint)
    row.link_by_similarity = bool(link_by_similarity)
    row.updated_by = user
    row.save()
    return row


# --- appearance numbers ---------------------------------------------------------------------------


def refresh_appearance_counts(*, root_ids: Iterable[int]) -> None:
    """Write each family's numbers on all its members (any member's id names its family): one
    aggregate query, then one UPDATE per
    family that has several members and one per kind of lone claim (with or without a speaker and
    an outlet), so a batch of new claims costs a handful of queries, not one per claim."""
    given = {int(pk) for pk in root_ids if pk}
    if not given:
        return
    # Any member stands for its family: count from the roots.
    roots = sorted(set(Claim.objects.filter(pk__in=given).annotate(root=Coalesce("same_as_id", "id"))
                       .values_list("root", flat=True)))
    rows = (Claim.objects.annotate(root=Coalesce("same_as_id", "id")).filter(Q(pk__in=roots) | Q(same_as_id__in=roots))
            .values("root").annotate(n=Count("id"), speakers=Count("speaker_id", distinct=True),
                                     outlets=Count("article__outlet_id", distinct=True)).order_by())
    lone: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        if row["n"] == 1:
            lone.setdefault((row["speakers"], row["outlets"]), []).append(row["root"])
            continue
        family(root_id=row["root"]).update(appearances=row["n"], appearance_speakers=row["speakers"],
                                           appearance_outlets=row["outlets"])
    for (speakers, outlets), ids in lone.items():
        Claim.objects.filter(pk__in=ids).update(appearances=1, appearance_speakers=speakers, appearance_outlets=outlets)


# --- linking on detection -------------------------------------------------------------------------


def _root(claim: Claim) -> int:
    return claim.same_as_id or claim.pk


def _key(claim: Claim) -> tuple:
    return (claim.created_at, claim.pk)


def find_ruling(*, claim: Claim, config: RulingSettings | None = None,
                twins: list[Claim] | None = None,
                rated_exist: bool | None = None) -> tuple[int, str, float | None] | None:
    """The family a new claim belongs to, as (root id, method, score), or None. A published fact
    check with the same words first, then one with similar wording, then any earlier claim with
    the same words (a repeat not rated yet still counts as an appearance). Claims in the same
    article are never linked (a quotation repeated in one article is one appearance).

    `twins` (claims with the claim's fingerprint) and `rated_exist` may be passed in by a caller
    handling a batch, to read them once for all its claims."""
    config = config or ruling_settings()
    earlier: list[Claim] = []
    if config.link_by_fingerprint:
        if twins is None:
            twins = list(Claim.objects.filter(fingerprint=claim.fingerprint).only(
                "id", "same_as_id", "status", "created_at", "article_id", "fingerprint"))
        earlier = sorted((t for t in twins if t.fingerprint == claim.fingerprint and t.article_id != claim.article_id
                          and _key(t) < _key(claim)), key=_key)
        rated = [t for t in earlier if t.status in PUBLIC_STATUSES]
        if rated:
            return _root(rated[0]), M.FINGERPRINT, None
    if rated_exist is None:
        rated_exist = Claim.objects.filter(status__in=PUBLIC_STATUSES).exists()
    if config.link_by_similarity and rated_exist:
        best = similar_claims(claim=claim, limit=1, threshold=config.similarity_threshold, only_rated=True)
        if best:
            return _root(best[0].claim), M.SIMILARITY, best[0].score
    if earlier:
        return _root(earlier[0]), M.FINGERPRINT, None
    return None


def link_new_claims(*, claim_ids: Sequence[int]) -> int:
    """Link newly detected claims to the ruling they repeat (see find_ruling); returns how many
    were linked. Reads the batch's fingerprint twins in one query. Idempotent: a claim already
    linked, or one others already point at, is left as it is, so announcing an article twice
    changes nothing."""
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return 0
    config = ruling_settings()
    claims = list(Claim.objects.filter(pk__in=ids, same_as__isnull=True).exclude(repeats__isnull=False)
                  .distinct().order_by("created_at", "id"))
    touched: set[int] = set(ids)
    if not claims or not (config.link_by_fingerprint or config.link_by_similarity):
        refresh_appearance_counts(root_ids=touched)
        return 0
    twins = list(Claim.objects.filter(fingerprint__in={c.fingerprint for c in claims}).only(
        "id", "same_as_id", "status", "created_at", "article_id", "fingerprint"))
    by_pk = {t.pk: t for t in twins}
    rated_exist = Claim.objects.filter(status__in=PUBLIC_STATUSES).exists()
    linked = 0
    for claim in claims:
        found = find_ruling(claim=claim, config=config, twins=twins, rated_exist=rated_exist)
        if found is None or found[0] == claim.pk:
            continue
        root_id, method, score = found
        with transaction.atomic():
            # Only if nobody linked it meanwhile (an editor, a second announcement).
            if not Claim.objects.filter(pk=claim.pk, same_as__isnull=True).exists():
                continue
            claim.same_as_id, claim.same_as_method, claim.same_as_score = root_id, method, score
            claim._change_reason = f"linked to the ruling of #{root_id} ({method})"
            claim.save(update_fields=["same_as", "same_as_method", "same_as_score", "updated_at"])
        if claim.pk in by_pk:
            by_pk[claim.pk].same_as_id = root_id  # later claims of the batch follow it to its root
        touched.add(root_id)
        linked += 1
    refresh_appearance_counts(root_ids=touched)
    return linked


# --- editors: link, unlink, apply ---------------------------------------------------------------------


def link_to_ruling(*, claim: Claim, earlier: Claim, user: AbstractBaseUser) -> Claim:
    """An editor says `claim` repeats `earlier` (the workflow's rule: editors only, earlier claims
    only, chains flattened), recorded as an editor's link; both families' numbers are refreshed."""
    old_root = claim.same_as_id
    claim = workflow.confirm_same_claim(claim=claim, earlier=earlier, user=user)
    Claim.objects.filter(pk=claim.pk).update(same_as_method=M.EDITOR, same_as_score=None)
    refresh_appearance_counts(root_ids=[claim.same_as_id, claim.pk, *([old_root] if old_root else [])])
    claim.refresh_from_db()
    return claim


def unlink_from_ruling(*, claim: Claim, user: AbstractBaseUser) -> Claim:
    """"Not the same claim": the link made on detection (or by an editor) is removed."""
    if not can(user, "publish_claim"):
        raise NotAllowed("Only an editor can decide that two claims are not the same.")
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        root_id = claim.same_as_id
        if root_id is None:
            raise InvalidInput("This claim is not linked to another claim's ruling.")
        claim.same_as, claim.same_as_method, claim.same_as_score = None, "", None
        claim._history_user = user
        claim._change_reason = f"not the same claim as #{root_id}"
        claim.save(update_fields=["same_as", "same_as_method", "same_as_score", "updated_at"])
        refresh_appearance_counts(root_ids=[root_id, claim.pk])
    return claim


APPLY_FROM = (S.NEW, S.TRIAGED, S.RESEARCHING)


def ruling_for(claim: Claim) -> Claim | None:
    """The published fact check whose ruling this claim may take, or None."""
    if claim.same_as_id is None:
        return None
    return (Claim.objects.filter(pk=claim.same_as_id, status__in=PUBLIC_STATUSES)
            .select_related("rating", "speaker").prefetch_related("evidence").first())


def apply_ruling(*, claim: Claim, user: AbstractBaseUser) -> Claim:
    """One click: the claim takes its ruling's verdict. Through the workflow, in one transaction:
    triaged, research started by `user`, the ruling's evidence copied, and submitted for review
    with the ruling's rating and conclusion. Publishing is then another editor's move, as for any
    research (four-eyes: the person who applied it worked on it)."""
    if claim.status not in APPLY_FROM:
        raise InvalidTransition(
            f"A {claim.get_status_display().lower()} claim cannot take another ruling; it must be new, triaged or "
            "under research.")
    ruling = ruling_for(claim)
    if ruling is None:
        raise InvalidInput("This claim is not linked to a published fact check: link it to one first.")
    note = f"Applies the ruling of fact check #{ruling.pk} ({ruling.rating.label if ruling.rating else 'unrated'})."
    with transaction.atomic():
        if claim.status == S.NEW:
            claim = workflow.transition(claim=claim, to=S.TRIAGED, user=user, note=note)
        if claim.status == S.TRIAGED:
            claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=user, note=note)
        have = set(Evidence.objects.filter(claim=claim).values_list("url", flat=True))
        for item in ruling.evidence.all():
            if item.url in have:
                continue
            fields = {name: getattr(item, name) for name in workflow.EVIDENCE_FIELDS}
            workflow.add_evidence(claim=claim, user=user, **fields)
        claim = workflow.transition(claim=claim, to=S.IN_REVIEW, user=user, note=note, rating=ruling.rating,
                                    conclusion=ruling.conclusion)
    return claim


# --- trimming to the checkable words --------------------------------------------------------------


TRIM_STATUSES = (S.NEW, S.TRIAGED, S.RESEARCHING, S.IN_REVIEW)


def trim_claim(*, claim: Claim, user: AbstractBaseUser, start: int | None, end: int | None) -> Claim:
    """Keep only the checkable part of the claim: `start`/`end` are offsets into the article's text
    (end exclusive) inside the claim's own span; both None removes the trim. Snapped outwards to
    whole words, and inwards past spaces and punctuation at the edges."""
    if not can(user, "research_claim"):
        raise NotAllowed("You do not have permission to trim claims.")
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).select_related("article").get(pk=claim.pk)
        if claim.status not in TRIM_STATUSES:
            raise InvalidTransition("This fact check is published or dismissed: the words it checks no longer change.")
        if start is None and end is None:
            claim.check_start = claim.check_end = None
            reason = "trim removed"
        else:
            start, end = _clean_offsets(claim, start, end)
            if (start, end) == (claim.content_start, claim.content_end):
                claim.check_start = claim.check_end = None
            else:
                claim.check_start, claim.check_end = start, end
            reason = f"trimmed to: {checked_text(claim)}"
        claim._history_user = user
        claim._change_reason = reason[:100]
        claim.save(update_fields=["check_start", "check_end", "updated_at"])
    return claim


def _clean_offsets(claim: Claim, start: Any, end: Any) -> tuple[int, int]:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"The trim's {name} must be a whole number (an offset into the article's text).",
                               field=f"check_{name}")
    if not claim.content_start <= start < end <= claim.content_end:
        raise InvalidInput(
            f"The trimmed part must lie inside the claim (offsets {claim.content_start} to {claim.content_end}) and "
            f"not be empty; got {start} to {end}.", field="check_start")
    text = claim.article.text or ""
    # Outwards to whole words (a trim never cuts a word in two), then inwards past spaces and
    # punctuation, so the checked words read cleanly.
    while start > claim.content_start and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < claim.content_end and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "%)\u2019'\""):
        end -= 1
    if start >= end:
        raise InvalidInput("The trimmed part has no words.", field="check_start")
    return start, end


def trim_to_words(*, claim: Claim, user: AbstractBaseUser, words: str) -> Claim:
    """Trim to the words an editor copied from the claim (the admin's box): found inside the
    claim's span, first occurrence; an empty box removes the trim."""
    wanted = " ".join((words or "").split())
    if not wanted:
        return trim_claim(claim=claim, user=user, start=None, end=None)
    text = claim.article.text or ""
    span = text[claim.content_start:claim.content_end]
    # Whitespace-insensitive search: the claim may wrap over lines the box shows as spaces.
    pattern = r"\s+".join(re.escape(word) for word in wanted.split())
    found = re.search(pattern, span)
    if found is None:
        raise InvalidInput("Those words are not in the claim: copy the part to keep from the claim itself.",
                           field="check_words")
    return trim_claim(claim=claim, user=user, start=claim.content_start + found.start(),
                      end=claim.content_start + found.end())
