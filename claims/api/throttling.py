"""Per-user and anonymous throttles whose rates are read at request time.

DRF's stock throttles copy DEFAULT_THROTTLE_RATES into a class attribute at import, so rates set
by the environment after import (or overridden by a test) would be ignored.
"""
from __future__ import annotations

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from factcheck.security import client_ip

logger = logging.getLogger(__name__)


class _LiveRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        # The same client address as the login lockout: X-Forwarded-For is believed only from
        # NUM_PROXIES trusted proxies, so a client cannot dodge its limit by inventing one.
        return client_ip(getattr(request, "_request", request))

    def allow_request(self, request, view) -> bool:
        # The counters live in the shared cache (Redis). If it is unreachable, serve the request
        # unthrottled rather than answer 500: the database, not the cache, holds the data.
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - any cache backend failure
            logger.warning("throttle cache unavailable; request not throttled", exc_info=True)
            return True


class AnonThrottle(_LiveRateMixin, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_LiveRateMixin, UserRateThrottle):
    scope = "user"
