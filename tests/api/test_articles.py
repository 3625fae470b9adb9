"""Submitting articles: 202 for new, 200 for known, Idempotency-Key, and no mass assignment."""
from __future__ import annotations

import pytest

from claims.models import Article, IdempotencyKey

pytestmark = pytest.mark.django_db

URL = "https://news.example/2026/11/budget"
TEXT = 'The minister said: "The budget grew by 10 percent." Critics disagreed.'


def test_a_new_url_is_accepted_with_its_status_url(client_for, researcher):
    response = client_for(researcher).post("/api/v1/articles/", {"url": URL}, format="json")
    assert response.status_code == 202
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert article.url == URL and article.submitted_by == researcher and article.status == "queued"
    assert body["status_url"].endswith(f"/api/v1/articles/{article.pk}/")
    assert response.headers["Location"] == body["status_url"]


def test_the_same_url_twice_returns_the_existing_article(client_for, researcher, editor):
    first = client_for(researcher).post("/api/v1/articles/", {"url": URL}, format="json")
    again = client_for(editor).post("/api/v1/articles/", {"url": URL}, format="json")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1


def test_the_same_text_twice_returns_the_existing_article(client_for, researcher):
    client = client_for(researcher)
    first = client.post("/api/v1/articles/", {"text": TEXT, "title": "Budget"}, format="json")
    # Whitespace and case differences are the same text to the fingerprint.
    again = client.post("/api/v1/articles/", {"text": "  " + TEXT.upper(), "title": "Other"}, format="json")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1


def test_the_same_idempotency_key_returns_the_first_article(client_for, researcher):
    client = client_for(researcher)
    first = client.post("/api/v1/articles/", {"text": TEXT}, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    # A retry with the same key but a different body still answers the first article.
    again = client.post(
        "/api/v1/articles/", {"text": "Something else entirely."}, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
    )
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1
    assert IdempotencyKey.objects.get(user=researcher, key="retry-1").article_id == first.json()["id"]


def test_idempotency_keys_are_per_user(client_for, researcher, editor):
    first = client_for(researcher).post("/api/v1/articles/", {"text": TEXT}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    theirs = client_for(editor).post(
        "/api/v1/articles/", {"text": "A different article."}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert theirs.status_code == 202
    assert theirs.json()["id"] != first.json()["id"]


def test_an_overlong_idempotency_key_is_refused(client_for, researcher):
    response = client_for(researcher).post(
        "/api/v1/articles/", {"text": TEXT}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 201
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"status": "done"},
        {"fingerprint": "0" * 64},
        {"submitted_by": 1},
        {"source": "feed"},
        {"id": 999},
    ],
    ids=lambda extra: next(iter(extra)),
)
def test_read_only_fields_cannot_be_mass_assigned(client_for, researcher, extra):
    response = client_for(researcher).post("/api/v1/articles/", {"text": TEXT, **extra}, format="json")
    assert response.status_code == 400
    field = next(iter(extra))
    assert field in response.json()["error"]["fields"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"url": URL, "text": TEXT}, "non_field_errors"),
        ({"url": "ftp://news.example/x"}, "url"),
        ({"text": "   "}, "text"),
        ({"text": "nul\x00byte"}, "text"),
        ({"text": TEXT, "published_at": "yesterday"}, "published_at"),
    ],
    ids=["nothing", "both", "not-http", "blank-text", "nul-byte", "bad-date"],
)
def test_bad_submissions_answer_400_naming_the_field(client_for, researcher, body, field):
    response = client_for(researcher).post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"]
    assert field in error["fields"] or field == "non_field_errors"
    assert Article.objects.count() == 0


def test_the_submitter_can_poll_the_status_url(client_for, researcher):
    client = client_for(researcher)
    created = client.post("/api/v1/articles/", {"url": URL}, format="json").json()
    polled = client.get(created["status_url"])
    assert polled.status_code == 200
    assert polled.json()["status"] == "queued"


def test_submission_queues_processing_on_commit(
    client_for, researcher, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr("claims.services.articles.enqueue_processing", lambda *, article_id: queued.append(article_id))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(researcher).post("/api/v1/articles/", {"url": URL}, format="json")
    assert queued == [response.json()["id"]]
