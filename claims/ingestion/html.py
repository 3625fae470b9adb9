"""Turn a fetched HTML page into the article text and its metadata, with trafilatura (no network).

trafilatura finds the main text and the title/author/date; the canonical link is read here with
lxml because trafilatura ignores relative canonical links and falls back to the URL we passed,
which would hide whether the page declared one at all.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from django.utils.dateparse import parse_datetime
from trafilatura.settings import Document

from .errors import FetchError

__all__ = ["NoArticleText", "Page", "decode_html", "extract_page"]

# Browsers look for a <meta charset> in the first 1024 bytes; be a little more generous.
_META_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Full timestamps rather than trafilatura's default day-only dates.
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": False, "original_date": True}


class NoArticleText(FetchError):
    """The page has no main text we can find (an index page, a paywall, a JavaScript app)."""


@dataclass(frozen=True)
class Page:
    text: str
    title: str
    byline: str
    published_at: datetime | None
    canonical_url: str  # "" when the page declares none


def extract_page(html: str | bytes, *, url: str, charset: str | None = None) -> Page:
    """Extract the article from `html`; `charset` is the HTTP header's, when there was one."""
    markup = decode_html(html, charset=charset) if isinstance(html, bytes) else html
    if not markup.strip():
        raise NoArticleText(f"{url} returned an empty page")
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=_DATE_PARAMS,
    )
    # A Document (a dict only with as_dict=True), or None when trafilatura found nothing.
    text = (document.text or "").strip() if isinstance(document, Document) else ""
    if not text or not isinstance(document, Document):
        raise NoArticleText(
            f"no article text found on {url} (an index page, a paywall or a page built by JavaScript?)"
        )
    return Page(
        text=text,
        title=(document.title or "").strip(),
        byline=(document.author or "").strip(),
        published_at=_parse_date(document.date),
        canonical_url=_canonical_url(markup, base_url=url),
    )


def decode_html(data: bytes, *, charset: str | None = None) -> str:
    """Bytes to text: byte-order mark, then the HTTP charset, then <meta charset>, then UTF-8,
    then Windows-1252 (what browsers assume for unlabelled Western pages; it never fails)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    match = _META_CHARSET.search(data[:_META_SNIFF_BYTES])
    declared = [charset, match.group(1).decode("ascii") if match else None]
    for candidate in declared:
        known = _known_encoding(candidate)
        if known:
            return data.decode(known, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        return None
    # Per the HTML standard, a page labelled latin-1/ascii is decoded as windows-1252.
    return "cp1252" if encoding in {"latin-1", "iso8859-1", "ascii"} else encoding


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value) if "T" in value else None
    if parsed is None:
        try:
            parsed = datetime.strptime(value[:10], "%Y-%m-%d")
        except ValueError:
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _canonical_url(markup: str, *, base_url: str) -> str:
    try:
        # Bytes with an explicit parser encoding: lxml refuses str input carrying an XML declaration.
        tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=_UTF8_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for href in tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"):
        try:
            absolute = urljoin(base_url, str(href).strip())
            usable = urlsplit(absolute).scheme in {"http", "https"} and bool(urlsplit(absolute).hostname)
        except ValueError:  # a malformed link ("http://[::1/") is no canonical URL
            continue
        if usable and len(absolute) <= 2048:
            return absolute
    return ""
