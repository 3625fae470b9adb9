"""`{% transcript_moment claim %}`: where a claim from a transcript was said (its time code, the
recording at that moment, the turns around it), the same on the admin's claim page and the public
fact check. Nothing for a claim from an article."""
from __future__ import annotations

from typing import Any

from django import template

from claims.models import Claim
from claims.selectors.transcripts import claim_moment

register = template.Library()


@register.inclusion_tag("claims/_transcript_moment.html")
def transcript_moment(claim: Claim) -> dict[str, Any]:
    return {"moment": claim_moment(claim) if claim is not None else None}
