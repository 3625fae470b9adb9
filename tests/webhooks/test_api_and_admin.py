"""Registering endpoints and replaying deliveries from the API and the admin: the same service,
the same refusals."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from claims.services.tokens import create_api_token
from tests.webhooks.conftest import Receiver

E = WebhookEndpoint.Event
D = WebhookDelivery.Status
pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=user, name='hooks').key}")
    return client


def test_an_admin_registers_an_endpoint_through_the_api_and_gets_its_secret(owner, receiver: Receiver) -> None:
    response = api(owner).post(
        "/api/v1/webhooks/",
        {"name": "Chat", "url": receiver.url, "event_types": ["claim.published", "claim.detected"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["active"] is True
    assert body["event_types"] == ["claim.detected", "claim.published"]
    assert WebhookEndpoint.objects.get(pk=body["id"]).owner == owner


def test_the_api_refuses_a_private_url_and_an_unknown_event_with_reasons(owner, settings) -> None:
    client = api(owner)
    response = client.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "http://10.1.2.3/hook", "event_types": ["claim.detected"]},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot receive webhooks" in response.json()["error"]["fields"]["url"][0]
    response = client.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "https://example.org/hook", "event_types": ["claim.deleted"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"event_types.0": ['"claim.deleted" is not a valid choice.']}


def test_a_reader_may_not_see_or_register_endpoints(receiver: Receiver, db) -> None:
    reader = User.objects.create_user("hooks-reader")
    reader.groups.add(Group.objects.get(name="Reader"))
    client = api(reader)
    assert client.get("/api/v1/webhooks/").status_code == 403
    response = client.post(
        "/api/v1/webhooks/", {"name": "x", "url": receiver.url, "event_types": ["claim.detected"]}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_replay_through_the_api_resends_every_failed_delivery_since_a_moment(
    owner, make_endpoint, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint = make_endpoint()
    receiver.statuses = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.queue_events([webhooks.Event(E.CLAIM_DETECTED, key, {"n": key}) for key in ("old", "new")])
    WebhookDelivery.objects.update(status=D.FAILED, next_attempt_at=None)
    WebhookDelivery.objects.filter(payload__data__n="old").update(created_at=timezone.now() - timedelta(days=2))
    receiver.received.clear()
    since = (timezone.now() - timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(owner).post(f"/api/v1/webhooks/{endpoint.pk}/replay/", {"since": since}, format="json")
    assert response.status_code == 202 and response.json() == {"queued": 1}
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get(payload__data__n="new").status == D.DELIVERED
    deliveries = api(owner).get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert {d["status"] for d in deliveries} == {"delivered", "failed"}


def test_a_bad_replay_moment_is_a_400(owner, make_endpoint) -> None:
    endpoint = make_endpoint()
    response = api(owner).post(f"/api/v1/webhooks/{endpoint.pk}/replay/", {"since": "last tuesday"}, format="json")
    assert response.status_code == 400 and "since" in response.json()["error"]["fields"]


def test_turning_a_disabled_endpoint_back_on_clears_why_it_was_off(owner, make_endpoint) -> None:
    endpoint = make_endpoint()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_reason="Disabled: 410.", failing_since=timezone.now()
    )
    response = api(owner).patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": True}, format="json")
    assert response.status_code == 200
    assert response.json()["disabled_reason"] == "" and response.json()["failing_since"] is None


def test_the_admin_form_refuses_a_private_url_with_the_services_words(owner) -> None:
    client = Client()
    client.force_login(owner)
    response = client.post(
        "/admin/claims/webhookendpoint/add/",
        {"name": "Chat", "url": "http://192.168.1.10/hook", "event_types": ["claim.detected"], "active": "on"},
    )
    assert response.status_code == 200
    assert "This URL cannot receive webhooks" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_registers_an_endpoint_and_replays_a_delivery(
    owner, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(owner)
    response = client.post(
        "/admin/claims/webhookendpoint/add/",
        {"name": "Chat", "url": receiver.url, "event_types": ["claim.detected"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.owner == owner
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.queue_events([webhooks.Event(E.CLAIM_DETECTED, "admin", {})])
    delivery = WebhookDelivery.objects.get()
    page = client.get(f"/admin/claims/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "answered 200" in page  # the attempt log shows the receiver's answer
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/claims/webhookdelivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert len(receiver.received) == 2
