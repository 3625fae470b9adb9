"""Saved filters of the claims list and the private Atom feed addresses of saved filters and
alert subscriptions (docs/integrations.md, "Private feeds").

Only the owner of a saved filter or subscription makes, rotates or revokes its feed address: the
feed shows what *they* may see, so nobody else may hand out a window onto it. A rotation replaces
the token (the old address stops at once); a revocation deletes it.
"""
from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from claims.models import FeedToken, SavedFilter, Subscription
from claims.selectors import access
from claims.selectors.private_feeds import apply_saved_query
from claims.services.articles import one_line
from claims.services.errors import InvalidInput, NotAllowed

MAX_QUERY_CHARS = 2000
# Parameters of the list's page that are not filters: the page number, the popup markers.
NOT_FILTERS = frozenset({"p", "_popup", "_to_field", "all"})


def new_token() -> str:
    # 256 bits, URL-safe: the address itself is the credential a feed reader carries.
    return secrets.token_urlsafe(32)


def clean_query(query: str) -> str:
    """The list's filters, search and order, without its page number, in a stable order."""
    query = (query or "").strip().lstrip("?")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"The filter is longer than {MAX_QUERY_CHARS} characters.", field="query")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in NOT_FILTERS]
    return urlencode(sorted(pairs))


def save_filter(*, owner: User, name: str, query: str) -> SavedFilter:
    """Save the claims list's current filters under a name (saving a name again replaces them)."""
    if not access.sees_unpublished_claims(owner):
        raise NotAllowed("Saved filters are of the newsroom's claims list, which this account may not see.")
    name = one_line(name, limit=10_000) if isinstance(name, str) else ""
    if not name:
        raise InvalidInput("Give the filter a name.", field="name")
    if len(name) > 200:
        raise InvalidInput("The name is longer than 200 characters.", field="name")
    query = clean_query(query)
    apply_saved_query(query=query, user=owner)  # raises InvalidInput for filters the list cannot apply
    try:
        with transaction.atomic():
            saved, _ = SavedFilter.objects.update_or_create(owner=owner, name=name, defaults={"query": query})
    except IntegrityError:
        raise InvalidInput(f"You already have a filter called '{name}'.", field="name") from None
    return saved


def delete_filter(*, saved_filter: SavedFilter, user: User) -> None:
    if saved_filter.owner_id != user.pk:
        raise NotAllowed("You can only delete your own saved filters.")
    saved_filter.delete()


def _target(saved_filter: SavedFilter | None, subscription: Subscription | None) -> SavedFilter | Subscription:
    if (saved_filter is None) == (subscription is None):
        raise InvalidInput("A feed address is for one saved filter or one subscription.")
    return saved_filter if saved_filter is not None else subscription  # type: ignore[return-value]


@transaction.atomic
def rotate_feed_token(*, user: User, saved_filter: SavedFilter | None = None,
                      subscription: Subscription | None = None) -> FeedToken:
    """Give the saved filter or subscription a new private feed address (the first one, or a new
    one replacing the old, which stops working at once)."""
    target = _target(saved_filter, subscription)
    if target.owner_id != user.pk:
        raise NotAllowed("Only its owner can make a feed address for it: the feed shows what its owner may see.")
    if saved_filter is not None and not access.sees_unpublished_claims(user):
        raise NotAllowed("This account may no longer see the newsroom's claims.")
    if subscription is not None and not access.may_receive_alerts(user):
        raise NotAllowed(access.NO_ALERT_ACCESS)
    where = {"saved_filter": saved_filter} if saved_filter is not None else {"subscription": subscription}
    feed, created = FeedToken.objects.select_for_update().get_or_create(
        **where, defaults={"owner_id": user.pk, "token": new_token()})
    if not created:
        feed.token, feed.owner_id, feed.last_read_at = new_token(), user.pk, None
        feed.save(update_fields=["token", "owner", "last_read_at"])
    return feed


@transaction.atomic
def revoke_feed_token(*, user: User, saved_filter: SavedFilter | None = None,
                      subscription: Subscription | None = None) -> bool:
    """Turn the feed address off. True if there was one."""
    target = _target(saved_filter, subscription)
    if target.owner_id != user.pk and not getattr(user, "is_superuser", False):
        raise NotAllowed("Only its owner can turn its feed address off.")
    where = {"saved_filter": saved_filter} if saved_filter is not None else {"subscription": subscription}
    deleted, _ = FeedToken.objects.filter(**where).delete()
    return bool(deleted)
