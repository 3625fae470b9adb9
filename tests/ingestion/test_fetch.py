"""The fetcher against a real HTTP server on 127.0.0.1.

The guard stays ON in these tests: `allow_loopback` opens 127.0.0.1/32 only, so a redirect to
169.254.169.254 or to a host resolving to 10.0.0.5 is still refused.
"""
from __future__ import annotations

import gzip
import socket

import pytest

from claims.ingestion.fetch import FEED_TYPES, FetchError, TransientFetchError, fetch_url

from .conftest import Reply

PAGE = b"<html><head><title>Hello</title></head><body><p>Hello world</p></body></html>"

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_it_fetches_an_html_page(server) -> None:
    url = server.add("/news/1", Reply(body=PAGE, content_type="text/html; charset=ISO-8859-1"))
    response = fetch_url(url)
    assert (response.status, response.content_type, response.body) == (200, "text/html", PAGE)
    assert response.url == response.final_url == url
    assert response.charset == "ISO-8859-1"
    sent = server.requests[0].headers
    assert sent["host"] == f"127.0.0.1:{server.port}"
    assert "text/html" in sent["accept"]


def test_it_connects_to_the_vetted_address_but_sends_the_host_name(server, dns) -> None:
    dns.answers["news.example"] = ["127.0.0.1"]
    response = fetch_url(server.add("/a", Reply(body=PAGE)).replace("127.0.0.1", "news.example"))
    assert response.body == PAGE
    assert server.requests[0].headers["host"] == f"news.example:{server.port}"
    # Resolved once: nothing re-resolves the name between the check and the connection.
    assert dns.lookups == ["news.example"]


def test_it_refuses_a_page_that_is_not_html(server) -> None:
    url = server.add("/report.pdf", Reply(body=b"%PDF-1.7", content_type="application/pdf"))
    with pytest.raises(FetchError) as caught:
        fetch_url(url)
    assert (
        caught.value.message == f"refused: {url} is application/pdf, expected one of text/html, application/xhtml+xml"
    )


def test_it_refuses_a_page_without_a_content_type(server) -> None:
    url = server.add("/mystery", Reply(body=PAGE, content_type=""))
    with pytest.raises(FetchError, match="is no content type"):
        fetch_url(url)


def test_feed_types_are_accepted_only_when_asked_for(server) -> None:
    url = server.add("/feed", Reply(body=b"<rss/>", content_type="application/rss+xml"))
    assert fetch_url(url, accept=FEED_TYPES).body == b"<rss/>"
    with pytest.raises(FetchError, match="application/rss\\+xml"):
        fetch_url(url)


def test_it_refuses_a_page_whose_declared_size_is_over_the_limit(server, settings) -> None:
    settings.FACTCHECK_FETCH_MAX_BYTES = 1000
    url = server.add("/big", Reply(body=b"x" * 5000))
    with pytest.raises(FetchError, match="the page is 5,000 bytes, over the 1,000-byte limit"):
        fetch_url(url)


def test_it_stops_reading_a_page_without_a_length_once_it_passes_the_limit(server, settings) -> None:
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    url = server.add("/endless", Reply(body=b"<p>" + b"x" * 1_000_000, send_length=False))
    with pytest.raises(FetchError, match="larger than the 100,000-byte limit"):
        fetch_url(url)


def test_it_refuses_a_compressed_page_that_expands_past_the_limit(server, settings) -> None:
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    url = server.add("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="larger than the 100,000-byte limit"):
        fetch_url(url)


def test_it_decompresses_a_gzipped_page(server) -> None:
    url = server.add("/gz", Reply(body=gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}))
    assert fetch_url(url).body == PAGE


def test_it_follows_redirects_to_the_final_page(server) -> None:
    server.add("/short", Reply(301, headers={"Location": "/moved"}))
    server.add("/moved", Reply(302, headers={"Location": server.url("/final?x=1")}))
    server.add("/final", Reply(body=PAGE))
    response = fetch_url(server.url("/short"))
    assert response.final_url == server.url("/final?x=1")
    assert response.url == server.url("/short")
    assert [seen.path for seen in server.requests] == ["/short", "/moved", "/final?x=1"]


def test_it_refuses_a_redirect_to_the_cloud_metadata_address(server) -> None:
    url = server.add("/go", Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    with pytest.raises(FetchError, match="refused: 169.254.169.254 is a link-local address"):
        fetch_url(url)


def test_it_refuses_a_redirect_to_a_host_that_resolves_to_a_private_address(server, dns) -> None:
    url = server.add("/go", Reply(307, headers={"Location": "http://intranet.example/admin"}))
    dns.answers["intranet.example"] = ["10.0.0.5"]
    with pytest.raises(FetchError, match="intranet.example is not a public address"):
        fetch_url(url)


def test_it_refuses_a_redirect_to_a_file_url(server) -> None:
    url = server.add("/go", Reply(302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="not file:"):
        fetch_url(url)


def test_it_gives_up_after_too_many_redirects(server, settings) -> None:
    settings.FACTCHECK_FETCH_MAX_REDIRECTS = 3
    url = server.add("/loop", Reply(302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
        fetch_url(url)
    assert len(server.requests) == 4


def test_a_redirect_without_a_location_is_refused(server) -> None:
    with pytest.raises(FetchError, match="without a Location"):
        fetch_url(server.add("/nowhere", Reply(302)))


def test_a_server_that_does_not_answer_in_time_is_a_transient_error(server, settings) -> None:
    settings.FACTCHECK_FETCH_READ_TIMEOUT = 0.3
    url = server.add("/slow", Reply(body=PAGE, delay=5))
    with pytest.raises(TransientFetchError, match="did not answer within 0.3s"):
        fetch_url(url)


def test_a_closed_port_is_a_transient_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientFetchError, match="could not connect to 127.0.0.1: connection refused"):
        fetch_url(f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(("status", "error"), [(404, FetchError), (410, FetchError), (403, FetchError)])
def test_a_client_error_status_is_permanent(server, status: int, error: type) -> None:
    url = server.add("/x", Reply(status, b"no"))
    with pytest.raises(error, match=f"answered {status} "):
        fetch_url(url)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_server_error_or_rate_limit_is_transient(server, status: int) -> None:
    url = server.add("/x", Reply(status, b"busy"))
    with pytest.raises(TransientFetchError, match=f"answered {status} .*it may work later"):
        fetch_url(url)


def test_a_conditional_get_sends_the_headers_and_returns_a_304(server) -> None:
    url = server.add("/feed", Reply(304, content_type=""))
    response = fetch_url(url, accept=FEED_TYPES, headers={"If-None-Match": '"v1"'})
    assert (response.status, response.body) == (304, b"")
    assert server.requests[0].headers["if-none-match"] == '"v1"'


def test_the_guard_is_on_unless_opened(server, settings) -> None:
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(FetchError, match="127.0.0.1 is a loopback address"):
        fetch_url(server.add("/a", Reply(body=PAGE)))
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    assert fetch_url(server.url("/a")).body == PAGE


def test_a_redirect_location_with_raw_spaces_is_followed_encoded(server) -> None:
    server.add("/old", Reply(302, headers={"Location": "/new page"}))
    server.add("/new%20page", Reply(body=PAGE))
    assert fetch_url(server.url("/old")).final_url == server.url("/new%20page")
