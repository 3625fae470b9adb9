"""A subscription's filters routed to a webhook endpoint: a team's chat channel gets the same
matches as the subscriber's e-mail, from the same matching, signed like every webhook, checked
against the subscriber's access when it is sent. A real receiver on 127.0.0.1; tasks in-process."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from rest_framework.test import APIClient
from standardwebhooks.webhooks import Webhook

from claims.models import AlertDelivery, Claim, Subscription, WebhookDelivery, WebhookEndpoint
from claims.services import alerts, webhooks
from claims.services.articles import submit_article
from claims.services.errors import InvalidInput
from claims.services.tokens import create_api_token
from tests.webhooks.conftest import Receiver

E = WebhookEndpoint.Event
D = WebhookDelivery.Status
MATCHED = WebhookEndpoint.SUBSCRIPTION_MATCHED
pytestmark = pytest.mark.django_db
TEXT = (
    "Harbour plan approved\n\n"
    '"The bridge will open in 2029," Mayor Helena Strand said on Tuesday.\n\n'
    "Councillor Tomas Brightwater said the estimate left out 40 million in maintenance costs.\n"
)


def reader_who_sees_endpoints(name: str = "desk-reader") -> User:
    """A Reader (sees unpublished claims, may subscribe) allowed to see the newsroom's endpoints."""
    user = User.objects.create_user(name, email=f"{name}@example.org", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Reader"))
    user.user_permissions.add(Permission.objects.get(codename="view_webhookendpoint"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def hold_webhook_sends(monkeypatch):
    """The article is processed and matched, but the webhook sends wait (as on a busy queue)."""
    return lambda: monkeypatch.setattr(webhooks, "_enqueue", lambda ids: None)


@pytest.fixture
def chat(make_endpoint) -> WebhookEndpoint:
    # Asks for no claim events of its own: what it gets below comes from the subscription alone.
    return make_endpoint(E.ARTICLE_FAILED)


def test_a_routed_subscription_posts_the_same_matches_as_its_email_signed(
    receiver: Receiver, chat: WebhookEndpoint, owner: User, django_capture_on_commit_callbacks
) -> None:
    subscription = alerts.create_subscription(owner=owner, name="Bridge desk", keywords=["bridge"],
                                              webhook_endpoint=chat.pk)
    with django_capture_on_commit_callbacks(execute=True):
        submit_article(text=TEXT, title="Harbour plan approved")
    emailed = set(AlertDelivery.objects.filter(subscription=subscription).values_list("claim_id", flat=True))
    assert emailed and len(mail.outbox) == 1
    events = [Webhook(chat.secret).verify(r.body, r.headers) for r in receiver.received]
    assert [e["type"] for e in events] == [MATCHED] * len(emailed)
    assert {e["data"]["claim"]["id"] for e in events} == emailed
    event = events[0]
    assert event["data"]["subscription"] == {"id": subscription.pk, "name": "Bridge desk"}
    assert event["data"]["reasons"] == ["keyword 'bridge'"]
    assert "bridge" in event["data"]["claim"]["content"].lower()
    assert Claim.objects.get(pk=event["data"]["claim"]["id"]).content == event["data"]["claim"]["content"]
    assert set(WebhookDelivery.objects.values_list("status", "subscription_id")) == {(D.DELIVERED, subscription.pk)}


def test_a_match_announced_again_is_posted_once(
    receiver: Receiver, chat: WebhookEndpoint, owner: User, django_capture_on_commit_callbacks
) -> None:
    alerts.create_subscription(owner=owner, name="Bridge desk", keywords=["bridge"], webhook_endpoint=chat.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article = submit_article(text=TEXT, title="Harbour plan approved").article
    first = len(receiver.received)
    assert first >= 1
    with django_capture_on_commit_callbacks(execute=True):
        claim_ids = list(Claim.objects.filter(article=article).values_list("pk", flat=True))
        alerts.queue_alerts_for_claims(claim_ids=claim_ids)
    assert len(receiver.received) == first


def test_a_subscription_without_a_route_posts_nothing(
    receiver: Receiver, chat: WebhookEndpoint, owner: User, django_capture_on_commit_callbacks
) -> None:
    alerts.create_subscription(owner=owner, name="Bridge desk", keywords=["bridge"])
    with django_capture_on_commit_callbacks(execute=True):
        submit_article(text=TEXT, title="Harbour plan approved")
    assert len(mail.outbox) == 1 and receiver.received == []


def test_a_subscriber_who_lost_access_before_the_send_gets_nothing_posted(
    receiver: Receiver, chat: WebhookEndpoint, django_capture_on_commit_callbacks, hold_webhook_sends
) -> None:
    subscriber = reader_who_sees_endpoints()
    subscription = alerts.create_subscription(owner=subscriber, name="Bridge", keywords=["bridge"],
                                              webhook_endpoint=chat.pk)
    hold_webhook_sends()
    with django_capture_on_commit_callbacks(execute=True):
        submit_article(text=TEXT, title="Harbour plan approved")
    delivery = WebhookDelivery.objects.get(event_type=MATCHED)
    subscriber.groups.clear()  # no longer in the newsroom: may not see unpublished claims
    webhooks.send_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert receiver.received == []
    assert delivery.status == D.FAILED and "may not see unpublished claims" in delivery.last_error
    subscription.refresh_from_db()
    assert not subscription.active and subscription.paused_reason
    chat.refresh_from_db()
    assert chat.active  # the endpoint's owner still may: the channel keeps its other events


@pytest.mark.parametrize("change", ["turned off", "rerouted", "endpoint right withdrawn"])
def test_a_subscription_changed_after_the_match_posts_nothing(
    receiver: Receiver, chat: WebhookEndpoint, django_capture_on_commit_callbacks, hold_webhook_sends, change: str
) -> None:
    subscriber = reader_who_sees_endpoints()
    subscription = alerts.create_subscription(owner=subscriber, name="Bridge", keywords=["bridge"],
                                              webhook_endpoint=chat.pk)
    hold_webhook_sends()
    with django_capture_on_commit_callbacks(execute=True):
        submit_article(text=TEXT, title="Harbour plan approved")
    if change == "turned off":
        alerts.update_subscription(subscription=subscription, user=subscriber, active=False)
    elif change == "rerouted":
        alerts.update_subscription(subscription=subscription, user=subscriber, webhook_endpoint=None)
    else:
        subscriber.user_permissions.clear()
    delivery = WebhookDelivery.objects.get(event_type=MATCHED)
    webhooks.send_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert receiver.received == [] and delivery.status == D.FAILED
    assert delivery.last_error.startswith("Not sent: ")


def test_only_endpoints_one_may_use_can_be_chosen(chat: WebhookEndpoint, owner: User, wf_reader: User) -> None:
    # A Reader who may not see the newsroom's endpoints: the id answers like one that does not exist.
    with pytest.raises(InvalidInput) as refused:
        alerts.create_subscription(owner=wf_reader, name="x", keywords=["tax"], webhook_endpoint=chat.pk)
    assert refused.value.field == "webhook_endpoint" and "Unknown webhook endpoint" in refused.value.message
    assert not Subscription.objects.filter(owner=wf_reader).exists()
    # The endpoint's owner may; so may a Reader allowed to see endpoints; not to one turned off.
    assert alerts.create_subscription(owner=owner, name="x", keywords=["tax"], webhook_endpoint=chat.pk)
    desk = reader_who_sees_endpoints()
    assert alerts.create_subscription(owner=desk, name="y", keywords=["tax"], webhook_endpoint=chat.pk)
    webhooks.update_endpoint(endpoint=chat, user=owner, active=False)
    with pytest.raises(InvalidInput):
        alerts.create_subscription(owner=desk, name="z", keywords=["tax"], webhook_endpoint=chat.pk)


def test_the_api_routes_a_subscription_and_refuses_an_endpoint_one_may_not_use(
    chat: WebhookEndpoint, wf_reader: User
) -> None:
    desk = reader_who_sees_endpoints()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=desk, name='t').key}")
    made = client.post("/api/v1/subscriptions/", {"name": "Bridge", "keywords": ["bridge"],
                                                   "webhook_endpoint": chat.pk}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["webhook_endpoint"] == chat.pk
    assert Subscription.objects.get(pk=made.json()["id"]).webhook_endpoint_id == chat.pk
    cleared = client.patch(f"/api/v1/subscriptions/{made.json()['id']}/", {"webhook_endpoint": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["webhook_endpoint"] is None

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=wf_reader, name='t').key}")
    refused = other.post("/api/v1/subscriptions/", {"name": "Bridge", "keywords": ["bridge"],
                                                    "webhook_endpoint": chat.pk}, format="json")
    assert refused.status_code == 400 and "webhook_endpoint" in refused.json()["error"]["fields"]


def test_the_admin_offers_only_usable_endpoints_and_saves_the_route(
    client, chat: WebhookEndpoint, owner: User, wf_reader: User
) -> None:
    client.force_login(wf_reader)
    page = client.get("/admin/claims/subscription/add/")
    assert page.status_code == 200 and chat.name not in page.content.decode()
    client.force_login(owner)
    page = client.get("/admin/claims/subscription/add/")
    assert chat.name in page.content.decode()
    saved = client.post("/admin/claims/subscription/add/", {
        "name": "Bridge", "active": "on", "keywords_text": "bridge", "min_checkworthiness": "0", "cadence": "immediate",
        "digest_hour": "8", "digest_weekday": "0", "timezone": "UTC", "webhook_endpoint": str(chat.pk),
    })
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Subscription.objects.get(name="Bridge").webhook_endpoint_id == chat.pk
