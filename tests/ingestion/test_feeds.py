"""Feed registration, polling (RSS, Atom, conditional GET), de-duplication and back-off,
against a real HTTP server. Articles are created inside the test transaction, so the processing
that `submit_article` queues on commit does not run here (see test_feed_pipeline.py for that)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Feed, Outlet
from claims.services.errors import InvalidInput, NotFound
from claims.services.feeds import MAX_BACKOFF, claim_due_feeds, create_feed, due_feeds, poll_feed

from .conftest import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def rss(*items: tuple[str, str, str]) -> bytes:
    """items: (guid, link, title)."""
    body = "".join(
        f"<item><guid isPermaLink=\"false\">{guid}</guid><link>{link}</link><title>{title}</title>"
        f"<author>desk@daily.example (News Desk)</author>"
        f"<pubDate>Fri, 20 Nov 2026 08:30:00 +0100</pubDate></item>"
        for guid, link, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Daily Example</title>'
        f"<link>https://daily.example/</link><description>News</description>{body}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire Atom</title><id>urn:wire</id><updated>2026-11-26T10:00:00Z</updated>
  <entry><id>urn:wire:1</id><title>First story</title><link rel="alternate" href="/stories/1"/>
    <updated>2026-11-26T10:00:00Z</updated><published>2026-11-25T09:15:00Z</published>
    <author><name>Ann Writer</name></author><summary>One</summary></entry>
  <entry><id>urn:wire:2</id><title>Second story</title><link rel="alternate" href="https://wire.example/stories/2"/>
    <updated>2026-11-26T11:00:00Z</updated><summary>Two</summary></entry>
</feed>"""


def make_feed(server, path: str = "/feed.xml", **extra) -> Feed:
    return Feed.objects.create(url=server.url(path), interval_minutes=15, **extra)


def test_it_creates_one_article_per_rss_item(server) -> None:
    outlet = Outlet.objects.create(name="Daily Example", domain="daily.example")
    server.add("/feed.xml", Reply(body=rss(
        ("g-1", "https://daily.example/news/1", "Bridge is safe"),
        ("g-2", "https://daily.example/news/2", "Budget doubled"),
    ), content_type="application/rss+xml"))
    feed = make_feed(server, outlet=outlet)

    result = poll_feed(feed_id=feed.pk)

    assert (result.created, result.duplicates, result.errors, result.failed) == (2, 0, [], False)
    articles = list(Article.objects.filter(feed=feed).order_by("feed_guid"))
    assert [(a.feed_guid, a.url, a.title, a.source, a.status) for a in articles] == [
        ("g-1", "https://daily.example/news/1", "Bridge is safe", "feed", "queued"),
        ("g-2", "https://daily.example/news/2", "Budget doubled", "feed", "queued"),
    ]
    assert articles[0].published_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert articles[0].outlet == outlet
    feed.refresh_from_db()
    assert feed.title == "Daily Example"  # filled from the feed when the editor left it blank


def test_it_reads_atom_entries_and_resolves_relative_links(server) -> None:
    server.add("/atom", Reply(body=ATOM, content_type="application/atom+xml; charset=utf-8"))
    feed = make_feed(server, "/atom")

    result = poll_feed(feed_id=feed.pk)

    assert result.created == 2
    first = Article.objects.get(feed=feed, feed_guid="urn:wire:1")
    assert first.url == server.url("/stories/1")
    assert (first.title, first.byline) == ("First story", "Ann Writer")
    assert first.published_at == datetime(2026, 11, 25, 9, 15, tzinfo=UTC)
    second = Article.objects.get(feed=feed, feed_guid="urn:wire:2")
    assert second.published_at == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)  # falls back to <updated>


def test_each_entry_becomes_an_article_only_once_when_polled_again(server, django_assert_max_num_queries) -> None:
    items = [(f"g-{n}", f"https://daily.example/news/{n}", f"Story {n}") for n in range(6)]
    server.add("/feed.xml", Reply(body=rss(*items), content_type="application/rss+xml"))
    feed = make_feed(server)
    assert poll_feed(feed_id=feed.pk).created == 6

    # However many entries, a repeat poll costs the same few queries.
    with django_assert_max_num_queries(5):
        again = poll_feed(feed_id=feed.pk)

    assert (again.created, again.duplicates) == (0, 6)
    assert Article.objects.filter(feed=feed).count() == 6


def test_an_item_already_known_by_url_from_another_feed_is_not_duplicated(server) -> None:
    server.add("/a.xml", Reply(body=rss(("a-1", "https://daily.example/news/1", "Story")), content_type="text/xml"))
    server.add("/b.xml", Reply(body=rss(("b-9", "https://daily.example/news/1#comments", "Story")),
                               content_type="text/xml"))
    poll_feed(feed_id=make_feed(server, "/a.xml").pk)

    result = poll_feed(feed_id=make_feed(server, "/b.xml").pk)

    assert (result.created, result.duplicates) == (0, 1)
    assert Article.objects.count() == 1


def test_the_same_item_listed_twice_in_one_document_is_counted_once(server) -> None:
    item = ("g-1", "https://daily.example/news/1", "Story")
    server.add("/feed.xml", Reply(body=rss(item, item), content_type="application/rss+xml"))
    result = poll_feed(feed_id=make_feed(server).pk)
    assert (result.created, result.duplicates) == (1, 1)


def test_it_sends_the_etag_and_last_modified_back_and_a_304_changes_nothing(server) -> None:
    def conditional(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, content_type="")
        return Reply(
            body=rss(("g-1", "https://daily.example/news/1", "Story")),
            content_type="application/rss+xml",
            headers={"ETag": '"v1"', "Last-Modified": "Thu, 26 Nov 2026 10:00:00 GMT"},
        )

    server.add("/feed.xml", conditional)
    feed = make_feed(server)
    poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Thu, 26 Nov 2026 10:00:00 GMT")
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=2, next_poll_at=None)

    result = poll_feed(feed_id=feed.pk)

    assert result.not_modified and (result.created, result.duplicates, result.errors) == (0, 0, [])
    second = server.requests[-1].headers
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Thu, 26 Nov 2026 10:00:00 GMT"
    feed.refresh_from_db()
    assert (feed.etag, feed.consecutive_failures) == ('"v1"', 0)
    assert feed.next_poll_at is not None and feed.last_polled_at is not None
    assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=15)


def test_a_malformed_feed_records_the_error_and_backs_off(server) -> None:
    server.add("/feed.xml", Reply(body=b"<html><body>Moved to our new site!", content_type="application/xml"))
    feed = make_feed(server)

    before = timezone.now()
    result = poll_feed(feed_id=feed.pk)
    after = timezone.now()

    assert result.failed and result.created == 0
    assert result.errors[0].startswith("Not a valid RSS or Atom feed")
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1
    assert feed.last_error.startswith("Not a valid RSS or Atom feed")
    assert before + timedelta(minutes=30) <= feed.next_poll_at <= after + timedelta(minutes=30)

    poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=60)


def test_the_back_off_is_capped_at_a_day(server) -> None:
    server.add("/feed.xml", Reply(500, b"down"))
    feed = make_feed(server, consecutive_failures=40)
    poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 41
    assert feed.next_poll_at - feed.last_polled_at == MAX_BACKOFF


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(404, b"gone"), "answered 404 Not Found"),
        (Reply(503, b"busy"), "answered 503 Service Unavailable"),
        (Reply(body=b"<html></html>", content_type="text/html"), "is text/html, expected one of application/rss+xml"),
    ],
)
def test_a_failing_fetch_records_the_error_and_backs_off(server, reply: Reply, message: str) -> None:
    server.add("/feed.xml", reply)
    feed = make_feed(server)
    result = poll_feed(feed_id=feed.pk)
    assert result.failed and message in result.errors[0]
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1
    assert feed.last_error.startswith("Could not fetch the feed: ") and message in feed.last_error
    assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=30)


def test_a_feed_pointing_at_a_private_address_is_refused_at_poll_time(server, dns) -> None:
    dns.answers["feeds.internal"] = ["10.1.2.3"]
    feed = Feed.objects.create(url="http://feeds.internal/rss")
    poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == (
        "Could not fetch the feed: refused: feeds.internal is not a public address"
    )


def test_a_successful_poll_resets_the_failures(server) -> None:
    server.add("/feed.xml", Reply(body=rss(), content_type="application/rss+xml"))
    feed = make_feed(server, consecutive_failures=3, last_error="earlier problem")
    poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (feed.consecutive_failures, feed.last_error) == (0, "")
    assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=15)


def test_entries_without_a_usable_link_are_reported_and_the_rest_are_kept(server) -> None:
    body = rss(
        ("g-ok", "https://daily.example/news/ok", "Fine"),
        ("g-js", "javascript:alert(1)", "Script link"),
    ).replace(b"</channel>", b"<item><title>No id, no link</title></item></channel>")
    server.add("/feed.xml", Reply(body=body, content_type="application/rss+xml"))
    feed = make_feed(server)

    result = poll_feed(feed_id=feed.pk)

    assert result.created == 1 and not result.failed
    assert len(result.errors) == 2
    assert any("g-js" in error and "http and https" in error for error in result.errors)
    assert any("neither an id nor a link" in error for error in result.errors)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0
    assert feed.last_error.startswith("2 entries skipped")


def test_a_feed_body_naming_a_local_file_is_never_read_from_disk(server, tmp_path) -> None:
    # Given bytes, feedparser would try them as a file path first; we hand it a stream.
    local = tmp_path / "secret-feed.xml"
    local.write_bytes(rss(("secret", "https://daily.example/secret", "Secret")))
    server.add("/feed.xml", Reply(body=str(local).encode(), content_type="application/rss+xml"))
    result = poll_feed(feed_id=make_feed(server).pk)
    assert result.failed
    assert not Article.objects.exists()


def test_polling_a_deleted_feed_says_it_does_not_exist() -> None:
    with pytest.raises(NotFound):
        poll_feed(feed_id=987654)


def test_create_feed_registers_a_feed_that_is_due_at_once() -> None:
    feed = create_feed(url="https://daily.example/rss", title=" Daily ", interval_minutes=30)
    assert (feed.url, feed.title, feed.interval_minutes, feed.active) == (
        "https://daily.example/rss", "Daily", 30, True)
    assert list(due_feeds()) == [feed]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "ftp://daily.example/rss"}, "only http and https"),
        ({"url": "http://10.0.0.5/rss"}, "refused: 10.0.0.5 is a private address"),
        ({"url": "http://2130706433/rss"}, "unusual numeric form"),
        ({"url": "not a url"}, "spaces"),
        ({"url": "https://daily.example/rss", "interval_minutes": 0}, "at least 1 minute"),
    ],
)
def test_create_feed_refuses_bad_input_with_a_reason(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        create_feed(**kwargs)
    assert not Feed.objects.exists()


def test_create_feed_refuses_a_feed_that_is_already_registered() -> None:
    create_feed(url="https://daily.example/rss")
    with pytest.raises(InvalidInput, match="already registered"):
        create_feed(url="https://daily.example/rss")


def test_due_feeds_are_the_active_ones_whose_time_has_come(django_assert_max_num_queries) -> None:
    now = timezone.now()
    never = Feed.objects.create(url="https://a.example/rss")
    overdue = Feed.objects.create(url="https://b.example/rss", next_poll_at=now - timedelta(minutes=1))
    Feed.objects.create(url="https://c.example/rss", next_poll_at=now + timedelta(minutes=5))
    Feed.objects.create(url="https://d.example/rss", active=False)
    with django_assert_max_num_queries(1):
        assert list(due_feeds(now=now)) == [never, overdue]


def test_a_claimed_feed_is_not_handed_out_twice() -> None:
    feed = Feed.objects.create(url="https://a.example/rss")
    assert claim_due_feeds() == [feed.pk]
    assert claim_due_feeds() == []
    feed.refresh_from_db()
    assert feed.next_poll_at > timezone.now()
