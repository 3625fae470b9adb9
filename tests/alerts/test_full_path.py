"""The whole way: an article submitted, extracted (spaCy, tasks in-process), matched and mailed."""
from __future__ import annotations

from claims.models import AlertDelivery, Article
from claims.services.alerts import create_subscription
from claims.services.articles import submit_article

TEXT = (
    "Harbour plan approved\n\n"
    '"The bridge will open in 2029 and cost nothing extra," Mayor Helena Strand said on Tuesday.\n\n'
    "Councillor Tomas Brightwater said the estimate left out 40 million in maintenance costs.\n"
)


def test_a_submitted_article_reaches_the_subscribers_inbox(
    smtp_server, subscriber, other_subscriber, django_capture_on_commit_callbacks
):
    create_subscription(owner=subscriber, name="Bridge", keywords=["bridge"])
    create_subscription(owner=other_subscriber, name="Tunnels", keywords=["tunnel"])
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_article(text=TEXT, title="Harbour plan approved")
    article = Article.objects.get(pk=submission.article.pk)
    assert article.status == Article.Status.DONE, article.error

    assert [m.rcpt_tos for m in smtp_server.messages] == [["alice@example.org"]]
    text = smtp_server.messages[0].part("text/plain")
    assert "The bridge will open in 2029" in text
    assert "Helena Strand" in text
    assert "keyword 'bridge'" in text
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
