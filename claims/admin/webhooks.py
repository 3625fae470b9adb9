"""Webhook endpoints, their deliveries and every attempt (docs/integrations.md, "Webhooks").

Endpoints are saved through the same service the API uses (the SSRF guard, known event types,
who may register). Deliveries are read-only with their attempt log; "Replay" sends the selected
ones again: filter the list by endpoint, status "Failed" and a date, select all, and every failed
delivery since that date goes out again.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from claims.selectors import access
from claims.services import webhooks as services
from claims.services.errors import DomainError


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2048, assume_scheme="https")
    event_types = forms.MultipleChoiceField(choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "event_types", "active")

    def clean(self) -> dict:
        cleaned = super().clean()
        # The service's own checks, so the admin refuses what the API refuses, in the same words.
        for field, check in (("url", services.clean_url), ("event_types", services.clean_event_types)):
            # a field left as it was is not checked again (the service doesn't either): an endpoint
            # whose host stopped resolving can still be switched off
            if field in cleaned and (self.instance.pk is None or field in self.changed_data):
                try:
                    cleaned[field] = check(cleaned[field])
                except DomainError as exc:
                    self.add_error(field, exc.message)
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "url", "events", "active", "disabled_reason", "owner")
    list_filter = ("active",)
    readonly_fields = (
        "secret_shown",
        "previous_secret_until",
        "failing_since",
        "disabled_reason",
        "owner",
        "created_at",
    )
    actions = ("rotate_secret",)

    # Registering needs the right to see unpublished claims too: the events carry them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and access.sees_unpublished_claims(request.user)

    def has_change_permission(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> bool:
        return super().has_change_permission(request, obj) and access.sees_unpublished_claims(request.user)

    @admin.display(description="events")
    def events(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.event_types)

    @admin.display(description="signing secret")
    def secret_shown(self, obj: WebhookEndpoint) -> str:
        return format_html("<code>{}</code>", obj.secret) if obj.pk else "Made when the endpoint is saved."

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in ("name", "url", "event_types", "active")}
        try:
            if change:
                services.update_endpoint(endpoint=WebhookEndpoint.objects.get(pk=obj.pk), user=request.user, **fields)
            else:
                obj.pk = services.create_endpoint(owner=request.user, **fields).pk
        except DomainError as exc:
            # Only the permission check can still refuse here; the form checked the fields.
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Rotate the signing secret (the old one signs too for 24 hours)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        rotated = 0
        for endpoint in queryset:
            try:
                services.rotate_secret(endpoint=endpoint, user=request.user)
                rotated += 1
            except DomainError as exc:  # e.g. a rotation still in progress: said, not a 500
                self.message_user(request, f"{endpoint.name}: {exc.message}", messages.ERROR)
        if rotated:
            self.message_user(request, f"{rotated} secret(s) rotated.", messages.SUCCESS)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("at", "status_code", "latency_ms", "response_excerpt", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
        "last_error",
    )
    list_filter = ("status", "event_type", "endpoint", "created_at")
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "endpoint",
        "event_id",
        "event_type",
        "subscription",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "created_at",
    )
    fields = readonly_fields
    inlines = (WebhookAttemptInline,)
    actions = ("replay",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay (send again with the same webhook-id)", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        try:
            queued = services.replay_deliveries(deliveries=queryset, user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        skipped = queryset.count() - queued
        self.message_user(
            request,
            f"{queued} delivery(ies) queued again."
            + (f" {skipped} skipped: their endpoint is disabled or they are being sent." if skipped else ""),
            messages.SUCCESS if queued else messages.WARNING,
        )
