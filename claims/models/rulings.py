"""One ruling, reused (docs/monitoring.md): the editors' own settings for linking newly detected
claims to claims already rated. One row, edited in the admin (Ruling reuse settings)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_LINK_THRESHOLD = 0.7


class RulingSettings(models.Model):
    # pg_trgm similarity (the same scores in Python on SQLite) from which a new claim is linked to
    # a rated one. Stricter than the "similar claims" suggestions on the claim page: a link puts
    # the claim on the public fact check as another appearance.
    similarity_threshold = models.FloatField(
        default=DEFAULT_LINK_THRESHOLD,
        help_text="From 0 to 1: a new claim whose wording is at least this similar to a rated claim is linked to its "
        "ruling. 0.7 links close rewordings; 0.9 almost only identical wording.",
    )
    link_by_fingerprint = models.BooleanField(
        default=True, help_text="Link a new claim with the same words as an earlier claim (syndicated copies).")
    link_by_similarity = models.BooleanField(
        default=True, help_text="Link a new claim whose wording is similar to a rated claim (above the threshold).")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = "ruling reuse settings"
        verbose_name_plural = "ruling reuse settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="ruling_settings_single_row"),
            models.CheckConstraint(condition=Q(similarity_threshold__gte=0.3) & Q(similarity_threshold__lte=1),
                                   name="ruling_settings_threshold_range"),
        ]

    def __str__(self) -> str:
        return "Ruling reuse settings"
