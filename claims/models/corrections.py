"""Corrections that reach everyone (docs/monitoring.md): what a published fact check said before
and after a correction, and one e-mail per earlier recipient telling them."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Correction(models.Model):
    """One correction of a published fact check, written in the same transaction as its
    ClaimTransition (claims.services.corrections.record_correction), so the old verdict is kept
    exactly as readers and subscribers saw it."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="corrections")
    transition = models.OneToOneField("claims.ClaimTransition", on_delete=models.CASCADE, related_name="correction")
    old_rating = models.ForeignKey("claims.Rating", on_delete=models.PROTECT, related_name="+")
    new_rating = models.ForeignKey("claims.Rating", on_delete=models.PROTECT, related_name="+")
    old_conclusion = models.TextField(blank=True, default="")
    new_conclusion = models.TextField(blank=True, default="")
    # Why: the correction note readers see; required by the workflow.
    note = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="correction_has_reason")]

    def __str__(self) -> str:
        return f"Correction of claim {self.claim_id} ({self.created_at:%Y-%m-%d})"


class CorrectionNotice(models.Model):
    """The correction e-mail to one person who was told about the claim before (an alert on it or
    on another appearance of its ruling, or an earlier correction). Sent once: a unique row per
    correction and person, and a compare-and-set (pending -> sending) before sending."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Why this person gets it ("alert 'Economy' on 2 Dec 2026"), for the e-mail and the admin.
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The address it went to, as it was at sending (the account's address may change later).
    sent_to = models.CharField(max_length=254, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["correction", "recipient"], name="correction_notice_once_per_person"),
            models.CheckConstraint(condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                                   name="correction_notice_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.correction} → {self.recipient}"
