"""A real browser: an editor logs in, opens a claim in review and publishes it with the button.

Headless Debian Chromium driven by Playwright against pytest-django's live server; no browser is
downloaded. Skipped (not failed) when Chromium is not installed."""
from __future__ import annotations

import os
import shutil

import pytest

from claims.models import Claim
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data (tests/conftest.py re-seeds the groups and scale).
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()


def test_an_editor_publishes_a_claim_by_clicking_the_button(live_server, page, wf_editor, ready_for_review):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/claims/claim/{ready_for_review.pk}/change/")
    page.fill("#id_username", wf_editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.wait_for_selector("#fc-workflow")
    assert page.inner_text("mark.quote") == ready_for_review.content
    assert page.input_value("#fc-rating") == str(ready_for_review.proposed_rating_id)
    page.fill("#fc-note", "Approved after checking the ONS table.")
    page.click("button[name=to][value=published]")

    page.wait_for_selector("ul.messagelist")
    assert "Claim is now published." in page.inner_text("ul.messagelist")
    assert "Approved after checking the ONS table." in page.inner_text("#fc-timeline")
    ready_for_review.refresh_from_db()
    assert ready_for_review.status == Claim.Status.PUBLISHED
    assert ready_for_review.transitions.get().actor == wf_editor

    page.goto(f"{live_server.url}/fact-checks/{ready_for_review.pk}/")
    assert "False" in page.inner_text(".verdict")
    assert '"@type": "ClaimReview"' in page.content()


def test_a_refused_publish_shows_the_reason_in_the_browser(live_server, page, wf_editor, ready_for_review):
    ready_for_review.evidence.all().delete()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/claims/claim/{ready_for_review.pk}/change/")
    page.fill("#id_username", wf_editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.fill("#fc-conclusion", "A conclusion I do not want to lose.")
    page.click("button[name=to][value=published]")
    page.wait_for_selector("ul.messagelist")
    # The publisher may not rewrite the reviewed conclusion: refused with the way forward.
    assert "send the claim back to research" in page.inner_text("ul.messagelist")
    assert page.input_value("#fc-conclusion") == "A conclusion I do not want to lose."
    ready_for_review.refresh_from_db()
    assert ready_for_review.status == Claim.Status.IN_REVIEW
