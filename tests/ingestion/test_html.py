"""Article extraction from HTML (trafilatura, no network) and the fetch_article wrapper."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claims.ingestion.articles import fetch_article
from claims.ingestion.fetch import FetchError
from claims.ingestion.html import NoArticleText, decode_html, extract_page

from .conftest import Reply

ARTICLE = """<!doctype html>
<html><head>{meta}
<title>Mayor says bridge is safe | Daily Example</title>
<link rel="canonical" href="/news/bridge-safe">
<meta property="article:published_time" content="2026-11-20T08:30:00+01:00">
<meta name="author" content="Jane Reporter">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Mayor says bridge is safe</h1>
<p>The mayor said on Tuesday that the old bridge is \u201ccompletely safe for traffic\u201d and that
inspections found no problems at all in the structure of the {word}.</p>
<p>\u201cWe have checked every bolt,\u201d said Mayor Ann Smith, adding that the city spent two million
euros on repairs last year. Critics disagreed with the claim.</p>
<p>Engineers from the university said the inspections were thorough but noted that corrosion
remains a long-term concern for the bridge.</p>
</article><footer>Copyright Daily Example</footer></body></html>"""


def article(*, meta: str = "", word: str = "bridge") -> str:
    return ARTICLE.format(meta=meta, word=word)


def test_it_extracts_the_text_and_metadata_of_an_article() -> None:
    page = extract_page(article(), url="https://daily.example/news/bridge-safe?utm_source=x")
    assert "completely safe for traffic" in page.text
    assert "We have checked every bolt" in page.text
    assert "Home" not in page.text and "Copyright" not in page.text
    assert page.title == "Mayor says bridge is safe"
    assert page.byline == "Jane Reporter"
    assert page.published_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert page.canonical_url == "https://daily.example/news/bridge-safe"


def test_a_page_without_a_canonical_link_has_no_canonical_url() -> None:
    page = extract_page(article().replace('<link rel="canonical" href="/news/bridge-safe">', ""), url="https://d.example/a")
    assert page.canonical_url == ""


def test_it_decodes_bytes_with_the_http_charset() -> None:
    page = extract_page(article(word="caf\u00e9").encode("cp1252"), url="https://d.example/a", charset="windows-1252")
    assert "structure of the caf\u00e9." in page.text


def test_it_decodes_bytes_with_the_meta_charset_when_http_gives_none() -> None:
    html = article(meta='<meta charset="windows-1251">', word="\u041a\u0438\u0435\u0432").encode("cp1251")
    assert "structure of the \u041a\u0438\u0435\u0432." in extract_page(html, url="https://d.example/a").text


def test_a_wrong_http_charset_loses_nothing_to_a_crash() -> None:
    # Labelled utf-8 but really cp1252: decoded with replacement characters, never an exception.
    text = decode_html("caf\u00e9".encode("cp1252"), charset="utf-8")
    assert text == "caf\ufffd"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("caf\u00e9".encode(), "caf\u00e9"),  # unlabelled UTF-8
        ("caf\u00e9 \u2013".encode("cp1252"), "caf\u00e9 \u2013"),  # unlabelled Windows-1252
        (b"\xef\xbb\xbfcaf\xc3\xa9", "caf\u00e9"),  # UTF-8 byte-order mark
        ("caf\u00e9".encode("utf-16"), "caf\u00e9"),  # UTF-16 with its byte-order mark
    ],
)
def test_unlabelled_bytes_are_decoded_sensibly(data: bytes, expected: str) -> None:
    assert decode_html(data) == expected


def test_an_unknown_charset_label_falls_back_instead_of_failing() -> None:
    assert decode_html("caf\u00e9".encode(), charset="x-made-up") == "caf\u00e9"


@pytest.mark.parametrize("html", ["", "   ", "<html><head><title>Only a title</title></head><body></body></html>"])
def test_a_page_without_article_text_is_a_clear_error(html: str) -> None:
    with pytest.raises(NoArticleText) as caught:
        extract_page(html, url="https://d.example/empty")
    assert "https://d.example/empty" in caught.value.message
    assert isinstance(caught.value, FetchError)


@pytest.mark.usefixtures("allow_loopback")
def test_fetch_article_fetches_and_extracts_a_page(server) -> None:
    url = server.add("/story", Reply(body=article().encode("utf-8")))
    page = fetch_article(url)
    assert page.title == "Mayor says bridge is safe"
    assert page.canonical_url == server.url("/news/bridge-safe")


@pytest.mark.usefixtures("allow_loopback")
def test_fetch_article_takes_the_final_url_as_canonical_after_a_redirect(server) -> None:
    without_canonical = article().replace('<link rel="canonical" href="/news/bridge-safe">', "")
    server.add("/s/abc", Reply(301, headers={"Location": "/news/full-story"}))
    server.add("/news/full-story", Reply(body=without_canonical.encode("utf-8")))
    assert fetch_article(server.url("/s/abc")).canonical_url == server.url("/news/full-story")


@pytest.mark.usefixtures("allow_loopback")
def test_fetch_article_refuses_an_empty_page_with_the_reason(server) -> None:
    url = server.add("/blank", Reply(body=b"<html><body><script>app()</script></body></html>"))
    with pytest.raises(NoArticleText, match="no article text found"):
        fetch_article(url)
