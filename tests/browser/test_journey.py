"""The editor's day in a real browser (issue 16): a Researcher and an Editor take a pasted,
hard-wrapped wire story to a published and corrected fact check, with no surprise on the way.

Headless Debian Chromium driven by Playwright against pytest-django's live server (nothing is
downloaded). Each step saves a screenshot under docs/screenshots/ (docs/workflow.md walks through
them; the README shows three). axe-core, shipped inside axe-playwright-python, checks the claims
list, the claim page, the home page and the public page for serious or critical violations."""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims.models import Article, Claim, Rating
from claims.services import workflow
from tests.factories import PASSWORD, staff_in_group

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
WIRE = ROOT / "claims" / "demo" / "ferry-fares-wire.txt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# The list must read well from this width up (issue 16 §5).
VIEWPORT = {"width": 1280, "height": 900}
S = Claim.Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server needs committed data (tests/conftest.py re-seeds the groups and scale).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(browser, live_server, username: str):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def no_serious_violations(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where}: {serious}"


def messages(page) -> str:
    page.wait_for_selector("ul.messagelist")
    return page.inner_text("ul.messagelist")


@pytest.fixture
def editor_researched(db) -> tuple:
    """Another claim whose research the editor did himself: the four-eyes rule keeps him from publishing it."""
    editor = staff_in_group("journey_editor", "Editor")
    researcher = staff_in_group("journey_researcher", "Researcher")
    article = Article.objects.create(text='"Tolls will pay for the bridge," the treasurer said.', fingerprint="toll",
                                     title="Treasurer on tolls", status=Article.Status.DONE)
    from claims.models import Speaker

    treasurer = Speaker.objects.create(name="Ana Ruiz", normalized_name="ana ruiz", title="city treasurer")
    own = Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content="Tolls will pay for the bridge,",
                               content_start=1, content_end=31, speaker=treasurer, speaker_mention="the treasurer",
                               checkworthiness=0.1, fingerprint="toll-claim", cue="said")
    own = workflow.transition(claim=own, to=S.TRIAGED, user=editor)
    own = workflow.transition(claim=own, to=S.RESEARCHING, user=editor)
    workflow.add_evidence(claim=own, user=editor, url="https://budget.example/tolls", title="Toll forecast")
    own = workflow.transition(claim=own, to=S.IN_REVIEW, user=editor, rating=Rating.objects.get(slug="half-true"),
                              conclusion="Tolls cover about half of the cost.")
    return editor, researcher, own


def test_a_pasted_wire_story_becomes_a_published_and_corrected_fact_check(live_server, browser, editor_researched):
    editor, researcher, editor_own = editor_researched
    wire_text = WIRE.read_text(encoding="utf-8")
    research = sign_in(browser, live_server, researcher.username)

    # 1. The home page: what the tracker is, and the researcher's queue.
    research.goto(f"{live_server.url}/")
    assert "Waiting for you, journey_researcher" in research.inner_text("main")
    shot(research, "01-home")
    no_serious_violations(research, "home page")

    # 2. Paste the hard-wrapped wire story as it came, with no title: the header fills it in.
    research.goto(f"{live_server.url}/admin/claims/article/add/")
    research.fill("#id_text", wire_text)
    shot(research, "02-paste-wire-copy")
    research.click("input[type=submit][value='Submit article']")
    assert "Article processed:" in messages(research) and "claims found" in messages(research)
    article = Article.objects.exclude(pk=editor_own.article_id).get()  # the browser sent it with CRLF line ends
    assert article.title.startswith("Ferry operator denies") and article.byline == "Lena Varga"
    assert article.outlet is not None and article.published_at is not None
    shot(research, "03-article-processed")

    # 3. Triage with the keyboard: the queue is sorted by check-worthiness; `?` lists the keys.
    research.goto(f"{live_server.url}/admin/")
    research.click("text=Triage queue")
    research.wait_for_selector("#result_list tr.fc-cursor")
    research.keyboard.press("?")
    assert research.is_visible("#fc-keys")
    shot(research, "04-triage-queue-keyboard")
    no_serious_violations(research, "claims list")
    research.keyboard.press("Escape")
    top = Claim.objects.filter(status=S.NEW, article=article).order_by("-checkworthiness", "-created_at", "-id").first()
    research.keyboard.press("t")
    assert "1 claim triaged." in messages(research)
    top.refresh_from_db()
    assert top.status == S.TRIAGED
    # The next claim comes up at once under the cursor.
    assert research.is_visible("#result_list tr.fc-cursor")

    # 4. Research it: start, add evidence, propose a rating; the typed conclusion survives.
    research.goto(f"{live_server.url}/admin/claims/claim/{top.pk}/change/")
    assert research.is_visible("#fc-sentence")
    research.click("button[name=to][value=researching]")
    assert "Claim is now researching." in messages(research)
    research.fill("input[name='evidence-0-url']", "https://stats.port-alder.example/ferry-2026")
    research.fill("input[name='evidence-0-title']", "Ferry ridership and fares 2026")
    # A workflow button pressed now would drop the unsaved evidence: it is stopped, with the reason.
    research.click("button[name=propose]")
    assert "not saved it yet" in research.inner_text("#fc-unsaved")
    assert research.input_value("input[name='evidence-0-url']") == "https://stats.port-alder.example/ferry-2026"
    research.click("input[name=_continue]")
    research.wait_for_selector("ul.messagelist")
    assert top.evidence.count() == 1
    conclusion = "Ticket sales fell by 9 percent, not 12, according to the harbour board's figures."
    research.select_option("#fc-rating", str(Rating.objects.get(slug="mostly-false").pk))
    research.fill("#fc-conclusion", conclusion)
    research.click("button[name=propose]")
    assert "Proposed rating: Mostly false." in messages(research)
    assert research.input_value("#fc-conclusion") == conclusion
    shot(research, "05-research-conclusion-kept")
    no_serious_violations(research, "claim page")
    research.click("button[name=to][value=in_review]")
    assert "Claim is now in review." in messages(research)
    top.refresh_from_db()
    assert (top.status, top.conclusion) == (S.IN_REVIEW, conclusion)

    # 5. The editor meets the four-eyes rule on a claim he researched himself, with its reason.
    edit = sign_in(browser, live_server, editor.username)
    edit.goto(f"{live_server.url}/admin/claims/claim/{editor_own.pk}/change/")
    refusal = edit.inner_text(".fc-refusal")
    assert "Four-eyes rule" in refusal and "another editor must publish it" in refusal
    assert edit.locator("button[name=to][value=published]").count() == 0
    shot(edit, "06-four-eyes-refusal")

    # 6. ...and publishes the researcher's claim.
    edit.goto(f"{live_server.url}/admin/claims/claim/{top.pk}/change/")
    edit.fill("#fc-note", "Checked against the harbour board's table.")
    edit.click("button[name=to][value=published]")
    assert "Claim is now published." in messages(edit)
    shot(edit, "07-published")

    # 7. The public page and its ClaimReview, with the fields Google requires.
    public = browser.new_context(viewport=VIEWPORT).new_page()
    public.goto(f"{live_server.url}/fact-checks/{top.pk}/")
    review = json.loads(public.locator('script[type="application/ld+json"]').text_content())
    assert review["@type"] == "ClaimReview" and review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["url"].endswith(f"/fact-checks/{top.pk}/")
    assert review["author"]["name"] and review["itemReviewed"]["author"]["name"]
    assert review["itemReviewed"]["datePublished"] == "2026-11-26"  # the wire story's own date line
    shot(public, "08-public-fact-check")
    no_serious_violations(public, "public page")

    # 8. A correction, published with its note.
    edit.goto(f"{live_server.url}/admin/claims/claim/{top.pk}/change/")
    edit.fill("#fc-note", "The board's figure is for October; the yearly fall is 10 percent.")
    edit.click("button[name=to][value=corrected]")
    # Its reach first (docs/monitoring.md): nobody was alerted here, the feeds carry it; then confirm.
    edit.wait_for_selector("#fc-correction-reach")
    assert "Nobody was alerted about this claim." in edit.inner_text("#fc-correction-reach")
    assert "ClaimReview DataFeed" in edit.inner_text("#fc-reach-feeds")
    edit.click("#fc-confirm-correction")
    assert "Corrected. 0 correction e-mails queued" in messages(edit)
    assert "Corrected" in edit.inner_text("#fc-timeline") and "Evidence added" in edit.inner_text("#fc-timeline")
    shot(edit, "09-timeline-after-correction")
    public.goto(f"{live_server.url}/fact-checks/{top.pk}/")
    assert "the yearly fall is 10 percent" in public.inner_text(".correction")
    review = json.loads(public.locator('script[type="application/ld+json"]').text_content())
    assert "dateModified" in review
    shot(public, "10-public-correction")

    # 9. The list rows read as sentences with the article, at 1280 px.
    edit.goto(f"{live_server.url}/admin/claims/claim/?q=Ferry+operator+denies")
    assert edit.locator("#result_list .fc-sentence").count() >= 5
    width = edit.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the claims page scrolls sideways at 1280 px ({width} px wide)"
    clipped = edit.evaluate("(() => { const r = document.querySelector('#changelist .results');"
                            " return r.scrollWidth - r.clientWidth; })()")
    assert clipped <= 0, f"the claims table is {clipped} px wider than its box at 1280 px"
    shot(edit, "11-claims-list")

    # 10. Enter opens the claim under the keyboard cursor.
    edit.keyboard.press("j")
    second = edit.locator("#result_list tr.fc-cursor .field-statement a").get_attribute("href")
    edit.keyboard.press("Enter")
    edit.wait_for_url(f"**{second}")
    assert edit.is_visible("#fc-workflow")
