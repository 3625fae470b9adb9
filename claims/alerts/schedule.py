"""When a digest is due, in the subscriber's own time zone.

A digest covers what matched before its slot (the latest daily hour, or weekday and hour, that
has passed locally). Matches that arrive after the slot wait for the next one, so a digest never
goes out at an hour the subscriber did not choose, even after a quiet week.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo | None:
    """The time zone called `name`, or None when there is no such zone."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def latest_slot(*, now: datetime, cadence: str, hour: int, weekday: int, tz_name: str) -> datetime | None:
    """The most recent digest time at or before `now` (aware), or None for immediate cadence."""
    if cadence not in ("daily", "weekly"):
        return None
    tz = zone(tz_name) or ZoneInfo("UTC")
    local_now = now.astimezone(tz)
    slot = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if cadence == "weekly":
        slot -= timedelta(days=(local_now.weekday() - weekday) % 7)
    if slot > local_now:
        slot -= timedelta(days=7 if cadence == "weekly" else 1)
    # zoneinfo arithmetic is wall-clock: the slot keeps its local hour across a DST change.
    return slot
