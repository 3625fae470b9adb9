"""The articles screen: the submit form (URL, text, file) and the retry action."""
from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Article
from claims.services.articles import text_fingerprint
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:claims_article_add")


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_submitting_nothing_explains_what_is_needed(client, wf_researcher):
    client.force_login(wf_researcher)
    response = client.post(ADD, {"url": "", "text": ""})
    assert response.status_code == 200
    assert "Give exactly one of: a URL, a text or a file." in response.content.decode()
    assert not Article.objects.exists()


def test_a_bad_url_is_refused_with_a_message_and_the_form_keeps_the_title(client, wf_researcher):
    client.force_login(wf_researcher)
    response = client.post(ADD, {"url": "ftp://example.org/x", "title": "My careful title"})
    assert response.status_code == 200
    assert any("Only http and https URLs" in m for m in texts(response))
    assert 'value="My careful title"' in response.content.decode()
    assert not Article.objects.exists()


def test_pasted_text_becomes_a_queued_article(client, wf_researcher, django_capture_on_commit_callbacks):
    client.force_login(wf_researcher)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(ADD, {"text": "The minister said taxes fell.", "title": "Taxes"}, follow=True)
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED and article.submitted_by == wf_researcher
    assert article.title == "Taxes" and len(callbacks) == 1  # processing is queued on commit
    # The message tells the truth: queued, with the page updating itself.
    assert any("is queued: its claims appear on its page" in m for m in texts(response))


@pytest.mark.django_db(transaction=True)
def test_a_processed_article_says_how_many_claims_were_found(client, wf_researcher):
    # Real commits, as in `make run`: without a broker the article is processed as it is committed.
    client.force_login(wf_researcher)
    response = client.post(ADD, {"text": '"Taxes fell by half," the minister said on Monday.', "title": "Taxes"})
    article = Article.objects.get()
    n = article.claims.count()
    assert article.status == Article.Status.DONE and n >= 1
    assert any("Article processed:" in m and f"{n} claim{'s' if n != 1 else ''} found." in m for m in texts(response))


def test_an_editor_can_fix_a_pasted_articles_title_byline_date_and_outlet(client, wf_editor):
    from claims.models import Outlet

    article = ArticleFactory(text="Some text.", title="")
    outlet = Outlet.objects.create(name="Coastline Wire")
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_article_change", args=[article.pk])).content.decode()
    for field in ("title", "byline", "published_at_0", "outlet"):
        assert f'name="{field}"' in page
    response = client.post(reverse("admin:claims_article_change", args=[article.pk]), {
        "title": "Ferry fares", "byline": "Lena Varga", "published_at_0": "2026-11-26", "published_at_1": "09:00:00",
        "outlet": outlet.pk, "claims-TOTAL_FORMS": "0", "claims-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert (article.title, article.byline, article.outlet) == ("Ferry fares", "Lena Varga", outlet)


def test_an_article_being_processed_marks_its_page_to_update_itself(client, wf_editor):
    article = ArticleFactory(text="Some text.")
    client.force_login(wf_editor)
    url = reverse("admin:claims_article_change", args=[article.pk])
    assert 'id="fc-article-status" data-active=""' in client.get(url).content.decode()  # done: still
    Article.objects.filter(pk=article.pk).update(status=Article.Status.QUEUED)
    page = client.get(url).content.decode()
    assert 'id="fc-article-status" data-active="1"' in page and "claims/claims_admin.js" in page


def test_the_articles_claims_read_as_sentences_with_a_rounded_score(client, wf_editor):
    from claims.models import Claim

    article = ArticleFactory(text="Pyongyang and Moscow have denied those claims.")
    ClaimFactory(content="those claims", article=article, speaker_mention="Pyongyang and Moscow", cue="denied",
               stance=Claim.Stance.DENIES, score=0.19999999999999998)
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_article_change", args=[article.pk])).content.decode()
    assert '<em class="fc-cue fc-stance-denies" title="stance: denies">denied</em>' in page
    assert "0.20" in page and "0.1999" not in page


def test_a_duplicate_links_to_the_article_we_already_have(client, wf_researcher):
    text = "The minister said taxes fell by half."
    existing = ArticleFactory(text=text)
    Article.objects.filter(pk=existing.pk).update(fingerprint=text_fingerprint(text))
    client.force_login(wf_researcher)
    response = client.post(ADD, {"text": text}, follow=True)
    link = reverse("admin:claims_article_change", args=[existing.pk])
    assert any("We already have this article" in m and link in m for m in texts(response))
    assert Article.objects.count() == 1


def test_an_undecodable_upload_is_refused_with_a_message(client, wf_researcher):
    client.force_login(wf_researcher)
    upload = SimpleUploadedFile("latin1.txt", "Café crème".encode("latin-1"))
    response = client.post(ADD, {"file": upload})
    assert response.status_code == 200
    assert any("not valid UTF-8" in m for m in texts(response))
    assert not Article.objects.exists()


def test_an_uploaded_utf8_file_is_submitted_as_a_file_article(
    client, wf_researcher, django_capture_on_commit_callbacks
):
    client.force_login(wf_researcher)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(ADD, {"file": SimpleUploadedFile("a.txt", "“Taxes fell,” she said.".encode())})
    article = Article.objects.get()
    assert article.source == Article.Source.FILE and article.text == "“Taxes fell,” she said."


def test_a_reader_cannot_open_the_submit_form(client, wf_reader):
    client.force_login(wf_reader)
    response = client.get(ADD, follow=True)
    assert any("permission to submit" in m for m in texts(response))


def test_retry_requeues_a_failed_article_and_explains_a_done_one(client, wf_editor, django_capture_on_commit_callbacks):
    failed = ArticleFactory()
    Article.objects.filter(pk=failed.pk).update(status=Article.Status.FAILED, error="timeout")
    done = ArticleFactory()
    client.force_login(wf_editor)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("admin:claims_article_changelist"),
            {"action": "retry", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    failed.refresh_from_db()
    assert failed.status == Article.Status.QUEUED and failed.error == ""
    messages = texts(response)
    assert "1 article queued again." in messages and any("already processed" in m for m in messages)


def test_a_researcher_cannot_retry(client, wf_researcher):
    failed = ArticleFactory()
    Article.objects.filter(pk=failed.pk).update(status=Article.Status.FAILED)
    client.force_login(wf_researcher)
    response = client.post(
        reverse("admin:claims_article_changelist"), {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert "You do not have permission to retry articles." in texts(response)
    failed.refresh_from_db()
    assert failed.status == Article.Status.FAILED


def test_the_article_page_lists_its_claims_and_shows_the_error(client, wf_editor):
    claim = ClaimFactory(content="Taxes fell by half.")
    Article.objects.filter(pk=claim.article_id).update(error="partial fetch")
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_article_change", args=[claim.article_id])).content.decode()
    assert "Taxes fell by half." in page and "partial fetch" in page


def _article_page_queries(client, claims: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.models import Speaker

    article = ArticleFactory(text=" ".join(f"claim {i:03d}." for i in range(claims)))
    for i in range(claims):
        speaker = Speaker.objects.create(name=f"Person {i} of {claims}", normalized_name=f"person {i} of {claims}")
        ClaimFactory(content=f"claim {i:03d}", speaker=speaker, article=article)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("admin:claims_article_change", args=[article.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_article_page_reads_its_claims_in_the_same_number_of_queries_however_many(client, wf_editor):
    client.force_login(wf_editor)
    assert _article_page_queries(client, 2) == _article_page_queries(client, 12)
