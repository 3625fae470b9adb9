"""/api/v1/claims/{id}/…: corrections that reach everyone and one ruling, reused
(docs/monitoring.md, docs/api.md). Thin: the services in claims.services.corrections and
claims.services.rulings check and write; the selectors read.

- GET  correction-reach/  who and what a correction would reach (then POST transition/ to=corrected)
- GET  appearances/       every appearance of the claim's ruling, and how often it has been seen
- POST apply-ruling/      the claim takes its linked ruling's verdict and goes to review
- POST unlink-ruling/     not the same claim after all
- POST trim/              keep only the checkable words: {"check_start": n, "check_end": m} (offsets
                          into the article's text) or both null for the whole claim
"""
from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import serializers as s
from claims.api.pagination import KeysetPagination
from claims.api.permissions import ActionPermissions
from claims.models import Claim
from claims.selectors import api as selectors
from claims.selectors.corrections import Reach
from claims.selectors.rulings import appearances, checked_text, seen_count
from claims.services import corrections, rulings

ID_REGEX = r"[0-9]{1,18}"


class TrimSerializer(serializers.Serializer):
    check_start = serializers.IntegerField(min_value=0, allow_null=True)
    check_end = serializers.IntegerField(min_value=0, allow_null=True)


def _reach(reach: Reach, claim: Claim) -> dict[str, Any]:
    return {
        "claim": claim.pk,
        "version": corrections.claim_version(claim),
        "summary": reach.summary,
        "recipients": [{"user": r.user_id, "username": r.username, "email": r.email, "reasons": r.reasons}
                       for r in reach.recipients],
        "webhooks": [{"name": w.name, "url": w.url} for w in reach.webhooks],
        "feeds": [{"name": f.name, "url": f.url} for f in reach.feeds],
        "reusing": [{"id": c.pk, "status": c.status, "rating": c.rating.label if c.rating else None}
                    for c in reach.reusing],
    }


class ClaimRulingViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermissions]
    pagination_class = KeysetPagination
    lookup_value_regex = ID_REGEX
    action_perms = {
        "correction_reach": ("claims.correct_claim",),
        "apply_ruling": ("claims.research_claim",),
        "unlink_ruling": ("claims.publish_claim",),
        "trim": ("claims.research_claim",),
    }

    def _claim(self) -> Claim:
        claim = (selectors.claim_queryset(user=self.request.user).defer(None).select_related("same_as")
                 .filter(pk=self.kwargs["pk"]).first())
        if claim is None:
            raise Http404("No claim with this id is visible to you.")
        return claim

    def _claim_body(self, claim: Claim) -> dict[str, Any]:
        claim = self._claim()
        context = {"request": self.request, "internal": selectors.sees_all_claims(self.request.user)}
        return {"claim": s.ClaimSerializer(claim, context=context).data, "checked_text": checked_text(claim),
                "check_start": claim.check_start, "check_end": claim.check_end}

    @extend_schema(summary="Who and what a correction of this fact check would reach", tags=["workflow"],
                   responses={200: inline_serializer("CorrectionReach", {"summary": serializers.CharField()}),
                              409: OpenApiResponse(description="Not a published fact check: nothing to correct.")})
    @action(detail=True, methods=["get"], url_path="correction-reach", filter_backends=[], pagination_class=None)
    def correction_reach(self, request: Request, pk: str) -> Response:
        claim = self._claim()
        return Response(_reach(corrections.preview_correction(claim=claim, user=request.user), claim))

    @extend_schema(summary="Every appearance of the claim's ruling (outlet, date, speaker) and how often it was seen",
                   tags=["claims"],
                   responses={200: inline_serializer("Appearances", {"seen": serializers.CharField()})})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def appearances(self, request: Request, pk: str) -> Response:
        claim = self._claim()
        seen = seen_count(claim=claim)
        visible = set(selectors.claim_queryset(user=request.user).filter(
            pk__in=[a.claim_id for a in appearances(claim=claim)]).values_list("pk", flat=True))
        rows = [{"claim": a.claim_id, "speaker": a.speaker, "outlet": a.outlet,
                 "date": a.day.isoformat() if a.day else None, "url": a.url, "headline": a.headline,
                 "linked_by": a.method or None, "similarity": a.score}
                for a in appearances(claim=claim) if a.claim_id in visible]
        return Response({"ruling": claim.same_as_id or claim.pk, "seen": str(seen), "appearances": seen.total,
                         "speakers": seen.speakers, "outlets": seen.outlets, "this_week": seen.recent,
                         "speakers_this_week": seen.recent_speakers, "results": rows})

    @extend_schema(summary="Apply the linked ruling: the claim goes to review with its rating and conclusion",
                   tags=["workflow"], request=None, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"], url_path="apply-ruling", filter_backends=[], pagination_class=None)
    def apply_ruling(self, request: Request, pk: str) -> Response:
        claim = rulings.apply_ruling(claim=self._claim(), user=request.user)
        return Response(self._claim_body(claim))

    @extend_schema(summary="Not the same claim: remove the link to another claim's ruling", tags=["workflow"],
                   request=None, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"], url_path="unlink-ruling", filter_backends=[], pagination_class=None)
    def unlink_ruling(self, request: Request, pk: str) -> Response:
        claim = rulings.unlink_from_ruling(claim=self._claim(), user=request.user)
        return Response(self._claim_body(claim))

    @extend_schema(summary="Trim the claim to its checkable words (offsets into the article's text)",
                   tags=["workflow"], request=TrimSerializer, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def trim(self, request: Request, pk: str) -> Response:
        serializer = TrimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = rulings.trim_claim(claim=self._claim(), user=request.user, start=data["check_start"],
                                   end=data["check_end"])
        return Response(self._claim_body(claim))
