"""Digests: one email per subscription at the chosen local hour with everything matched before
it, grouped by article; nothing when nothing matched."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from claims.alerts.schedule import latest_slot
from claims.models import AlertDelivery, Subscription
from claims.selectors.alerts import due_digest_subscription_ids
from claims.services import alerts
from claims.services.alerts import create_subscription, queue_alerts_for_claims
from claims.tasks import send_due_digests

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_daily_slot_is_the_latest_chosen_hour_in_the_subscribers_zone():
    # 2026-11-27 23:30 UTC is 08:30 on the 28th in Seoul: today's 08:00 slot has passed there.
    now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    slot = latest_slot(now=now, cadence="daily", hour=8, weekday=0, tz_name="Asia/Seoul")
    assert slot == datetime(2026, 11, 28, 8, 0, tzinfo=SEOUL)
    earlier = latest_slot(now=now - timedelta(hours=1), cadence="daily", hour=8, weekday=0, tz_name="Asia/Seoul")
    assert earlier == datetime(2026, 11, 27, 8, 0, tzinfo=SEOUL)


def test_the_weekly_slot_is_the_latest_chosen_weekday_and_hour():
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday
    assert latest_slot(now=friday, cadence="weekly", hour=9, weekday=0, tz_name="UTC") == datetime(
        2026, 11, 23, 9, tzinfo=UTC
    )
    assert latest_slot(now=friday, cadence="weekly", hour=13, weekday=4, tz_name="UTC") == datetime(
        2026, 11, 20, 13, tzinfo=UTC
    )
    assert latest_slot(now=friday, cadence="immediate", hour=8, weekday=0, tz_name="UTC") is None


def test_the_slot_keeps_its_local_hour_across_a_daylight_saving_change():
    # Berlin leaves summer time on 2026-10-25: the 08:00 slot moves from 06:00 to 07:00 UTC.
    after = latest_slot(
        now=datetime(2026, 10, 26, 12, tzinfo=UTC), cadence="daily", hour=8, weekday=0, tz_name="Europe/Berlin"
    )
    before = latest_slot(
        now=datetime(2026, 10, 24, 12, tzinfo=UTC), cadence="daily", hour=8, weekday=0, tz_name="Europe/Berlin"
    )
    assert after.astimezone(UTC).hour == 7 and before.astimezone(UTC).hour == 6


@pytest.fixture
def daily(subscriber):
    return create_subscription(
        owner=subscriber,
        name="Daily budget",
        keywords=["budget"],
        cadence="daily",
        digest_hour=8,
        timezone="Asia/Seoul",
    )


def _age(hours: float) -> None:
    AlertDelivery.objects.update(created_at=datetime(2026, 11, 27, 20, tzinfo=UTC) - timedelta(hours=hours))


def test_a_digest_groups_the_matched_claims_by_article_in_one_email(
    smtp_server, daily, make_article, make_claim, django_capture_on_commit_callbacks
):
    first = make_article(title="Budget day")
    second = make_article(title="Budget reactions")
    ids = [
        make_claim(first, "The budget is balanced.").pk,
        make_claim(first, "The budget is fair.").pk,
        make_claim(second, "The budget is a disaster.").pk,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=ids)
    assert smtp_server.messages == [], "digest subscriptions wait for their hour"
    _age(2)  # matched at 18:00 UTC on the 27th = 03:00 on the 28th in Seoul

    before_slot = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 07:30 in Seoul
    assert due_digest_subscription_ids(now=before_slot) == []
    after_slot = datetime(2026, 11, 27, 23, 5, tzinfo=UTC)  # 08:05 in Seoul
    assert due_digest_subscription_ids(now=after_slot) == [daily.pk]
    assert alerts.send_digest(subscription_id=daily.pk, now=after_slot).sent == 3

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.rcpt_tos == ["alice@example.org"]
    assert message.message["Subject"].startswith("Daily digest 'Daily budget': 3 claims in 2 articles")
    text = message.part("text/plain")
    assert (
        text.index("Budget day")
        < text.index("The budget is balanced.")
        < text.index("Budget reactions")
        < text.index("The budget is a disaster.")
    )
    assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    daily.refresh_from_db()
    assert daily.last_digest_at == after_slot
    # Sent once: the next run finds nothing due.
    assert due_digest_subscription_ids(now=after_slot + timedelta(minutes=5)) == []


def test_claims_matched_after_the_slot_wait_for_the_next_digest(smtp_server, daily, make_article, make_claim):
    claim = make_claim(make_article(), "The budget is balanced.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    AlertDelivery.objects.update(created_at=datetime(2026, 11, 27, 23, 10, tzinfo=UTC))  # 08:10 Seoul, after the slot
    assert due_digest_subscription_ids(now=datetime(2026, 11, 27, 23, 15, tzinfo=UTC)) == []
    assert due_digest_subscription_ids(now=datetime(2026, 11, 28, 23, 1, tzinfo=UTC)) == [daily.pk]


def test_no_digest_is_sent_when_nothing_matched(smtp_server, daily, make_article, make_claim):
    make_claim(make_article(), "The weather is fine.")
    assert due_digest_subscription_ids(now=datetime(2026, 11, 28, 23, 5, tzinfo=UTC)) == []
    assert alerts.send_digest(subscription_id=daily.pk, now=datetime(2026, 11, 28, 23, 5, tzinfo=UTC)).sent == 0
    send_due_digests.delay()
    assert smtp_server.messages == []


def test_the_periodic_task_sends_due_digests(smtp_server, subscriber, make_article, make_claim):
    # A digest hour that has certainly passed: any matched claim from yesterday is due now.
    create_subscription(
        owner=subscriber, name="Weekly", keywords=["budget"], cadence="weekly", digest_weekday=0, timezone="UTC"
    )
    claim = make_claim(make_article(), "The budget is balanced.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    AlertDelivery.objects.update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert send_due_digests.delay().get() == 1
    assert len(smtp_server.messages) == 1 and "Weekly digest" in smtp_server.messages[0].message["Subject"]
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_digest_that_fails_transiently_is_retried_and_sent_once(smtp_server, daily, make_article, make_claim):
    claim = make_claim(make_article(), "The budget is balanced.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    _age(2)
    now = datetime(2026, 11, 27, 23, 5, tzinfo=UTC)
    smtp_server.stop()
    assert alerts.send_digest(subscription_id=daily.pk, now=now).retry_at is not None
    delivery = AlertDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    # During the backoff the digest is not due; after it, it is, and goes out once.
    assert due_digest_subscription_ids(now=now + timedelta(seconds=5)) == []
    smtp_server.start()
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert due_digest_subscription_ids(now=later) == [daily.pk]
    assert alerts.send_digest(subscription_id=daily.pk, now=later).sent == 1
    assert alerts.send_digest(subscription_id=daily.pk, now=later).sent == 0
    assert len(smtp_server.messages) == 1
    assert Subscription.objects.get().last_digest_at == later
