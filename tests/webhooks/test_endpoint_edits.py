"""Editing an endpoint changes only what was edited, and the person who points it somewhere new
is the one its sends are checked against (found in review)."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from tests.factories import published
from tests.webhooks.conftest import grant_webhooks

pytestmark = pytest.mark.django_db


def test_renaming_an_endpoint_keeps_a_concurrent_rotation_and_a_sender_disabling_it(make_endpoint, owner):
    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_PUBLISHED)
    loaded_by_the_form = WebhookEndpoint.objects.get(pk=endpoint.pk)
    webhooks.rotate_secret(endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk), user=owner)
    rotated = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    webhooks.disable_endpoint(endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk), reason="Disabled: 410")
    webhooks.update_endpoint(endpoint=loaded_by_the_form, user=owner, name="Renamed")
    now = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (now.name, now.active, now.secret) == ("Renamed", False, rotated)


def test_whoever_points_an_endpoint_at_a_new_url_is_checked_when_it_sends(receiver, owner, ready_for_review,
                                                                           wf_editor):
    endpoint = webhooks.create_endpoint(owner=owner, name="Desk", url="http://127.0.0.1:9/none",
                                        event_types=["claim.published"])
    other = User.objects.create_user("admin-b", email="b@example.org", password="pw", is_staff=True)
    other.groups.add(Group.objects.get(name="Admin"))
    other = grant_webhooks(other)
    webhooks.update_endpoint(endpoint=endpoint, user=other, url=receiver.url)
    other.groups.clear()
    other.user_permissions.clear()
    other.is_active = False
    other.save()
    published(ready_for_review, by=wf_editor)
    webhooks.send_delivery(delivery_id=WebhookDelivery.objects.get().pk)
    assert receiver.received == []


def test_a_replayed_delivery_gets_its_whole_retry_window_again(receiver, make_endpoint, ready_for_review, wf_editor):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_PUBLISHED)
    receiver.statuses = [503, 200]
    published(ready_for_review, by=wf_editor)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED, attempts=30,
                                                          created_at=timezone.now() - timedelta(days=4))
    assert (
        webhooks.replay_deliveries(deliveries=[WebhookDelivery.objects.get(pk=delivery.pk)], user=endpoint.owner) == 1
    )
    webhooks.send_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 1)


def test_one_failure_after_a_quiet_spell_starts_a_new_run_instead_of_disabling(
    receiver, make_endpoint, ready_for_review, wf_editor
):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_PUBLISHED)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=4))
    receiver.statuses = [503, 200]
    published(ready_for_review, by=wf_editor)
    webhooks.send_delivery(delivery_id=WebhookDelivery.objects.get().pk)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failing_since > timezone.now() - timedelta(minutes=5)


def test_a_second_rotation_inside_the_overlap_is_refused_so_no_receiver_is_cut_off(make_endpoint, owner):
    from claims.services.errors import InvalidInput

    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_PUBLISHED)
    original = endpoint.secret
    webhooks.rotate_secret(endpoint=endpoint, user=owner)
    with pytest.raises(InvalidInput, match="rotation is still in progress"):
        webhooks.rotate_secret(endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk), user=owner)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret == original


def test_the_admin_says_why_a_second_rotation_is_refused(client, make_endpoint, owner):
    endpoint = make_endpoint(WebhookEndpoint.Event.CLAIM_PUBLISHED)
    client.force_login(owner)
    for _ in range(2):
        response = client.post(
            "/admin/claims/webhookendpoint/",
            {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "rotation is still in progress" in response.content.decode()
