"""Fetch one article page and extract it: what the pipeline calls for articles submitted by URL."""
from __future__ import annotations

from dataclasses import replace

from .fetch import HTML_TYPES, fetch_url
from .html import Page, extract_page

__all__ = ["fetch_article"]


def fetch_article(url: str) -> Page:
    """Fetch `url` through the SSRF guard and extract the article.

    Raises FetchError (permanent: mark the article failed with the message) or
    TransientFetchError (retry later). When the page declares no canonical link but we were
    redirected (a shortener, http -> https), the final URL is the better identity for dedupe.
    """
    response = fetch_url(url, accept=HTML_TYPES)
    page = extract_page(response.body, url=response.final_url, charset=response.charset)
    if not page.canonical_url and response.final_url != url:
        page = replace(page, canonical_url=response.final_url)
    return page
