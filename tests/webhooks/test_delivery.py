"""Webhooks end to end, with a real receiving server on 127.0.0.1: events from the workflow and the
pipeline, Standard Webhooks signatures checked by the reference implementation, retries, 410,
disabling, replay and the SSRF guard. Tasks run in-process here; test_race.py uses real workers."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claims.models import Article, Claim, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from claims.services import pipeline, webhooks
from claims.services.articles import submit_article
from claims.services.errors import InvalidInput
from tests.factories import published
from tests.webhooks.conftest import Receiver

E = WebhookEndpoint.Event
D = WebhookDelivery.Status
pytestmark = pytest.mark.django_db
TEXT = (
    "Harbour plan approved\n\n"
    '"The bridge will open in 2029," Mayor Helena Strand said on Tuesday.\n\n'
    "Councillor Tomas Brightwater said the estimate left out 40 million in maintenance costs.\n"
)


def verified(endpoint: WebhookEndpoint, received) -> dict:
    """What a receiver's five lines do: the reference implementation checks the signature."""
    return Webhook(endpoint.secret).verify(received.body, received.headers)


def test_a_published_fact_check_reaches_the_receiver_signed_as_standard_webhooks_says(
    receiver: Receiver, make_endpoint, ready_for_review, wf_editor, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint(E.CLAIM_PUBLISHED, E.CLAIM_STATUS_CHANGED)
    with django_capture_on_commit_callbacks(execute=True):
        published(ready_for_review, by=wf_editor)
    assert len(receiver.received) == 2
    by_type = {verified(endpoint, r)["type"]: (r, verified(endpoint, r)) for r in receiver.received}
    request, event = by_type["claim.published"]
    assert event["data"]["claim"]["id"] == ready_for_review.pk
    assert event["data"]["claim"]["status"] == "published" and event["data"]["claim"]["rating"] == "False"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith("msg_")
    moved = by_type["claim.status_changed"][1]["data"]
    assert (moved["from_status"], moved["to_status"]) == ("in_review", "published")
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {D.DELIVERED}
    attempt = WebhookAttempt.objects.first()
    assert attempt.status_code == 200 and attempt.response_excerpt == "answered 200"
    # A tampered body fails the same check.
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body + b" ", request.headers)


def test_processing_an_article_announces_its_claims_and_itself(
    receiver: Receiver, make_endpoint, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint(E.CLAIM_DETECTED, E.ARTICLE_PROCESSED)
    with django_capture_on_commit_callbacks(execute=True):
        article = submit_article(text=TEXT, title="Harbour plan approved").article
    events = [verified(endpoint, r) for r in receiver.received]
    detected = sorted(e["data"]["claim"]["id"] for e in events if e["type"] == "claim.detected")
    assert detected == sorted(Claim.objects.filter(article=article).values_list("pk", flat=True))
    processed = [e["data"]["article"] for e in events if e["type"] == "article.processed"]
    assert processed == [{**processed[0], "id": article.pk, "status": "done", "claims": len(detected)}]
    # The sweeper announcing the article again sends nothing twice: the event ids are the same.
    Article.objects.filter(pk=article.pk).update(alerts_queued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.announce_claims(article_ids=[article.pk], claim_ids=list(detected))
    assert len(receiver.received) == len(events)


def test_a_failed_article_is_announced(receiver: Receiver, make_endpoint, django_capture_on_commit_callbacks) -> None:
    endpoint = make_endpoint(E.ARTICLE_FAILED)
    article = Article.objects.create(text="x", fingerprint="hooks-failed", status=Article.Status.EXTRACTING, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.fail_article(article_id=article.pk, error="The text is not English.")
    (event,) = [verified(endpoint, r) for r in receiver.received]
    assert event["type"] == "article.failed" and event["data"]["article"]["error"] == "The text is not English."


def test_an_endpoint_gets_only_the_event_types_it_asked_for(
    receiver: Receiver, make_endpoint, ready_for_review, wf_editor, django_capture_on_commit_callbacks
) -> None:
    make_endpoint(E.CLAIM_CORRECTED)
    with django_capture_on_commit_callbacks(execute=True):
        published(ready_for_review, by=wf_editor)
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def _deliver(
    endpoint: WebhookEndpoint, captured, event_type: str = E.CLAIM_DETECTED, key: str = "k1"
) -> WebhookDelivery:
    with captured(execute=True):
        webhooks.queue_events([webhooks.Event(event_type, key, {"hello": key})])
    return WebhookDelivery.objects.get(endpoint=endpoint, event_id=webhooks.Event(event_type, key, {}).id)


def _due_now(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_receiver_down_then_up_gets_the_event_once(
    receiver: Receiver, make_endpoint, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    receiver.stop()  # nothing listens on its port now: the connection is refused
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == D.PENDING and delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()
    assert "connection refused" in delivery.last_error
    receiver.start()  # back on the same port
    assert webhooks.retry_due_deliveries() == 0  # not due yet: its backoff has not passed
    _due_now(delivery)
    assert webhooks.retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED and delivery.attempts == 2
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["webhook-id"] == delivery.event_id
    log = list(delivery.attempt_log.order_by("at", "id").values_list("status_code", flat=True))
    assert log == [None, 200]
    # Delivered: a second send of the same delivery does nothing.
    assert webhooks.send_delivery(delivery_id=delivery.pk).delivered is False
    assert len(receiver.received) == 1


def test_a_5xx_is_retried_with_the_same_webhook_id_and_a_fresh_signature(
    receiver: Receiver, make_endpoint, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    receiver.statuses = [503, 200]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    _due_now(delivery)
    webhooks.retry_due_deliveries()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert verified(endpoint, second) == verified(endpoint, first)
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED
    assert list(delivery.attempt_log.order_by("at", "id").values_list("status_code", flat=True)) == [503, 200]


def test_410_gone_disables_the_endpoint_and_tells_its_owner(
    receiver: Receiver, make_endpoint, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    receiver.statuses = [410]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.active is False and "410 Gone" in endpoint.disabled_reason
    assert delivery.status == D.FAILED
    (message,) = mail.outbox
    assert message.to == [owner.email] and "Newsroom chat" in message.subject and "410 Gone" in message.body
    # A disabled endpoint gets nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.queue_events([webhooks.Event(E.CLAIM_DETECTED, "k2", {})]) == 0
    assert len(receiver.received) == 1


def test_an_endpoint_failing_for_too_long_is_disabled_and_its_owner_told(
    receiver: Receiver, make_endpoint, owner, settings, django_capture_on_commit_callbacks
) -> None:
    settings.FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS = 1
    endpoint = make_endpoint()
    receiver.statuses = [500]
    first = _deliver(endpoint, django_capture_on_commit_callbacks, key="a")
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failing_since is not None and mail.outbox == []
    # An hour of failures later:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=1))
    _due_now(first)
    webhooks.retry_due_deliveries()
    endpoint.refresh_from_db()
    first.refresh_from_db()
    assert endpoint.active is False and "every attempt failed for 1 hours" in endpoint.disabled_reason
    assert first.status == D.FAILED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]


def test_a_success_ends_the_failure_run(receiver: Receiver, make_endpoint, django_capture_on_commit_callbacks) -> None:
    endpoint = make_endpoint()
    receiver.statuses = [500, 200]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    _due_now(delivery)
    webhooks.retry_due_deliveries()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.active


def test_retries_stop_after_the_retry_window(
    receiver: Receiver, make_endpoint, settings, django_capture_on_commit_callbacks
) -> None:
    settings.FACTCHECK_WEBHOOK_RETRY_HOURS = 1
    endpoint = make_endpoint()
    receiver.statuses = [500]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=2))
    _due_now(delivery)
    webhooks.retry_due_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED and delivery.last_error == "Gave up after 2 attempts: answered 500"


def test_the_backoff_doubles_up_to_six_hours_with_jitter() -> None:
    for attempts, ceiling in ((1, 30), (2, 60), (5, 480), (30, 6 * 3600)):
        for _ in range(20):
            assert ceiling / 2 <= webhooks.backoff(attempts).total_seconds() <= ceiling


def test_replay_sends_a_delivered_event_again_with_the_same_id(
    receiver: Receiver, make_endpoint, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.replay_deliveries(deliveries=[delivery], user=owner) == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.event_id] * 2


def test_a_rotated_secret_signs_alongside_the_old_one_for_a_day(
    receiver: Receiver, make_endpoint, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    old = endpoint.secret
    endpoint = webhooks.rotate_secret(endpoint=endpoint, user=owner)
    _deliver(endpoint, django_capture_on_commit_callbacks)
    (request,) = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, endpoint.secret):  # a receiver on either secret accepts the message
        assert Webhook(secret).verify(request.body, request.headers) == json.loads(request.body)
    # After the overlap only the new secret signs.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now() - timedelta(seconds=1))
    _deliver(endpoint, django_capture_on_commit_callbacks, key="later")
    later = receiver.received[1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(later.body, later.headers)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://10.0.0.7/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://2130706433/hooks",
        "ftp://example.org/hooks",
        "http://user:pw@example.org/",
        "not a url",
    ],
)
def test_endpoints_on_private_addresses_or_odd_forms_are_refused(owner, url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        webhooks.create_endpoint(owner=owner, name="x", url=url, event_types=[E.CLAIM_DETECTED])
    assert refused.value.field == "url" and "cannot receive webhooks" in refused.value.message
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_whose_address_turned_private_is_not_posted_to(
    receiver: Receiver, make_endpoint, settings, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False  # as in production: loopback is refused at send time too
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED and delivery.last_error.startswith("Refused:")
    assert receiver.received == []


def test_an_owner_who_lost_access_gets_nothing_and_the_endpoint_is_turned_off(
    receiver: Receiver, make_endpoint, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    owner.groups.clear()
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert receiver.received == [] and delivery.status == D.FAILED
    assert endpoint.active is False and "may no longer see unpublished claims" in endpoint.disabled_reason


def test_only_someone_who_may_see_unpublished_claims_registers_an_endpoint(receiver: Receiver, db) -> None:
    from django.contrib.auth.models import User

    from claims.services.errors import NotAllowed

    outsider = User.objects.create_user("outsider")
    with pytest.raises(NotAllowed):
        webhooks.create_endpoint(owner=outsider, name="x", url=receiver.url, event_types=[E.CLAIM_DETECTED])
