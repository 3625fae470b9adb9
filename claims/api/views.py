"""API views: thin. They parse with a serializer, read through claims.selectors.api (which applies
object-level visibility) and write through the same services the admin uses."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import ValidationError

from claims.api import serializers as s
from claims.api.filters import ArticleFilter, ClaimFilter, ClaimOrdering, FilterBackend
from claims.api.pagination import KeysetPagination
from claims.api.permissions import WORKFLOW_PERMS, ActionPermissions
from claims.api.renderers import EXPORT_RENDERERS
from claims.exports import FORMATS, streamed_download
from claims.models import Claim, FeedToken, Rating, Subscription
from claims.public.private_feeds import feed_url
from claims.selectors import api as selectors
from claims.selectors.exports import export_rows
from claims.services import alerts, private_feeds, workflow
from claims.services import evidence as evidence_services
from claims.services.idempotency import submit_article_idempotently
from claims.services.transcripts import submit_transcript

ID_REGEX = r"[0-9]{1,18}"  # anything else is a 404 before it reaches the database


class ApiViewSetMixin:
    permission_classes = [ActionPermissions]
    pagination_class = KeysetPagination
    lookup_value_regex = ID_REGEX
    action_perms: dict[str, tuple[str, ...]] = {}


# --- articles ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List articles", tags=["articles"]),
    retrieve=extend_schema(summary="An article and its processing status", tags=["articles"]),
)
class ArticleViewSet(ApiViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    action_perms = {"create": ("claims.add_article",)}
    filter_backends = [FilterBackend]
    filterset_class = ArticleFilter

    def get_queryset(self) -> QuerySet:
        return selectors.article_queryset(user=self.request.user)

    def get_serializer_class(self):
        return s.ArticleDetailSerializer if self.action == "retrieve" else s.ArticleSerializer

    @extend_schema(
        summary="Submit an article by URL or text, or a transcript (WebVTT, SRT, plain text)",
        tags=["articles"],
        request=s.ArticleCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                description="Retries with the same key (per user) return the first article.",
            )
        ],
        responses={
            202: OpenApiResponse(s.ArticleSerializer, description="Queued; poll `status_url`."),
            200: OpenApiResponse(s.ArticleSerializer, description="Already known: the existing article."),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = s.ArticleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: value for key, value in serializer.validated_data.items() if value is not None}
        key = request.headers.get("Idempotency-Key")
        if data.get("transcript"):
            submission = submit_article_idempotently(
                user=request.user, idempotency_key=key, submit=submit_transcript,
                data=data["transcript"], fmt=data.get("transcript_format") or None, title=data.get("title", ""),
                speaker=data.get("speaker", ""), interviewer=data.get("interviewer", ""),
                media_url=data.get("media_url", ""), published_at=data.get("published_at"),
            )
        else:
            for name in ("transcript", *s.ArticleCreateSerializer.TRANSCRIPT_ONLY):
                data.pop(name, None)
            submission = submit_article_idempotently(user=request.user, idempotency_key=key, **data)
        body = s.ArticleSerializer(submission.article, context=self.get_serializer_context()).data
        code = status.HTTP_202_ACCEPTED if submission.created else status.HTTP_200_OK
        return Response(body, status=code, headers={"Location": body["status_url"]})


# --- claims --------------------------------------------------------------------------------------


LIST_VIEWS = ("summary", "full")


def _list_view(request: Request) -> str:
    """`?view=summary` (the default) or `?view=full`; anything else is a 400 naming the parameter."""
    view = request.query_params.get("view") or "summary"
    if view not in LIST_VIEWS:
        raise ValidationError({"view": [f"Must be one of: {', '.join(LIST_VIEWS)}."]})
    return view


@extend_schema_view(
    list=extend_schema(
        summary="List claims (filter, search, order; cursor-paginated)",
        tags=["claims"],
        description=(
            "Each row is a summary of the claim (`view=summary`, the default). `view=full` makes each "
            "row the claim exactly as its detail reads (`Claim`), for clients that need the sentence, "
            "spans, cue, reasons, conclusion or the article's outlet in the list."
        ),
        parameters=[
            OpenApiParameter(
                "view", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=list(LIST_VIEWS),
                description="`summary` (default): the row below; `full`: every field of the claim's detail.",
            )
        ],
        responses={
            (200, "application/json"): s.ClaimSummarySerializer(many=True),
            # `?format=csv` / `?format=jsonl`: every matching claim, streamed, in the columns of
            # docs/integrations.md ("Exports"), not paginated.
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/jsonl"): OpenApiTypes.STR,
        },
    ),
    retrieve=extend_schema(summary="A claim", tags=["claims"]),
)
class ClaimViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ClaimSerializer
    filter_backends = [FilterBackend, ClaimOrdering]
    filterset_class = ClaimFilter
    ordering = ["-created_at"]
    action_perms = {
        "transition": WORKFLOW_PERMS,
        "evidence:get": ("claims.view_evidence",),
        "evidence:post": ("claims.add_evidence",),
        "notes:get": ("claims.view_note",),
        "notes:post": ("claims.add_note",),
    }

    def get_queryset(self) -> QuerySet[Claim]:
        return selectors.claim_queryset(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["internal"] = selectors.sees_all_claims(self.request.user)
        return context

    # --- downloads: `?format=csv` / `?format=jsonl` on the list (docs/integrations.md) ---

    def get_renderers(self) -> list[Any]:
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            # DRF answers an unknown `?format=` with a bare 404; say what is offered instead.
            offered = ", ".join(renderer.format for renderer in self.get_renderers())
            raise ValidationError(
                {"format": [f"Must be one of: {offered} (csv and jsonl on the claims list)."]}
            ) from None

    def handle_exception(self, exc: Exception) -> Response:
        # A bad filter in a download request still answers in the JSON error shape.
        if getattr(self.request, "accepted_renderer", None).__class__ in EXPORT_RENDERERS:
            self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fmt = request.accepted_renderer.format
        if fmt in FORMATS:
            # The whole filtered list, streamed: the same filters and ordering as the pages, the
            # same columns as the admin's download, no pagination.
            queryset = self.filter_queryset(self.get_queryset())
            return streamed_download(rows=export_rows(queryset=queryset, user=request.user), fmt=fmt)
        # The hot path: plain rows, rendered exactly like ClaimSummarySerializer or, for
        # `view=full`, ClaimSerializer (tests hold them equal).
        render = s.ClaimRowRenderer(context=self.get_serializer_context(), full=_list_view(request) == "full")
        queryset = self.filter_queryset(self.get_queryset()).values(*render.fields)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([render(row) for row in page])

    def _claim(self) -> Claim:
        # Actions find their claim through the visible queryset (no filters: those are for lists).
        claim = selectors.claim_queryset(user=self.request.user).filter(pk=self.kwargs["pk"]).first()
        if claim is None:
            from django.http import Http404

            raise Http404("No claim with this id is visible to you.")
        return claim

    @extend_schema(
        summary="Workflow: the moves you can make (GET) or make one (POST)",
        tags=["workflow"],
        methods=["GET"],
        responses={200: s.AvailableTransitionsSerializer},
    )
    @extend_schema(
        tags=["workflow"], methods=["POST"], request=s.TransitionSerializer,
        responses={200: s.TransitionResultSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transition(self, request: Request, pk: str) -> Response:
        claim = self._claim()
        if request.method == "GET":
            moves = workflow.available_transitions(claim=claim, user=request.user)
            return Response({"status": claim.status, "available_transitions": moves})
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = workflow.transition(
            claim=claim,
            to=data["to"],
            user=request.user,
            note=data["note"],
            assignee=_user_or_400(data["assignee"], field="assignee"),
            rating=_rating_or_400(data["rating"]),
            conclusion=data["conclusion"],
        )
        claim = self._claim()  # re-read with its related rows for the response
        body = {
            "claim": s.ClaimSerializer(claim, context=self.get_serializer_context()).data,
            "available_transitions": workflow.available_transitions(claim=claim, user=request.user),
        }
        return Response(body)

    @extend_schema(summary="Evidence gathered for a claim", tags=["workflow"], methods=["GET"],
                   responses={200: s.EvidenceSerializer(many=True)})
    @extend_schema(summary="Add evidence", tags=["workflow"], methods=["POST"],
                   request=s.EvidenceCreateSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def evidence(self, request: Request, pk: str) -> Response:
        claim = self._claim()
        if request.method == "GET":
            rows = selectors.evidence_queryset(claim=claim)
            return Response(s.EvidenceSerializer(rows, many=True).data)
        serializer = s.EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = evidence_services.add_evidence(claim=claim, user=request.user, **serializer.validated_data)
        return Response(s.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Internal notes (staff only)", tags=["workflow"], methods=["GET"],
                   responses={200: s.NoteSerializer(many=True)})
    @extend_schema(summary="Add an internal note", tags=["workflow"], methods=["POST"],
                   request=s.NoteCreateSerializer, responses={201: s.NoteSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def notes(self, request: Request, pk: str) -> Response:
        claim = self._claim()
        if request.method == "GET":
            return Response(s.NoteSerializer(selectors.note_queryset(claim=claim), many=True).data)
        serializer = s.NoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = evidence_services.add_note(claim=claim, user=request.user, body=serializer.validated_data["body"])
        return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The published fact check as schema.org ClaimReview (JSON-LD)",
        tags=["claimreview"],
        responses={200: OpenApiTypes.OBJECT},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
    )
    @action(detail=True, methods=["get"], permission_classes=[AllowAny], filter_backends=[],
            pagination_class=None)
    def claimreview(self, request: Request, pk: str) -> Response:
        claim = selectors.published_claim_queryset().filter(pk=pk).first()
        if claim is None:
            from django.http import Http404

            raise Http404("No published fact check with this id.")
        return Response(_claimreview(claim))


def _claimreview(claim: Claim) -> dict:
    from claims.public.claimreview import build_claimreview

    return build_claimreview(claim)


def _user_or_400(pk: int | None, *, field: str):
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({field: [f"No active user with id {pk}."]})
    return user


def _rating_or_400(pk: int | None) -> Rating | None:
    if pk is None:
        return None
    rating = Rating.objects.filter(pk=pk).first()
    if rating is None:
        raise ValidationError({"rating": [f"No rating with id {pk}."]})
    return rating


@extend_schema_view(
    list=extend_schema(
        summary="Feed of published fact checks as ClaimReview JSON-LD (newest first)",
        tags=["claimreview"],
        responses={200: OpenApiTypes.OBJECT},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
    )
)
class ClaimReviewViewSet(ApiViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    pagination_class = type("ClaimReviewPagination", (KeysetPagination,), {"default_ordering": "-published_at"})

    def get_queryset(self) -> QuerySet[Claim]:
        # published_at is always set on publishing; the guard keeps the keyset cursor total.
        return selectors.published_claim_queryset().filter(published_at__isnull=False)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_claimreview(claim) for claim in page])


# --- reference data ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Speakers with claim counts per rating", tags=["reference"]),
    retrieve=extend_schema(summary="A speaker", tags=["reference"]),
)
class SpeakerViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SpeakerSerializer
    pagination_class = type("SpeakerPagination", (KeysetPagination,), {"default_ordering": "name"})

    def get_queryset(self):
        if not hasattr(self, "_ratings"):
            self._ratings = selectors.ratings_for_counts()
        return selectors.speaker_queryset(user=self.request.user, ratings=self._ratings)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            self.get_queryset()
            context["ratings"] = self._ratings
        return context


@extend_schema_view(
    list=extend_schema(summary="Outlets", tags=["reference"]),
    retrieve=extend_schema(summary="An outlet", tags=["reference"]),
)
class OutletViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OutletSerializer
    pagination_class = type("OutletPagination", (KeysetPagination,), {"default_ordering": "name"})

    def get_queryset(self):
        return selectors.outlet_queryset(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Feeds (staff only)", tags=["reference"]),
    retrieve=extend_schema(summary="A feed (staff only)", tags=["reference"]),
)
class FeedViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.FeedSerializer
    # The same permission the admin's feed pages ask for (Editors and Admins hold it).
    action_perms = {"list": ("claims.view_feed",), "retrieve": ("claims.view_feed",)}
    pagination_class = type("FeedPagination", (KeysetPagination,), {"default_ordering": "created_at"})

    def get_queryset(self):
        return selectors.feed_queryset()


@extend_schema_view(
    list=extend_schema(summary="Ratings of every scale", tags=["reference"]),
    retrieve=extend_schema(summary="A rating", tags=["reference"]),
)
class RatingViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RatingSerializer
    pagination_class = None  # a handful of rows

    def get_queryset(self):
        return selectors.rating_queryset()


# --- subscriptions -------------------------------------------------------------------------------


FEED_ADDRESS = inline_serializer("FeedAddress", {
    "feed_url": drf_serializers.URLField(allow_null=True),
    "last_read_at": drf_serializers.DateTimeField(allow_null=True),
})


@extend_schema_view(
    list=extend_schema(summary="Your alert subscriptions", tags=["alerts"]),
    retrieve=extend_schema(summary="One of your subscriptions", tags=["alerts"]),
    create=extend_schema(summary="Subscribe to alerts", tags=["alerts"]),
    update=extend_schema(summary="Replace a subscription", tags=["alerts"]),
    partial_update=extend_schema(summary="Change a subscription", tags=["alerts"]),
    destroy=extend_schema(summary="Delete a subscription", tags=["alerts"]),
)
class SubscriptionViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    serializer_class = s.SubscriptionSerializer
    pagination_class = type("SubscriptionPagination", (KeysetPagination,), {"default_ordering": "created_at"})

    def get_queryset(self):
        # Only one's own: another user's subscription is a 404, not a 403 that confirms it exists.
        return selectors.subscription_queryset(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Asked before the body is read: someone who may not be alerted learns nothing from how
        # their speaker or outlet ids would have been judged. The service asks again when saving.
        alerts.check_may_subscribe(user=request.user)
        return super().create(request, *args, **kwargs)

    # The alerts services validate and write, exactly as for the alerts pages and the admin.
    def perform_create(self, serializer) -> None:
        serializer.instance = alerts.create_subscription(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = alerts.update_subscription(
            subscription=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Subscription) -> None:
        alerts.delete_subscription(subscription=instance, user=self.request.user)

    @extend_schema(
        request=None,
        responses={200: FEED_ADDRESS, 204: OpenApiResponse(description="The feed address was turned off.")},
        description="The subscription's private Atom feed address (docs/integrations.md, \"Private feeds\"): "
                    "GET shows it (`feed_url` null when there is none), POST makes a new one (the old one stops "
                    "working at once), DELETE turns it off. Only the subscription's owner may.",
    )
    @action(detail=True, methods=["get", "post", "delete"], url_path="feed", filter_backends=[],
            pagination_class=None)
    def feed(self, request: Request, pk: str | None = None) -> Response:
        subscription = self.get_object()
        if request.method == "POST":
            private_feeds.rotate_feed_token(user=request.user, subscription=subscription)
        elif request.method == "DELETE":
            private_feeds.revoke_feed_token(user=request.user, subscription=subscription)
            return Response(status=status.HTTP_204_NO_CONTENT)
        token = FeedToken.objects.filter(subscription=subscription).first()
        return Response({
            "feed_url": feed_url(token) if token else None,
            "last_read_at": token.last_read_at.isoformat() if token and token.last_read_at else None,
        })
