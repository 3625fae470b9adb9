"""Finding 3: a server that drips one byte at a time held a fetch far past its documented limit,
because each byte reset the read timeout and the overall limit was checked only between 64 KiB
chunks. A wall-clock deadline now covers the whole fetch, headers and body, for pages and feeds.

No timing is asserted: with a small configured deadline, the fetch must be refused *with the
deadline as its reason*, and it would instead succeed (slowly) without one."""
from __future__ import annotations

import pytest
from django.utils import timezone

from claims.ingestion.fetch import TransientFetchError, fetch_url
from claims.models import Feed
from tests.security.drip import drip_server

PAGE = b"<html><head><title>Slow</title></head><body><p>" + b"x" * 150 + b"</p></body></html>"
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow feed</title>'
    + b"<item><title>t</title><link>http://127.0.0.1/x</link><guid>g</guid></item>" * 3
    + b"</channel></rss>"
)


@pytest.fixture(autouse=True)
def _small_deadline(settings) -> None:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the drip server, and nothing else
    settings.FACTCHECK_FETCH_READ_TIMEOUT = 15  # far longer than the gap between two bytes
    settings.FACTCHECK_FETCH_DEADLINE = 1


def test_a_server_dripping_the_body_one_byte_at_a_time_is_cut_off_at_the_fetch_deadline() -> None:
    with drip_server(body=PAGE) as server, pytest.raises(TransientFetchError, match="deadline"):
        fetch_url(server.url())


def test_a_server_dripping_its_status_line_and_headers_is_cut_off_at_the_fetch_deadline() -> None:
    with drip_server(body=PAGE, drip_headers=True) as server, pytest.raises(TransientFetchError, match="deadline"):
        fetch_url(server.url())


@pytest.mark.django_db
def test_a_dripping_feed_is_cut_off_and_the_feed_records_the_deadline() -> None:
    from claims.services.feeds import poll_feed

    with drip_server(body=FEED, content_type="application/rss+xml") as server:
        feed = Feed.objects.create(url=server.url("/feed.xml"), next_poll_at=timezone.now())
        result = poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert result.failed
    assert "deadline" in feed.last_error


def test_a_page_that_arrives_within_the_deadline_is_fetched(settings) -> None:
    """The control: the deadline stops slow servers, not ordinary ones."""
    settings.FACTCHECK_FETCH_DEADLINE = 30
    with drip_server(body=PAGE[:40], interval=0.001) as server:
        assert fetch_url(server.url()).body == PAGE[:40]
