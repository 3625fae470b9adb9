"""A researcher uploads a debate's WebVTT captions in a real browser (issue 19, "Speeches, debates
and interviews") and opens one of the mayor's claims: the page shows when it was said, links to
that moment of the recording and shows the turns around it. Screenshots for docs/monitoring.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from claims.models import Article, Claim
from tests.browser.test_journey import CHROMIUM, browser, no_serious_violations, shot, sign_in  # noqa: F401
from tests.factories import staff_in_group

DEBATE = Path(__file__).resolve().parents[1] / "transcripts" / "data" / "debate.vtt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_a_debate_uploaded_in_the_admin_gives_claims_with_their_moment(live_server, browser) -> None:  # noqa: F811
    researcher = staff_in_group("debate_researcher", "Researcher")
    page = sign_in(browser, live_server, researcher.username)
    page.goto(f"{live_server.url}/admin/claims/article/add/")
    page.set_input_files("#id_transcript", str(DEBATE))
    page.fill("#id_speaker", "")
    shot(page, "30-transcript-upload")
    page.click("#submit-article-form input[type=submit]")
    page.wait_for_load_state()
    assert "processed" in page.inner_text("ul.messagelist")
    article = Article.objects.get(source=Article.Source.TRANSCRIPT)

    claim = Claim.objects.get(article=article, content__startswith="Violent crime in Harbour County")
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    panel = page.inner_text("#fc-transcript")
    assert "Said at 00:00:07\u201300:00:13" in panel
    assert "Moderator Lena Ortiz:" in panel and "Councillor Priya Shah:" in panel
    link = page.get_attribute("#fc-moment", "href")
    assert link == "https://www.youtube.com/watch?v=hcDebate2026&t=7s"
    page.locator("#fc-transcript").scroll_into_view_if_needed()
    shot(page, "31-transcript-claim-moment")
    no_serious_violations(page, "claim page of a transcript claim")
