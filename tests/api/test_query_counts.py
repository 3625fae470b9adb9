"""Every list endpoint costs the same number of queries for 10 rows as for 1,000."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Article, Claim, Feed, Outlet, Rating, RatingScale, Speaker, Subscription

pytestmark = pytest.mark.django_db


def _claims(n: int, *, start: int, published: bool = False) -> None:
    """n claims, each with its own speaker, article and outlet, so an N+1 would show."""
    outlets = Outlet.objects.bulk_create(Outlet(name=f"o{start + i}") for i in range(n))
    articles = Article.objects.bulk_create(
        Article(url=f"https://n.example/{start + i}", outlet=outlet) for i, outlet in enumerate(outlets)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(name=f"s{start + i}", normalized_name=f"s{start + i}") for i in range(n)
    )
    rating = Rating.objects.get(slug="false")
    extra = {"status": "published", "rating": rating, "published_at": timezone.now()} if published else {}
    Claim.objects.bulk_create(
        Claim(article=a, speaker=s, kind="direct", content=f"c{i}", content_start=0, content_end=5,
              fingerprint=f"f{start + i}", checkworthiness=0.5, **extra)
        for i, (a, s) in enumerate(zip(articles, speakers, strict=True))
    )


def _subscriptions(user: User) -> Callable[[int, int], None]:
    def make(n: int, start: int) -> None:
        speakers = Speaker.objects.bulk_create(
            Speaker(name=f"sub{start + i}", normalized_name=f"sub{start + i}") for i in range(n)
        )
        subs = Subscription.objects.bulk_create(
            Subscription(owner=user, name=f"alert {start + i}") for i in range(n)
        )
        Through = Subscription.speakers.through
        Through.objects.bulk_create(
            Through(subscription=sub, speaker=sp) for sub, sp in zip(subs, speakers, strict=True)
        )

    return make


def _ratings(n: int, start: int) -> None:
    scale = RatingScale.objects.create(name=f"scale {start}", slug=f"scale-{start}")
    Rating.objects.bulk_create(Rating(scale=scale, label=f"r{start + i}", slug=f"r{i}", value=i) for i in range(n))


ENDPOINTS = {
    "claims": ("/api/v1/claims/?", lambda n, start: _claims(n, start=start)),
    "claims-full": ("/api/v1/claims/?view=full&", lambda n, start: _claims(n, start=start)),
    "claimreviews": ("/api/v1/claimreviews/?", lambda n, start: _claims(n, start=start, published=True)),
    "speakers": ("/api/v1/speakers/?", lambda n, start: _claims(n, start=start, published=True)),
    "articles": ("/api/v1/articles/?", lambda n, start: _claims(n, start=start)),
    "outlets": ("/api/v1/outlets/?", lambda n, start: _claims(n, start=start)),
    "feeds": ("/api/v1/feeds/?", lambda n, start: Feed.objects.bulk_create(
        Feed(url=f"https://f.example/{start + i}.xml", outlet=Outlet.objects.create(name=f"fo{start + i}"))
        for i in range(n))),
    "ratings": ("/api/v1/ratings/?", _ratings),
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", [*ENDPOINTS, "subscriptions"])
def test_list_queries_do_not_grow_with_rows(name, client_for, editor):
    client = client_for(editor)
    if name == "subscriptions":
        url, make = "/api/v1/subscriptions/?", _subscriptions(editor)
    else:
        url, make = ENDPOINTS[name]
    client.get(url)  # first use records the token's last_used_at; measure steady state after it
    make(10, 0)
    small = _count(client, url + "page_size=200")
    make(990, 10)
    large = _count(client, url + "page_size=200")
    assert small == large, f"{name}: {small} queries for 10 rows, {large} for 1,000"


def test_evidence_and_notes_lists_do_not_grow_with_rows(client_for, editor, new_claim):
    from claims.models import Evidence, Note

    client = client_for(editor)
    for path in ("evidence", "notes"):
        client.get(f"/api/v1/claims/{new_claim.pk}/{path}/")
    Evidence.objects.bulk_create(Evidence(claim=new_claim, url=f"https://e.example/{i}", added_by=editor)
                                 for i in range(10))
    Note.objects.bulk_create(Note(claim=new_claim, body=f"n{i}", author=editor) for i in range(10))
    small = [_count(client, f"/api/v1/claims/{new_claim.pk}/{path}/") for path in ("evidence", "notes")]
    Evidence.objects.bulk_create(Evidence(claim=new_claim, url=f"https://e.example/{i}", added_by=editor)
                                 for i in range(10, 1000))
    Note.objects.bulk_create(Note(claim=new_claim, body=f"n{i}", author=editor) for i in range(10, 1000))
    large = [_count(client, f"/api/v1/claims/{new_claim.pk}/{path}/") for path in ("evidence", "notes")]
    assert small == large
