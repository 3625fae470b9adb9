"""Recording who did research work on a claim (ClaimContribution). Only the workflow and
evidence services call this, inside their own transaction, so the record is as trustworthy as the
change it describes; nothing edits or deletes it afterwards."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from claims.models import Claim, ClaimContribution


def record_contribution(*, claim: Claim, user: AbstractBaseUser, kinds: Iterable[str]) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    rows = [ClaimContribution(claim_id=claim.pk, user_id=user.pk, kind=kind) for kind in sorted(set(kinds))]
    # Once per (claim, user, kind): doing the same work twice is still one contribution.
    ClaimContribution.objects.bulk_create(rows, ignore_conflicts=True)
