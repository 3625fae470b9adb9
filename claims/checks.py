"""System checks for what settings alone cannot refuse at import (collectstatic builds the image
without a site address)."""
from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


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
