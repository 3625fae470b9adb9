"""Stealth edits end to end: a real HTTP server on 127.0.0.1 serves an article and then edited
versions of it; the real beat and refetch tasks fetch them through the SSRF-guarded fetcher, keep
each changed version, flag the changed quotes of claims the newsroom works on, e-mail the assignee
and the "quote changed in the source" subscribers through a real SMTP server (aiosmtpd)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims.models import AlertDelivery, Article, ArticleRefetch, ArticleVersion, Claim, QuoteChange
from claims.selectors.versions import flag_text
from claims.services.alerts import create_subscription
from claims.services.articles import submit_article
from claims.tasks import refetch_due_articles
from tests.ingestion.conftest import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

PAGE = """<!doctype html>
<html><head><title>{title} | Coastline News</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>{title}</h1>
<p>{p1}</p>
<p>{p2}</p>
<p>\u201cOur hospitals have never had more nurses than they have today,\u201d Health Secretary Tom Ames told
reporters outside the ministry on Monday afternoon.</p>
<p>Opposition leaders said the budget plans would be debated in parliament later this month, and that
several committees had asked for more detail on the costs.</p>
{extra}
</article><footer>Copyright Coastline News</footer></body></html>"""

TAXES = "We will cut taxes for every family in the country next year"
TAXES_V2 = "We will cut some taxes for families in the country next year"
TAXES_V3 = "We will cut some taxes for some families in the country next year"
DEFICIT = "The deficit is falling faster than any forecast predicted"


def page(
    *, title: str = "Minister promises tax cuts", taxes: str = TAXES, deficit: bool = True, extra: str = ""
) -> bytes:
    p1 = (f"\u201c{taxes},\u201d Finance Minister Jane Roe said at a rally in the capital on Monday, "
          "promising voters a simpler system.")
    p2 = (f"\u201c{DEFICIT},\u201d Roe added, pointing to the latest figures from the treasury."
          if deficit else "Roe then left the rally without taking any further questions from the press.")
    return PAGE.format(title=title, p1=p1, p2=p2, extra=extra).encode("utf-8")


@pytest.fixture
def assignee(db) -> User:
    user = User.objects.create_user("rita", email="rita@example.org", password="pw-rita", is_staff=True)
    user.groups.add(Group.objects.get(name="Researcher"))
    return user


@pytest.fixture
def watcher(db) -> User:
    user = User.objects.create_user("wanda", email="wanda@example.org", password="pw-wanda", is_staff=True)
    user.groups.add(Group.objects.get(name="Reader"))
    return user


def _claim(article: Article, words: str) -> Claim:
    return next(c for c in article.claims.all() if words in c.content)


def _make_due(article: Article) -> None:
    ArticleRefetch.objects.filter(pk=article.pk).update(next_at=timezone.now() - timedelta(seconds=1))


def _story_requests(server) -> int:
    return sum(1 for seen in server.requests if seen.path == "/story")


@pytest.fixture
def tracked_story(server, assignee, django_capture_on_commit_callbacks):
    """The story as first published, processed, with two claims the newsroom works on and one new."""
    server.add("/story", Reply(body=page()))
    with django_capture_on_commit_callbacks(execute=True):
        article = submit_article(url=server.url("/story")).article
    article.refresh_from_db()
    assert article.status == Article.Status.DONE, article.error
    taxes, deficit, nurses = (_claim(article, w) for w in ("cut taxes", "deficit is falling", "more nurses"))
    Claim.objects.filter(pk=taxes.pk).update(status=Claim.Status.TRIAGED, assignee=assignee)
    Claim.objects.filter(pk=deficit.pk).update(status=Claim.Status.RESEARCHING, assignee=assignee)
    assert nurses.status == Claim.Status.NEW
    return article


@pytest.mark.slow
def test_an_edited_article_is_fetched_again_compared_flagged_and_mailed(
    server, tracked_story, assignee, watcher, smtp_server, django_capture_on_commit_callbacks
) -> None:
    article = tracked_story
    create_subscription(owner=watcher, name="Stealth edits", quote_changed=True)
    create_subscription(owner=watcher, name="Every tax claim", keywords=["taxes"])
    first_text = article.text
    offsets = {c.pk: (c.content_start, c.content_end) for c in article.claims.all()}
    taxes, deficit = _claim(article, "cut taxes"), _claim(article, "deficit is falling")

    # The beat enrols the article: its first check is an hour after the first fetch, not now.
    with django_capture_on_commit_callbacks(execute=True):
        assert refetch_due_articles() == 0
    schedule = ArticleRefetch.objects.get(pk=article.pk)
    first = ArticleVersion.objects.get(article=article, number=1)
    assert schedule.next_at == first.fetched_at + timedelta(hours=1)
    assert first.title == "Minister promises tax cuts | Coastline News" or first.title.startswith("Minister promises")
    assert _story_requests(server) == 1

    # Version 2: a quote changed, one removed, the headline changed, no correction note.
    server.add("/story", Reply(body=page(title="Minister promises some tax cuts", taxes=TAXES_V2, deficit=False)))
    _make_due(article)
    with django_capture_on_commit_callbacks(execute=True):
        assert refetch_due_articles() == 1
    assert _story_requests(server) == 2

    second = ArticleVersion.objects.get(article=article, number=2)
    assert TAXES_V2 in second.text and DEFICIT not in second.text
    assert second.changes["headline"]["new"].startswith("Minister promises some tax cuts")
    assert second.changes["changed"] == [taxes.pk] and deficit.pk in second.changes["removed"]
    # Only claims the newsroom works on are flagged (the paragraph's other, new claims are recorded).
    assert set(QuoteChange.objects.filter(flagged=True).values_list("claim_id", flat=True)) == {taxes.pk, deficit.pk}
    assert second.fingerprint and second.fingerprint != first.fingerprint
    changed = QuoteChange.objects.get(claim=taxes, to_version=second)
    removed = QuoteChange.objects.get(claim=deficit, to_version=second)
    assert (changed.kind, changed.flagged, changed.correction_note) == ("changed", True, "")
    assert changed.new_words.startswith("We will cut some taxes for families")
    assert ["insert", "some "] in changed.diff and ["delete", "every family "] in changed.diff
    assert (removed.kind, removed.flagged) == ("removed", True)
    assert flag_text(changed).startswith("The outlet changed this quote on ")
    assert flag_text(changed).endswith("without a correction note.")
    assert flag_text(removed).startswith("The outlet removed this quote on ")

    # Claims still point at the words as first seen.
    article.refresh_from_db()
    assert article.text == first_text
    assert {c.pk: (c.content_start, c.content_end) for c in article.claims.all()} == offsets

    # The assignee got one e-mail per flagged change; the subscriber one alert per change; the
    # keyword subscription heard nothing (no new claim was stored).
    to_rita = [m for m in smtp_server.messages if m.rcpt_tos == ["rita@example.org"]]
    to_wanda = [m for m in smtp_server.messages if m.rcpt_tos == ["wanda@example.org"]]
    assert len(to_rita) == 2
    bodies = [m.part("text/plain") for m in to_rita]
    assert any("The outlet changed this quote on" in b and "without a correction note" in b for b in bodies)
    assert any("[-every family-]" in b and "{+some+}" in b for b in bodies)
    assert any("<ins" in m.part("text/html") and "<del" in m.part("text/html") for m in to_rita)
    assert {c.notice_status for c in QuoteChange.objects.filter(flagged=True)} == {"sent"}
    assert len(to_wanda) >= 1
    alert_text = "".join(m.part("text/plain") for m in to_wanda)
    assert "quote changed in the source" in alert_text
    assert 'changed in the source, matching "Stealth edits".' in alert_text
    assert all("changed in the source in Minister promises" in m.message["Subject"] for m in to_wanda)
    assert AlertDelivery.objects.filter(subscription__name="Every tax claim").count() == 0
    assert AlertDelivery.objects.filter(subscription__name="Stealth edits", quote_change__isnull=False).count() == 2

    # The schedule moved on to the 6-hour age.
    schedule.refresh_from_db()
    assert (schedule.step, schedule.checks, schedule.last_error) == (1, 1, "")
    assert schedule.next_at == first.fetched_at + timedelta(hours=6)

    # Version 3, compared with version 2 (not the first): the quote changed again, with a correction note.
    note = "Correction: An earlier version of this article misquoted the finance minister on tax cuts."
    server.add("/story", Reply(body=page(title="Minister promises some tax cuts", taxes=TAXES_V3, deficit=False,
                                         extra=f"<p>{note}</p>")))
    _make_due(article)
    with django_capture_on_commit_callbacks(execute=True):
        refetch_due_articles()
    third = ArticleVersion.objects.get(article=article, number=3)
    again = QuoteChange.objects.get(claim=taxes, to_version=third)
    assert again.old_words.startswith("We will cut some taxes for families")
    assert again.correction_note == note and "headline" not in third.changes
    assert flag_text(again).endswith(f"with a correction note: “{note}”.")
    assert not QuoteChange.objects.filter(claim=deficit, to_version=third).exists()  # removed stays removed
    assert len([m for m in smtp_server.messages if m.rcpt_tos == ["rita@example.org"]]) == 3
    assert AlertDelivery.objects.filter(subscription__name="Stealth edits", quote_change=again).count() == 1

    # An unchanged refetch records only the check time.
    _make_due(article)
    with django_capture_on_commit_callbacks(execute=True):
        refetch_due_articles()
    assert ArticleVersion.objects.filter(article=article).count() == 3
    third_checked = ArticleVersion.objects.get(pk=third.pk).last_checked_at
    assert third_checked > third.fetched_at


@pytest.mark.slow
def test_a_changed_quote_of_an_untracked_claim_is_recorded_but_not_flagged_and_new_claims_are_listed(
    server, tracked_story, smtp_server, django_capture_on_commit_callbacks
) -> None:
    article = tracked_story
    nurses = _claim(article, "more nurses")
    body = page(extra="<p>\u201cInflation will be back under two percent by the spring,\u201d central bank "
                      "governor Ana Lima said in a statement on Tuesday.</p>").replace(
        b"never had more nurses", b"never had so many nurses")
    server.add("/story", Reply(body=body))
    refetch_due_articles()  # enrol
    _make_due(article)
    with django_capture_on_commit_callbacks(execute=True):
        refetch_due_articles()
    change = QuoteChange.objects.get(claim=nurses)
    assert (change.kind, change.flagged, change.notice_status) == ("changed", False, "none")
    version = ArticleVersion.objects.get(article=article, number=2)
    assert [c["content"] for c in version.changes["new_claims"]] == [
        "Inflation will be back under two percent by the spring"
    ]
    assert smtp_server.messages == []


def test_fetch_failures_are_recorded_on_the_schedule_and_never_stop_the_beat(
    server, django_capture_on_commit_callbacks
) -> None:
    server.add("/story", Reply(body=page()))
    server.add("/other", Reply(body=page(title="Another story")))
    article = Article.objects.create(url=server.url("/story"), text="Some text as first fetched.",
                                     status=Article.Status.DONE,
                                     processed_at=timezone.now())
    other = Article.objects.create(url=server.url("/other"), text="Other text.", status=Article.Status.DONE,
                                   processed_at=timezone.now())
    refetch_due_articles()
    server.add("/story", Reply(503, b"busy"))
    server.add("/other", Reply(404, b"gone"))
    _make_due(article)
    _make_due(other)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert refetch_due_articles() == 2

    busy = ArticleRefetch.objects.get(pk=article.pk)
    assert "503 Service Unavailable" in busy.last_error and busy.failures == 1
    assert busy.step == 0  # a transient failure is tried again soon, at the same age
    assert before + timedelta(minutes=14) < busy.next_at < before + timedelta(minutes=16)
    gone = ArticleRefetch.objects.get(pk=other.pk)
    assert "404 Not Found" in gone.last_error
    assert gone.step == 1  # a permanent one moves on to the next age: the page may come back
    assert ArticleVersion.objects.filter(number__gt=1).count() == 0


def test_the_assignee_is_checked_when_the_email_is_sent(
    server, tracked_story, assignee, smtp_server, django_capture_on_commit_callbacks
) -> None:
    article = tracked_story
    assignee.groups.clear()  # no longer in the newsroom: may not read unpublished claims
    server.add("/story", Reply(body=page(taxes=TAXES_V2)))
    refetch_due_articles()
    _make_due(article)
    with django_capture_on_commit_callbacks(execute=True):
        refetch_due_articles()
    change = QuoteChange.objects.get(claim=_claim(article, "cut taxes"))
    assert change.flagged and change.notice_status == "failed"
    assert change.notice_error == "Not sent: the assignee may not see this claim."
    assert smtp_server.messages == []


def test_a_refetch_claimed_once_runs_once_even_when_its_message_is_delivered_twice(server) -> None:
    from claims.services import versions

    server.add("/story", Reply(body=page()))
    article = Article.objects.create(url=server.url("/story"), text="Text.", status=Article.Status.DONE,
                                     processed_at=timezone.now())
    versions.enrol_articles()
    _make_due(article)
    [(article_id, claimed_at)] = versions.claim_due_refetches()
    assert versions.claim_due_refetches() == []  # a second beat finds nothing due
    assert versions.refetch_article(article_id=article_id, claimed_at=claimed_at).status == "changed"
    assert versions.refetch_article(article_id=article_id, claimed_at=claimed_at).status == "skipped"
    assert _story_requests(server) == 1


def test_the_schedule_backs_off_with_age_and_stops_after_the_last() -> None:
    from claims.services.versions import next_check

    first = timezone.now()
    ages = [(first + timedelta(minutes=1)), first + timedelta(hours=2), first + timedelta(hours=7),
            first + timedelta(days=2), first + timedelta(days=4), first + timedelta(days=8)]
    got = [next_check(first_fetched_at=first, now=now) for now in ages]
    assert [g[1] - first if g else None for g in got] == [
        timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=3), timedelta(days=7), None
    ]


def test_an_article_fetched_before_versions_were_kept_gets_no_false_headline_change(server) -> None:
    from claims.ingestion.html import extract_page
    from claims.services import versions

    html = page()
    server.add("/story", Reply(body=html))
    # Stored as the pipeline did before versions existed, under the feed's own title.
    text = extract_page(html, url=server.url("/story")).text
    article = Article.objects.create(url=server.url("/story"), title="Feed title for the story", text=text,
                                     status=Article.Status.DONE, processed_at=timezone.now())
    versions.enrol_articles()
    _make_due(article)
    [(article_id, claimed_at)] = versions.claim_due_refetches()
    assert versions.refetch_article(article_id=article_id, claimed_at=claimed_at).status == "unchanged"
    assert list(ArticleVersion.objects.filter(article=article).values_list("number", flat=True)) == [1]
    assert ArticleVersion.objects.get(article=article).title.startswith("Minister promises tax cuts")
