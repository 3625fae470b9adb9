"""The reads behind the REST API, with object-level visibility applied in one place.

Every queryset here is already filtered for the user asking, so a view can never forget to: a
user without `claims.view_claim` sees published fact checks only, subscriptions are only ever
one's own, and so on. Querysets select what their serializers touch, so a page costs the same
number of queries whatever its length.
"""
from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Count, F, Func, Q, QuerySet

from claims.models import Article, Claim, Evidence, Feed, Note, Outlet, Rating, Speaker, Subscription
from claims.selectors import access

PUBLIC_STATUSES = access.PUBLIC_STATUSES
AnyUser = User | AnonymousUser


class EnglishContentVector(Func):
    """`to_tsvector('english', content)` exactly as migration 0003 indexes it.

    Django's SearchVector wraps the column in COALESCE, which no longer matches the GIN
    expression index, so PostgreSQL would scan every row instead.
    """

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def sees_all_claims(user: AnyUser) -> bool:
    # The one rule (claims.selectors.access), also asked before an alert is sent.
    return access.sees_unpublished_claims(user)


# A claim row carries its article's title and URL, never the article's full text (megabytes).
CLAIM_DEFERRED = ("article__text",)


def claim_queryset(*, user: AnyUser) -> QuerySet[Claim]:
    qs = Claim.objects.select_related("speaker", "article__outlet", "rating__scale").defer(*CLAIM_DEFERRED)
    if not sees_all_claims(user):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return qs


def search_claims(queryset: QuerySet[Claim], *, q: str) -> QuerySet[Claim]:
    q = q.strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config="english")
        return queryset.annotate(_fts=EnglishContentVector(F("content"))).filter(_fts=query)
    # Elsewhere (SQLite in development): every word must appear, quotes and operators ignored.
    words = [w for w in re.split(r"[\s\"']+", q) if w and w.lower() != "or" and not w.startswith("-")]
    for word in words:
        queryset = queryset.filter(content__icontains=word)
    return queryset


# Speakers and articles matched by a search term; a term in more names or titles than this is too
# common to narrow the list by them (the claim's own words still match).
SEARCH_RELATED_LIMIT = 500


def search_claims_everywhere(queryset: QuerySet[Claim], *, q: str) -> QuerySet[Claim]:
    """The admin's search box: claims whose words match `q` exactly as the API's `q` does
    (`search_claims`), or whose speaker's name or article's title contains it. On PostgreSQL every
    part is an index look-up (the full-text GIN index; trigram indexes on speakers' names and
    articles' titles, migration 0017), combined by a BitmapOr: never a scan of the claims."""
    q = q.strip()
    if not q:
        return queryset
    limit = SEARCH_RELATED_LIMIT
    speakers = list(Speaker.objects.filter(name__icontains=q).order_by().values_list("pk", flat=True)[:limit])
    articles = list(Article.objects.filter(title__icontains=q).order_by().values_list("pk", flat=True)[:limit])
    related = Q(pk__in=[])
    if speakers:
        related |= Q(speaker_id__in=speakers)
    if articles:
        related |= Q(article_id__in=articles)
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config="english")
        return queryset.annotate(_fts=EnglishContentVector(F("content"))).filter(Q(_fts=query) | related)
    words = Q()
    for word in (w for w in re.split(r"[\s\"']+", q) if w and w.lower() != "or" and not w.startswith("-")):
        words &= Q(content__icontains=word)
    return queryset.filter(words | related)


def published_claim_queryset() -> QuerySet[Claim]:
    return (
        Claim.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("speaker", "article__outlet", "rating__scale")
        .defer(*CLAIM_DEFERRED)
    )


def article_queryset(*, user: AnyUser) -> QuerySet[Article]:
    qs = Article.objects.select_related("outlet")
    if user.has_perm("claims.view_article"):
        return qs
    # Without the newsroom's view right: what you submitted, and articles behind published checks.
    visible = access.published_claims_exist(article="pk")
    if user.is_authenticated:
        visible = Q(submitted_by=user) | visible
    return qs.filter(visible)


def speaker_queryset(*, user: AnyUser, ratings: list[Rating]) -> QuerySet[Speaker]:
    """Speakers, each annotated with its visible claim count and published claims per rating,
    all in the one query the page already makes."""
    visible = Q() if sees_all_claims(user) else Q(claims__status__in=PUBLIC_STATUSES)
    annotations = {"claim_count": Count("claims", filter=visible)}
    for rating in ratings:
        annotations[f"rating_{rating.pk}"] = Count(
            "claims", filter=Q(claims__rating_id=rating.pk, claims__status__in=PUBLIC_STATUSES)
        )
    return access.visible_speakers(user=user).annotate(**annotations)


def outlet_queryset(*, user: AnyUser) -> QuerySet[Outlet]:
    return access.visible_outlets(user=user)


def feed_queryset() -> QuerySet[Feed]:
    return Feed.objects.select_related("outlet")


def rating_queryset() -> QuerySet[Rating]:
    return Rating.objects.select_related("scale")


def ratings_for_counts() -> list[Rating]:
    # Retired labels included: published fact checks keep the label they were published with.
    return list(Rating.objects.order_by("scale_id", "order", "id"))


def evidence_queryset(*, claim: Claim) -> QuerySet[Evidence]:
    return Evidence.objects.filter(claim=claim).select_related("added_by")


def note_queryset(*, claim: Claim) -> QuerySet[Note]:
    return Note.objects.filter(claim=claim).select_related("author")


def subscription_queryset(*, user: AnyUser) -> QuerySet[Subscription]:
    if not user.is_authenticated:
        return Subscription.objects.none()
    return Subscription.objects.filter(owner=user).prefetch_related("speakers", "outlets")
