"""Corrections that reach everyone and one ruling, reused, in a real browser (issue 19): an editor
applies an existing ruling to a repeated claim in one click, a second editor publishes it (four-eyes),
the public page lists every appearance, and a correction shows its reach before it is confirmed.
axe-core finds no serious violation in these panels. Screenshots for docs/monitoring.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from claims.models import Claim, CorrectionNotice
from claims.services import rulings
from tests.browser.test_journey import CHROMIUM, browser, messages, shot, sign_in  # noqa: F401
from tests.browser.test_stealth_edits import no_serious_violations_in
from tests.factories import rating, staff_in_group
from tests.rulings.conftest import alerted, article, claim_in, outlets, published, said, speakers, subscriber  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
S = Claim.Status
REWORDED = "Unemployment fell by half in just two years."


def test_a_ruling_applied_to_a_repeat_then_corrected_for_everyone(  # noqa: F811
        live_server, browser, published, outlets, speakers) -> None:  # noqa: F811
    first, second = staff_in_group("ruling_editor", "Editor"), staff_in_group("ruling_editor2", "Editor")
    repeat = claim_in(article(text=said(REWORDED, "Tom Reed"), outlet=outlets[2], day=25), REWORDED,
                      speaker=speakers[2])
    assert rulings.link_new_claims(claim_ids=[repeat.pk]) == 1  # by similarity, above the default 0.7
    for name in ("ada", "bea", "cy"):
        alerted(subscriber(name), published)

    # 1. The repeat's claim page: its ruling, how often it was seen, every appearance; one click applies it.
    page = sign_in(browser, live_server, first.username)
    page.goto(f"{live_server.url}/admin/claims/claim/{repeat.pk}/change/")
    panel = page.inner_text("#fc-ruling")
    assert "repeated 2 times this week by 2 speakers" in panel and f"#{published.pk}" in panel
    page.locator("#fc-ruling").scroll_into_view_if_needed()
    shot(page, "60-ruling-panel")
    no_serious_violations_in(page, "#fc-ruling")
    page.click("#fc-apply-ruling")
    assert "is applied" in messages(page)
    assert Claim.objects.get(pk=repeat.pk).status == S.IN_REVIEW
    # Four-eyes: whoever applied it is not offered Publish.
    assert page.locator("button[name=to][value=published]").count() == 0

    # 2. A second editor publishes it with the same rating and conclusion.
    other = sign_in(browser, live_server, second.username)
    other.goto(f"{live_server.url}/admin/claims/claim/{repeat.pk}/change/")
    other.click("button[name=to][value=published]")
    assert "Claim is now published." in messages(other)
    repeat.refresh_from_db()
    assert (repeat.rating_id, repeat.conclusion) == (published.rating_id, published.conclusion)

    # 3. The public fact check lists every appearance.
    other.goto(f"{live_server.url}/fact-checks/{published.pk}/")
    table = other.inner_text("#appearances")
    assert "Jane Doe" in table and "Tom Reed" in table and "Evening Star" in table
    other.locator("#appearances").scroll_into_view_if_needed()
    shot(other, "61-public-appearances")

    # 4. A correction shows its reach first, then tells everyone once.
    other.goto(f"{live_server.url}/admin/claims/claim/{published.pk}/change/")
    other.select_option("#fc-rating", value=str(rating("true").pk))
    other.fill("#fc-note", "The fall was 45%, not 10%: we read the wrong table.")
    other.click("button[name=to][value=corrected]")
    other.wait_for_selector("#fc-correction-reach")
    reach = other.inner_text("#fc-correction-reach")
    assert "ada@example.org" in reach and "cy@example.org" in reach
    assert f"#{repeat.pk}" in other.inner_text("#fc-reach-reusing")
    shot(other, "62-correction-reach")
    no_serious_violations_in(other, "#fc-correction-reach")
    other.click("#fc-confirm-correction")
    assert "3 correction e-mails queued" in messages(other)
    assert CorrectionNotice.objects.filter(status="sent").count() == 3
