"""/api/v1/webhooks/: staff register endpoints, rotate secrets, read deliveries and replay them.
Thin: the webhooks service validates (SSRF guard, event types, who may register) and writes."""
from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.pagination import KeysetPagination
from claims.api.permissions import ActionPermissions
from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks as services

VIEW = ("claims.view_webhookendpoint",)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
                                        allow_empty=False)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "event_types", "active", "secret", "previous_secret_until", "failing_since",
                  "disabled_reason", "created_at"]
        read_only_fields = ["id", "secret", "previous_secret_until", "failing_since", "disabled_reason", "created_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "status", "attempts", "next_attempt_at", "delivered_at",
                  "last_error", "created_at", "payload"]
        read_only_fields = fields


class ReplaySerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Replay every failed delivery created at or after this moment.")


class ReplayResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints (staff)", tags=["webhooks"]),
    retrieve=extend_schema(summary="A webhook endpoint", tags=["webhooks"]),
    create=extend_schema(summary="Register a webhook endpoint", tags=["webhooks"]),
    update=extend_schema(summary="Replace a webhook endpoint", tags=["webhooks"]),
    partial_update=extend_schema(
        summary="Change a webhook endpoint (active: true turns it back on)", tags=["webhooks"]
    ),
    destroy=extend_schema(summary="Delete a webhook endpoint", tags=["webhooks"]),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [ActionPermissions]
    lookup_value_regex = r"[0-9]{1,18}"
    pagination_class = type("WebhookPagination", (KeysetPagination,), {"default_ordering": "created_at"})
    action_perms = {
        "list": VIEW,
        "retrieve": VIEW,
        "deliveries": VIEW,
        "create": ("claims.add_webhookendpoint",),
        "update": ("claims.change_webhookendpoint",),
        "partial_update": ("claims.change_webhookendpoint",),
        "rotate_secret": ("claims.change_webhookendpoint",),
        "replay": ("claims.change_webhookdelivery",),
        "destroy": ("claims.delete_webhookendpoint",),
    }

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return WebhookEndpoint.objects.all()

    def perform_create(self, serializer: WebhookEndpointSerializer) -> None:
        serializer.instance = services.create_endpoint(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: WebhookEndpointSerializer) -> None:
        serializer.instance = services.update_endpoint(
            endpoint=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary="A new signing secret; the old one signs too for 24 hours",
        tags=["webhooks"],
        request=None,
        responses={200: WebhookEndpointSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret", pagination_class=None)
    def rotate_secret(self, request: Request, pk: str) -> Response:
        endpoint = services.rotate_secret(endpoint=self.get_object(), user=request.user)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="The endpoint's deliveries, newest first",
        tags=["webhooks"],
        responses={200: WebhookDeliverySerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        self.pagination_class = type("DeliveryPagination", (KeysetPagination,), {"default_ordering": "-created_at"})
        page = self.paginate_queryset(WebhookDelivery.objects.filter(endpoint=endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Replay every failed delivery since a moment",
        tags=["webhooks"],
        request=ReplaySerializer,
        responses={202: ReplayResultSerializer},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def replay(self, request: Request, pk: str) -> Response:
        serializer = ReplaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        queued = services.replay_failed_since(
            endpoint=self.get_object(), since=serializer.validated_data["since"], user=request.user
        )
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
