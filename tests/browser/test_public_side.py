"""A real browser on the public side and its newsroom end: a reader filters the archive, reports a
problem (the honeypot stays invisible), and an editor finds the report in the admin, saves the
list's filter and reads its private Atom feed. Headless Debian Chromium driven by Playwright
against pytest-django's live server; screenshots for the docs."""
from __future__ import annotations

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.utils import timezone

from claims.models import Claim, Note, Outlet
from tests.factories import PASSWORD, ArticleFactory, ClaimFactory, published, rating

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        finally:
            browser.close()


def test_a_reader_reports_a_problem_and_an_editor_finds_it_and_follows_the_list_in_a_feed(
    live_server, page, wf_editor, ready_for_review, speaker
) -> None:
    fact_check = published(ready_for_review, by=wf_editor)
    outlet = Outlet.objects.create(name="Harbour Herald", domain="herald.example")
    old = ClaimFactory(content="Ferries carry 9,000 people a day.", speaker=speaker, status=Claim.Status.PUBLISHED,
                     article=ArticleFactory(text='"Ferries carry 9,000 people a day," she said.', outlet=outlet),
                     rating=rating("true"), conclusion="Port figures.",
                     published_at=timezone.now() - timedelta(days=200))

    # The archive: the last three months are one link away; the older check drops out.
    page.goto(f"{live_server.url}/fact-checks/")
    page.click("text=Last three months")
    page.wait_for_selector("p.count")
    listed = page.inner_text("ol.fact-checks")
    assert fact_check.content in listed and old.content not in listed
    assert page.get_attribute("label[for=id_speaker]", "for") == "id_speaker"
    page.screenshot(path=str(SHOTS / "50-public-archive-last-three-months.png"), full_page=True)

    # Report a problem from the fact check.
    page.goto(f"{live_server.url}/fact-checks/{fact_check.pk}/")
    page.click("text=Report a problem with this fact check")
    page.wait_for_selector("form.report")
    assert not page.is_visible("#id_website")  # the honeypot: people never see it
    page.check("text=A fact in this check is wrong")
    page.fill("#id_details", "Too short")
    page.fill("#id_email", "reader@example.net")
    page.click("button[type=submit]")
    page.wait_for_selector("#id_details_error")
    # Refused, and nothing typed is lost.
    assert page.input_value("#id_details") == "Too short" and page.input_value("#id_email") == "reader@example.net"
    page.fill("#id_details", "The statistics office table 4 says the fall was 12%, not 10%.")
    page.screenshot(path=str(SHOTS / "51-report-a-problem.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your report has reached the editors")
    assert Note.objects.filter(claim=fact_check, source=Note.Source.READER).count() == 1

    # The editor finds it, saves the list's filter and reads the list as an Atom feed.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/claims/claim/%3Freader_reports%3Dyes")
    page.fill("#id_username", wf_editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list")
    assert fact_check.content[:30] in page.inner_text("#result_list")
    page.fill("#fc-filter-name", "Reported by readers")
    page.click("text=Save, with a private Atom feed")
    page.wait_for_selector("ul.messagelist")
    message = page.inner_text("ul.messagelist")
    feed_url = re.search(r"(https?://\S+/feeds/[\w-]+\.atom)", message).group(1)
    feed_path = feed_url.split("/feeds/", 1)[1]
    body = page.request.get(f"{live_server.url}/feeds/{feed_path}").body()
    entries = feedparser.parse(body).entries
    assert [fact_check.content in entry.title for entry in entries] == [True]
    page.goto(f"{live_server.url}/admin/claims/claim/{fact_check.pk}/change/")
    assert "table 4 says the fall was 12%" in page.content()


def no_serious_violations(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where}: {serious}"


def test_the_public_pages_a_signatory_shows_have_no_serious_accessibility_violation(
    live_server, page, wf_editor, ready_for_review
) -> None:
    """axe-core on the archive (filtered, and with a refused date), the methodology, the
    corrections log and the report form (blank and refused): the pages readers and assessors use."""
    from claims.services import workflow

    fact_check = published(ready_for_review, by=wf_editor)
    workflow.transition(claim=fact_check, to=Claim.Status.CORRECTED, user=wf_editor, rating=rating("mostly-false"),
                        note="The fall was 40%, not 10%: we misread the table.")
    for path in ("/fact-checks/", "/fact-checks/?period=last-3-months", "/fact-checks/?since=2020-13-45",
                 "/methodology/", "/corrections/", f"/fact-checks/{fact_check.pk}/report/"):
        page.goto(f"{live_server.url}{path}")
        no_serious_violations(page, path)
    page.check("text=A fact in this check is wrong")
    page.fill("#id_details", "Too short")
    page.click("button[type=submit]")
    page.wait_for_selector("#id_details_error")
    no_serious_violations(page, "the refused report")
