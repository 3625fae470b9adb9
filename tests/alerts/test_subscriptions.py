"""Subscription services: bad input is refused with a reason and a field, nothing half-written."""
from __future__ import annotations

import pytest

from claims.models import Subscription, SubscriptionKeyword
from claims.services.alerts import create_subscription, update_subscription
from claims.services.errors import InvalidInput, NotAllowed


def refusal(**fields) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        create_subscription(**fields)
    return caught.value


def test_it_creates_a_subscription_with_normalised_keywords(subscriber, yang, outlet):
    subscription = create_subscription(
        owner=subscriber,
        name="  Sanctions   watch ",
        speakers=[yang.pk],
        outlets=[outlet],
        keywords=["Sanctions", "  oil  exports ", "sanctions!", ""],
        kinds=["direct", "direct", "indirect"],
        min_checkworthiness=0.4,
        cadence="daily",
        digest_hour=7,
        timezone="Asia/Seoul",
    )
    assert subscription.name == "Sanctions watch"
    assert list(subscription.speakers.all()) == [yang]
    assert list(subscription.outlets.all()) == [outlet]
    assert subscription.keywords == ["Sanctions", "oil exports"]
    assert subscription.kinds == ["direct", "indirect"]
    assert sorted(SubscriptionKeyword.objects.values_list("normalized", flat=True)) == ["oil exports", "sanctions"]


def test_it_refuses_an_unknown_speaker(subscriber, yang):
    error = refusal(owner=subscriber, name="x", speakers=[yang.pk, 999_999])
    assert error.field == "speakers"
    assert "999999" in error.message
    assert not Subscription.objects.exists()


def test_it_refuses_an_unknown_outlet(subscriber):
    error = refusal(owner=subscriber, name="x", outlets=[424242])
    assert error.field == "outlets" and "424242" in error.message


def test_it_refuses_a_subscription_without_any_filter_because_it_would_email_everything(subscriber):
    error = refusal(owner=subscriber, name="everything", keywords=["", "  "], min_checkworthiness=0)
    assert error.field == "filters"
    assert "every claim" in error.message
    assert not Subscription.objects.exists()


def test_it_refuses_a_time_zone_that_does_not_exist(subscriber):
    error = refusal(owner=subscriber, name="x", keywords=["tax"], timezone="Mars/Olympus_Mons")
    assert error.field == "timezone" and "Mars/Olympus_Mons" in error.message


@pytest.mark.parametrize("hour", [24, -1, "noon", True])
def test_it_refuses_a_digest_hour_outside_the_day(subscriber, hour):
    assert refusal(owner=subscriber, name="x", keywords=["tax"], digest_hour=hour).field == "digest_hour"


def test_it_refuses_an_unknown_kind(subscriber):
    error = refusal(owner=subscriber, name="x", kinds=["rumour"])
    assert error.field == "kinds" and "direct" in error.message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_checkworthiness": 1.5}, "min_checkworthiness"),
        ({"min_checkworthiness": "lots"}, "min_checkworthiness"),
        ({"keywords": "tax"}, "keywords"),
        ({"keywords": ["!!!"]}, "keywords"),
        ({"keywords": ["one two three four five six seven"]}, "keywords"),
        ({"cadence": "hourly", "keywords": ["tax"]}, "cadence"),
        ({"digest_weekday": 7, "keywords": ["tax"]}, "digest_weekday"),
        ({"colour": "red", "keywords": ["tax"]}, "colour"),
    ],
)
def test_it_names_the_field_of_other_bad_input(subscriber, fields, field):
    assert refusal(owner=subscriber, name="x", **fields).field == field


def test_it_refuses_a_second_subscription_with_the_same_name(subscriber):
    create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    assert refusal(owner=subscriber, name="Tax", keywords=["vat"]).field == "name"


def test_an_update_that_removes_the_last_filter_is_refused(subscriber, yang):
    subscription = create_subscription(owner=subscriber, name="Yang", speakers=[yang.pk])
    with pytest.raises(InvalidInput) as caught:
        update_subscription(subscription=subscription, user=subscriber, speakers=[])
    assert caught.value.field == "filters"
    assert list(subscription.speakers.all()) == [yang]


def test_an_update_replaces_the_keywords(subscriber):
    subscription = create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    update_subscription(subscription=subscription, user=subscriber, keywords=["VAT", "customs duty"])
    assert sorted(SubscriptionKeyword.objects.values_list("normalized", flat=True)) == ["customs duty", "vat"]


def test_nobody_else_may_change_a_subscription(subscriber, other_subscriber):
    subscription = create_subscription(owner=subscriber, name="Tax", keywords=["tax"])
    with pytest.raises(NotAllowed):
        update_subscription(subscription=subscription, user=other_subscriber, name="Mine now")
    subscription.refresh_from_db()
    assert subscription.name == "Tax"
