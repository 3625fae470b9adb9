"""One ruling, reused, on the claim page (docs/monitoring.md): the ruling the claim shares, its
appearances and how often it has been seen, the one-click "Apply this ruling", "Not the same
claim", and trimming the claim to its checkable words. Plain forms posting to the admin views in
claims/admin/rulings.py, which call claims.services.rulings."""
from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from claims.models import Claim
from claims.selectors.rulings import appearances, checked_text, seen_count
from claims.services.rulings import APPLY_FROM, TRIM_STATUSES, ruling_for

register = template.Library()


@register.inclusion_tag("admin/claims/rulings/_ruling_panel.html", takes_context=True)
def ruling_panel(context: template.Context, claim: Claim) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    user = request.user
    ruling = ruling_for(claim)
    linked_to = claim.same_as if claim.same_as_id else None
    seen = seen_count(claim=claim)
    checked = checked_text(claim)
    return {
        "claim": claim,
        "csrf_token": context.get("csrf_token"),
        "linked_to": linked_to,
        "ruling": ruling,
        "method": claim.get_same_as_method_display() if claim.same_as_method else "",
        "seen": seen,
        "appearances": appearances(claim=claim) if seen.total > 1 else [],
        "can_apply": ruling is not None and claim.status in APPLY_FROM and user.has_perm("claims.research_claim"),
        "can_unlink": linked_to is not None and user.has_perm("claims.publish_claim"),
        "can_trim": claim.status in TRIM_STATUSES and user.has_perm("claims.research_claim"),
        "checked": checked,
        "trimmed": claim.check_start is not None,
    }
