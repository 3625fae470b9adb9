"""Reads about feeds: which are due for a poll."""
from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from claims.models import Feed


def due_feeds(*, now: datetime | None = None) -> QuerySet[Feed]:
    """Active feeds whose next poll time has come (never-polled feeds first)."""
    now = now or timezone.now()
    return (
        Feed.objects.filter(active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by(F("next_poll_at").asc(nulls_first=True), "pk")
    )
