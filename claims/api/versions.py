"""/api/v1/…: article versions and stealth edits (docs/monitoring.md, docs/api.md). Read-only and
thin: the selectors in claims.selectors.versions read; the article and claim are found through the
API's own visibility rules (claims.selectors.api), so an article or claim you may not see is a 404.

- GET articles/{id}/versions/          every version: fetch time, last check, fingerprint, headline,
                                       what changed, correction note; and the refetch schedule
- GET articles/{id}/diff/?from=1&to=3  the word diff between any two versions
- GET claims/{id}/quote-changes/       the claim's quote as the outlet changed or removed it
"""
from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims.models import Article, ArticleRefetch, Claim
from claims.selectors import api as selectors
from claims.selectors.versions import article_versions, flag_text, quote_changes_for_claim, version_diff

ID_REGEX = r"[0-9]{1,18}"


def _article(request: Request, pk: str) -> Article:
    article = selectors.article_queryset(user=request.user).filter(pk=pk).first()
    if article is None:
        raise Http404("No article with this id is visible to you.")
    return article


def _number(request: Request, name: str) -> int:
    value = request.query_params.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) < 9):
        raise ValidationError({name: [f"Give `{name}` as a version number (1 is the text as first fetched)."]})
    return int(value)


class ArticleVersionViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX

    @extend_schema(summary="Every version of the article as fetched again, and its refetch schedule", tags=["articles"],
                   responses={200: inline_serializer("ArticleVersions", {"article": serializers.IntegerField()})})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        article = _article(request, pk)
        schedule = ArticleRefetch.objects.filter(pk=article.pk).first()
        return Response({
            "article": article.pk,
            "schedule": None if schedule is None else {
                "next_check_at": schedule.next_at, "last_checked_at": schedule.last_checked_at,
                "last_changed_at": schedule.last_changed_at, "checks": schedule.checks,
                "last_error": schedule.last_error or None,
            },
            "results": [{
                "number": v.number, "fetched_at": v.fetched_at, "last_checked_at": v.last_checked_at,
                "fingerprint": v.fingerprint, "title": v.title, "correction_note": v.correction_note or None,
                "headline_change": (v.changes or {}).get("headline"),
                "quotes_changed": (v.changes or {}).get("changed", []),
                "quotes_removed": (v.changes or {}).get("removed", []),
                "new_claims": (v.changes or {}).get("new_claims", []),
            } for v in article_versions(article=article)],
        })

    @extend_schema(summary="The word diff between two versions of the article", tags=["articles"],
                   parameters=[OpenApiParameter("from", OpenApiTypes.INT, required=True),
                               OpenApiParameter("to", OpenApiTypes.INT, required=True)],
                   responses={200: inline_serializer("ArticleDiff", {"from": serializers.IntegerField()}),
                              400: OpenApiResponse(description="`from` or `to` is not a version number."),
                              404: OpenApiResponse(description="No such article or version.")})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request: Request, pk: str) -> Response:
        article = _article(request, pk)
        old, new = _number(request, "from"), _number(request, "to")
        diff = version_diff(article=article, old_number=old, new_number=new)
        if diff is None:
            raise Http404(f"This article has no version {old} or {new}.")
        return Response({"from": old, "to": new, "title_changed": diff.title_changed,
                         "titles": {"from": diff.old.title, "to": diff.new.title},
                         "pieces": [{"op": op, "text": text} for op, text in diff.pieces]})


def _change(change: Any) -> dict[str, Any]:
    return {"kind": change.kind, "flag": flag_text(change), "detected_at": change.detected_at,
            "from_version": change.from_version.number, "to_version": change.to_version.number,
            "old_words": change.old_words, "new_words": change.new_words or None,
            "correction_note": change.correction_note or None, "flagged": change.flagged,
            "diff": [{"op": op, "text": text} for op, text in change.diff]}


class ClaimQuoteChangeViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX

    @extend_schema(summary="How the outlet changed or removed the claim's quote after we found it", tags=["claims"],
                   responses={200: inline_serializer("QuoteChanges", {"claim": serializers.IntegerField()})})
    @action(detail=True, methods=["get"], url_path="quote-changes", filter_backends=[], pagination_class=None)
    def quote_changes(self, request: Request, pk: str) -> Response:
        claim: Claim | None = selectors.claim_queryset(user=request.user).filter(pk=pk).first()
        if claim is None:
            raise Http404("No claim with this id is visible to you.")
        return Response({"claim": claim.pk, "results": [_change(c) for c in quote_changes_for_claim(claim=claim)]})
