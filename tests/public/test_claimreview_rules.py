"""The ClaimReview rules, written down once and applied to the public page's JSON-LD and to every
item of the DataFeed: the feed meets exactly the rules the page meets (issue 18's proof).

The rules are Google's ClaimReview structured-data guidelines (required: `claimReviewed`,
`reviewRating` with `alternateName`, `url`, `author` with a name; recommended: `datePublished`,
`itemReviewed` as a Claim with its author, dates and appearance) plus what schema.org's types
and Data Commons' DataFeed ingestion require (ISO 8601 dates, a rating inside its bounds, a
modification date not before publication)."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from claims.models import Claim, Outlet
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, published, rating

S = Claim.Status
pytestmark = pytest.mark.django_db


def _iso(value: Any) -> datetime | date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def claimreview_violations(review: dict[str, Any], *, site: str) -> list[str]:
    """Every rule the ClaimReview breaks (an empty list: it meets them all)."""
    problems: list[str] = []
    if review.get("@type") != "ClaimReview":
        problems.append("@type is not ClaimReview")
    if not isinstance(review.get("claimReviewed"), str) or not review["claimReviewed"].strip():
        problems.append("claimReviewed missing")
    url = review.get("url")
    if not isinstance(url, str) or not url.startswith(site + "/"):
        problems.append("url is not a page of this site")
    author = review.get("author") or {}
    if author.get("@type") not in ("Organization", "Person") or not author.get("name"):
        problems.append("author missing or unnamed")
    rating = review.get("reviewRating") or {}
    if rating.get("@type") != "Rating" or not rating.get("alternateName"):
        problems.append("reviewRating.alternateName missing")
    if "ratingValue" in rating:
        best, worst, value = rating.get("bestRating"), rating.get("worstRating"), rating.get("ratingValue")
        if not all(isinstance(n, int) for n in (best, worst, value)) or not worst <= value <= best or worst >= best:
            problems.append("ratingValue outside worstRating..bestRating")
    published_on = _iso(review.get("datePublished"))
    if published_on is None:
        problems.append("datePublished missing or not ISO 8601")
    if "dateModified" in review:
        modified = _iso(review["dateModified"])
        if modified is None or (published_on is not None and _day(modified) < _day(published_on)):
            problems.append("dateModified not ISO 8601 or before datePublished")
    item = review.get("itemReviewed") or {}
    if item.get("@type") != "Claim":
        problems.append("itemReviewed is not a Claim")
    said_by = item.get("author") or {}
    if said_by.get("@type") not in ("Organization", "Person") or not said_by.get("name"):
        problems.append("itemReviewed.author missing or unnamed")
    if "datePublished" in item and _iso(item["datePublished"]) is None:
        problems.append("itemReviewed.datePublished not ISO 8601")
    appearances = item.get("appearance", [])
    for appearance in appearances if isinstance(appearances, list) else [appearances]:
        # A URL, or a CreativeWork with the URL where the claim appeared, or named when it has none
        # (pasted text, a broadcast).
        if isinstance(appearance, str):
            appearance = {"url": appearance}
        url = appearance.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            problems.append("an appearance's url is not http(s)")
        if url is None and not appearance.get("headline") and not appearance.get("name"):
            problems.append("an appearance with neither a URL nor a name")
    return problems


def page_claimreview(client: Client, path: str) -> dict[str, Any]:
    html = client.get(path).content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.fixture
def fact_checks(ready_for_review, wf_editor, speaker) -> list[Claim]:
    outlet = Outlet.objects.create(name="Daily Planet", domain="planet.example")
    article = ArticleFactory(text='"Exports doubled last year," said Jane Doe.', outlet=outlet,
                           url="https://planet.example/exports", title="Exports",
                           published_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    unsourced_speaker = ClaimFactory(content="Exports doubled last year.", article=article, speaker=speaker,
                                   status=S.PUBLISHED, rating=rating("half-true"), conclusion="A 60% rise.",
                                   published_at=datetime(2026, 11, 3, tzinfo=UTC))
    first = published(ready_for_review, by=wf_editor)
    corrected = workflow.transition(claim=first, to=S.CORRECTED, user=wf_editor, rating=rating("mostly-false"),
                                    note="The fall was 40%.")
    return [corrected, unsourced_speaker]


def test_the_rules_catch_what_they_should() -> None:
    assert "reviewRating.alternateName missing" in claimreview_violations({"reviewRating": {}}, site="https://x")
    broken = {"@type": "ClaimReview", "claimReviewed": "x", "url": "https://elsewhere.example/1",
              "author": {"@type": "Organization", "name": "Us"},
              "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 9, "bestRating": 6,
                               "worstRating": 1},
              "datePublished": "2026-11-05", "dateModified": "2026-11-01T00:00:00+00:00",
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person"}}}
    assert claimreview_violations(broken, site="https://factcheck.example") == [
        "url is not a page of this site", "ratingValue outside worstRating..bestRating",
        "dateModified not ISO 8601 or before datePublished", "itemReviewed.author missing or unnamed",
    ]


def test_every_public_page_and_every_feed_item_meets_the_claimreview_rules(client: Client, fact_checks,
                                                                          settings) -> None:
    for claim in fact_checks:
        review = page_claimreview(client, f"/fact-checks/{claim.pk}/")
        assert claimreview_violations(review, site=settings.SITE_URL) == [], claim.pk
    response = client.get("/fact-checks/feed.json")
    feed = json.loads(b"".join(response.streaming_content))
    assert feed["@type"] == "DataFeed" and _iso(feed["dateModified"]) is not None
    assert len(feed["dataFeedElement"]) == len(fact_checks)
    for element in feed["dataFeedElement"]:
        assert element["@type"] == "DataFeedItem" and _iso(element["dateCreated"]) is not None
        assert _iso(element["dateModified"]) >= _iso(element["dateCreated"])
        (review,) = element["item"]
        assert claimreview_violations(review, site=settings.SITE_URL) == []
    corrected = next(e["item"][0] for e in feed["dataFeedElement"] if e["item"][0]["url"].endswith(
        f"/fact-checks/{fact_checks[0].pk}/"))
    assert corrected["reviewRating"]["alternateName"] == rating("mostly-false").label and "dateModified" in corrected
