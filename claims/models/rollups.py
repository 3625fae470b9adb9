"""Daily roll-ups of the claims table: what the dashboard, the home page's queue and /metrics read
instead of aggregating millions of claims per request (docs/scaling.md).

Written only by claims.services.rollups, in the same transaction as the change they count (new
claims in the pipeline, a workflow move, a speaker merge, a deletion); `manage.py rebuild_rollups`
recomputes them from the claims."""
from __future__ import annotations

from django.db import models


class ClaimDailyCount(models.Model):
    """Claims detected on `day` (local date of `created_at`) that are now in `status` with
    `rating_pk` (0: no rating) and of `kind`."""

    day = models.DateField()
    status = models.CharField(max_length=12)
    kind = models.CharField(max_length=10)
    # A plain integer, not a foreign key: 0 stands for "no rating", so the unique key has no NULL
    # (NULLs never conflict, and the increments are upserts on that key).
    rating_pk = models.BigIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "status", "kind", "rating_pk"], name="claim_daily_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.status}/{self.kind}/{self.rating_pk}: {self.n}"


class SpeakerDailyCount(models.Model):
    """Claims detected on `day` whose speaker is `speaker_pk`."""

    day = models.DateField()
    speaker_pk = models.BigIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "speaker_pk"], name="speaker_daily_count_key")]
        indexes = [models.Index(fields=["speaker_pk"], name="speaker_daily_speaker_idx")]

    def __str__(self) -> str:
        return f"{self.day} speaker {self.speaker_pk}: {self.n}"
