"""Who may see which claims, speakers and outlets: one rule, asked by the API, the admin's alert
forms and alert sending alike (an alert e-mail is a read, so it is checked like one).

A user with `claims.view_claim` (the newsroom groups) sees every claim, unpublished ones
included; everyone else, anonymous readers too, sees published fact checks only. Speakers and
outlets follow: with their view permission all of them, otherwise only those behind a published
fact check, so an id that exists but is not visible answers exactly like an id that does not.
"""
from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from claims.models import Claim, Outlet, Speaker

# The statuses a reader outside the newsroom sees: published fact checks. The one definition;
# the workflow, the admin, the API, the public pages, exports and alerts all read it from here.
PUBLIC_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.CORRECTED)

# Why a subscription cannot be created, or was paused: shown in the API, the admin and on the row.
NO_ALERT_ACCESS = (
    "Alerts are about new claims, which are not yet published, and this account may not see "
    "unpublished claims (it needs the newsroom's view right, e.g. the Reader group)."
)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def can(user: Any, codename: str) -> bool:
    """Does an active, signed-in `user` hold the permission `claims.<codename>`? The one role
    check: the workflow and evidence services ask it at the moment of each action."""
    return _active(user) and bool(user.has_perm(f"claims.{codename}"))


def is_public(claim: Claim) -> bool:
    """Is this claim a published fact check (on the public pages, in ClaimReview and feeds)?"""
    return claim.status in PUBLIC_STATUSES


def sees_unpublished_claims(user: Any) -> bool:
    """May `user` see claims that are not published yet (the whole newsroom's work)?"""
    return _active(user) and user.has_perm("claims.view_claim")


def may_receive_alerts(user: Any) -> bool:
    """Alerts carry new, unpublished claims: only someone who may read those may be sent them."""
    return sees_unpublished_claims(user)


def visible_claims(*, user: Any) -> QuerySet[Claim]:
    qs = Claim.objects.all()
    return qs if sees_unpublished_claims(user) else qs.filter(status__in=PUBLIC_STATUSES)


def published_claims_exist(**outer: str) -> Exists:
    """A published fact check exists behind the outer row (e.g. speaker="pk", article__outlet="pk")."""
    return Exists(Claim.objects.filter(status__in=PUBLIC_STATUSES, **{k: OuterRef(v) for k, v in outer.items()}))


def visible_speakers(*, user: Any) -> QuerySet[Speaker]:
    qs = Speaker.objects.all()
    if _active(user) and user.has_perm("claims.view_speaker"):
        return qs
    return qs.filter(published_claims_exist(speaker="pk"))


def visible_outlets(*, user: Any) -> QuerySet[Outlet]:
    qs = Outlet.objects.all()
    if _active(user) and user.has_perm("claims.view_outlet"):
        return qs
    return qs.filter(published_claims_exist(article__outlet="pk"))
