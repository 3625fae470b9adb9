"""Bulk admin actions too large to run inside a request (claims.services.bulk): the job, its
progress, and the claims it was started on."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BulkJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    action = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    # The first refusals ("#12: a published claim cannot be triaged"), for the progress page.
    refusals = models.JSONField(default=list, blank=True)
    # Claims are taken in id order; the last one finished, so a redelivered task resumes after it.
    last_claim_id = models.BigIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bulk action"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="bulk_job_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.action} on {self.total} claims ({self.get_status_display().lower()})"


class BulkJobItem(models.Model):
    """One claim a job was started on, written with INSERT ... SELECT from the list's own query."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    claim_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "claim_id"], name="bulk_item_once")]

    def __str__(self) -> str:
        return f"job {self.job_id}: claim {self.claim_id}"
