"""Subscriptions through the API: one's own only, validated by the alerts services. The subscriber
is a Reader: alerts carry unpublished claims, which only the newsroom's groups may read."""
from __future__ import annotations

import pytest

from claims.models import Subscription

pytestmark = pytest.mark.django_db


def test_a_user_creates_reads_changes_and_deletes_a_subscription(client_for, reader, speaker):
    client = client_for(reader)
    created = client.post(
        "/api/v1/subscriptions/",
        {"name": "Minister watch", "speakers": [speaker.pk], "cadence": "daily", "digest_hour": 7},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert Subscription.objects.get(pk=pk).owner == reader
    changed = client.patch(f"/api/v1/subscriptions/{pk}/", {"timezone": "Europe/Berlin"}, format="json")
    assert changed.status_code == 200 and changed.json()["timezone"] == "Europe/Berlin"
    assert client.get(f"/api/v1/subscriptions/{pk}/").json()["speakers"] == [speaker.pk]
    assert client.delete(f"/api/v1/subscriptions/{pk}/").status_code == 204
    assert not Subscription.objects.filter(pk=pk).exists()


def test_the_owner_cannot_be_assigned(client_for, reader, other):
    response = client_for(reader).post(
        "/api/v1/subscriptions/", {"name": "x", "keywords": ["tax"], "owner": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a", "keywords": ["tax"], "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "a", "keywords": ["tax"], "digest_hour": 24}, "digest_hour"),
        ({"name": "a", "speakers": [987654]}, "speakers"),
        ({"name": "a"}, "filters"),
        ({"keywords": ["tax"]}, "name"),
    ],
)
def test_invalid_subscriptions_are_refused_naming_the_field(client_for, reader, body, field):
    response = client_for(reader).post("/api/v1/subscriptions/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Subscription.objects.exists()


def test_a_duplicate_name_is_refused(client_for, reader):
    client = client_for(reader)
    body = {"name": "Tax", "keywords": ["tax"]}
    assert client.post("/api/v1/subscriptions/", body, format="json").status_code == 201
    again = client.post("/api/v1/subscriptions/", body, format="json")
    assert again.status_code == 400 and "name" in again.json()["error"]["fields"]


def test_another_users_subscription_stays_untouched(client_for, nobody, other):
    theirs = Subscription.objects.create(owner=other, name="Theirs", keywords=["x"])
    client = client_for(nobody)
    assert client.patch(f"/api/v1/subscriptions/{theirs.pk}/", {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
