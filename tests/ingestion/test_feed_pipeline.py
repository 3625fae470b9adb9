"""Feed polling end to end: the beat task, the per-feed task, and the lead's article pipeline
fetching each entry's page through our fetcher (tasks run eagerly, in-process)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Feed
from claims.tasks import poll_due_feeds, poll_feed_task

from .conftest import Reply
from .test_feeds import rss
from .test_html import article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_a_feed_entry_whose_page_cannot_be_fetched_ends_failed_with_the_reason(
    server, django_capture_on_commit_callbacks
) -> None:
    server.add(
        "/feed.xml", Reply(body=rss(("g-1", server.url("/gone"), "Gone story")), content_type="application/rss+xml")
    )
    server.add("/gone", Reply(404, b"no such story"))
    feed = Feed.objects.create(url=server.url("/feed.xml"))

    with django_capture_on_commit_callbacks(execute=True):
        poll_feed_task.delay(feed.pk)

    entry = Article.objects.get(feed=feed)
    assert entry.status == Article.Status.FAILED
    assert f"{server.url('/gone')} answered 404 Not Found" in entry.error


def test_a_feed_entry_whose_page_is_not_html_ends_failed_with_the_reason(
    server, django_capture_on_commit_callbacks
) -> None:
    server.add(
        "/feed.xml", Reply(body=rss(("g-1", server.url("/doc.pdf"), "A PDF")), content_type="application/rss+xml")
    )
    server.add("/doc.pdf", Reply(body=b"%PDF-1.7", content_type="application/pdf"))
    feed = Feed.objects.create(url=server.url("/feed.xml"))

    with django_capture_on_commit_callbacks(execute=True):
        poll_feed_task.delay(feed.pk)

    entry = Article.objects.get(feed=feed)
    assert entry.status == Article.Status.FAILED
    assert "is application/pdf, expected one of text/html" in entry.error


@pytest.mark.slow
def test_a_feed_entry_page_is_fetched_and_extracted(server, django_capture_on_commit_callbacks) -> None:
    server.add(
        "/feed.xml", Reply(body=rss(("g-1", server.url("/story"), "Feed title")), content_type="application/rss+xml")
    )
    server.add("/story", Reply(body=article().encode("utf-8")))
    feed = Feed.objects.create(url=server.url("/feed.xml"))

    with django_capture_on_commit_callbacks(execute=True):
        poll_feed_task.delay(feed.pk)

    entry = Article.objects.get(feed=feed)
    assert (entry.status, entry.error) == (Article.Status.DONE, "")
    assert "We have checked every bolt" in entry.text
    assert entry.title == "Feed title"  # the feed's title wins over the page's
    assert entry.canonical_url == server.url("/news/bridge-safe")


def test_the_beat_task_polls_each_due_feed_once(server) -> None:
    server.add("/a.xml", Reply(body=rss(("a-1", "https://a.example/1", "A")), content_type="application/rss+xml"))
    server.add("/b.xml", Reply(body=rss(("b-1", "https://b.example/1", "B")), content_type="application/rss+xml"))
    due = [Feed.objects.create(url=server.url(path)) for path in ("/a.xml", "/b.xml")]
    later = Feed.objects.create(url=server.url("/later.xml"), next_poll_at=timezone.now() + timedelta(hours=1))

    assert poll_due_feeds() == 2
    assert poll_due_feeds() == 0

    assert sorted(Article.objects.values_list("feed_guid", flat=True)) == ["a-1", "b-1"]
    for feed in due:
        feed.refresh_from_db()
        assert feed.last_polled_at is not None
        assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=15)
    assert [seen.path for seen in server.requests if seen.path == "/later.xml"] == []
    later.refresh_from_db()
    assert later.last_polled_at is None


def test_the_poll_task_ignores_a_feed_deleted_in_the_meantime() -> None:
    poll_feed_task.apply(args=[424242]).get()  # no exception: nothing to do
