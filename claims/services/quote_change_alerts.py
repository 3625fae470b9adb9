"""The "quote changed in the source" subscription filter (stealth edits, docs/monitoring.md).

Kept apart from new-claim matching (claims.selectors.alerts.find_matches) on purpose: it runs on a
different event (a flagged QuoteChange, not newly stored claims) and only for subscriptions that
ask for it, which new-claim matching leaves out. The subscription's other filters apply with the
same meaning, evaluated by the same description of the rules
(claims.selectors.alerts.match_each_pair: every filter that is set must accept the claim). A
delivery is an ordinary AlertDelivery carrying its `quote_change`, one per subscription and change,
so sending, digests, retries and the send-time access check are the alerts service's own."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import AlertDelivery, QuoteChange, Subscription
from claims.selectors import alerts as alert_selectors
from claims.selectors.versions import flag_text
from claims.services import enqueue
from claims.services.webhooks import queue_subscription_matches

logger = logging.getLogger(__name__)

FILTER_LABEL = "quote changed in the source"


def _words(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason(change: QuoteChange) -> str:
    """The 'why' line of the alert: what the outlet did, and the words before and after."""
    if change.kind == QuoteChange.Kind.REMOVED:
        return f"{FILTER_LABEL}: {flag_text(change)} It read “{_words(change.old_words)}”."
    return f"{FILTER_LABEL}: {flag_text(change)} “{_words(change.old_words)}” → “{_words(change.new_words)}”."


def queue_quote_change_alerts(*, change_ids: list[int]) -> int:
    """One delivery per (quote-change subscription, flagged change) whose filters accept the claim,
    then the immediate ones are queued on the mail queue. Idempotent (a unique constraint per
    subscription and change); marks the changes as announced. Returns the matches found."""
    changes = list(
        QuoteChange.objects.filter(pk__in=change_ids, flagged=True)
        .select_related("claim__speaker", "claim__article__outlet", "to_version")
    )
    if not changes:
        return 0
    subscriptions = Subscription.objects.filter(quote_changed=True, active=True, owner__is_active=True).exclude(
        owner__email=""
    )
    # The other filters are new-claim matching's own rules, evaluated pair by pair (they are few).
    matches = alert_selectors.match_each_pair(
        subscriptions=subscriptions, claims=[change.claim for change in changes], match_unfiltered=True
    )
    by_claim: dict[int, list[QuoteChange]] = {}
    for change in changes:
        by_claim.setdefault(change.claim_id, []).append(change)
    rows = [
        AlertDelivery(
            subscription_id=match.subscription_id,
            claim_id=change.claim_id,
            claim_fingerprint=change.claim.fingerprint,
            quote_change=change,
            reasons=[reason(change), *match.reasons],
        )
        for match in matches
        for change in by_claim.get(match.claim.pk, [])
    ]
    with transaction.atomic():
        AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        # A subscription routed to a webhook endpoint (a team's chat channel) gets the same match there.
        queue_subscription_matches(deliveries=rows)
        QuoteChange.objects.filter(pk__in=[c.pk for c in changes]).update(alerts_queued_at=timezone.now())
        # Immediate ones go out now, one e-mail per subscription and article, by the alerts' own
        # sender (compare-and-set per delivery); digests take theirs at their hour.
        batches = alert_selectors.pending_immediate_batches(claim_ids=[c.claim_id for c in changes])
        for (subscription_id, _article_id), delivery_ids in batches.items():
            enqueue.send_on_commit(enqueue.SEND_SUBSCRIPTION_ALERTS, subscription_id, delivery_ids)
    return len(rows)


def sweep_unannounced_quote_changes(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Flagged changes whose subscriptions were never matched (a crash or broker outage right after
    they were recorded) are matched now; matching twice alerts nobody twice."""
    ids = list(
        QuoteChange.objects.filter(flagged=True, alerts_queued_at__isnull=True)
        .filter(Q(detected_at__lt=timezone.now() - older_than))
        .values_list("pk", flat=True)[:200]
    )
    if ids:
        queue_quote_change_alerts(change_ids=ids)
    return len(ids)
