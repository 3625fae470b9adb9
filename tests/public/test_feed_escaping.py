"""Atom's <summary type="html"> is HTML the reader's feed reader renders: what editors, speakers
and articles wrote goes into it escaped, so a claim quoting "<script>" or an outlet named
"A & B" reads as written and runs nothing. Titles are Atom text (the XML writer escapes them)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.models import Claim, Outlet, Speaker
from claims.services import private_feeds
from tests.factories import ArticleFactory, ClaimFactory, rating

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}
CONTENT = 'Tax <script>alert(1)</script> & "rates" fell'


@pytest.fixture
def hostile(db) -> Claim:
    speaker = Speaker.objects.create(name="<img src=x onerror=alert(2)> & Co", normalized_name="img co")
    outlet = Outlet.objects.create(name="<i>Harbour</i> & Bay", domain="harbour.example")
    article = ArticleFactory(text=f'"{CONTENT}" he said.', outlet=outlet, title="<script>t()</script> & title")
    return ClaimFactory(content=CONTENT, speaker=speaker, article=article, status=Claim.Status.PUBLISHED,
                      rating=rating("false"), conclusion="<script>c()</script> & so on",
                      published_at=timezone.now() - timedelta(days=1))


def entries(content: bytes) -> list[tuple[str, str, str | None]]:
    root = ET.fromstring(content)  # noqa: S314 - our own feed, not untrusted input
    return [(entry.find("a:title", ATOM).text or "", entry.find("a:summary", ATOM).text or "",
             entry.find("a:summary", ATOM).get("type")) for entry in root.findall("a:entry", ATOM)]


def assert_escaped(summary: str) -> None:
    for raw in ("<script", "<img", "<i>"):
        assert raw not in summary, summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;rates&quot;" in summary
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; Co" in summary


def test_the_public_atom_feed_escapes_what_people_wrote_in_its_html_summary(client: Client, hostile) -> None:
    [(title, summary, kind)] = entries(client.get("/fact-checks/feed.atom").content)
    assert kind == "html"
    assert_escaped(summary)
    assert "&lt;script&gt;c()&lt;/script&gt; &amp; so on" in summary
    assert CONTENT in title  # text: read as written


def test_a_private_feed_escapes_what_people_wrote_in_its_html_summary(client: Client, hostile,
                                                                         wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="All", query="")
    feed = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved)
    [(title, summary, kind)] = entries(client.get(f"/feeds/{feed.token}.atom").content)
    assert kind == "html"
    assert_escaped(summary)
    assert "&lt;script&gt;t()&lt;/script&gt; &amp; title (&lt;i&gt;Harbour&lt;/i&gt; &amp; Bay)" in summary
    assert CONTENT in title
