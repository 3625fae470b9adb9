"""Who worked on a claim's research, as the workflow services recorded it (not the editable
assignee): what the four-eyes rule decides from."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from claims.models import Claim, ClaimContribution


def has_contributed(*, claim: Claim, user: AbstractBaseUser) -> bool:
    return (
        bool(getattr(user, "pk", None))
        and ClaimContribution.objects.filter(claim_id=claim.pk, user_id=user.pk).exists()
    )


def contributions(*, claim: Claim) -> list[ClaimContribution]:
    return list(ClaimContribution.objects.filter(claim_id=claim.pk).select_related("user"))
