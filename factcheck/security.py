"""Who is asking (the client address behind trusted proxies) and how long a lockout lasts.

One rule for the client address: the API's throttles (DRF's NUM_PROXIES) and the login lockout
(django-axes) both take it from here, so a forged X-Forwarded-For fools neither. With
NUM_PROXIES=0 (the default) the address is the TCP peer and X-Forwarded-For is ignored; with N
proxies in front, it is the N-th address from the right of X-Forwarded-For, the one the outermost
trusted proxy saw. Anything to its left was written by the client and is not believed.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(settings.NUM_PROXIES)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def _username_field() -> str:
    # django-axes sets its defaults on the settings when it loads; the type stubs do not know them.
    return str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))


def lockout_parameters(request_or_attempt: Any, credentials: dict | None = None) -> list[str]:
    """Per user name and per address (either one over the limit locks). A failure without a user
    name, such as a wrong API token, counts for its address only: counting it under an empty name
    would lock every token user everywhere at once."""
    username = (credentials or {}).get(_username_field()) if credentials else None
    if username is None:
        username = getattr(request_or_attempt, "username", None)  # an AccessAttempt row
    return ["username", "ip_address"] if username else ["ip_address"]


def lockout_cooloff(request: HttpRequest | None = None) -> timedelta:
    """Backoff: the first lockout lasts AXES_COOLOFF_MINUTES; every further run of failures
    (axes counts failures during a lockout too) doubles it, up to a day."""
    base = timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    failures = _failures(request) if request is not None else 0
    limit = max(1, settings.AXES_FAILURE_LIMIT)
    doublings = max(0, failures - limit) // limit
    return min(base * (2 ** min(doublings, 16)), timedelta(days=1))


def _failures(request: HttpRequest) -> int:
    from axes.models import AccessAttempt
    from django.db.models import Max

    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    username = request.POST.get(_username_field()) if request.method == "POST" else None
    rows = AccessAttempt.objects.filter(ip_address=ip)
    if username:
        rows = AccessAttempt.objects.filter(ip_address=ip) | AccessAttempt.objects.filter(username=username)
    return rows.aggregate(n=Max("failures_since_start"))["n"] or 0
