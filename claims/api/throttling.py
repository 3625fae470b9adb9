"""Per-user and anonymous throttles whose rates are read at request time.

DRF's stock throttles copy DEFAULT_THROTTLE_RATES into a class attribute at import, so rates set
by the environment after import (or overridden by a test) would be ignored.
"""
from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRateMixin, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_LiveRateMixin, UserRateThrottle):
    scope = "user"
