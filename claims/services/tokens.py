"""API tokens: issue, revoke, resolve and cache per-user keys.

Only the sha256 of a key is stored, so a leaked database does not leak working credentials; the
plain key is returned once, at creation, and never again.

Every API request resolves a key, and doing that from the database costs two queries (the token
with its user, then the user's permissions) whose ORM compilation costs more than the database.
So a resolved token is cached (Django's cache: Redis in production) for
`FACTCHECK_API_TOKEN_CACHE_SECONDS` (0 disables) under a key derived from the key's *hash*, never
from the key itself. What is cached never weakens a check:

- expiry is checked on every request, from the cached `expires_at`;
- revoking a token, and any change to a user that affects access (active/staff/superuser flags,
  groups, permissions, deletion), replaces the affected entries by a tombstone at once
  (`forget_cached_tokens`, called by the revoke services and by `claims.receivers`). Fills use
  `cache.add`, which never overwrites: a request that read the database just before the change
  cannot put the old state back, and the tombstone is written again when the changing
  transaction commits, so a request reading the not-yet-committed old row cannot either;
- a cache that is down is a cache miss: the request is served from the database, never a 500.

Writes that bypass signals (`QuerySet.update()` on users or groups, raw SQL) are only seen when
the entry expires, at most `FACTCHECK_API_TOKEN_CACHE_SECONDS` later; the services here call
`forget_cached_tokens` themselves where they use `update()`.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission, User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from claims.models import ApiToken
from claims.services.errors import InvalidInput, NotFound

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would turn every read into a write; a minute's
# resolution is plenty to tell a live key from an abandoned one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = 8

# Bump the version when the cached shape changes: old entries are then simply never read again.
CACHE_KEY_PREFIX = "apitoken:v1:"
# Stands in for a forgotten entry until it expires, so that a fill racing the change cannot win.
FORGOTTEN = "forgotten"
# The password hash stays in the database: a dump of the cache must not yield hashes to crack.
# Nothing on the API path reads it; if something does, Django loads it as a deferred field.
UNCACHED_USER_FIELDS = frozenset({"password"})


class CachedToken(TypedDict):
    """A resolved token as cached: plain values by attribute name, so an entry never depends on
    unpickling a model instance written by another release."""

    token: dict[str, Any]
    user: dict[str, Any]
    # "app_label.codename" as ModelBackend spells them; None when not loaded (superusers).
    permissions: list[str] | None


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


# The longest expiry a key may be given (ten years).
MAX_EXPIRY_DAYS = 3650

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
        if expires_in_days > MAX_EXPIRY_DAYS:
            # Past this, the date itself overflows; a key that never expires is no expiry at all.
            raise InvalidInput(f"expires_in_days can be at most {MAX_EXPIRY_DAYS:,} days (ten years); "
                               "leave it out for a key without expiry.", field="expires_in_days")
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
    # update() sends no signal: forget the cached copy here, or the key would work until it expires.
    forget_cached_tokens(key_hashes=[token.key_hash])
    return token


def revoke_api_token_by_prefix(*, user: User, prefix: str) -> ApiToken:
    tokens = list(ApiToken.objects.filter(user=user, prefix=prefix, revoked=False)[:2])
    if not tokens:
        raise NotFound(f"No active token starting with {prefix!r} for {user.username!r}.")
    if len(tokens) > 1:
        raise InvalidInput(f"More than one active token starts with {prefix!r}; give a longer prefix.")
    return revoke_api_token(token=tokens[0])


def resolve_api_token(*, key: str) -> ApiToken | None:
    """The live token for a presented key, with its user and the user's permissions loaded; None
    if unknown, revoked, expired or the user is inactive. Served from the cache when it can be."""
    if not key:
        return None
    key_hash = hash_key(key)
    now = timezone.now()
    lookup = _cache_lookup(key_hash) if cache_seconds() else _Lookup()
    token: ApiToken | None
    if lookup.snapshot is not None:
        token = _token_from_snapshot(lookup.snapshot, last_used_at=lookup.last_used_at)
    else:
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
        if token is not None and _is_live(token, now):
            prefetch_permissions(token.user)
            if lookup.may_fill:
                _cache_fill(token)
    if token is None or not _is_live(token, now):
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
    # Also when another process won the UPDATE: the cached copy must stop asking for a minute,
    # or every request would run a (no-op) UPDATE until the entry expires.
    _remember_use(token.key_hash, now)
    return bool(updated)


def prefetch_permissions(user: AbstractBaseUser) -> None:
    """Load the user's permissions (own and through groups) in one query instead of ModelBackend's
    two; it reads `_perm_cache` when present. Every API request checks permissions, and on a busy
    database each round trip counts."""
    if not user.is_active or getattr(user, "is_superuser", False) or hasattr(user, "_perm_cache"):
        return
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    user._perm_cache = {f"{app}.{codename}" for app, codename in rows}  # type: ignore[attr-defined]  # ModelBackend's cache


def forget_cached_tokens(
    *,
    user_ids: Iterable[int] = (),
    group_ids: Iterable[int] = (),
    permission_ids: Iterable[int] = (),
    key_hashes: Iterable[str] = (),
) -> None:
    """Drop the cached copies of these tokens: those of `user_ids`, of the members of `group_ids`,
    of the holders of `permission_ids` (directly or through a group) and `key_hashes`.

    Each entry is replaced by a tombstone for one cache lifetime, now and again when the current
    transaction commits (see the module docstring for why). A cache that is down is logged, not
    raised: the change itself must go through, and entries expire on their own.
    """
    seconds = cache_seconds()
    if not seconds:
        return
    hashes = set(key_hashes)
    owners = Q()
    if user_ids := list(user_ids):
        owners |= Q(user_id__in=user_ids)
    if group_ids := list(group_ids):
        owners |= Q(user__groups__in=group_ids)
    if permission_ids := list(permission_ids):
        owners |= Q(user__user_permissions__in=permission_ids) | Q(user__groups__permissions__in=permission_ids)
    if owners:
        hashes.update(ApiToken.objects.filter(owners).values_list("key_hash", flat=True))
    if not hashes:
        return
    keys = sorted(_cache_key(key_hash) for key_hash in hashes)
    _write_tombstones(keys, seconds)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _write_tombstones(keys, seconds))


def cache_seconds() -> int:
    # Read per call rather than at import, so that overridden settings (tests) apply.
    return max(int(settings.FACTCHECK_API_TOKEN_CACHE_SECONDS), 0)


# --- the cache ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    snapshot: CachedToken | None = None
    last_used_at: datetime | None = None
    # Only a plain miss may be filled: not a tombstone (the add would fail anyway) and not a
    # cache that just failed (another call would likely fail too, and slowly).
    may_fill: bool = False


def _cache_key(key_hash: str) -> str:
    return f"{CACHE_KEY_PREFIX}{key_hash}"


def _used_key(key_hash: str) -> str:
    # last_used_at lives beside the entry, not in it: rewriting the entry on a touch could put
    # back an entry that a revocation had just replaced by a tombstone.
    return f"{CACHE_KEY_PREFIX}{key_hash}:used"


def _is_live(token: ApiToken, now: datetime) -> bool:
    if token.revoked or not token.user.is_active:
        return False
    return token.expires_at is None or token.expires_at > now


def _cache_lookup(key_hash: str) -> _Lookup:
    entry_key, used_key = _cache_key(key_hash), _used_key(key_hash)
    try:
        found = cache.get_many([entry_key, used_key])  # one round trip on Redis (MGET)
    except Exception:  # noqa: BLE001 - any cache backend failure: fall back to the database
        logger.warning("API token cache unavailable; resolving the token from the database", exc_info=True)
        return _Lookup()
    entry = found.get(entry_key)
    if entry is None:
        return _Lookup(may_fill=True)
    if entry == FORGOTTEN or not isinstance(entry, dict):
        return _Lookup()
    return _Lookup(snapshot=cast(CachedToken, entry), last_used_at=found.get(used_key))


def _cache_fill(token: ApiToken) -> None:
    try:
        # add, not set: never overwrite a tombstone written since this request read the database.
        cache.add(_cache_key(token.key_hash), _snapshot(token), timeout=cache_seconds())
    except Exception:  # noqa: BLE001
        logger.warning("API token cache unavailable; token not cached", exc_info=True)


def _remember_use(key_hash: str, now: datetime) -> None:
    seconds = cache_seconds()
    if not seconds:
        return
    try:
        cache.set(_used_key(key_hash), now, timeout=seconds)
    except Exception:  # noqa: BLE001
        logger.warning("API token cache unavailable; last use not cached", exc_info=True)


def _write_tombstones(keys: list[str], seconds: int) -> None:
    try:
        cache.set_many(dict.fromkeys(keys, FORGOTTEN), timeout=seconds)
    except Exception:  # noqa: BLE001
        logger.error(
            "API token cache unavailable: %d cached token(s) could not be forgotten and stay valid "
            "for at most %d s",
            len(keys), seconds, exc_info=True,
        )


def _fields(instance: Model, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname not in skip}


def _snapshot(token: ApiToken) -> CachedToken:
    perms = getattr(token.user, "_perm_cache", None)
    return {
        "token": _fields(token),
        "user": _fields(token.user, skip=UNCACHED_USER_FIELDS),
        "permissions": sorted(perms) if perms is not None else None,
    }


def _from_values(model: type[Model], values: dict[str, Any]) -> Any:
    # By the model's current fields, so an entry written before a migration still loads (a field
    # it lacks is deferred, one the model lost is ignored).
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(ApiToken.objects.db, names, [values[name] for name in names])


def _token_from_snapshot(snapshot: CachedToken, *, last_used_at: datetime | None) -> ApiToken:
    user = _from_values(get_user_model(), snapshot["user"])
    if snapshot["permissions"] is not None:
        user._perm_cache = set(snapshot["permissions"])
    token = _from_values(ApiToken, snapshot["token"])
    token.user = user
    if last_used_at is not None and (token.last_used_at is None or last_used_at > token.last_used_at):
        token.last_used_at = last_used_at
    return token
