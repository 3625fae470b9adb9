"""Saved admin filters and private Atom feeds (docs/integrations.md, "Private feeds").

A newsroom that reads in a feed reader gets every saved filter of the claims list and every alert
subscription as an Atom feed at an unguessable address. The address is the only credential a feed
reader can carry, so it is a token the owner can rotate (a new address, the old one dead at once)
or revoke (no address at all); what the feed shows is decided at every read by what its owner may
see then, never by what they could see when the address was made.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SavedFilter(models.Model):
    """A named claims-list query (the admin changelist's filters, search and order)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=200)
    # The changelist's query string as the owner saw it, e.g. "status__exact=new&q=inflation";
    # applied by the admin's own filter code whenever it is read (claims.selectors.private_feeds).
    query = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class FeedToken(models.Model):
    """The private address of one saved filter's or one subscription's Atom feed."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    token = models.CharField(max_length=64, unique=True, editable=False)
    saved_filter = models.OneToOneField(SavedFilter, null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="feed_token")
    subscription = models.OneToOneField("claims.Subscription", null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="feed_token")
    created_at = models.DateTimeField(auto_now_add=True)
    # When a feed reader last fetched it: shows the owner whether an address is still in use.
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(saved_filter__isnull=False, subscription__isnull=True)
                           | Q(saved_filter__isnull=True, subscription__isnull=False)),
                name="feed_token_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"feed of {self.saved_filter or self.subscription}"
