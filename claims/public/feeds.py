"""Machine-readable lists of the published fact checks: the schema.org DataFeed of ClaimReviews
(`/fact-checks/feed.json`, the shape Google's Fact Check tools and Data Commons take) and an Atom
feed (`/fact-checks/feed.atom`) for feed readers. Both read the selector the public pages read
(published and corrected claims only) and describe each one with the ClaimReview its page
embeds, so a feed never says more, or other, than the page."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.views.decorators.http import require_safe

from claims.models import Claim
from claims.public.claimreview import build_claimreview, fact_check_url, organization
from claims.selectors.claims import published_fact_checks
from claims.selectors.wording import claim_sentence

# Fact checks read per database round trip while the DataFeed streams.
CHUNK_SIZE = 500
# The Atom feed carries the latest fact checks, as feed readers expect; the DataFeed carries all.
ATOM_ENTRIES = 50
# Readers and crawlers poll: five minutes of caching spares the database, and a new fact check
# shows within five minutes.
CACHE_SECONDS = 300


def summary_html(parts: list[str]) -> str:
    """An Atom entry's summary: Django's Atom writer marks it `type="html"`, so feed readers
    render it as HTML. Each part (what speakers, editors and articles wrote) is escaped into its
    own paragraph: a claim quoting "<script>" reads as written and runs nothing."""
    return format_html_join("\n", "<p>{}</p>", ((part,) for part in parts if part))


def _last_change(claim: Claim) -> datetime | None:
    return claim.corrected_at or claim.published_at


def _data_feed_item(claim: Claim) -> dict:
    item: dict = {"@type": "DataFeedItem", "item": [build_claimreview(claim)]}
    if claim.published_at:
        item["dateCreated"] = claim.published_at.isoformat()
    changed = _last_change(claim)
    if changed:
        item["dateModified"] = changed.isoformat()
    return item


def _data_feed_chunks() -> Iterator[str]:
    claims = published_fact_checks(with_article_text=False)
    latest = claims.aggregate(published=Max("published_at"), corrected=Max("corrected_at"))
    modified = max((d for d in latest.values() if d is not None), default=None)
    head = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.FACTCHECK_ORGANIZATION_NAME}: fact checks",
        "url": settings.SITE_URL + reverse("public:fact-check-list"),
        "publisher": organization(),
    }
    if modified is not None:
        head["dateModified"] = modified.isoformat()
    # The document is written piece by piece: its head, then each item as it is read, so the
    # whole archive is never held in memory.
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
    for n, claim in enumerate(claims.iterator(chunk_size=CHUNK_SIZE)):
        yield ("," if n else "") + json.dumps(_data_feed_item(claim), ensure_ascii=False)
    yield "]}"


@require_safe
def claimreview_data_feed(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _data_feed_chunks()), content_type="application/ld+json; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


class FactCheckAtomFeed(Feed):
    """The latest published fact checks; a correction updates its entry's `updated`."""

    feed_type = Atom1Feed
    description_template = None

    def title(self) -> str:
        return f"{settings.FACTCHECK_ORGANIZATION_NAME}: fact checks"

    def subtitle(self) -> str:
        return "Claims from the news, checked and rated."

    def link(self) -> str:
        return settings.SITE_URL + reverse("public:fact-check-list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("public:fact-check-atom")

    def author_name(self) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def items(self) -> list[Claim]:
        return list(published_fact_checks(with_article_text=False)[:ATOM_ENTRIES])

    def item_title(self, claim: Claim) -> str:
        label = claim.rating.label if claim.rating else "Rated"
        return f"{label}: {claim_sentence(claim, max_chars=200)}"

    def item_description(self, claim: Claim) -> str:
        parts = [str(claim_sentence(claim))]
        if claim.conclusion:
            parts.append(claim.conclusion)
        if claim.status == Claim.Status.CORRECTED and claim.correction_note:
            parts.append(f"Correction: {claim.correction_note}")
        return summary_html(parts)

    def item_link(self, claim: Claim) -> str:
        return fact_check_url(claim)

    def item_guid(self, claim: Claim) -> str:
        return fact_check_url(claim)

    def item_pubdate(self, claim: Claim) -> datetime | None:
        return claim.published_at

    def item_updateddate(self, claim: Claim) -> datetime | None:
        return _last_change(claim)

    def item_categories(self, claim: Claim) -> list[str]:
        return [claim.rating.label] if claim.rating else []

    def __call__(self, request: HttpRequest, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


fact_check_atom_feed = require_safe(FactCheckAtomFeed())
