"""System checks for what settings alone cannot refuse at import (collectstatic builds the image
without a site address)."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def site_url_is_set(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [Error(
        "SITE_URL is not set.",
        hint="Set SITE_URL to the public address (e.g. https://factcheck.example.org): alert e-mails, unsubscribe "
             "links and ClaimReview link to it.",
        id="factcheck.E001",
    )]


@register(deploy=True)
def site_url_is_https(app_configs, **kwargs) -> list[Warning]:
    """Unsubscribe and manage links carry a bearer token: over http, anyone on the path reads it."""
    if settings.DEBUG or not settings.SITE_URL or urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [Warning(
        f"SITE_URL ({settings.SITE_URL}) is not https.",
        hint="Alert e-mails link to it with signed unsubscribe and manage tokens, and ClaimReview publishes it: "
             "serve the site over https and set SITE_URL=https://...",
        id="factcheck.W002",
    )]
