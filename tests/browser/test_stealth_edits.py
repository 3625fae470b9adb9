"""Stealth edits in a real browser (issue 19, "Article versions and stealth edits"): an editor opens
a claim whose quote the outlet changed, then the article's versions and the diff between the first
and the last. axe-core finds no serious violation in either section. Screenshots for docs/monitoring.md."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from claims.models import Article, Claim
from claims.services.claims import claim_fingerprint
from claims.services.versions import record_first_version, record_version
from tests.browser.test_journey import CHROMIUM, SHOTS, browser, shot, sign_in  # noqa: F401
from tests.factories import staff_in_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

V1 = (
    "Ferry fares to rise in spring\n\n"
    "Transport Minister Jane Roe said on Monday: \u201cWe will freeze ferry fares for every island family "
    "until 2028.\u201d\n\n"
    "\u201cThe new timetable adds forty crossings a week,\u201d Roe added at the harbour.\n\n"
    "Island councillors said they would study the plan before the next council meeting."
)
V2 = V1.replace("freeze ferry fares for every island family until 2028",
                "keep ferry fares low for most island families")
V3 = (V2.replace("\n\n\u201cThe new timetable adds forty crossings a week,\u201d Roe added at the harbour.", "")
      + "\n\nCorrection: This article has been updated to reflect the minister's remarks.")


def no_serious_violations_in(page, selector: str) -> None:
    """axe-core on this feature's own section (an editor's claim and article pages also carry
    Django's select2 autocomplete widgets, which are not this test's subject)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, context=selector).response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"{selector}: {serious}"


def test_an_editor_sees_the_changed_quote_and_the_articles_versions(live_server, browser) -> None:  # noqa: F811
    editor = staff_in_group("edits_editor", "Editor")
    article = Article.objects.create(url="https://coastline.example/ferry-fares", title="Ferry fares to rise in spring",
                                     text=V1, source=Article.Source.URL, status=Article.Status.DONE,
                                     processed_at=timezone.now())
    words = "We will freeze ferry fares for every island family until 2028."
    start = V1.index(words)
    claim = Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content=words, content_start=start,
                                 content_end=start + len(words), speaker_mention="Jane Roe", cue="said",
                                 fingerprint=claim_fingerprint(words), status=Claim.Status.RESEARCHING,
                                 assignee=editor, checkworthiness=0.8)
    record_first_version(article=article)
    now = timezone.now()
    record_version(article=article, title="Ferry fares to rise in spring", text=V2,
                   fetched_at=now + timedelta(hours=1))
    record_version(article=article, title="Minister: ferry fares stay low", text=V3,
                   fetched_at=now + timedelta(hours=6))

    page = sign_in(browser, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    panel = page.inner_text("#fc-quote-changes")
    assert "The outlet changed this quote on" in panel and "without a correction note." in panel
    assert page.locator("#fc-quote-changes del").count() >= 1
    assert page.locator("#fc-quote-changes ins").count() >= 1
    page.locator("#fc-quote-changes").scroll_into_view_if_needed()
    shot(page, "40-quote-changed-in-the-source")
    no_serious_violations_in(page, "#fc-quote-changes")

    page.goto(f"{live_server.url}/admin/claims/claim/?quote_changed=flagged")
    assert page.locator("#result_list tbody tr").count() == 1

    page.goto(f"{live_server.url}/admin/claims/article/{article.pk}/change/")
    page.select_option("#fc-from", "1")
    page.select_option("#fc-to", "3")
    page.click(".fc-version-pick button[type=submit]")  # a plain GET form: no JavaScript involved
    page.wait_for_load_state()
    versions = page.inner_text("#fc-versions")
    assert "Version 1 \u2192 version 3" in versions
    assert "Correction: This article has been updated" in versions
    assert "0 new claims" in versions  # the outlet's note is no claim
    assert page.locator(".fc-diff-text del").count() >= 2
    # The section itself: it sits below the article's form.
    page.locator("#fc-versions").screenshot(path=str(SHOTS / "41-article-versions-diff.png"))
    no_serious_violations_in(page, "#fc-versions")
