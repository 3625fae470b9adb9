"""Webhooks (Standard Webhooks 1.0): registering endpoints, turning events into deliveries, and
delivering them (docs/integrations.md, "Webhooks").

- An event becomes one WebhookDelivery per active endpoint that asked for its type, in the same
  transaction as the change it announces; the send is queued once that commits. Its `webhook-id`
  is derived from what happened (the claim, the transition, the article's attempt), so an event
  announced twice (a sweeper, a retried task) is one delivery per endpoint: a unique constraint.
- A sender claims a delivery with a compare-and-set (pending -> sending) before posting: two
  workers never post the same delivery at once; a 2xx ends it. At least once: a crash after the
  POST and before the row is updated sends it again, with the same `webhook-id`.
- Anything else is retried with exponential backoff and jitter for FACTCHECK_WEBHOOK_RETRY_HOURS
  (three days); `410 Gone` disables the endpoint at once; an endpoint failing without a success
  for FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS is disabled and its owner told by e-mail.
- Only users who may see unpublished claims register endpoints (they carry new claims), asked
  again before every send; URLs go through the ingestion SSRF guard when saved and when posted to.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from claims.ingestion.errors import FetchError, TransientFetchError
from claims.ingestion.guard import parse_target, resolve
from claims.ingestion.post import post
from claims.models import (
    Article,
    Claim,
    ClaimTransition,
    Correction,
    Rating,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from claims.selectors import access
from claims.selectors.corrections import routed_matches
from claims.selectors.exports import claim_rows
from claims.services import enqueue
from claims.services.errors import InvalidInput, NotAllowed

logger = logging.getLogger(__name__)

E = WebhookEndpoint.Event
D = WebhookDelivery.Status
# Backoff: 30 s, 1 min, 2 min ... doubling up to 6 hours between tries, each drawn between half and
# all of that (jitter), so receivers coming back are not hit by every sender at the same second.
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 6 * 3600
# Slack on top of the longest backoff before a quiet endpoint's failure run is considered over.
QUIET_MARGIN = timedelta(hours=1)
# What is kept of a receiver's answer, in the attempt log.
EXCERPT_CHARS = 500
# A row left `sending` this long belongs to a sender that died: the sweep takes it back.
STALE_SENDING = timedelta(minutes=5)
LOST_TASK = timedelta(minutes=2)


# --- endpoints ------------------------------------------------------------------------------------


def check_may_register(*, user: User) -> None:
    if not access.sees_unpublished_claims(user):
        raise NotAllowed("Webhooks carry new, unpublished claims: this account may not see those.")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def clean_url(url: str) -> str:
    """An http(s) URL whose host resolves only to public addresses (the ingestion guard)."""
    url = (url or "").strip()
    try:
        resolve(parse_target(url))
    except FetchError as exc:
        raise InvalidInput(f"This URL cannot receive webhooks: {exc}", field="url") from None
    except TransientFetchError as exc:
        raise InvalidInput(f"This URL could not be checked now ({exc}); try again.", field="url") from None
    return url


def clean_event_types(values: Any) -> list[str]:
    if not isinstance(values, (list, tuple)) or not values:
        raise InvalidInput("Choose at least one event type.", field="event_types")
    unknown = [v for v in values if v not in E.values]
    if unknown:
        raise InvalidInput(f"Unknown event type(s): {', '.join(map(str, unknown))}. Known: {', '.join(E.values)}.",
                           field="event_types")
    return [v for v in E.values if v in values]  # the canonical order, each once


def _clean_name(name: Any) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidInput("Give the endpoint a name.", field="name")
    return name[:200]


def create_endpoint(*, owner: User, name: str, url: str, event_types: Sequence[str],
                    active: bool = True) -> WebhookEndpoint:
    check_may_register(user=owner)
    return WebhookEndpoint.objects.create(
        owner=owner, name=_clean_name(name), url=clean_url(url), event_types=clean_event_types(event_types),
        active=active, secret=new_secret(),
    )


def update_endpoint(*, endpoint: WebhookEndpoint, user: User, **fields: Any) -> WebhookEndpoint:
    check_may_register(user=user)
    changed: set[str] = set()
    if "name" in fields:
        endpoint.name = _clean_name(fields["name"])
        changed.add("name")
    if "url" in fields and fields["url"] != endpoint.url:
        endpoint.url = clean_url(fields["url"])
        # whoever points the endpoint somewhere new is who its sends are checked against
        endpoint.owner = user
        changed |= {"url", "owner"}
    if "event_types" in fields:
        endpoint.event_types = clean_event_types(fields["event_types"])
        changed.add("event_types")
    if "active" in fields:
        if fields["active"] and not endpoint.active:
            # Turned back on by a person: the failure run that disabled it is over.
            endpoint.failing_since, endpoint.disabled_reason = None, ""
            changed |= {"failing_since", "disabled_reason"}
        endpoint.active = bool(fields["active"])
        changed.add("active")
    if changed:
        # only what was changed: a concurrent rotation or a sender disabling the endpoint is kept
        endpoint.save(update_fields=[*sorted(changed), "updated_at"])
    return endpoint


def rotate_secret(*, endpoint: WebhookEndpoint, user: User,
                  overlap: timedelta = timedelta(hours=24)) -> WebhookEndpoint:
    """A new secret; the old one keeps signing alongside it for `overlap`, so a receiver that has
    not switched yet still verifies every message."""
    check_may_register(user=user)
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > timezone.now():
        # a second rotation now would drop the secret receivers that have not switched still use
        raise InvalidInput(
            f"A rotation is still in progress until {endpoint.previous_secret_until:%Y-%m-%d %H:%M} UTC; "
            "rotate again after that."
        )
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, timezone.now() + overlap
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return endpoint


# --- events ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    type: str
    key: str  # what happened, uniquely: becomes the webhook-id
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return "msg_" + hashlib.sha256(self.key.encode()).hexdigest()[:32]


def queue_events(events: Iterable[Event]) -> int:
    """One delivery per event and active endpoint that asked for its type; the sends are queued
    when the caller's transaction commits. Returns how many deliveries were created."""
    events = list(events)
    if not events:
        return 0
    endpoints = list(WebhookEndpoint.objects.filter(active=True).only("id", "event_types"))
    now = timezone.now().isoformat()
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint.pk,
            event_id=event.id,
            event_type=event.type,
            payload={"type": event.type, "timestamp": now, "data": event.data},
        )
        for event in events
        for endpoint in endpoints
        if event.type in endpoint.event_types
    ]
    # An event announced twice is one delivery per endpoint (webhook_event_once_per_endpoint).
    return _store_new(rows)


def _enqueue(delivery_ids: Sequence[int]) -> None:
    # A broker that is down loses nothing: the periodic sweep sends it (next_attempt_at is NULL).
    for delivery_id in delivery_ids:
        enqueue.send(enqueue.SEND_WEBHOOK_DELIVERY, delivery_id)


def _claims_by_id(claim_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in claim_rows(queryset=Claim.objects.filter(pk__in=claim_ids).order_by("id"))}


def queue_article_events(*, article_ids: Sequence[int], claim_ids: Sequence[int]) -> int:
    """claim.detected for each new claim and article.processed for each article."""
    if not WebhookEndpoint.objects.filter(active=True).exists():
        return 0  # the usual case: no query more than this
    counts: dict[int, int] = {}
    for article_id in Claim.objects.filter(article_id__in=article_ids).values_list("article_id", flat=True):
        counts[article_id] = counts.get(article_id, 0) + 1
    events = [
        Event(E.CLAIM_DETECTED, f"claim.detected:{row['id']}", {"claim": row})
        for row in _claims_by_id(claim_ids).values()
    ]
    for article in Article.objects.filter(pk__in=article_ids, status=Article.Status.DONE).select_related("outlet"):
        data = _article(article) | {"claims": counts.get(article.pk, 0)}
        events.append(
            Event(E.ARTICLE_PROCESSED, f"article.processed:{article.pk}:{article.attempts}", {"article": data})
        )
    return queue_events(events)


def queue_article_failed(*, article_id: int) -> int:
    if not WebhookEndpoint.objects.filter(active=True).exists():
        return 0
    article = Article.objects.select_related("outlet").filter(pk=article_id).first()
    if article is None:
        return 0
    event = Event(E.ARTICLE_FAILED, f"article.failed:{article.pk}:{article.attempts}", {"article": _article(article)})
    return queue_events([event])


def _article(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.canonical_url or article.url or "",
        "outlet": article.outlet.name if article.outlet else "",
        "status": article.status,
        "error": article.error,
        "processed_at": article.processed_at.isoformat() if article.processed_at else None,
    }


def _rating_ref(rating: Rating) -> dict[str, Any]:
    return {"id": rating.pk, "label": rating.label, "slug": rating.slug, "value": rating.value}


def queue_transition_events(*, transition: ClaimTransition) -> int:
    """claim.status_changed for every move; claim.published / claim.corrected as well for those."""
    if not WebhookEndpoint.objects.filter(active=True).exists():
        return 0
    claim = _claims_by_id([transition.claim_id]).get(transition.claim_id)
    if claim is None:
        return 0
    move = {
        "from_status": transition.from_status,
        "to_status": transition.to_status,
        "at": transition.created_at.isoformat(),
        "note": transition.note,
    }
    events = [Event(E.CLAIM_STATUS_CHANGED, f"claim.status_changed:{transition.pk}", {"claim": claim, **move})]
    if transition.to_status == Claim.Status.PUBLISHED:
        events.append(Event(E.CLAIM_PUBLISHED, f"claim.published:{transition.pk}", {"claim": claim}))
    elif transition.to_status == Claim.Status.CORRECTED:
        data: dict[str, Any] = {"claim": claim, "correction_note": transition.note}
        correction = Correction.objects.filter(transition=transition).select_related("old_rating", "new_rating").first()
        if correction is not None:
            # What receivers showed before, so they can say what changed (docs/monitoring.md).
            data["previous"] = {"rating": _rating_ref(correction.old_rating), "conclusion": correction.old_conclusion}
            data["rating_changed"] = correction.old_rating_id != correction.new_rating_id
        corrected = Event(E.CLAIM_CORRECTED, f"claim.corrected:{transition.pk}", data)
        events.append(corrected)
        return queue_events(events) + _queue_routed_correction(corrected, claim_id=transition.claim_id)
    return queue_events(events)


def _queue_routed_correction(event: Event, *, claim_id: int) -> int:
    """The correction also goes to every endpoint a subscription posted the claim to as a match
    (a desk's chat channel showed it, so it hears of the correction), checked at sending as the
    match was. An endpoint that also asked for claim.corrected gets it once."""
    now = timezone.now().isoformat()
    rows = [
        WebhookDelivery(endpoint_id=endpoint_id, subscription_id=subscription_id, event_id=event.id,
                        event_type=event.type,
                        payload={"type": event.type, "timestamp": now, "data": event.data})
        for endpoint_id, subscription_id in routed_matches(claim_id=claim_id)
    ]
    return _store_new(rows)


# --- subscriptions routed to an endpoint -----------------------------------------------------------


def may_route_to(*, user: User, endpoint: WebhookEndpoint) -> bool:
    """May `user` send their subscription's matches to `endpoint`? Its owner may, and so may
    anyone who may see the newsroom's endpoints (a desk's shared chat channel). Asked when the
    route is chosen and again at every send."""
    if not access.may_receive_alerts(user):
        return False
    return endpoint.owner_id == user.pk or user.has_perm("claims.view_webhookendpoint")


def routable_endpoints(*, user: User) -> QuerySet[WebhookEndpoint]:
    """The endpoints `user` may route a subscription to (what the admin and the API offer)."""
    if not access.may_receive_alerts(user):
        return WebhookEndpoint.objects.none()
    qs = WebhookEndpoint.objects.filter(active=True)
    return qs if user.has_perm("claims.view_webhookendpoint") else qs.filter(owner=user)


def clean_route(*, owner: User, value: Any) -> int | None:
    """The endpoint id a subscription of `owner` routes to (None: e-mail only). An endpoint that
    exists but that `owner` may not use is "unknown", like one that does not exist."""
    if value is None or value == "":
        return None
    if isinstance(value, WebhookEndpoint):
        value = value.pk
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{value!r} is not a webhook endpoint id.", field="webhook_endpoint")
    if not routable_endpoints(user=owner).filter(pk=value).exists():
        raise InvalidInput(f"Unknown webhook endpoint id: {value} (or it is turned off).", field="webhook_endpoint")
    return value


def queue_subscription_matches(*, deliveries: Sequence[Any]) -> int:
    """One `subscription.matched` delivery per new alert match whose subscription routes to an
    active endpoint: the chat channel gets exactly what the e-mail gets, from the same matching
    (claims.services.alerts calls this with the alert deliveries it has just made). In the
    caller's transaction; the sends are queued when it commits."""
    pairs = [(row.subscription_id, row.claim_id, list(row.reasons or [])) for row in deliveries]
    if not pairs:
        return 0
    routes = {
        pk: (endpoint_id, name)
        for pk, endpoint_id, name in Subscription.objects.filter(
            pk__in={sub for sub, _, _ in pairs},
            active=True,
            webhook_endpoint__active=True,
        ).values_list("pk", "webhook_endpoint_id", "name")
    }
    if not routes:
        return 0  # the usual case: one query
    claims = _claims_by_id(sorted({claim for sub, claim, _ in pairs if sub in routes}))
    now = timezone.now().isoformat()
    rows = []
    for subscription_id, claim_id, reasons in pairs:
        if subscription_id not in routes or claim_id not in claims:
            continue
        endpoint_id, name = routes[subscription_id]
        event = Event(
            WebhookEndpoint.SUBSCRIPTION_MATCHED,
            f"subscription.matched:{subscription_id}:{claim_id}",
            {"subscription": {"id": subscription_id, "name": name}, "claim": claims[claim_id], "reasons": reasons},
        )
        rows.append(
            WebhookDelivery(
                endpoint_id=endpoint_id,
                subscription_id=subscription_id,
                event_id=event.id,
                event_type=event.type,
                payload={"type": event.type, "timestamp": now, "data": event.data},
            )
        )
    # A match announced twice (the sweeper matching an article again) is one delivery.
    return _store_new(rows)


def _store_new(rows: list[WebhookDelivery]) -> int:
    """Insert deliveries, skipping any whose (event, endpoint) is already stored, and queue the
    new ones once the transaction commits. Returns how many were new."""
    if not rows:
        return 0
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    # the rows just inserted: pending and never tried (bulk_create gives no ids on conflicts)
    ids = list(
        WebhookDelivery.objects.filter(
            event_id__in={row.event_id for row in rows},
            status=D.PENDING,
            attempts=0,
            next_attempt_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _subscription_refusal(delivery: WebhookDelivery) -> str | None:
    """Why a delivery a subscription routed (a match, or its correction) may not go out now, or
    None. An alert is a read:
    the subscriber must still be allowed to see the claim, and to use the endpoint."""
    from claims.services.alerts import pause_for_lost_access

    subscription = delivery.subscription
    if subscription is None:
        return "the subscription was deleted"
    if not subscription.active:
        return "the subscription was turned off"
    if subscription.webhook_endpoint_id != delivery.endpoint_id:
        return "the subscription no longer sends to this endpoint"
    owner = subscription.owner
    if not owner.is_active:
        return "the subscriber's account is inactive"
    if not access.may_receive_alerts(owner):
        pause_for_lost_access(subscription_id=subscription.pk, reason=access.NO_ALERT_ACCESS)
        return access.NO_ALERT_ACCESS
    if not may_route_to(user=owner, endpoint=delivery.endpoint):
        return "the subscriber may no longer use this endpoint"
    claim_id = (delivery.payload.get("data") or {}).get("claim", {}).get("id")
    if not access.visible_claims(user=owner).filter(pk=claim_id).exists():
        return "the subscriber may not see this claim"
    return None


# --- delivery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    delivered: bool = False
    retry_at: datetime | None = None


def signature_headers(*, endpoint: WebhookEndpoint, event_id: str, body: str, at: datetime) -> dict[str, str]:
    """Standard Webhooks' headers, signed with the endpoint's secret (and, during a rotation, with
    the previous one too: a receiver accepts the message when any signature verifies)."""
    at = at.astimezone(UTC)
    secrets_now = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > at:
        secrets_now.append(endpoint.previous_secret)
    signatures = [Webhook(secret).sign(msg_id=event_id, timestamp=at, data=body) for secret in secrets_now]
    return {
        "Content-Type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def _finish(delivery: WebhookDelivery, claimed_at: datetime, **fields: Any) -> int:
    # Guarded by claimed_at: if the row was taken back as stale meanwhile, the newer claim owns it.
    return WebhookDelivery.objects.filter(pk=delivery.pk, status=D.SENDING, claimed_at=claimed_at).update(**fields)


def backoff(attempts: int) -> timedelta:
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - jitter, not a secret


def send_delivery(*, delivery_id: int) -> SendOutcome:
    """Post one delivery if it is due and nobody else is posting it; record the attempt."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status=D.PENDING,
    ).update(status=D.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return SendOutcome()
    delivery = WebhookDelivery.objects.select_related("endpoint__owner", "subscription__owner").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        _finish(delivery, now, status=D.FAILED, last_error="Not sent: the endpoint is disabled.", next_attempt_at=None)
        return SendOutcome()
    if not access.sees_unpublished_claims(endpoint.owner):
        reason = "its owner may no longer see unpublished claims"
        _finish(delivery, now, status=D.FAILED, last_error=f"Not sent: {reason}.", next_attempt_at=None)
        disable_endpoint(endpoint=endpoint, reason=f"Disabled: {reason}.")
        return SendOutcome()
    if delivery.subscription_id is not None or delivery.event_type == WebhookEndpoint.SUBSCRIPTION_MATCHED:
        # sent because of a subscription (a match, or the correction of one): asked again now
        refusal = _subscription_refusal(delivery)
        if refusal is not None:
            _finish(delivery, now, status=D.FAILED, last_error=f"Not sent: {refusal}.", next_attempt_at=None)
            return SendOutcome()

    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    headers = signature_headers(endpoint=endpoint, event_id=delivery.event_id, body=body, at=now)
    try:
        result = post(
            endpoint.url,
            body=body.encode("utf-8"),
            headers=headers,
            timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT,
            max_bytes=settings.FACTCHECK_WEBHOOK_MAX_RESPONSE_BYTES,
        )
    except FetchError as exc:
        # The guard refused the address (the name now resolves somewhere private): not retried.
        _log(delivery, error=str(exc))
        _finish(delivery, now, status=D.FAILED, last_error=f"Refused: {exc}", next_attempt_at=None)
        _count_failure(endpoint, now)
        return SendOutcome()
    except TransientFetchError as exc:
        _log(delivery, error=str(exc))
        return _retry_or_give_up(delivery, now, error=str(exc))

    _log(delivery, status_code=result.status, latency_ms=int(result.seconds * 1000), excerpt=result.excerpt)
    if 200 <= result.status < 300:
        _finish(delivery, now, status=D.DELIVERED, delivered_at=timezone.now(), last_error="", next_attempt_at=None)
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(failing_since=None)
        return SendOutcome(delivered=True)
    if result.status == 410:
        _finish(
            delivery, now, status=D.FAILED, last_error="410 Gone: the receiver asked to stop.", next_attempt_at=None
        )
        disable_endpoint(endpoint=endpoint, reason="Disabled: the receiver answered 410 Gone.")
        return SendOutcome()
    return _retry_or_give_up(delivery, now, error=f"answered {result.status}")


def _log(
    delivery: WebhookDelivery,
    *,
    status_code: int | None = None,
    latency_ms: int = 0,
    excerpt: str = "",
    error: str = "",
) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=status_code,
        latency_ms=latency_ms,
        response_excerpt=excerpt[:EXCERPT_CHARS],
        error=error[:2000],
    )


def _retry_or_give_up(delivery: WebhookDelivery, now: datetime, *, error: str) -> SendOutcome:
    if _count_failure(delivery.endpoint, now):
        _finish(
            delivery, now, status=D.FAILED, next_attempt_at=None, last_error=f"{error}; the endpoint was turned off"
        )
        return SendOutcome()
    retry_at = now + backoff(delivery.attempts)  # read after the claim counted this attempt
    # a replayed delivery gets its whole retry window again, counted from the replay
    give_up_at = (delivery.replayed_at or delivery.created_at) + timedelta(hours=settings.FACTCHECK_WEBHOOK_RETRY_HOURS)
    if retry_at > give_up_at:
        _finish(
            delivery,
            now,
            status=D.FAILED,
            next_attempt_at=None,
            last_error=f"Gave up after {delivery.attempts} attempts: {error}",
        )
        return SendOutcome()
    _finish(delivery, now, status=D.PENDING, next_attempt_at=retry_at, last_error=error)
    return SendOutcome(retry_at=retry_at)


def _count_failure(endpoint: WebhookEndpoint, now: datetime) -> bool:
    """Start the endpoint's failure run, or disable it when the run has lasted too long (True)."""
    if WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now):
        endpoint.failing_since = now
    else:
        endpoint.refresh_from_db(fields=["failing_since"])
        # A run is failures one after another: after a quiet spell longer than the longest backoff
        # (no attempt at all), this failure starts a new run rather than ending an old one.
        last = (
            WebhookAttempt.objects.filter(delivery__endpoint=endpoint, at__lt=now)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if last is None or now - last > timedelta(seconds=RETRY_CAP_SECONDS) + QUIET_MARGIN:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
            endpoint.failing_since = now
    limit = timedelta(hours=settings.FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS)
    if endpoint.failing_since is not None and now - endpoint.failing_since >= limit:
        hours = settings.FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS
        disable_endpoint(endpoint=endpoint, reason=f"Disabled: every attempt failed for {hours} hours.")
        return True
    return False


def disable_endpoint(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Turn the endpoint off (once), fail what still waits for it, and tell its owner."""
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(active=False, disabled_reason=reason):
        return False  # someone else disabled it first, and told the owner
    WebhookDelivery.objects.filter(endpoint=endpoint, status=D.PENDING).update(
        status=D.FAILED, next_attempt_at=None, last_error=f"Not sent: {reason}"
    )
    owner = endpoint.owner
    if owner.email:
        body = (
            f"Your webhook endpoint \u201c{endpoint.name}\u201d ({endpoint.url}) was turned off.\n\n{reason}\n\n"
            "Its undelivered events are kept: fix the receiver, turn the endpoint back on in the admin "
            f"({settings.SITE_URL}/admin/claims/webhookendpoint/{endpoint.pk}/change/) and replay them.\n"
        )
        try:
            send_mail(f"Webhook endpoint turned off: {endpoint.name}", body, None, [owner.email])
        except Exception:  # noqa: BLE001 - the endpoint is off either way; the admin shows why
            logger.warning(
                "could not tell %s that webhook endpoint %s was disabled", owner.email, endpoint.pk, exc_info=True
            )
    return True


# --- replay and the sweep -------------------------------------------------------------------------


def replay_deliveries(*, deliveries: Iterable[WebhookDelivery], user: User) -> int:
    """Send these deliveries again (delivered ones too: the receiver sees the same webhook-id).
    Deliveries of a disabled endpoint are left alone: turn it back on first."""
    check_may_register(user=user)
    ids = [d.pk for d in deliveries if d.status != D.SENDING]
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(pk__in=ids, endpoint__active=True)
            .exclude(status=D.SENDING)
            .values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=D.PENDING, next_attempt_at=None, last_error="", attempts=0, replayed_at=timezone.now()
        )
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def replay_failed_since(*, endpoint: WebhookEndpoint, since: datetime, user: User) -> int:
    if not endpoint.active:
        raise InvalidInput("This endpoint is disabled: turn it back on before replaying its deliveries.")
    failed = WebhookDelivery.objects.filter(endpoint=endpoint, status=D.FAILED, created_at__gte=since)
    return replay_deliveries(deliveries=failed, user=user)


def retry_due_deliveries() -> int:
    """Beat: queue deliveries whose backoff has passed, whose task was lost, or whose sender died."""
    now = timezone.now()
    WebhookDelivery.objects.filter(status=D.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=D.PENDING, next_attempt_at=now
    )
    due = list(
        WebhookDelivery.objects.filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=now - LOST_TASK),
            status=D.PENDING,
        ).values_list("pk", flat=True)[:1000]
    )
    _enqueue(due)
    return len(due)
