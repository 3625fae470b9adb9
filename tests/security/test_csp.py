"""Finding 12: no Content-Security-Policy anywhere. Every page now sends one that allows scripts
from our own origin only; the admin, the API docs (Swagger UI and Redoc) and the public pages
must work under it. Chromium loads each page and the test fails on any violation it reports."""
from __future__ import annotations

import os
import shutil

import pytest

from claims.alerts.tokens import make_token
from claims.models import Claim, Subscription
from tests.factories import PASSWORD, published

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread; the ORM stays sync

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Collects violations the browser reports, from before any page script runs.
LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                              + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def test_every_response_carries_a_policy_that_forbids_inline_script(client, db) -> None:
    for path in ("/admin/login/", "/api/v1/docs/", "/fact-checks/", "/api/v1/claimreviews/"):
        policy = client.get(path)["Content-Security-Policy"]
        script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
        assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context()
            context.add_init_script(LISTENER)
            yield context.new_page()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_the_api_docs_and_the_public_pages_work_under_the_policy(
    live_server, page, wf_editor, wf_editor2, ready_for_review
) -> None:
    claim = published(ready_for_review, by=wf_editor2)
    subscription = Subscription.objects.create(owner=wf_editor, name="Budget", keywords=["budget"])
    violations: dict[str, list[str]] = {}

    def visit(path: str, ready: str) -> None:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[path] = found

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", wf_editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")

    visit("/admin/", "#content")
    visit("/admin/claims/claim/", "#result_list")
    visit(f"/admin/claims/claim/{claim.pk}/change/", "#fc-workflow")
    visit("/admin/claims/article/add/", "form")
    visit("/admin/claims/subscription/add/", "form")
    visit("/api/v1/docs/", ".swagger-ui .info")  # rendered by Swagger UI's scripts, so they ran
    visit("/api/v1/redoc/", "redoc, #redoc-container, .api-content")
    visit("/fact-checks/", "body")
    visit(f"/fact-checks/{claim.pk}/", ".verdict")
    visit(f"/alerts/manage/{make_token(subscription_id=subscription.pk, action='manage')}/", "form")
    assert violations == {}
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PUBLISHED
