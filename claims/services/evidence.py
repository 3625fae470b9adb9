"""Evidence, internal notes and speaker merges: the research-side writes of the workflow.

Evidence is shown on the public page, so once a fact check is published it changes only in the
hands of someone who may correct it; notes are internal and never leave the admin.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from claims.models import Claim, ClaimContribution, Evidence, Note, Speaker, SpeakerAlias
from claims.models.workflow import EVIDENCE_REMOVED
from claims.selectors.access import can as _can
from claims.selectors.access import is_public
from claims.services.contributions import record_contribution
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed
from claims.services.rollups import recount_speakers

EVIDENCE_FIELDS = ("url", "title", "publisher", "excerpt", "stance", "type", "accessed_at", "independence_group")
_MAX_LENGTHS = {"url": 2048, "title": 500, "publisher": 300, "independence_group": 200}
_url_validator = URLValidator(schemes=["http", "https"])


def check_may_edit_evidence(*, claim: Claim, user: User) -> None:
    if not _can(user, "research_claim"):
        raise NotAllowed("You do not have permission to add or change evidence.")
    if claim.status == Claim.Status.DISMISSED:
        raise InvalidTransition("This claim is dismissed; reopen it before adding evidence.")
    if is_public(claim) and not _can(user, "correct_claim"):
        raise NotAllowed("This fact check is published: only an editor correcting it can change its evidence.")


def check_keeps_evidence(*, claim: Claim, removing: int, adding: int = 0) -> None:
    """A published fact check never loses its last evidence item: readers must see a source. The
    admin's inline form asks this for the whole form (removals and additions at once) before
    saving; remove_evidence asks it for each removal."""
    if removing and is_public(claim) and claim.evidence.count() - removing + adding < 1:
        raise InvalidInput("A published fact check keeps at least one evidence item; add the new one first.")


def clean_evidence_fields(fields: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate evidence fields and return them cleaned; raises InvalidInput naming the field."""
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown evidence field(s): {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "accessed_at":
            if value is not None and not isinstance(value, datetime):
                raise InvalidInput("'accessed at' must be a date and time.", field=name)
            cleaned[name] = value
            continue
        value = "" if value is None else str(value).strip()
        if name in _MAX_LENGTHS and len(value) > _MAX_LENGTHS[name]:
            raise InvalidInput(f"The {name.replace('_', ' ')} is longer than {_MAX_LENGTHS[name]:,} characters.",
                               field=name)
        cleaned[name] = value
    if not partial or "url" in cleaned:
        url = cleaned.get("url", "")
        if not url:
            raise InvalidInput("Evidence needs the URL of its source.", field="url")
        try:
            _url_validator(url)
        except ValidationError as exc:
            raise InvalidInput(f"'{url}' is not a valid http(s) URL.", field="url") from exc
    if "stance" in cleaned and cleaned["stance"] not in Evidence.Stance.values:
        raise InvalidInput(f"Stance must be one of: {', '.join(Evidence.Stance.values)}.", field="stance")
    if "type" in cleaned and cleaned["type"] not in Evidence.Type.values:
        raise InvalidInput(f"Type must be one of: {', '.join(Evidence.Type.values)}.", field="type")
    for name in ("stance", "type"):
        if not partial and not cleaned.get(name):
            cleaned.pop(name, None)  # the model default applies
    return cleaned


def _duplicate_url(*, claim: Claim, url: str, exclude: int | None = None) -> None:
    existing = Evidence.objects.filter(claim=claim, url=url)
    if exclude is not None:
        existing = existing.exclude(pk=exclude)
    if existing.exists():
        raise InvalidInput("This claim already has evidence from that URL.", field="url")


def add_evidence(*, claim: Claim, user: User, **fields: Any) -> Evidence:
    """Attach a source to a claim (url required; title, publisher, excerpt, stance, type,
    accessed_at, independence_group optional)."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        check_may_edit_evidence(claim=claim, user=user)
        cleaned = clean_evidence_fields(fields)
        _duplicate_url(claim=claim, url=cleaned["url"])
        record_contribution(claim=claim, user=user, kinds=[ClaimContribution.Kind.EVIDENCE])
        return Evidence.objects.create(claim=claim, added_by=user, **cleaned)


def update_evidence(*, evidence: Evidence, user: User, **fields: Any) -> Evidence:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=evidence.claim_id)
        check_may_edit_evidence(claim=claim, user=user)
        cleaned = clean_evidence_fields(fields, partial=True)
        if "url" in cleaned:
            _duplicate_url(claim=claim, url=cleaned["url"], exclude=evidence.pk)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        for name, value in cleaned.items():
            setattr(evidence, name, value)
        evidence.save()
        if cleaned:
            record_contribution(claim=claim, user=user, kinds=[ClaimContribution.Kind.EVIDENCE])
        return evidence


def remove_evidence(*, evidence: Evidence, user: User) -> None:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=evidence.claim_id)
        check_may_edit_evidence(claim=claim, user=user)
        if not _can(user, "delete_evidence"):
            raise NotAllowed("Only an editor can remove evidence.")
        check_keeps_evidence(claim=claim, removing=1)
        Evidence.objects.filter(pk=evidence.pk).delete()
        # The row is gone: the claim's history keeps the removal, who and when, for its timeline.
        # django-simple-history's documented hooks for who and why (the stubs do not know them).
        claim._history_user = user  # type: ignore[attr-defined]
        claim._change_reason = f"{EVIDENCE_REMOVED}{evidence.title or evidence.url}"[:100]  # type: ignore[attr-defined]
        claim.save(update_fields=["updated_at"])
        # Removing a source shapes the verdict as much as adding one: it counts as research work
        # for the four-eyes rule (an editor who deletes evidence may not publish alone).
        record_contribution(claim=claim, user=user, kinds=[ClaimContribution.Kind.EVIDENCE])


def add_note(*, claim: Claim, user: User, body: str) -> Note:
    """An internal note (staff only; never on the public page or in ClaimReview)."""
    if not (_can(user, "add_note") or _can(user, "research_claim")):
        raise NotAllowed("You do not have permission to add notes.")
    body = (body or "").strip()
    if not body:
        raise InvalidInput("The note is empty.", field="body")
    if len(body) > 20_000:
        raise InvalidInput("The note is longer than 20,000 characters.", field="body")
    return Note.objects.create(claim=claim, author=user, body=body)


def merge_speakers(*, source: Speaker, target: Speaker, user: User) -> Speaker:
    """Fold `source` into `target`: its claims, aliases and followers move; it stays as a
    forwarding row (`merged_into`) so the extractor's next mention of it lands on the target."""
    if not _can(user, "change_speaker"):
        raise NotAllowed("Only an editor can merge speakers.")
    with transaction.atomic():
        locked = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        found_source, found_target = locked.get(source.pk), locked.get(target.pk)
        if found_source is None or found_target is None:
            raise InvalidInput("One of the speakers no longer exists.")
        source, target = found_source, found_target
        if source.pk == target.pk:
            raise InvalidInput("Choose two different speakers to merge.")
        if target.merged_into_id is not None:
            raise InvalidInput(f"'{target}' was itself merged into another speaker; merge into that one instead.")
        if source.merged_into_id is not None:
            raise InvalidInput(f"'{source}' was already merged.")

        # Bulk updates: a busy speaker has thousands of claims and history is not needed for a re-point.
        Claim.objects.filter(speaker=source).update(speaker=target)
        # The UPDATE sends no signals: the dashboard's per-speaker roll-ups are recounted for the two.
        recount_speakers(speaker_ids=[source.pk, target.pk])
        Speaker.objects.filter(merged_into=source).update(merged_into=target)
        known = set(target.aliases.values_list("normalized_name", flat=True)) | {target.normalized_name}
        for alias in source.aliases.all():
            if alias.normalized_name in known:
                alias.delete()
            else:
                alias.speaker = target
                alias.save(update_fields=["speaker"])
                known.add(alias.normalized_name)
        if source.normalized_name not in known:
            SpeakerAlias.objects.create(speaker=target, name=source.name, normalized_name=source.normalized_name)
        for subscription in source.subscriptions.all():
            subscription.speakers.add(target)
        if not target.title and source.title:
            target.title = source.title
            target.save(update_fields=["title", "updated_at"])
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])
    return target
