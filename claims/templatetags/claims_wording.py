"""Template filters for the claim wording helpers (claims/selectors/wording.py)."""
from __future__ import annotations

from django import template

from claims.selectors.wording import ink_for

register = template.Library()


@register.filter
def ink(colour: str) -> str:
    """The readable text colour on a rating's colour."""
    return ink_for(colour)
