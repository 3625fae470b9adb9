"""The API reads stealth edits through the same selectors as the admin: an article's versions and
the diff between any two, a claim's quote changes; what you may not see is a 404."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Article, Claim
from claims.services.claims import claim_fingerprint
from claims.services.versions import record_first_version, record_version

pytestmark = pytest.mark.django_db

V1 = ('Finance Minister Jane Roe said on Monday: "We will cut taxes for every family next year." '
      "The opposition disagreed with the plan.")
WORDS = "We will cut taxes for every family next year."


@pytest.fixture
def edited(db) -> tuple[Article, Claim]:
    article = Article.objects.create(url="https://news.example/roe", title="Roe promises tax cuts", text=V1,
                                     status=Article.Status.DONE, processed_at=timezone.now())
    start = V1.index(WORDS)
    claim = Claim.objects.create(article=article, kind="direct", content=WORDS, content_start=start,
                                 content_end=start + len(WORDS), speaker_mention="Jane Roe",
                                 fingerprint=claim_fingerprint(WORDS), status=Claim.Status.RESEARCHING)
    record_first_version(article=article)
    now = timezone.now()
    v2 = V1.replace("every family", "some families")
    record_version(article=article, title="Roe promises tax cuts", text=v2, fetched_at=now + timedelta(hours=1))
    record_version(article=article, title="Roe promises some tax cuts", text=v2.replace("disagreed", "agreed"),
                   fetched_at=now + timedelta(hours=6))
    return article, claim


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_editor_reads_every_version_and_the_diff_between_any_two(editor, edited) -> None:
    article, _ = edited
    api = _client(editor)
    versions = api.get(f"/api/v1/articles/{article.pk}/versions/").json()
    assert [v["number"] for v in versions["results"]] == [1, 2, 3]
    assert versions["results"][2]["headline_change"] == {"old": "Roe promises tax cuts",
                                                         "new": "Roe promises some tax cuts"}
    assert len(versions["results"][1]["quotes_changed"]) == 1
    diff = api.get(f"/api/v1/articles/{article.pk}/diff/", {"from": 1, "to": 3}).json()
    assert {"op": "delete", "text": "every family "} in diff["pieces"]
    assert {"op": "insert", "text": "some families "} in diff["pieces"]
    assert diff["title_changed"] is True


def test_a_bad_or_missing_version_number_is_a_clear_error(editor, edited) -> None:
    article, _ = edited
    api = _client(editor)
    bad = api.get(f"/api/v1/articles/{article.pk}/diff/", {"from": "one", "to": 3})
    assert bad.status_code == 400 and "version number" in bad.content.decode()
    missing = api.get(f"/api/v1/articles/{article.pk}/diff/", {"from": 1, "to": 9})
    assert missing.status_code == 404


def test_a_claims_quote_changes_read_as_the_claim_page_says_them(editor, edited) -> None:
    _, claim = edited
    body = _client(editor).get(f"/api/v1/claims/{claim.pk}/quote-changes/").json()
    [change] = body["results"]
    assert change["kind"] == "changed" and change["flagged"] is True
    assert change["flag"].startswith("The outlet changed this quote on ")
    assert (change["from_version"], change["to_version"]) == (1, 2)
    assert {"op": "insert", "text": "some families "} in change["diff"]


def test_someone_who_may_not_see_the_article_or_claim_gets_a_404(edited) -> None:
    article, claim = edited
    nobody = User.objects.create_user("nobody", password="pw-nobody")  # in no group: published checks only
    api = _client(nobody)
    assert api.get(f"/api/v1/articles/{article.pk}/versions/").status_code == 404
    assert api.get(f"/api/v1/claims/{claim.pk}/quote-changes/").status_code == 404
