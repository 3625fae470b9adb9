"""`manage.py rebuild_rollups [--since YYYY-MM-DD]`: recompute the dashboard's daily roll-ups from the
claims (claims.services.rollups). The pipeline and the workflow keep them current; this is for an
upgrade, a restore, or after claims were changed in bulk outside the services (docs/scaling.md)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.rollups import rebuild_rollups


class Command(BaseCommand):
    help = "Recompute the daily claim counts the dashboard, the home page and /metrics read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", metavar="YYYY-MM-DD",
                            help="Only the days from this date on (claims detected since); default: every day.")

    def handle(self, *args: Any, since: str | None = None, **options: Any) -> None:
        day = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since {since!r} is not a date such as 2026-01-31.") from None
        daily, speakers = rebuild_rollups(since=day)
        scope = f"from {day.isoformat()} on" if day else "for every day"
        self.stdout.write(f"Roll-ups rebuilt {scope}: {daily} claim-count rows, {speakers} speaker-count rows.")
