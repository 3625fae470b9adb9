"""The public side a signatory of the fact-checkers' codes (IFCN, EFCSN) shows: the archive with
date, rating, speaker and outlet filters and a "last three months" link; the methodology page
generated from the rating scale; the corrections log; "Report a problem" reaching the editors."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Note, Outlet, Rating, Speaker
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, published, rating

S = Claim.Status
pytestmark = pytest.mark.django_db
ARCHIVE = "/fact-checks/"


def public_claim(content: str, *, speaker: Speaker, outlet: Outlet | None, label: str, days_ago: int,
                 status: str = S.PUBLISHED) -> Claim:
    article = ArticleFactory(text=f'"{content}" the speaker said.', outlet=outlet)
    return ClaimFactory(content=content, speaker=speaker, article=article, status=status, rating=rating(label),
                      conclusion="Checked.", published_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def archive(db) -> dict[str, Claim]:
    strand = Speaker.objects.create(name="Helena Strand", normalized_name="helena strand")
    bright = Speaker.objects.create(name="Tomas Brightwater", normalized_name="tomas brightwater")
    planet = Outlet.objects.create(name="Daily Planet", domain="planet.example")
    herald = Outlet.objects.create(name="Harbour Herald", domain="herald.example")
    return {
        "recent": public_claim("The bridge opens in 2029.", speaker=strand, outlet=planet, label="false", days_ago=5),
        "older": public_claim("Fares fell by half.", speaker=bright, outlet=herald, label="true", days_ago=200),
        "middle": public_claim("Ferries carry 9,000 a day.", speaker=strand, outlet=herald, label="true", days_ago=40),
        "hidden": ClaimFactory(content="Not yet checked at all.", speaker=strand, status=S.IN_REVIEW),
    }


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:500]
    html = response.content.decode()
    if 'class="fact-checks"' not in html:
        return []
    return re.findall(r'href="/fact-checks/(\d+)/"', html.split('class="fact-checks"', 1)[-1])


def ids(*claims: Claim) -> list[str]:
    return [str(c.pk) for c in claims]


def test_the_archive_lists_every_published_fact_check_newest_first(client: Client, archive) -> None:
    assert listed(client.get(ARCHIVE)) == ids(archive["recent"], archive["middle"], archive["older"])


def test_the_last_three_months_are_one_link_away(client: Client, archive) -> None:
    page = client.get(ARCHIVE).content.decode()
    assert 'href="?period=last-3-months"' in page and "Last three months" in page
    response = client.get(ARCHIVE, {"period": "last-3-months"})
    assert listed(response) == ids(archive["recent"], archive["middle"])
    assert "2 fact checks match" in response.content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ({"speaker": "strand"}, ["recent", "middle"]),
    ({"outlet": "herald"}, ["middle", "older"]),
    ({"rating": "true"}, ["middle", "older"]),
    ({"rating": "true", "outlet": "herald", "speaker": "strand"}, ["middle"]),
])
def test_the_archive_filters_by_rating_speaker_and_outlet(client: Client, archive, query, expected) -> None:
    lookup = {
        "speaker": lambda v: Speaker.objects.get(normalized_name__contains=v).pk,
        "outlet": lambda v: Outlet.objects.get(domain__startswith=v).pk,
        "rating": lambda v: rating(v).pk,
    }
    params = {name: lookup[name](value) for name, value in query.items()}
    assert listed(client.get(ARCHIVE, params)) == ids(*(archive[name] for name in expected))


def test_the_archive_filters_by_dates_and_explains_a_reversed_range(client: Client, archive) -> None:
    today = timezone.localdate()
    since = (today - timedelta(days=60)).isoformat()
    until = (today - timedelta(days=10)).isoformat()
    assert listed(client.get(ARCHIVE, {"since": since, "until": until})) == ids(archive["middle"])
    reversed_range = client.get(ARCHIVE, {"since": until, "until": since})
    html = reversed_range.content.decode()
    assert reversed_range.status_code == 200 and "before the first date" in html
    assert listed(reversed_range) == []
    bad = client.get(ARCHIVE, {"since": "yesterday", "speaker": "99999999999999999999"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode() and listed(bad) == []


def test_the_archive_offers_only_speakers_outlets_and_ratings_of_published_checks(client: Client, archive) -> None:
    Speaker.objects.create(name="Secret Source", normalized_name="secret source")
    html = client.get(ARCHIVE).content.decode()
    assert "Helena Strand" in html and "Harbour Herald" in html
    assert "Secret Source" not in html and "Not yet checked" not in html
    # Each filter has a label tied to its field.
    for name in ("period", "since", "until", "rating", "speaker", "outlet"):
        assert f'<label for="id_{name}">' in html


def test_page_links_keep_the_filters(client: Client, archive, settings) -> None:
    from claims.public import views

    views.PAGE_SIZE, size = 1, views.PAGE_SIZE
    try:
        html = client.get(ARCHIVE, {"period": "last-3-months"}).content.decode()
    finally:
        views.PAGE_SIZE = size
    assert 'href="?period=last-3-months&amp;page=2"' in html


def test_the_methodology_page_is_generated_from_the_rating_scale(client: Client, db) -> None:
    scale_ratings = list(Rating.objects.filter(scale__is_default=True, retired=False))
    assert scale_ratings
    Rating.objects.filter(pk=scale_ratings[0].pk).update(definition="Entirely invented, with no basis at all.")
    html = client.get(reverse("public:methodology")).content.decode()
    for each in scale_ratings:
        assert each.label in html
    assert "Entirely invented, with no basis at all." in html
    assert "What we check" in html and "What we do not check" in html
    assert workflow.evidence_rule_text() in html
    assert html.count("<h1>") == 1


def test_a_retired_rating_is_listed_apart(client: Client, db) -> None:
    retired = Rating.objects.filter(scale__is_default=True).first()
    Rating.objects.filter(pk=retired.pk).update(retired=True)
    html = client.get(reverse("public:methodology")).content.decode()
    assert "Retired ratings" in html and html.index(retired.label, html.index("Retired ratings")) > 0


def test_the_corrections_log_lists_each_correction_with_the_rating_before_and_after(
    client: Client, ready_for_review, wf_editor
) -> None:
    fact_check = published(ready_for_review, by=wf_editor)
    workflow.transition(claim=fact_check, to=S.CORRECTED, user=wf_editor, rating=rating("mostly-false"),
                        note="The fall was 40%, not 10%: we misread the table.")
    workflow.transition(claim=Claim.objects.get(pk=fact_check.pk), to=S.CORRECTED, user=wf_editor,
                        note="A broken link to the statistics office was replaced.")
    hidden = ClaimFactory(content="Never published.", status=S.NEW)
    assert hidden
    html = client.get(reverse("public:corrections")).content.decode()
    assert html.count(f'href="/fact-checks/{fact_check.pk}/"') == 2
    newest, oldest = html.index("A broken link"), html.index("we misread the table")
    assert newest < oldest
    changed = html[html.index("Rating changed from"):oldest]
    assert rating("false").label in changed and rating("mostly-false").label in changed
    assert "Rating unchanged" in html[newest - 600:newest]


def test_the_corrections_log_is_reachable_and_says_when_there_is_none(client: Client, db) -> None:
    html = client.get(reverse("public:corrections")).content.decode()
    assert "We have not corrected any fact check." in html
    assert 'href="/corrections/"' in client.get(ARCHIVE).content.decode()


# --- report a problem -------------------------------------------------------------------------------


@pytest.fixture
def fact_check(ready_for_review, wf_editor) -> Claim:
    cache.clear()  # the per-address report counter
    return published(ready_for_review, by=wf_editor)


def report_url(claim: Claim) -> str:
    return reverse("public:report-problem", kwargs={"claim_id": claim.pk})


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get(ARCHIVE)
    return client, ""


def form_token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


GOOD = {"kind": "fact", "details": "The statistics office says 12%, see https://stats.example/table-4.",
        "email": "reader@example.net"}


def test_every_fact_check_links_to_report_a_problem(client: Client, fact_check) -> None:
    html = client.get(reverse("public:fact-check", kwargs={"claim_id": fact_check.pk})).content.decode()
    assert f'href="{report_url(fact_check)}"' in html


def test_a_report_reaches_the_editors_as_a_note_on_the_claim(fact_check) -> None:
    client = Client(enforce_csrf_checks=True)
    url = report_url(fact_check)
    token = form_token(client, url)
    response = client.post(url, {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"].endswith(f"/fact-checks/{fact_check.pk}/report/thanks/")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "reached the editors" in thanks.content.decode()
    note = Note.objects.get(claim=fact_check, source=Note.Source.READER)
    assert note.author is None
    assert GOOD["details"] in note.body and "reader@example.net" in note.body
    assert "A fact in this check is wrong" in note.body


def test_a_report_without_the_csrf_token_is_refused(fact_check) -> None:
    response = Client(enforce_csrf_checks=True).post(report_url(fact_check), GOOD)
    assert response.status_code == 403
    assert not Note.objects.filter(source=Note.Source.READER).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({**GOOD, "kind": ""}, "This field is required."),
    ({**GOOD, "details": "bad"}, "at least 10 characters"),
    ({**GOOD, "details": "x" * 5100}, "under 5,000 characters"),
    ({**GOOD, "email": "not an address"}, "not an e-mail address"),
])
def test_a_refused_report_says_why_and_keeps_what_was_typed(client: Client, fact_check, data, message) -> None:
    response = client.post(report_url(fact_check), data)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    if len(data["details"]) < 200:
        assert data["details"] in html
    if data["email"]:
        assert f'value="{data["email"]}"' in html
    assert not Note.objects.filter(source=Note.Source.READER).exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(client: Client, fact_check) -> None:
    response = client.post(report_url(fact_check), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Note.objects.filter(source=Note.Source.READER).exists()


def test_reports_from_one_address_are_limited_and_the_refused_text_is_kept(
    client: Client, fact_check, settings
) -> None:
    settings.FACTCHECK_REPORTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(report_url(fact_check), GOOD).status_code == 302
    refused = client.post(report_url(fact_check), {**GOOD, "details": "A third report, typed with care."})
    html = refused.content.decode()
    assert refused.status_code == 429 and "try again later" in html and "A third report, typed with care." in html
    assert Note.objects.filter(source=Note.Source.READER).count() == 2
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert other.post(report_url(fact_check), GOOD).status_code == 302


def test_unpublished_claims_take_no_reports(client: Client, ready_for_review) -> None:
    assert client.get(report_url(ready_for_review)).status_code == 404
    assert client.post(report_url(ready_for_review), GOOD).status_code == 404


def test_the_report_form_is_accessible(client: Client, fact_check) -> None:
    html = client.get(report_url(fact_check)).content.decode()
    assert html.count("<h1>") == 1 and "<legend>" in html
    for field in ("details", "email"):
        assert f'<label for="id_{field}">' in html
    assert re.search(r'<p class="hp" aria-hidden="true">', html)


def test_editors_find_reader_reports_in_the_admin(client: Client, fact_check, wf_editor) -> None:
    Client().post(report_url(fact_check), GOOD)
    client.force_login(wf_editor)
    listing = client.get("/admin/claims/claim/", {"reader_reports": "yes"}).content.decode()
    assert f"/admin/claims/claim/{fact_check.pk}/change/" in listing
    page = client.get(f"/admin/claims/claim/{fact_check.pk}/change/").content.decode()
    assert "stats.example/table-4" in page and "Reader report" in page


def test_behind_the_proxy_the_report_limit_counts_the_address_the_proxy_saw(
    client: Client, fact_check, settings
) -> None:
    """With NUM_PROXIES=1 the limit is per reader (the address the proxy appended), not per proxy,
    and a reader cannot escape it by writing their own X-Forwarded-For in front."""
    settings.FACTCHECK_REPORTS_PER_HOUR = 1
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post(report_url(fact_check), GOOD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 302
    forged = client.post(report_url(fact_check), GOOD, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7", **proxy)
    assert forged.status_code == 429
    other_reader = client.post(report_url(fact_check), GOOD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert other_reader.status_code == 302
    assert Note.objects.filter(source=Note.Source.READER).count() == 2


def described_by_ids_missing(html: str) -> list[str]:
    """Every id an aria-describedby names, that the page does not have."""
    ids_on_page = set(re.findall(r'\bid="([^"]+)"', html))
    named = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()]
    return [ref for ref in named if ref not in ids_on_page]


def test_a_refused_field_is_described_by_its_error_for_screen_readers(client: Client, archive, fact_check) -> None:
    refused_archive = client.get(ARCHIVE, {"since": "2020-13-45", "rating": "999"}).content.decode()
    assert 'aria-invalid="true"' in refused_archive and "aria-describedby" in refused_archive
    assert described_by_ids_missing(refused_archive) == []
    refused_report = client.post(report_url(fact_check), {**GOOD, "details": "bad", "email": "nope"}).content.decode()
    assert 'aria-invalid="true"' in refused_report
    assert described_by_ids_missing(refused_report) == []


def test_a_long_report_is_never_cut_by_the_browser_and_comes_back_whole(client: Client, fact_check) -> None:
    """No maxlength on the text box: a browser would silently drop whatever is pasted past it.
    The server says how long it is and gives it all back to shorten."""
    form = client.get(report_url(fact_check)).content.decode()
    assert "maxlength" not in re.search(r"<textarea[^>]*>", form).group(0)
    long_text = "The table says otherwise. " * 300  # 7,800 characters
    refused = client.post(report_url(fact_check), {**GOOD, "details": long_text})
    html = refused.content.decode()
    assert refused.status_code == 400 and "under 5,000 characters (this is 7,799)" in html
    assert long_text.strip() in html
