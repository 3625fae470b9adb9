"""Findings 6, 8 and 10: input that used to get a 500, a map of the internal network, or a
spoofed line in an alert e-mail.

6. A malformed bracketed URL ("http://[::1/") raised from normalize_url: a 400 (API), a form
   message (admin) or a non-zero exit (ingest), each with the reason.
8. A URL whose host name resolves to an internal address answered "localhost resolves to
   127.0.0.1": the person who submitted it is told only that it is not a public address.
10. Line breaks in an article title showed as separate lines in the text part of alert e-mails
   (a spoofed "Bcc:" line): titles and bylines are one line from the moment they come in."""
from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from claims.models import Article, Claim
from claims.services.alerts import create_subscription, queue_alerts_for_claims
from claims.services.articles import submit_article
from claims.services.claims import claim_fingerprint
from tests.security.conftest import make_user

pytestmark = pytest.mark.django_db
MALFORMED = ["http://[::1/", "http://[::1", "http://]::1[/", "http://[not-an-ip]/", "https://[[::1]]/",
             "http://example.org:99999/", "http://example.org:port/"]


@pytest.fixture
def editor_api(api):
    return api(make_user("api-editor", "Editor", is_staff=True))


@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_url_is_a_400_with_the_reason_in_the_api(editor_api: APIClient, url: str) -> None:
    editor_api.raise_request_exception = False
    response = editor_api.post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 400, response.content
    assert "malformed" in " ".join(response.json()["error"]["fields"]["url"])
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", MALFORMED[:4])
def test_a_malformed_url_gets_a_message_in_the_admin_form(client, url: str) -> None:
    client.raise_request_exception = False
    client.force_login(make_user("admin-editor", "Editor", is_staff=True))
    response = client.post("/admin/claims/article/add/", {"url": url})
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [
        str(e) for errors in response.context["form"].errors.values() for e in errors]
    assert any("malformed" in message for message in shown), shown
    assert not Article.objects.exists()


def test_a_malformed_url_makes_the_ingest_command_exit_non_zero_with_the_reason() -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", "http://[::1/", "--no-progress", stdout=out, stderr=err)
    assert "malformed" in out.getvalue() + err.getvalue()


def test_an_internal_host_name_is_refused_without_saying_what_it_resolves_to(
    settings, editor_api, django_capture_on_commit_callbacks, caplog
) -> None:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post("/api/v1/articles/", {"url": "http://localhost:6379/"}, format="json")
    article = Article.objects.get(pk=response.json()["id"])
    assert article.status == Article.Status.FAILED
    assert "localhost is not a public address" in article.error
    assert "127.0.0.1" not in article.error and "::1" not in article.error
    shown = editor_api.get(f"/api/v1/articles/{article.pk}/").json()["error"]
    assert "127.0.0.1" not in shown
    # The operator still learns the detail, from the log.
    assert "resolves to" in caplog.text


def test_line_breaks_in_a_title_and_byline_are_collapsed_when_the_article_comes_in() -> None:
    article = submit_article(text="Some text.", title="Budget day\r\nBcc: victim@example.org",
                             byline="By Ana\nSouza\u2028Reuters").article
    assert article.title == "Budget day Bcc: victim@example.org"
    assert article.byline == "By Ana Souza Reuters"


def test_a_title_with_line_breaks_cannot_add_a_line_to_the_alert_email(
    smtp_server, django_capture_on_commit_callbacks
) -> None:
    owner = make_user("alert-reader", "Reader")
    create_subscription(owner=owner, name="Tax", keywords=["tax"])
    article = submit_article(text="The tax rise is the largest ever, she said.",
                             title="Budget day\r\nBcc: victim@example.org\r\n\r\nSpoofed body").article
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE)
    content = "The tax rise is the largest ever"
    claim = Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content=content, content_start=0,
                                 content_end=len(content), checkworthiness=0.5, fingerprint=claim_fingerprint(content))
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    assert len(smtp_server.messages) == 1
    text = smtp_server.messages[0].part("text/plain")
    assert not any(line.lstrip("= ").startswith("Bcc:") for line in text.splitlines()), text
    assert "Budget day Bcc: victim@example.org Spoofed body" in text
