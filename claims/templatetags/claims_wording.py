"""Template filters for the claim wording helpers (claims/selectors/wording.py)."""
from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from claims.models import Claim
from claims.selectors.wording import claim_sentence, ink_for

register = template.Library()


@register.filter
def ink(colour: str) -> str:
    """The readable text colour on a rating's colour."""
    return ink_for(colour)


@register.filter
def as_sentence(claim: Claim, max_chars: int | None = None) -> SafeString:
    """The claim as a sentence with its speaker, cue and stance, marked up."""
    return claim_sentence(claim, max_chars=max_chars).as_html()
