"""One Speaker row per real speaker across articles.

"Rinna" in one article and "Anthony Rinna" in another become one speaker, but only when that is
unambiguous: a wrong merge puts words in someone's mouth, a missed one only splits a list."""
from __future__ import annotations

import re
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from claims.models import Speaker, SpeakerAlias
from claims.services.articles import one_line  # one rule for "a title on one line"

_SPACES = re.compile(r"\s+")
# Leading words that are part of a mention, not of the name ("the United States" = "United States").
_ARTICLES = ("the ",)


def normalize_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).strip().strip(".,;:'\"“”‘’").casefold()
    name = _SPACES.sub(" ", name)
    for article in _ARTICLES:
        if name.startswith(article):
            name = name[len(article):]
    return name


_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "most", "some", "many", "several", "one", "two"}


def is_description(name: str) -> bool:
    """"the professor", "a recent survey", "most market traders": a description, not a name. The
    claim keeps the mention as written; a Speaker row for it would merge unrelated people."""
    words = name.split()
    while words and words[0].casefold() in _DETERMINERS:
        words = words[1:]
    return not any(word[:1].isupper() for word in words)


def _by_alias(normalized: str) -> Speaker | None:
    ids = set(SpeakerAlias.objects.filter(normalized_name=normalized).values_list("speaker_id", flat=True)[:2])
    return Speaker.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def _only(queryset: QuerySet[Speaker]) -> Speaker | None:
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def add_alias(*, speaker: Speaker, name: str) -> None:
    normalized = normalize_name(name)
    if normalized and normalized != speaker.normalized_name:
        SpeakerAlias.objects.get_or_create(speaker=speaker, normalized_name=normalized, defaults={"name": name.strip()})


def _matchable(name: str) -> str | None:
    """The normalised name to look a speaker up by, or None for a mention that gets no Speaker row
    (empty, absurdly long, or a description such as "the professor")."""
    normalized = normalize_name(name)
    if not normalized or len(normalized) > 300 or is_description(name):
        return None
    return normalized


def resolve_speakers(*, mentions: list[tuple[str, str | None, str]]) -> dict[tuple[str, str | None], Speaker | None]:
    """Resolve an article's speakers at once: {(name, kind): speaker} for (name, kind, title) mentions.

    The same rules as resolve_speaker, but the exact-name and alias lookups, which settle most of
    an article's ten-odd speakers, take two queries for all of them. Mentions are resolved in the
    order given, so the surname-to-full-name upgrade sees them as the extractor found them."""
    wanted = {name: normalized for name, _, _ in mentions if (normalized := _matchable(name))}
    known: dict[str, Speaker | None] = {
        speaker.normalized_name: speaker
        for speaker in Speaker.objects.filter(normalized_name__in=set(wanted.values())).select_related("merged_into")
    }
    alias_owners: dict[str, set[int]] = {}
    for normalized, speaker_id in SpeakerAlias.objects.filter(
        normalized_name__in=set(wanted.values()) - set(known)
    ).values_list("normalized_name", "speaker_id"):
        alias_owners.setdefault(normalized, set()).add(speaker_id)
    # An alias counts only when it names one speaker (as in _by_alias).
    unique = {normalized: next(iter(ids)) for normalized, ids in alias_owners.items() if len(ids) == 1}
    by_id = Speaker.objects.select_related("merged_into").in_bulk(set(unique.values())) if unique else {}
    for normalized, speaker_id in unique.items():
        known[normalized] = by_id[speaker_id]

    resolved: dict[tuple[str, str | None], Speaker | None] = {}
    for name, kind, title in mentions:
        normalized = wanted.get(name)
        if (name, kind) in resolved or normalized is None:
            resolved.setdefault((name, kind), None)
            continue
        speaker = _resolve_rest(known.get(normalized), name=name, normalized=normalized, kind=kind, title=title)
        # A later mention of the same name (another kind) finds what this one created or upgraded.
        known[normalized] = resolved[(name, kind)] = speaker
    return resolved


def resolve_speaker(*, name: str, kind: str | None = None, title: str = "") -> Speaker | None:
    """Find or create the speaker for a resolved name from the extractor."""
    normalized = _matchable(name)
    if normalized is None:
        return None
    speaker = Speaker.objects.filter(normalized_name=normalized).first() or _by_alias(normalized)
    return _resolve_rest(speaker, name=name, normalized=normalized, kind=kind, title=title)


def _resolve_rest(
    speaker: Speaker | None, *, name: str, normalized: str, kind: str | None, title: str
) -> Speaker | None:
    """resolve_speaker after the exact-name and alias lookups (`speaker`: what they found): the
    surname rules, creation, forwarding a merged speaker to the survivor, filling in the title."""
    kind = kind if kind in Speaker.Kind.values else Speaker.Kind.PERSON
    words = normalized.split(" ")
    if speaker is None and kind == Speaker.Kind.PERSON:
        if len(words) == 1:
            # A bare surname: the one person whose name ends with it, if there is exactly one.
            speaker = _only(
                Speaker.objects.filter(kind=Speaker.Kind.PERSON, normalized_name__endswith=" " + normalized)
            )
            if speaker is not None:
                add_alias(speaker=speaker, name=name)
        else:
            # A full name for a speaker so far known only by surname: upgrade that speaker.
            surname_only = _only(
                Speaker.objects.filter(Q(kind=Speaker.Kind.PERSON) & Q(normalized_name=words[-1]))
            )
            if surname_only is not None and not Speaker.objects.filter(
                kind=Speaker.Kind.PERSON, normalized_name__endswith=" " + words[-1]
            ).exists():
                add_alias(speaker=surname_only, name=surname_only.name)
                surname_only.name = name.strip()
                surname_only.normalized_name = normalized
                surname_only.save(update_fields=["name", "normalized_name", "updated_at"])
                speaker = surname_only
    if speaker is None:
        try:
            with transaction.atomic():
                speaker = Speaker.objects.create(
                    name=one_line(name)[:300], normalized_name=normalized, kind=kind, title=one_line(title)[:500]
                )
        except IntegrityError:
            speaker = Speaker.objects.get(normalized_name=normalized)
    # Merged speakers forward to the survivor.
    while speaker.merged_into is not None:
        speaker = speaker.merged_into
    if one_line(title) and not speaker.title:
        speaker.title = one_line(title)[:500]
        speaker.save(update_fields=["title", "updated_at"])
    return speaker
