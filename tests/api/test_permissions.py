"""The permission matrix: every endpoint and method, for each kind of caller.

Roles: anonymous; `nobody` (signed in, no group: published fact checks only); Reader; Researcher
(is_staff, as the shared fixture makes them); Editor; and `other`, a second group-less user who
owns nothing here."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Subscription

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "nobody", "reader", "researcher", "editor")
EVIDENCE = {"url": "https://stats.example/table-1", "title": "Table 1", "stance": "contradicts"}

# (name, method, path template, body, expected status per role in ROLES order)
MATRIX = [
    ("list claims", "get", "/api/v1/claims/", None, (401, 200, 200, 200, 200)),
    ("read a new claim", "get", "/api/v1/claims/{new}/", None, (401, 404, 200, 200, 200)),
    ("read a published claim", "get", "/api/v1/claims/{published}/", None, (401, 200, 200, 200, 200)),
    ("patch a claim's status", "patch", "/api/v1/claims/{new}/", {"status": "published"}, (401, 405, 405, 405, 405)),
    ("delete a claim", "delete", "/api/v1/claims/{new}/", None, (401, 405, 405, 405, 405)),
    ("see available transitions", "get", "/api/v1/claims/{new}/transition/", None, (401, 403, 403, 200, 200)),
    ("triage a new claim", "post", "/api/v1/claims/{new}/transition/", {"to": "triaged"}, (401, 403, 403, 200, 200)),
    ("list evidence", "get", "/api/v1/claims/{new}/evidence/", None, (401, 403, 200, 200, 200)),
    ("add evidence", "post", "/api/v1/claims/{new}/evidence/", EVIDENCE, (401, 403, 403, 201, 201)),
    ("list internal notes", "get", "/api/v1/claims/{new}/notes/", None, (401, 403, 403, 200, 200)),
    ("add an internal note", "post", "/api/v1/claims/{new}/notes/", {"body": "Call the ministry."},
     (401, 403, 403, 201, 201)),
    ("ClaimReview of a new claim", "get", "/api/v1/claims/{new}/claimreview/", None, (404, 404, 404, 404, 404)),
    ("ClaimReview of a published claim", "get", "/api/v1/claims/{published}/claimreview/", None,
     (200, 200, 200, 200, 200)),
    ("ClaimReview feed", "get", "/api/v1/claimreviews/", None, (200, 200, 200, 200, 200)),
    ("list articles", "get", "/api/v1/articles/", None, (401, 200, 200, 200, 200)),
    ("read an article without published checks", "get", "/api/v1/articles/{private_article}/", None,
     (401, 404, 200, 200, 200)),
    ("read the article behind a published check", "get", "/api/v1/articles/{article}/", None,
     (401, 200, 200, 200, 200)),
    ("submit an article", "post", "/api/v1/articles/", {"text": "Jane said: \"We won.\""},
     (401, 403, 403, 202, 202)),
    ("list speakers", "get", "/api/v1/speakers/", None, (401, 200, 200, 200, 200)),
    ("list outlets", "get", "/api/v1/outlets/", None, (401, 200, 200, 200, 200)),
    ("list ratings", "get", "/api/v1/ratings/", None, (401, 200, 200, 200, 200)),
    ("list feeds", "get", "/api/v1/feeds/", None, (401, 403, 403, 403, 200)),
    ("list own subscriptions", "get", "/api/v1/subscriptions/", None, (401, 200, 200, 200, 200)),
    ("read another user's subscription", "get", "/api/v1/subscriptions/{foreign_subscription}/", None,
     (401, 404, 404, 404, 404)),
    ("change another user's subscription", "patch", "/api/v1/subscriptions/{foreign_subscription}/",
     {"name": "mine now"}, (401, 404, 404, 404, 404)),
    ("delete another user's subscription", "delete", "/api/v1/subscriptions/{foreign_subscription}/", None,
     (401, 404, 404, 404, 404)),
    ("subscribe", "post", "/api/v1/subscriptions/", {"name": "Budget", "keywords": ["budget"]},
     (401, 403, 201, 201, 201)),
]
CASES = [
    pytest.param(method, path, body, role, expected, id=f"{name} as {role} -> {expected}")
    for name, method, path, body, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture
def users(nobody, reader, researcher, editor) -> dict[str, User | None]:
    return {"anonymous": None, "nobody": nobody, "reader": reader, "researcher": researcher, "editor": editor}


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_each_role_gets_the_expected_answer(
    method, path, body, role, expected, users, client_for, new_claim, published_claim, article, other
):
    foreign = Subscription.objects.create(owner=other, name="Other's alerts")
    private = Article.objects.create(url="https://dailyplanet.example/draft", title="Unchecked")
    url = path.format(new=new_claim.pk, published=published_claim.pk, article=article.pk,
                      private_article=private.pk, foreign_subscription=foreign.pk)
    client = client_for(users[role])
    response = getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["error"]["status"] == expected


def test_a_user_never_sees_another_users_subscriptions_in_the_list(client_for, nobody, other):
    Subscription.objects.create(owner=other, name="Other's alerts")
    mine = Subscription.objects.create(owner=nobody, name="Mine")
    response = client_for(nobody).get("/api/v1/subscriptions/")
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_a_user_without_a_group_lists_only_published_claims(client_for, nobody, new_claim, published_claim):
    response = client_for(nobody).get("/api/v1/claims/")
    assert [row["id"] for row in response.json()["results"]] == [published_claim.pk]


def test_workflow_fields_are_hidden_from_users_who_see_published_checks_only(
    client_for, nobody, reader, published_claim
):
    outside = client_for(nobody).get(f"/api/v1/claims/{published_claim.pk}/").json()
    inside = client_for(reader).get(f"/api/v1/claims/{published_claim.pk}/").json()
    assert "assignee" not in outside and "proposed_rating" not in outside
    assert "assignee" in inside and "proposed_rating" in inside


def test_a_user_without_a_group_sees_only_speakers_with_published_claims(
    client_for, nobody, new_claim, published_claim
):
    from claims.models import Speaker

    hidden = Speaker.objects.create(name="Unpublished Person", normalized_name="unpublished person")
    new_claim.speaker = hidden
    new_claim.save()
    names = [row["name"] for row in client_for(nobody).get("/api/v1/speakers/").json()["results"]]
    assert names == ["Jane Minister"]


def test_the_transition_endpoint_passes_the_services_refusal_through(client_for, researcher, new_claim):
    # Researchers may triage but not publish: the workflow service says so, the API answers 409/403.
    response = client_for(researcher).post(
        f"/api/v1/claims/{new_claim.pk}/transition/", {"to": "published"}, format="json"
    )
    assert response.status_code in (403, 409)
    assert response.json()["error"]["message"]
    new_claim.refresh_from_db()
    assert new_claim.status == "new"
