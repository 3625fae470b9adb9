"""Finding 1: alert subscriptions leaked unpublished claims. Only someone who may read a claim may
be alerted about it, checked when the subscription is made and again when each alert is sent, and
a subscription's speaker and outlet ids reveal nothing about rows the subscriber cannot see."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from claims.alerts.tokens import make_token
from claims.models import AlertDelivery, Speaker, Subscription
from claims.services.alerts import create_subscription, queue_alerts_for_claims
from tests.security.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_who_may_not_read_unpublished_claims_cannot_subscribe_through_the_api(api, outsider):
    response = api(outsider).post("/api/v1/subscriptions/", {"name": "Leak", "keywords": ["tax"]}, format="json")
    assert response.status_code == 403, response.content
    assert "unpublished claims" in response.json()["error"]["message"]
    assert not Subscription.objects.exists()


def test_staff_without_a_newsroom_group_cannot_subscribe_in_the_admin(client, staff_outsider):
    client.force_login(staff_outsider)
    response = client.post(
        "/admin/claims/subscription/add/",
        {"name": "Leak", "keywords_text": "tax", "cadence": "immediate", "digest_hour": 8, "digest_weekday": 0,
         "timezone": "UTC", "min_checkworthiness": 0, "active": "on"},
    )
    assert response.status_code == 200
    assert "unpublished claims" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_subscriber_who_lost_access_is_sent_nothing_and_the_subscription_is_paused_with_the_reason(
    smtp_server, newsroom_reader, make_article, make_claim, django_capture_on_commit_callbacks
):
    subscription = create_subscription(owner=newsroom_reader, name="Tax", keywords=["tax"])
    newsroom_reader.groups.clear()  # left the newsroom after subscribing
    claim = make_claim(make_article(), "The tax rise is the largest ever.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])

    assert smtp_server.messages == []
    subscription.refresh_from_db()
    assert subscription.active is False
    assert "may not see unpublished claims" in subscription.paused_reason
    delivery = AlertDelivery.objects.get()
    assert delivery.status == AlertDelivery.Status.FAILED and "unpublished claims" in delivery.error


def test_the_same_alert_reaches_a_subscriber_who_still_has_access(
    smtp_server, newsroom_reader, make_article, make_claim, django_capture_on_commit_callbacks
):
    """The control for the test above: the check does not stop legitimate alerts."""
    create_subscription(owner=newsroom_reader, name="Tax", keywords=["tax"])
    claim = make_claim(make_article(), "The tax rise is the largest ever.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    assert len(smtp_server.messages) == 1
    assert "The tax rise is the largest ever." in smtp_server.messages[0].part("text/plain")


def test_a_paused_subscription_cannot_be_resumed_from_its_manage_link_once_access_is_lost(client, newsroom_reader):
    subscription = create_subscription(owner=newsroom_reader, name="Tax", keywords=["tax"], active=False)
    newsroom_reader.groups.clear()
    token = make_token(subscription_id=subscription.pk, action="manage")
    response = client.post(f"/alerts/manage/{token}/", {"action": "resume"})
    assert response.status_code == 403
    assert "unpublished claims" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.active is False


def test_subscription_speaker_and_outlet_ids_do_not_reveal_rows_the_subscriber_cannot_see(
    api, make_article, make_claim
):
    # May read claims (so may subscribe) but not the speaker and outlet lists: sees only those
    # behind a published fact check.
    user = make_user("claims-only", perms=("view_claim",))
    hidden = Speaker.objects.create(name="Secret Source", normalized_name="secret source")
    make_claim(make_article(), "Unpublished words.", speaker=hidden)
    missing = hidden.pk + 1000
    client = api(user)

    def refusal(field: str, pk: int) -> tuple[int, str]:
        response = client.post("/api/v1/subscriptions/", {"name": f"n{pk}", field: [pk]}, format="json")
        return response.status_code, " ".join(response.json()["error"]["fields"].get(field, [])).replace(str(pk), "N")

    assert refusal("speakers", hidden.pk) == refusal("speakers", missing)
    assert refusal("speakers", hidden.pk)[0] == 400
    outlet_id = make_article().outlet_id
    assert refusal("outlets", outlet_id) == refusal("outlets", outlet_id + 1000)
    assert not Subscription.objects.exists()


def test_the_alerts_service_refuses_hidden_speaker_ids_the_same_way_as_unknown_ones(make_article, make_claim):
    user = make_user("claims-only-service", perms=("view_claim",))
    hidden = Speaker.objects.create(name="Secret Source", normalized_name="secret source")
    from claims.services.errors import InvalidInput

    messages = []
    for pk in (hidden.pk, hidden.pk + 1000):
        with pytest.raises(InvalidInput) as refused:
            create_subscription(owner=user, name="S", speakers=[pk])
        messages.append(refused.value.message.replace(str(pk), "N"))
    assert messages[0] == messages[1]
    Group.objects.get(name="Reader").user_set.add(user)  # with the view right the id is accepted
    user = type(user).objects.get(pk=user.pk)
    assert list(create_subscription(owner=user, name="S", speakers=[hidden.pk]).speakers.all()) == [hidden]
