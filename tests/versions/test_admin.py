"""The admin shows stealth edits: the claim page's flag with its word diff, the claims list filter,
and the article page's versions with the diff between any two (plain HTML, no JavaScript)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Claim, QuoteChange
from claims.services.claims import claim_fingerprint
from claims.services.versions import record_first_version, record_version

pytestmark = pytest.mark.django_db

V1 = ('Finance Minister Jane Roe said on Monday: "We will cut taxes for every family next year." '
      "The opposition disagreed with the plan.")


@pytest.fixture
def edited(editor) -> tuple[Article, Claim]:
    article = Article.objects.create(url="https://news.example/roe", title="Roe promises tax cuts", text=V1,
                                     status=Article.Status.DONE, processed_at=timezone.now())
    words = "We will cut taxes for every family next year."
    start = V1.index(words)
    claim = Claim.objects.create(article=article, kind="direct", content=words, content_start=start,
                                 content_end=start + len(words), speaker_mention="Jane Roe",
                                 fingerprint=claim_fingerprint(words), status=Claim.Status.RESEARCHING)
    record_first_version(article=article)
    now = timezone.now()
    record_version(article=article, title="Roe promises tax cuts",
                   text=V1.replace("every family", "some families"), fetched_at=now + timedelta(hours=1))
    record_version(article=article, title="Roe promises some tax cuts",
                   text=V1.replace("every family", "some families").replace("disagreed", "agreed"),
                   fetched_at=now + timedelta(hours=6))
    return article, claim


def test_the_claim_page_flags_the_changed_quote_with_its_word_diff(client, editor, edited) -> None:
    _, claim = edited
    client.force_login(editor)
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert 'id="fc-quote-changes"' in page
    assert "The outlet changed this quote on" in page and "without a correction note." in page
    assert '<del><span class="fc-sr">removed: </span>every family </del>' in page
    assert '<ins><span class="fc-sr">added: </span>some families </ins>' in page
    # The claim still reads the words as first seen.
    claim.refresh_from_db()
    assert claim.content == "We will cut taxes for every family next year."


def test_the_claims_list_filters_claims_whose_quote_changed(client, editor, edited) -> None:
    _, claim = edited
    other = Claim.objects.create(article=claim.article, kind="indirect", content="The opposition disagreed",
                                 content_start=0, content_end=5, fingerprint="x")
    client.force_login(editor)
    flagged = client.get("/admin/claims/claim/", {"quote_changed": "flagged"})
    assert flagged.status_code == 200
    assert list(flagged.context["cl"].result_list) == [claim]
    unchanged = client.get("/admin/claims/claim/", {"quote_changed": "no"})
    assert claim not in list(unchanged.context["cl"].result_list)
    assert other in list(unchanged.context["cl"].result_list)


def test_the_article_page_lists_every_version_and_diffs_any_two(client, editor, edited) -> None:
    article, _ = edited
    client.force_login(editor)
    url = f"/admin/claims/article/{article.pk}/change/"
    page = client.get(url).content.decode()
    assert 'id="fc-versions"' in page and "<script" not in page.split('id="fc-versions"')[1].split("</section>")[0]
    assert page.count("<tr>") >= 4  # header and three versions
    assert "Version 2 → version 3" in page  # the latest change by default
    assert '<ins><span class="fc-sr">added: </span>Roe promises some tax cuts</ins>' in page
    assert '<del><span class="fc-sr">removed: </span>disagreed </del>' in page

    first_to_last = client.get(url, {"from": "1", "to": "3"}).content.decode()
    assert "Version 1 → version 3" in first_to_last
    assert '<del><span class="fc-sr">removed: </span>every family </del>' in first_to_last

    wrong = client.get(url, {"from": "9", "to": "x"}).content.decode()
    assert "There is no such version of this article" in wrong
    assert QuoteChange.objects.count() == 1
