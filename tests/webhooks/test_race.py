"""Real Celery workers on PostgreSQL and Redis racing for the same deliveries: each event reaches
the receiver once."""
from __future__ import annotations

import pytest

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from tests.conftest import wait_until
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.services


def test_two_workers_racing_for_every_delivery_post_each_event_once(
    start_worker, receiver: Receiver, make_endpoint
) -> None:
    from claims.tasks import send_webhook_delivery

    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_DETECTED)
    # The workers are other processes: they need the test's permission to post to loopback.
    start_worker.extra_env = {"FACTCHECK_FETCH_ALLOW_PRIVATE": "1"}
    start_worker(queues="mail", concurrency=2, name="hooks-a")
    start_worker(queues="mail", concurrency=2, name="hooks-b")
    events = [webhooks.Event(WebhookEndpoint.Event.CLAIM_DETECTED, f"race-{n}", {"n": n}) for n in range(20)]
    assert webhooks.queue_events(events) == 20  # committed at once (no transaction): one message each
    for delivery_id in WebhookDelivery.objects.values_list("pk", flat=True):
        send_webhook_delivery.delay(delivery_id)  # and a second message for every delivery

    delivered = lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).count() == 20  # noqa: E731
    assert wait_until(delivered, timeout=120)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert sorted(ids) == sorted(event.id for event in events)  # every event, none twice
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}
    assert endpoint.deliveries.count() == 20


def test_two_workers_racing_for_a_subscriptions_matches_post_each_match_once(
    start_worker, receiver: Receiver, make_endpoint, owner
) -> None:
    from claims.services import alerts
    from claims.tasks import send_webhook_delivery
    from tests.admin.workflow_fixtures import make_claim

    chat = make_endpoint(WebhookEndpoint.Event.ARTICLE_FAILED)
    alerts.create_subscription(owner=owner, name="Bridge desk", keywords=["bridge"], webhook_endpoint=chat.pk)
    claims = [make_claim(content=f"The bridge will cost {n} million.") for n in range(12)]
    start_worker.extra_env = {"FACTCHECK_FETCH_ALLOW_PRIVATE": "1"}
    start_worker(queues="mail", concurrency=2, name="routes-a")
    start_worker(queues="mail", concurrency=2, name="routes-b")
    alerts.queue_alerts_for_claims(claim_ids=[c.pk for c in claims])  # one message per match, at commit
    matched = WebhookDelivery.objects.filter(event_type=WebhookEndpoint.SUBSCRIPTION_MATCHED)
    assert matched.count() == 12
    for delivery_id in matched.values_list("pk", flat=True):
        send_webhook_delivery.delay(delivery_id)  # and a second message for every match

    delivered = lambda: matched.filter(status=WebhookDelivery.Status.DELIVERED).count() == 12  # noqa: E731
    assert wait_until(delivered, timeout=120)
    posted = [r.headers["webhook-id"] for r in receiver.received]
    assert sorted(posted) == sorted(matched.values_list("event_id", flat=True))  # every match, none twice
