"""The public ClaimReview DataFeed and Atom feed: only published fact checks, each described by the
same ClaimReview its page embeds, corrections dated."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Outlet
from tests.factories import ArticleFactory, ClaimFactory, rating

S = Claim.Status
ATOM = "{http://www.w3.org/2005/Atom}"
pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=UTC)


@pytest.fixture
def checks(speaker) -> dict[str, Claim]:
    outlet = Outlet.objects.create(name="Daily Planet", domain="planet.example")
    article = ArticleFactory(text='"Unemployment fell by half in two years," said Jane Doe.', outlet=outlet,
                           url="https://planet.example/minister", title="Minister on jobs", published_at=at(20))
    return {
        "published": ClaimFactory(content="Unemployment fell by half in two years.", article=article, speaker=speaker,
                                status=S.PUBLISHED, rating=rating("false"), published_at=at(25),
                                conclusion="Official statistics show a 10% fall."),
        "corrected": ClaimFactory(content="Exports doubled last year.", speaker=speaker, status=S.CORRECTED,
                                rating=rating("half-true"), published_at=at(22), corrected_at=at(27),
                                correction_note="The rise was 60%, not 100%."),
        "in_review": ClaimFactory(content="Crime is at a record low.", status=S.IN_REVIEW),
        "new": ClaimFactory(content="Taxes never rose.", status=S.NEW),
    }


def data_feed(client: Client) -> dict:
    response = client.get("/fact-checks/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    return json.loads(b"".join(response.streaming_content))


def embedded_claimreview(client: Client, url: str) -> dict:
    html = client.get(url).content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_data_feed_lists_only_published_fact_checks_as_their_pages_describe_them(client, checks, settings) -> None:
    feed = data_feed(client)
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    assert feed["url"] == settings.SITE_URL + "/fact-checks/"
    items = feed["dataFeedElement"]
    # Newest publication first, as on the public list; nothing unpublished.
    reviewed = [item["item"][0]["claimReviewed"] for item in items]
    assert reviewed == ["Unemployment fell by half in two years.", "Exports doubled last year."]
    for item in items:
        assert item["@type"] == "DataFeedItem"
        review = item["item"][0]
        # The very ClaimReview the public page embeds: the feed meets the rules the page meets.
        assert review == embedded_claimreview(client, review["url"].removeprefix(settings.SITE_URL))
        assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"]
        assert review["author"]["name"] and review["itemReviewed"]["author"]["name"]


def test_a_correction_dates_the_feed_item_and_the_feed(client, checks) -> None:
    feed = data_feed(client)
    corrected = next(
        i for i in feed["dataFeedElement"] if i["item"][0]["claimReviewed"] == "Exports doubled last year."
    )
    assert corrected["dateCreated"] == at(22).isoformat()
    assert corrected["dateModified"] == at(27).isoformat()
    assert corrected["item"][0]["dateModified"] == "2026-11-27"
    assert corrected["item"][0]["reviewRating"]["alternateName"] == "Half true"
    published = next(i for i in feed["dataFeedElement"] if i["item"][0]["claimReviewed"].startswith("Unemployment"))
    assert published["dateModified"] == published["dateCreated"] == at(25).isoformat()
    assert "dateModified" not in published["item"][0]
    assert feed["dateModified"] == at(27).isoformat()


def test_an_empty_data_feed_is_still_a_valid_document(client, db) -> None:
    feed = data_feed(client)
    assert feed["dataFeedElement"] == [] and "dateModified" not in feed


def test_the_data_feed_costs_the_same_queries_for_two_or_forty_fact_checks(client, checks, speaker) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            data_feed(client)
        return len(captured)

    few = queries()
    for n in range(38):
        ClaimFactory(
            content=f"Claim number {n} was said.",
            speaker=speaker,
            status=S.PUBLISHED,
            rating=rating("true"),
            published_at=at(1),
        )
    assert queries() == few


def test_the_atom_feed_has_an_entry_per_published_fact_check_updated_by_its_correction(
    client, checks, settings
) -> None:
    response = client.get("/fact-checks/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.find(f"{ATOM}updated").text == "2026-11-27T12:00:00+00:00"
    entries = {e.find(f"{ATOM}id").text: e for e in root.findall(f"{ATOM}entry")}
    corrected, published = checks["corrected"], checks["published"]
    assert set(entries) == {settings.SITE_URL + f"/fact-checks/{c.pk}/" for c in (corrected, published)}
    entry = entries[settings.SITE_URL + f"/fact-checks/{corrected.pk}/"]
    assert entry.find(f"{ATOM}title").text == "Half true: Jane Doe said: “Exports doubled last year.”"
    assert entry.find(f"{ATOM}published").text == "2026-11-22T12:00:00+00:00"
    assert entry.find(f"{ATOM}updated").text == "2026-11-27T12:00:00+00:00"
    assert "Correction: The rise was 60%, not 100%." in entry.find(f"{ATOM}summary").text
    assert entry.find(f"{ATOM}category").get("term") == "Half true"


def test_the_feeds_refuse_writes(client, db) -> None:
    assert client.post("/fact-checks/feed.json").status_code == 405
    assert client.post("/fact-checks/feed.atom").status_code == 405
