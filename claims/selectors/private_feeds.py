"""What a private Atom feed shows (docs/integrations.md, "Private feeds"): decided at every read
from what the feed's owner may see *now*, with the same rules as the admin and the alerts.

- A saved filter's feed is the claims list as its owner would see it with those filters: the
  admin's own filter code applies the saved query (one place for what a filter means), narrowed
  by claims.selectors.access.
- A subscription's feed is the claims its alert matched (its AlertDelivery rows, written by the
  one matching service), narrowed the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.messages.storage.base import BaseStorage, Message
from django.core.exceptions import FieldError, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from claims.models import AlertDelivery, Claim, FeedToken
from claims.selectors import access
from claims.services.errors import InvalidInput

RELATED = ("speaker", "article", "article__outlet", "rating")


def _claims_admin() -> ModelAdmin:
    # The claims list's own filter code is what a saved filter means; the admin site is asked at
    # call time (no import of claims.admin: selectors sit below the interfaces).
    from django.contrib import admin

    return admin.site.get_model_admin(Claim)


class _HeldMessages(BaseStorage):
    """The messages the list would show its user (a search it refuses...), held in memory: this
    request has no session or message middleware, and what the list says is the reason."""

    def _get(self, *args: object, **kwargs: object) -> tuple[list[Message], bool]:
        return [], True

    def _store(self, messages: list[Message], response: object, *args: object, **kwargs: object) -> list[Message]:
        return []


def _list_request(*, query: str, user: AbstractBaseUser) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = "/admin/claims/claim/"
    request.GET = QueryDict(query)
    request.user = user  # type: ignore[assignment]  # any user model instance
    request._messages = _HeldMessages(request)  # type: ignore[attr-defined]  # what the middleware sets
    return request


def apply_saved_query(*, query: str, user: AbstractBaseUser):
    """The claims list's queryset for `query` as `user` sees it (filters, search, order).
    Raises InvalidInput when the list cannot apply it (a field that no longer exists...)."""
    model_admin = _claims_admin()
    request = _list_request(query=query, user=user)
    if not model_admin.has_view_permission(request):
        raise InvalidInput("This account may not see the claims list.")
    try:
        changelist = model_admin.get_changelist_instance(request)
        queryset = changelist.queryset
    except DisallowedModelAdminLookup as error:
        # A lookup the list offers no filter for (the list would answer 400): a saved filter is
        # only what the list itself can show, never a way round its choices.
        lookup = str(error).removeprefix("Filtering by ").removesuffix(" not allowed")
        raise InvalidInput(f"The claims list does not filter by {lookup}.", field="query") from None
    except (IncorrectLookupParameters, FieldError, ValidationError, ValueError) as error:
        raise InvalidInput(f"The claims list cannot apply these filters ({error.__class__.__name__}).",
                           field="query") from None
    refused = [str(held.message) for held in request._messages  # type: ignore[attr-defined]
               if held.level >= messages.ERROR]
    if refused:
        raise InvalidInput(f"The claims list cannot apply these filters: {' '.join(refused)}", field="query")
    return queryset.filter(pk__in=access.visible_claims(user=user).values("pk"))


def find_feed(*, token: str) -> FeedToken | None:
    if not token or len(token) > 64:
        return None
    return (FeedToken.objects.select_related("owner", "saved_filter", "subscription")
            .filter(token=token).first())


@dataclass(frozen=True)
class FeedItem:
    claim: Claim
    reasons: tuple[str, ...] = ()


def may_read(feed: FeedToken) -> bool:
    """Whether the owner may still read this feed at all (checked at every read)."""
    owner = feed.owner
    if not owner.is_active:
        return False
    if feed.subscription is not None:
        return access.may_receive_alerts(owner) and feed.subscription.owner_id == owner.pk
    if feed.saved_filter is not None:
        return access.sees_unpublished_claims(owner) and feed.saved_filter.owner_id == owner.pk
    return False


def feed_items(*, feed: FeedToken, limit: int) -> list[FeedItem]:
    """The newest items the owner may see now, newest first. Three queries."""
    owner = feed.owner
    if feed.subscription_id is not None:
        visible = access.visible_claims(user=owner).values("pk")
        rows = (AlertDelivery.objects.filter(subscription_id=feed.subscription_id, claim_id__in=visible)
                .select_related(*(f"claim__{name}" for name in RELATED)).order_by("-created_at", "-id")[:limit])
        return [FeedItem(row.claim, tuple(row.reasons or ())) for row in rows]
    if feed.saved_filter is None:
        return []
    try:
        queryset = apply_saved_query(query=feed.saved_filter.query, user=owner)
    except InvalidInput:
        return []
    return [FeedItem(claim) for claim in queryset.select_related(*RELATED)[:limit]]


def mark_read(feed: FeedToken) -> None:
    FeedToken.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
