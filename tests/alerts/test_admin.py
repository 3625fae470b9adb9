"""The subscription and delivery admin: own rows only, the services' rules and words, retry."""
from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import AlertDelivery, Subscription, SubscriptionKeyword
from claims.services.alerts import create_subscription, queue_alerts_for_claims

FORM = {
    "name": "Sanctions",
    "active": "on",
    "keywords_text": "sanctions, oil exports",
    "min_checkworthiness": "0",
    "cadence": "immediate",
    "digest_hour": "8",
    "digest_weekday": "0",
    "timezone": "UTC",
}


@pytest.fixture
def alice_client(client, subscriber):
    client.force_login(subscriber)
    return client


def test_a_person_sees_and_opens_only_their_own_subscriptions(
    alice_client, subscriber, other_subscriber, django_assert_max_num_queries
):
    mine = create_subscription(owner=subscriber, name="Mine", keywords=["tax"])
    for i in range(5):
        create_subscription(owner=subscriber, name=f"Mine {i}", keywords=["tax"], speakers=[])
    theirs = create_subscription(owner=other_subscriber, name="Theirs", keywords=["tax"])
    with django_assert_max_num_queries(12):
        page = alice_client.get(reverse("admin:claims_subscription_changelist"))
    assert page.status_code == 200
    assert b"Mine" in page.content and b"Theirs" not in page.content
    assert alice_client.get(reverse("admin:claims_subscription_change", args=[mine.pk])).status_code == 200
    other = alice_client.get(reverse("admin:claims_subscription_change", args=[theirs.pk]))
    assert other.status_code in (302, 404)
    response = alice_client.post(
        reverse("admin:claims_subscription_change", args=[theirs.pk]), {**FORM, "name": "Stolen"}
    )
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_adding_a_subscription_in_the_admin_goes_through_the_service(alice_client, subscriber, yang):
    response = alice_client.post(
        reverse("admin:claims_subscription_add"), {**FORM, "speakers": [yang.pk], "kinds": ["direct"]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    subscription = Subscription.objects.get()
    assert subscription.owner == subscriber
    assert list(subscription.speakers.all()) == [yang]
    assert subscription.kinds == ["direct"]
    assert sorted(SubscriptionKeyword.objects.values_list("normalized", flat=True)) == ["oil exports", "sanctions"]


def test_the_admin_form_shows_the_services_reason_for_an_empty_filter_set(alice_client):
    response = alice_client.post(reverse("admin:claims_subscription_add"), {**FORM, "keywords_text": ""})
    assert response.status_code == 200
    assert b"would email every claim" in response.content
    assert not Subscription.objects.exists()


def test_the_admin_form_shows_the_services_reason_for_a_bad_time_zone(alice_client):
    response = alice_client.post(reverse("admin:claims_subscription_add"), {**FORM, "timezone": "Europe/Atlantis"})
    assert response.status_code == 200
    assert b"There is no time zone called" in response.content
    assert not Subscription.objects.exists()


def test_editing_in_the_admin_replaces_the_keywords(alice_client, subscriber):
    subscription = create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    response = alice_client.post(
        reverse("admin:claims_subscription_change", args=[subscription.pk]),
        {**FORM, "name": "Tax", "keywords_text": "VAT\ncustoms"},
    )
    assert response.status_code == 302
    assert sorted(SubscriptionKeyword.objects.values_list("normalized", flat=True)) == ["customs", "vat"]


def test_failed_deliveries_show_their_error_and_can_be_retried(
    alice_client,
    smtp_server,
    subscriber,
    make_article,
    make_claim,
    monkeypatch,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    article = make_article()
    queue_alerts_for_claims(claim_ids=[make_claim(article, f"The budget rose {i} percent.").pk for i in range(8)])
    AlertDelivery.objects.update(status="failed", error="SMTPRecipientsRefused: mailbox full", attempts=30)
    monkeypatch.undo()

    with django_assert_max_num_queries(12):
        page = alice_client.get(reverse("admin:claims_alertdelivery_changelist"))
    assert page.status_code == 200 and b"mailbox full" in page.content

    ids = list(AlertDelivery.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("admin:claims_alertdelivery_changelist"), {"action": "retry", "_selected_action": ids}, follow=True
        )
    assert b"8 deliveries queued again" in response.content
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp_server.messages) == 1


def test_nobody_retries_or_sees_someone_elses_deliveries(
    client, other_subscriber, subscriber, make_article, make_claim, monkeypatch
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    queue_alerts_for_claims(claim_ids=[make_claim(make_article(), "The budget rose.").pk])
    AlertDelivery.objects.update(status="failed", error="boom")
    client.force_login(other_subscriber)
    page = client.get(reverse("admin:claims_alertdelivery_changelist"))
    assert b"boom" not in page.content
    delivery = AlertDelivery.objects.get()
    response = client.post(
        reverse("admin:claims_alertdelivery_changelist"),
        {"action": "retry", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "failed"


@pytest.mark.django_db
def test_the_subscription_list_shows_keywords_and_kinds_as_words(client):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username="kw-editor", password="pw", is_staff=True, email="kw@example.org")
    user.groups.add(Group.objects.get(name="Editor"))
    create_subscription(owner=user, name="Words", keywords=["harbour bridge", "ferry"], kinds=["direct"])
    client.force_login(user)
    page = client.get("/admin/claims/subscription/").content.decode()
    assert "“harbour bridge”, “ferry”, Direct quote" in page
    assert "[" not in page.split("field-filters")[1].split("</td>")[0]
