"""schema.org ClaimReview for a published fact check: embedded as JSON-LD in the public page and
served by the API. Search engines read it, so it only ever describes what is published."""
from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim, Speaker
from claims.selectors import access
from claims.selectors.rulings import Appearance, appearances, checked_text
from claims.selectors.transcripts import where_said

# Escaped so a quote containing "</script>" cannot end the JSON-LD block early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def organization() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORGANIZATION_NAME,
        "url": settings.SITE_URL + "/",
    }


def fact_check_url(claim: Claim) -> str:
    return settings.SITE_URL + reverse("public:fact-check", kwargs={"claim_id": claim.pk})


def _author(claim: Claim) -> dict[str, Any]:
    speaker = claim.speaker
    if speaker is None:
        return {"@type": "Person", "name": claim.speaker_mention or "Unknown"}
    kind = "Person" if speaker.kind == Speaker.Kind.PERSON else "Organization"
    author: dict[str, Any] = {"@type": kind, "name": speaker.name}
    title = claim.speaker_title or speaker.title
    if title and kind == "Person":
        author["jobTitle"] = title
    return author


def _own_appearance(claim: Claim) -> Appearance:
    article = claim.article
    when = article.published_at or claim.created_at
    return Appearance(
        claim_id=claim.pk, content=claim.content,
        speaker=(claim.speaker.name if claim.speaker else claim.speaker_mention) or "Unattributed",
        outlet=article.outlet.name if article.outlet is not None else "",
        day=timezone.localtime(when).date() if when else None,
        url=where_said(article=article, start_seconds=claim.start_seconds), headline=article.title or "", method="",
        score=None,
        status=claim.status,
    )


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if appearance.url:
        work["url"] = appearance.url
    if appearance.headline:
        work["headline"] = appearance.headline
    if appearance.day:
        work["datePublished"] = appearance.day.isoformat()
    if appearance.outlet:
        work["publisher"] = {"@type": "Organization", "name": appearance.outlet}
    work["author"] = {"@type": "Person", "name": appearance.speaker}
    return work


def build_claimreview(claim: Claim) -> dict:
    """The ClaimReview dict for a published or corrected claim; raises ValueError otherwise."""
    if not access.is_public(claim) or claim.rating is None:
        raise ValueError("Only published fact checks have a ClaimReview.")
    article = claim.article
    rating = claim.rating
    scale = rating.scale
    item: dict[str, Any] = {"@type": "Claim", "author": _author(claim)}
    # When the claim was made public: the quoting article's date. Left out when unknown; the date
    # we detected it is not when it was said.
    if article.published_at is not None:
        item["datePublished"] = timezone.localtime(article.published_at).date().isoformat()
    # Every appearance of the ruling (this claim, the one it repeats and that one's other
    # appearances: outlet, date, speaker), earliest first; read only when there is more than one.
    shown = appearances(claim=claim) if claim.appearances > 1 or claim.same_as_id else [_own_appearance(claim)]
    works = [_creative_work(a) for a in shown]
    if works:
        item["appearance"] = works
        item["firstAppearance"] = works[0]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": fact_check_url(claim),
        "datePublished": claim.published_at.date().isoformat() if claim.published_at else None,
        "author": organization(),
        # The words checked: the part an editor trimmed the claim to, else the whole claim.
        "claimReviewed": checked_text(claim),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": scale.best_value,
            "worstRating": scale.worst_value,
            "alternateName": rating.label,
        },
    }
    if claim.status == Claim.Status.CORRECTED and claim.corrected_at:
        review["dateModified"] = claim.corrected_at.date().isoformat()
    return review


def claimreview_script(claim: Claim) -> SafeString:
    """The <script type="application/ld+json"> block for a page."""
    payload = json.dumps(build_claimreview(claim), ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
