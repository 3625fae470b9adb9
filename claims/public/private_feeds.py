"""Private Atom feeds of saved filters and alert subscriptions, at `/feeds/<token>.atom`
(docs/integrations.md, "Private feeds"). The token in the address is the only credential: an
unknown, rotated or revoked one is a 404; an owner who may no longer read the feed gets a 403.
Never cached by shared caches, never indexed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from claims.models import Claim, FeedToken
from claims.public.feeds import summary_html
from claims.selectors.private_feeds import FeedItem, feed_items, find_feed, mark_read, may_read
from claims.selectors.wording import claim_sentence, score_text


def feed_url(feed: FeedToken) -> str:
    return settings.SITE_URL + reverse("public:private-feed", kwargs={"token": feed.token})


class PrivateFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, token: str) -> FeedToken:
        feed = find_feed(token=token)
        if feed is None:
            raise Http404("No feed at this address: it may have been rotated or turned off by its owner.")
        return feed

    def title(self, feed: FeedToken) -> str:
        if feed.subscription is not None:
            what = f"alert \u201c{feed.subscription.name}\u201d"
        else:
            what = f"saved filter \u201c{feed.saved_filter.name if feed.saved_filter else ''}\u201d"
        return f"{settings.FACTCHECK_ORGANIZATION_NAME}: {what}"

    def subtitle(self, feed: FeedToken) -> str:
        return "Claims matching it that its owner may see, newest first. A private address: do not share it."

    def link(self, feed: FeedToken) -> str:
        if feed.subscription_id:
            return settings.SITE_URL + reverse("admin:claims_subscription_change", args=[feed.subscription_id])
        query = feed.saved_filter.query if feed.saved_filter else ""
        return f"{settings.SITE_URL}{reverse('admin:claims_claim_changelist')}?{query}"

    def feed_url(self, feed: FeedToken) -> str:
        return feed_url(feed)

    def author_name(self) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def items(self, feed: FeedToken) -> list[FeedItem]:
        return feed_items(feed=feed, limit=settings.FACTCHECK_PRIVATE_FEED_ENTRIES)

    def item_title(self, item: FeedItem) -> str:
        return str(claim_sentence(item.claim, max_chars=200))

    def item_description(self, item: FeedItem) -> str:
        claim: Claim = item.claim
        article = claim.article
        status = f"Status: {claim.get_status_display()} \u00b7 check-worthiness {score_text(claim.checkworthiness)}"
        parts = [str(claim_sentence(claim)), status]
        if claim.rating:
            parts.append(f"Rating: {claim.rating.label}")
        parts.append(f"In: {article}" + (f" ({article.outlet.name})" if article.outlet else ""))
        if item.reasons:
            parts.append("Why it matched: " + ", ".join(item.reasons))
        return summary_html(parts)

    def item_link(self, item: FeedItem) -> str:
        return settings.SITE_URL + reverse("admin:claims_claim_change", args=[item.claim.pk])

    def item_guid(self, item: FeedItem) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.claim.created_at

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.claim.updated_at

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        feed = self.get_object(request, *args, **kwargs)
        if not may_read(feed):
            response = HttpResponse("The owner of this feed may no longer see what it shows.", status=403,
                                    content_type="text/plain; charset=utf-8")
        else:
            response = super().__call__(request, *args, **kwargs)
            mark_read(feed)
        # The address is a credential: no shared cache keeps the feed, no search engine lists it.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response


private_feed = require_safe(PrivateFeed())
