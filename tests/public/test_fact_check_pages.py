"""Public fact-check pages and their ClaimReview JSON-LD: only published work is visible."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims.models import Article, Claim, Note, Outlet
from claims.public.claimreview import build_claimreview
from claims.services import workflow
from tests.factories import ClaimFactory, published, rating

S = Claim.Status
pytestmark = pytest.mark.django_db


def page_url(claim: Claim) -> str:
    return reverse("public:fact-check", kwargs={"claim_id": claim.pk})


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


@pytest.fixture
def fact_check(ready_for_review, wf_editor) -> Claim:
    outlet = Outlet.objects.create(name="Daily Planet", domain="planet.example")
    Article.objects.filter(pk=ready_for_review.article_id).update(
        url="https://planet.example/minister", title="Minister on jobs", outlet=outlet,
        published_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    Note.objects.create(claim=ready_for_review, body="SECRET internal note", author=wf_editor)
    return published(ready_for_review, by=wf_editor, at=datetime(2026, 11, 25, 12, tzinfo=UTC))


def test_a_published_fact_check_shows_claim_speaker_rating_conclusion_and_evidence(client, fact_check):
    page = client.get(page_url(fact_check)).content.decode()
    assert "Unemployment fell by half in two years." in page
    assert "Jane Doe" in page and "finance minister" in page
    assert ">False<" in page and "Official statistics show a 10% fall" in page
    assert "https://example.org/source-" in page  # the evidence link


def test_internal_notes_never_reach_the_public_page(client, fact_check):
    assert "SECRET internal note" not in client.get(page_url(fact_check)).content.decode()


@pytest.mark.parametrize("status", [S.NEW, S.TRIAGED, S.DISMISSED, S.RESEARCHING, S.IN_REVIEW])
def test_unpublished_claims_are_not_found(client, status):
    claim = ClaimFactory(status=status)
    assert client.get(page_url(claim)).status_code == 404


def test_the_page_embeds_a_claimreview_matching_the_fact_check(client, fact_check, settings):
    data = json_ld(client.get(page_url(fact_check)).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["url"] == settings.SITE_URL + page_url(fact_check)
    assert data["datePublished"] == "2026-11-25"
    assert data["author"]["@type"] == "Organization"
    assert data["claimReviewed"] == "Unemployment fell by half in two years."
    item = data["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2026-11-20"
    assert item["author"] == {"@type": "Person", "name": "Jane Doe", "jobTitle": "finance minister"}
    # A list of every appearance of the ruling (here only this one), the first also as firstAppearance.
    assert [a["url"] for a in item["appearance"]] == ["https://planet.example/minister"]
    assert item["firstAppearance"] == item["appearance"][0]
    assert data["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "bestRating": 6, "worstRating": 1,
                                    "alternateName": "False"}
    assert "dateModified" not in data


def test_a_corrected_fact_check_shows_the_note_and_its_new_rating(client, fact_check, wf_editor):
    workflow.transition(claim=fact_check, to=S.CORRECTED, user=wf_editor, rating=rating("half-true"),
                        note="We misread the table: the fall was 45%.")
    html = client.get(page_url(fact_check)).content.decode()
    assert "We misread the table: the fall was 45%." in html
    data = json_ld(html)
    assert data["reviewRating"]["alternateName"] == "Half true" and data["reviewRating"]["ratingValue"] == 4
    assert "dateModified" in data


def test_a_quote_cannot_break_out_of_the_json_ld_block(client, fact_check):
    Claim.objects.filter(pk=fact_check.pk).update(content='Taxes </script><script>alert(1)</script> fell')
    html = client.get(page_url(fact_check)).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["claimReviewed"] == 'Taxes </script><script>alert(1)</script> fell'


def test_an_organisation_speaker_is_an_organization_author(fact_check):
    fact_check.speaker.kind = "organization"
    fact_check.speaker.save()
    assert build_claimreview(fact_check)["itemReviewed"]["author"]["@type"] == "Organization"


def test_build_claimreview_refuses_unpublished_claims():
    with pytest.raises(ValueError):
        build_claimreview(ClaimFactory())


def test_the_list_shows_published_fact_checks_only(client, fact_check, django_assert_max_num_queries):
    ClaimFactory(content="An unpublished claim about buses.")
    for _ in range(5):
        claim = ClaimFactory(content="Another claim.", speaker=fact_check.speaker, status=S.PUBLISHED,
                           rating=rating("true"), published_at=fact_check.published_at)
        assert claim.pk
    # The count, the page, and the archive filters' rating, speaker and outlet choices.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("public:fact-check-list")).content.decode()
    assert "Unemployment fell by half" in page and page.count("Another claim.") == 5
    assert "An unpublished claim about buses." not in page


def test_claimreview_leaves_out_the_claims_date_when_the_article_has_none(client, fact_check):
    # Never the detection date: that is when we found it, not when it was said.
    Article.objects.filter(pk=fact_check.article_id).update(published_at=None)
    item = json_ld(client.get(page_url(fact_check)).content.decode())["itemReviewed"]
    assert "datePublished" not in item


def test_the_public_page_and_list_word_a_denial_as_a_denial(client, fact_check):
    Claim.objects.filter(pk=fact_check.pk).update(cue="denied", stance=Claim.Stance.DENIES, kind=Claim.Kind.INDIRECT)
    for url in (page_url(fact_check), reverse("public:fact-check-list")):
        page = client.get(url).content.decode()
        assert '<span class="fc-speaker">Jane Doe</span> <em class="fc-cue fc-stance-denies"' in page, url
