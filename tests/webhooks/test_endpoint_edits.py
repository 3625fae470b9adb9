"""Editing an endpoint changes only what was edited, and the person who points it somewhere new
is the one its sends are checked against (found in review)."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from tests.admin.workflow_fixtures import published
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
