"""The production path for stealth edits: the beat task queues the refetch through Redis, a real
`celery worker` process fetches the edited page from a real HTTP server, records the version and
the quote change in PostgreSQL, and the assignee's e-mail goes out through the mail queue to a real
SMTP server. `services`: skipped without PostgreSQL and Redis, a failure in CI."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims.ingestion.html import extract_page
from claims.models import Article, ArticleRefetch, ArticleVersion, Claim, QuoteChange
from claims.services.claims import claim_fingerprint
from claims.tasks import refetch_due_articles
from tests.conftest import wait_until
from tests.ingestion.conftest import Reply

from .test_stealth_edits import TAXES, TAXES_V2, page


@pytest.mark.services
def test_a_real_worker_refetches_the_edited_page_and_mails_the_assignee(start_worker, server, smtp_server) -> None:
    assignee = User.objects.create_user("rita", email="rita@example.org", password="pw-rita", is_staff=True)
    assignee.groups.add(Group.objects.get(name="Researcher"))
    first = page()
    text = extract_page(first, url=server.url("/story")).text
    article = Article.objects.create(url=server.url("/story"), title="Minister promises tax cuts", text=text,
                                     source=Article.Source.URL, status=Article.Status.DONE,
                                     processed_at=timezone.now())
    start = text.index(TAXES)
    claim = Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content=TAXES, content_start=start,
                                 content_end=start + len(TAXES), speaker_mention="Jane Roe",
                                 fingerprint=claim_fingerprint(TAXES), status=Claim.Status.TRIAGED, assignee=assignee)
    server.add("/story", Reply(body=page(taxes=TAXES_V2)))
    ArticleRefetch.objects.create(article=article, next_at=timezone.now() - timedelta(seconds=1))

    start_worker.extra_env = {
        "FACTCHECK_FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": "https://factcheck.example",
    }
    start_worker()
    assert refetch_due_articles() == 1  # beat: leases the article and queues its refetch on Redis

    assert wait_until(lambda: QuoteChange.objects.filter(claim=claim, notice_status="sent").exists(), timeout=180)
    assert ArticleVersion.objects.filter(article=article).count() == 2
    change = QuoteChange.objects.get(claim=claim)
    assert change.kind == "changed" and change.flagged
    assert [m.rcpt_tos for m in smtp_server.messages] == [["rita@example.org"]]
    assert "The outlet changed this quote on" in smtp_server.messages[0].part("text/plain")
    schedule = ArticleRefetch.objects.get(pk=article.pk)
    assert schedule.checks == 1 and schedule.last_error == ""
