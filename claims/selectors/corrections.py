"""Who a correction reaches (docs/monitoring.md, "Corrections that reach everyone"): read before
the editor confirms (the admin's reach page, the API) and when the correction is recorded (the
notices), so the preview and what is sent are the same list. No writes here."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone

from claims.alerts import conf
from claims.models import (
    AlertDelivery,
    Claim,
    CorrectionNotice,
    FeedToken,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from claims.selectors.rulings import family, ruling_root_id


@dataclass
class Recipient:
    user_id: int
    username: str
    email: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Channel:
    name: str
    url: str


@dataclass
class Reach:
    recipients: list[Recipient]
    webhooks: list[Channel]
    feeds: list[Channel]
    # Other claims sharing this claim's ruling: the fact check they show is not changed by this
    # correction when they were published on their own, so the editor sees them here.
    reusing: list[Claim]

    @property
    def summary(self) -> str:
        people = len(self.recipients)
        return (f"{people} earlier recipient{'s' if people != 1 else ''}, {len(self.webhooks)} webhook "
                f"endpoint{'s' if len(self.webhooks) != 1 else ''}, {len(self.feeds)} feeds, {len(self.reusing)} other "
                f"claim{'s' if len(self.reusing) != 1 else ''} reusing the ruling")


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value), "j M Y")


def recipients(*, claim: Claim) -> list[Recipient]:
    """Everyone told about this claim before: sent alerts about it or another appearance of its
    ruling, and earlier correction e-mails about it. One entry per person, with every reason."""
    members = list(family(root_id=ruling_root_id(claim)).values_list("pk", flat=True))
    found: dict[int, Recipient] = {}

    def add(user, reason: str) -> None:
        entry = found.setdefault(user.pk, Recipient(user.pk, user.get_username(), user.email or ""))
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    alerts = (AlertDelivery.objects.filter(claim_id__in=members, status=AlertDelivery.Status.SENT)
              .select_related("subscription__owner").order_by("sent_at", "id"))
    for delivery in alerts:
        what = "this claim" if delivery.claim_id == claim.pk else f"claim #{delivery.claim_id} (another appearance)"
        add(delivery.subscription.owner,
            f"alert '{delivery.subscription.name}' about {what} on {_day(delivery.sent_at or delivery.created_at)}")
    earlier = (CorrectionNotice.objects.filter(correction__claim_id=claim.pk, status=CorrectionNotice.Status.SENT)
               .select_related("recipient").order_by("sent_at", "id"))
    for notice in earlier:
        when = _day(notice.sent_at or notice.created_at)
        add(notice.recipient, f"an earlier correction of this fact check on {when}")
    return sorted(found.values(), key=lambda r: r.username.casefold())


def routed_matches(*, claim_id: int) -> list[tuple[int, int]]:
    """(endpoint id, subscription id) of every subscription that posted this claim to a webhook
    endpoint as a match and still routes there: a team's chat channel that showed the claim is
    told of its correction too (services.webhooks.queue_transition_events)."""
    pairs = (WebhookDelivery.objects
             .filter(event_type=WebhookEndpoint.SUBSCRIPTION_MATCHED, payload__data__claim__id=claim_id,
                     subscription__active=True, subscription__webhook_endpoint_id=F("endpoint_id"),
                     endpoint__active=True)
             .values_list("endpoint_id", "subscription_id").distinct())
    return sorted(set(pairs))


def correction_reach(*, claim: Claim) -> Reach:
    webhooks = [Channel(endpoint.name, endpoint.url) for endpoint in WebhookEndpoint.objects.filter(active=True)
                if WebhookEndpoint.Event.CLAIM_CORRECTED in (endpoint.event_types or [])]
    listed = {w.url for w in webhooks}
    routed = routed_matches(claim_id=claim.pk)
    if routed:
        endpoints = WebhookEndpoint.objects.in_bulk({e for e, _ in routed})
        subs = Subscription.objects.in_bulk({s for _, s in routed})
        for endpoint_id, subscription_id in routed:
            endpoint = endpoints[endpoint_id]
            if endpoint.url not in listed or WebhookEndpoint.Event.CLAIM_CORRECTED not in (endpoint.event_types or []):
                webhooks.append(Channel(f"{endpoint.name} (showed this claim as a match of "
                                        f"'{subs[subscription_id].name}')", endpoint.url))
    site = conf.site_url()
    feeds = [
        Channel("Public fact-check page (ClaimReview dateModified)", site + reverse("public:fact-check",
                                                                                     kwargs={"claim_id": claim.pk})),
        Channel("ClaimReview DataFeed", site + reverse("public:fact-check-datafeed")),
        Channel("Atom feed of fact checks", site + reverse("public:fact-check-atom")),
        Channel("API: ClaimReview list", site + "/api/v1/claimreviews/"),
    ]
    # Private feeds show each claim as it is when read: the correction reaches them by itself. Their
    # addresses are their owners' secrets, so the editor sees whose they are, not where.
    members = list(family(root_id=ruling_root_id(claim)).values_list("pk", flat=True))
    matched = (FeedToken.objects.filter(subscription__deliveries__claim_id__in=members)
               .select_related("subscription__owner").distinct())
    for token in matched:
        owner = token.subscription.owner.get_username() if token.subscription else ""
        feeds.append(Channel(f"Private Atom feed of subscription '{token.subscription}' ({owner})", "private address"))
    saved = FeedToken.objects.filter(saved_filter__isnull=False).count()
    if saved:
        feeds.append(Channel(f"Private Atom feeds of saved claim-list filters ({saved}): those whose filter "
                             "includes this claim show it corrected", "private addresses"))
    reusing = list(family(root_id=ruling_root_id(claim)).exclude(pk=claim.pk)
                   .select_related("speaker", "article__outlet", "rating").order_by("created_at", "id"))
    return Reach(recipients=recipients(claim=claim), webhooks=webhooks, feeds=feeds, reusing=reusing)
