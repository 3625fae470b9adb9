from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Subscription(models.Model):
    class Cadence(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    name = models.CharField(max_length=200)
    speakers = models.ManyToManyField("claims.Speaker", blank=True, related_name="subscriptions")
    outlets = models.ManyToManyField("claims.Outlet", blank=True, related_name="subscriptions")
    # Words and phrases matched case-insensitively in the claim's content.
    keywords = models.JSONField(default=list, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    min_checkworthiness = models.FloatField(default=0.0)
    repeats_rated_claim = models.BooleanField(default=False, help_text="Only claims repeating one we already rated.")
    new_speaker = models.BooleanField(default=False, help_text="Only claims by a speaker seen for the first time.")
    # Stealth edits (docs/monitoring.md): a subscription with this set is told when the outlet changes
    # or removes the quote of a claim the newsroom works on (its other filters still apply), instead
    # of being told about new claims (claims.services.quote_change_alerts).
    quote_changed = models.BooleanField(
        default=False, verbose_name="quote changed in the source",
        help_text="Only claims whose quote the outlet changed or removed after we found it (tracked, "
                  "researched or published claims).",
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.IMMEDIATE)
    digest_hour = models.PositiveSmallIntegerField(default=8)
    digest_weekday = models.PositiveSmallIntegerField(default=0, help_text="0 = Monday, for weekly digests.")
    timezone = models.CharField(max_length=64, default="UTC")
    active = models.BooleanField(default=True, db_index=True)
    # Where the same matches also go, besides the e-mail: a team's chat channel or CMS, as
    # `subscription.matched` webhook events (claims.services.webhooks.queue_subscription_matches).
    webhook_endpoint = models.ForeignKey(
        "claims.WebhookEndpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions",
        help_text="Also post every match to this webhook endpoint (a team's chat channel, a CMS).",
    )
    # Why the tracker itself turned the subscription off (the owner lost access to claims); empty
    # when the owner paused it or it is active. Cleared when it is resumed.
    paused_reason = models.TextField(blank=True, default="")
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="subscription_name_unique_per_owner"),
            models.CheckConstraint(
                condition=Q(min_checkworthiness__gte=0) & Q(min_checkworthiness__lte=1),
                name="subscription_min_score_unit",
            ),
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="subscription_digest_hour_valid"),
            models.CheckConstraint(condition=Q(digest_weekday__lte=6), name="subscription_weekday_valid"),
            models.CheckConstraint(
                condition=Q(cadence__in=["immediate", "daily", "weekly"]), name="subscription_cadence_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AlertDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="alert_deliveries")
    # Copied from the claim so syndicated repeats are found with one indexed query.
    claim_fingerprint = models.CharField(max_length=64, db_index=True)
    reasons = models.JSONField(default=list, blank=True)
    # Set for a "quote changed in the source" alert: which change it tells about (one per change).
    quote_change = models.ForeignKey(
        "claims.QuoteChange", null=True, blank=True, on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    # Set by the compare-and-set that claims the row for sending: one sender per delivery.
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "alert deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "claim"], condition=Q(quote_change__isnull=True),
                name="alert_once_per_subscription_claim",
            ),
            models.UniqueConstraint(
                fields=["subscription", "quote_change"], condition=Q(quote_change__isnull=False),
                name="alert_once_per_subscription_quote_change",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]), name="alert_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["subscription", "claim_fingerprint"], name="alert_sub_fingerprint_idx")]

    def __str__(self) -> str:
        return f"{self.subscription} / claim {self.claim_id}"


class SubscriptionKeyword(models.Model):
    """One normalised keyword or phrase of a subscription, written only by the alert services.

    `Subscription.keywords` keeps what the person typed; this table holds the matching form
    (casefolded words joined by single spaces) so matching is an indexed equality join against
    the word n-grams of new claims instead of a scan of every subscription's JSON list.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="keyword_terms")
    keyword = models.CharField(max_length=200, help_text="As typed, for the 'why it matched' line.")
    normalized = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "normalized"], name="subscription_keyword_unique"),
            models.CheckConstraint(condition=~Q(normalized=""), name="subscription_keyword_not_empty"),
        ]

    def __str__(self) -> str:
        return self.keyword
