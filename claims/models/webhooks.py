"""Webhooks (Standard Webhooks 1.0): endpoints staff register, one delivery per event and endpoint,
and every attempt made to deliver it (docs/integrations.md)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class WebhookEndpoint(models.Model):
    class Event(models.TextChoices):
        CLAIM_DETECTED = "claim.detected", "A claim was detected"
        CLAIM_STATUS_CHANGED = "claim.status_changed", "A claim moved in the workflow"
        CLAIM_PUBLISHED = "claim.published", "A fact check was published"
        CLAIM_CORRECTED = "claim.corrected", "A fact check was corrected"
        ARTICLE_PROCESSED = "article.processed", "An article was processed"
        ARTICLE_FAILED = "article.failed", "An article failed"

    # Not a type an endpoint asks for: it is sent to the endpoint a subscription routes to
    # (Subscription.webhook_endpoint), with the claim that matched its filters and why.
    SUBSCRIPTION_MATCHED = "subscription.matched"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2048)
    event_types = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    # Standard Webhooks' `whsec_` + base64 secret; during a rotation the previous one signs too,
    # until previous_secret_until, so receivers can switch without losing a message.
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, default="", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The start of the current run of failed attempts (cleared by a 2xx); a run longer than
    # FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS disables the endpoint and tells its owner.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The `webhook-id` header: one per event, the same for every endpoint and every retry, so a
    # receiver can drop a repeat.
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # Set by the compare-and-set that claims the row for sending: one sender per delivery.
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When a person last replayed it: its retry window counts from here (else from created_at).
    replayed_at = models.DateTimeField(null=True, blank=True)
    # A `subscription.matched` delivery: the subscription whose filters matched, asked again at
    # sending (its owner must still be allowed to see the claim). Empty for every other event.
    subscription = models.ForeignKey("claims.Subscription", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="webhook_deliveries")

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once_per_endpoint"),
            models.CheckConstraint(condition=Q(status__in=["pending", "sending", "delivered", "failed"]),
                                   name="webhook_delivery_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint.name}"


class WebhookAttempt(models.Model):
    """One POST: what came back (or why nothing did), and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
