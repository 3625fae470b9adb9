"""API tokens: issue, revoke and resolve per-user keys.

Only the sha256 of a key is stored, so a leaked database does not leak working credentials; the
plain key is returned once, at creation, and never again.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import ApiToken
from claims.services.errors import InvalidInput, NotFound

# Writing last_used_at on every request would turn every read into a write; a minute's
# resolution is plenty to tell a live key from an abandoned one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_token(
    *,
    user: User,
    name: str = "default",
    expires_at: datetime | None = None,
    expires_in_days: int | None = None,
) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A token needs a name.", field="name")
    if len(name) > 100:
        raise InvalidInput("A token name has at most 100 characters.", field="name")
    if not user.is_active:
        raise InvalidInput(f"User {user.username!r} is inactive; activate it before issuing a token.")
    if expires_in_days is not None:
        if expires_in_days <= 0:
            raise InvalidInput("expires_in_days must be a positive number of days.", field="expires_in_days")
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput("The expiry date is in the past.", field="expires_at")
    # 32 random bytes: the hash lookup is exact, so the key must be unguessable, not the lookup slow.
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=hash_key(key), prefix=key[:PREFIX_LENGTH], expires_at=expires_at
        )
    return IssuedToken(token=token, key=key)


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    # An UPDATE rather than save(): a concurrent touch of last_used_at must not un-revoke the key.
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
    return token


def revoke_api_token_by_prefix(*, user: User, prefix: str) -> ApiToken:
    tokens = list(ApiToken.objects.filter(user=user, prefix=prefix, revoked=False)[:2])
    if not tokens:
        raise NotFound(f"No active token starting with {prefix!r} for {user.username!r}.")
    if len(tokens) > 1:
        raise InvalidInput(f"More than one active token starts with {prefix!r}; give a longer prefix.")
    return revoke_api_token(token=tokens[0])


def resolve_api_token(*, key: str) -> ApiToken | None:
    """The live token for a presented key, with its user; None if unknown, revoked, expired or inactive."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or token.revoked or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    touch_api_token(token=token, now=now)
    return token


def touch_api_token(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Record use at most once per LAST_USED_RESOLUTION; returns whether a write happened."""
    now = now or timezone.now()
    stale_before = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return False
    # The condition repeats in SQL so concurrent requests with the same key write once.
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before))
        .update(last_used_at=now)
    )
    token.last_used_at = now
    return bool(updated)
