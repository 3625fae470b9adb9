"""The feed admin screen: the list, registration through the service, and "poll now"."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Article, Feed

from .conftest import Reply
from .test_feeds import rss

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


@pytest.fixture
def admin_client_(client):
    user = User.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return client


def test_the_feed_list_shows_health_and_errors_in_a_fixed_number_of_queries(
    admin_client_, django_assert_max_num_queries
) -> None:
    for n in range(12):
        Feed.objects.create(
            url=f"https://n{n}.example/rss", consecutive_failures=n % 2, last_error="boom" if n % 2 else ""
        )
    with django_assert_max_num_queries(8):
        response = admin_client_.get(reverse("admin:claims_feed_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "failing (1×)" in body and "not polled yet" in body and "boom" in body


def test_adding_a_feed_goes_through_the_service_and_is_due_at_once(admin_client_) -> None:
    response = admin_client_.post(
        reverse("admin:claims_feed_add"),
        {"url": "https://daily.example/rss", "title": "Daily", "active": "on", "interval_minutes": "20"},
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.url, feed.interval_minutes, feed.next_poll_at is not None) == ("https://daily.example/rss", 20, True)


def test_adding_a_feed_on_a_private_address_shows_the_reason_and_saves_nothing(admin_client_) -> None:
    response = admin_client_.post(
        reverse("admin:claims_feed_add"),
        {"url": "http://169.254.169.254/latest/", "active": "on", "interval_minutes": "15"},
    )
    assert response.status_code == 200
    assert "refused: 169.254.169.254 is a link-local address" in response.content.decode()
    assert not Feed.objects.exists()


def test_poll_now_polls_the_selected_feeds_and_reports_each(admin_client_, server) -> None:
    server.add(
        "/ok.xml", Reply(body=rss(("g-1", "https://daily.example/1", "One")), content_type="application/rss+xml")
    )
    server.add("/broken.xml", Reply(500, b"down"))
    ok = Feed.objects.create(url=server.url("/ok.xml"), title="Good feed")
    broken = Feed.objects.create(url=server.url("/broken.xml"), title="Broken feed")

    response = admin_client_.post(
        reverse("admin:claims_feed_changelist"),
        {"action": "poll_now", "_selected_action": [ok.pk, broken.pk]},
    )

    assert response.status_code == 302
    shown = sorted(str(m) for m in get_messages(response.wsgi_request))
    assert shown[0].startswith("Broken feed: Could not fetch the feed:") and "500 Internal Server Error" in shown[0]
    assert shown[1] == "Good feed: 1 new, 0 already known"
    assert Article.objects.filter(feed=ok).count() == 1
    broken.refresh_from_db()
    assert broken.consecutive_failures == 1


def test_the_change_page_shows_the_polling_state_read_only(admin_client_) -> None:
    feed = Feed.objects.create(url="https://daily.example/rss", etag='"abc"', last_error="Could not fetch the feed: x")
    response = admin_client_.get(reverse("admin:claims_feed_change", args=[feed.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Could not fetch the feed: x" in body and "&quot;abc&quot;" in body
    assert 'name="etag"' not in body


def test_poll_now_refuses_a_selection_too_large_to_poll_in_the_request(admin_client_) -> None:
    feeds = [Feed.objects.create(url=f"https://n{n}.example/rss") for n in range(11)]
    response = admin_client_.post(
        reverse("admin:claims_feed_changelist"),
        {"action": "poll_now", "_selected_action": [f.pk for f in feeds]},
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Select at most 10 feeds to poll at once; the scheduler polls the others."
    ]
    assert not Feed.objects.filter(last_polled_at__isnull=False).exists()
