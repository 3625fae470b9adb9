"""Immediate alerts through a real SMTP server on localhost: what arrives, who gets it, the
unsubscribe link and headers, retries when the server is down, and no double sending."""
from __future__ import annotations

import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone

from claims.alerts.tokens import make_token
from claims.models import AlertDelivery, Subscription
from claims.services import alerts
from claims.services.alerts import create_subscription, queue_alerts_for_claims
from claims.tasks import retry_pending_deliveries

D = AlertDelivery.Status


def statuses() -> list[str]:
    return sorted(AlertDelivery.objects.values_list("status", flat=True))


def test_an_ingested_article_produces_one_email_with_the_matching_claims(
    smtp_server, subscriber, yang, other_speaker, make_article, make_claim, django_capture_on_commit_callbacks
):
    subscription = create_subscription(owner=subscriber, name="Yang watch", speakers=[yang.pk])
    article = make_article(title="Talks stall over sanctions")
    first = make_claim(article, "Sanctions have cut oil exports by half.", speaker=yang, score=0.82)
    second = make_claim(article, "We will not negotiate under pressure.", speaker=yang, score=0.4)
    make_claim(article, "Nobody wants this.", speaker=other_speaker)
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=list(article.claims.values_list("pk", flat=True)))

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_tos == ["alice@example.org"]
    assert received.message["To"] == "alice@example.org"
    assert "Yang watch" in received.message["Subject"] and "2 claims" in received.message["Subject"]
    text = received.part("text/plain")
    html = received.part("text/html")
    for body in (text, html):
        assert "Sanctions have cut oil exports by half." in body
        assert "We will not negotiate under pressure." in body
        assert "Nobody wants this." not in body
        assert "Yang Moo-jin" in body and "foreign minister" in body
        assert "Direct quote" in body
        assert "Wire Daily" in body and article.url in body
        assert "0.82" in body
        assert "speaker Yang Moo-jin" in body
        assert f"https://factcheck.example/admin/claims/claim/{first.pk}/change/" in body
        assert f"https://factcheck.example/admin/claims/claim/{second.pk}/change/" in body
        assert "detected by machine and have not been verified" in body
    token = make_token(subscription_id=subscription.pk, action="unsubscribe")
    unsubscribe = f"https://factcheck.example/alerts/unsubscribe/{token}/"
    assert received.message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # may be folded
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and "/alerts/manage/" in text
    assert statuses() == [D.SENT, D.SENT]


def test_a_twenty_claim_article_is_one_email_per_subscriber(
    smtp_server, subscriber, other_subscriber, make_article, make_claim, django_capture_on_commit_callbacks
):
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    create_subscription(owner=other_subscriber, name="Budget too", keywords=["budget"], kinds=["direct"])
    article = make_article()
    ids = [make_claim(article, f"The budget grew by {i} percent.").pk for i in range(20)]
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=ids)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["alice@example.org", "bob@example.org"]
    assert all(m.part("text/plain").count("The budget grew by") == 20 for m in smtp_server.messages)


def test_a_claim_matching_no_filter_sends_nothing(
    smtp_server, subscriber, make_article, make_claim, django_capture_on_commit_callbacks
):
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The weather was fine.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    assert smtp_server.messages == []
    assert not AlertDelivery.objects.exists()


def test_the_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(
    smtp_server, client, subscriber, make_article, make_claim, django_capture_on_commit_callbacks
):
    subscription = create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The budget doubled.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    link = smtp_server.messages[0].message["List-Unsubscribe"].strip().strip("<>")
    path = urlsplit(link).path

    page = client.get(path)
    assert page.status_code == 200
    assert b"Unsubscribe from" in page.content and b"Budget" in page.content
    subscription.refresh_from_db()
    assert subscription.active, "a GET (a link preview, a scanner) must not unsubscribe"

    # What a mail client sends for RFC 8058 one-click: a bare POST, no cookie, no CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and b"Unsubscribed" in done.content
    subscription.refresh_from_db()
    assert not subscription.active

    # Nothing more is sent to an unsubscribed subscription.
    later = make_claim(make_article(), "The budget tripled.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[later.pk])
    assert len(smtp_server.messages) == 1


def test_a_tampered_unsubscribe_link_is_refused_with_a_reason(client, subscriber):
    subscription = create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    token = make_token(subscription_id=subscription.pk, action="unsubscribe")
    response = client.post(f"/alerts/unsubscribe/{token[:-3]}xyz/")
    assert response.status_code == 400 and b"not valid" in response.content
    manage_token = make_token(subscription_id=subscription.pk, action="manage")
    assert client.post(f"/alerts/unsubscribe/{manage_token}/").status_code == 400
    subscription.refresh_from_db()
    assert subscription.active


def test_the_manage_link_pauses_and_resumes_without_logging_in(client, subscriber):
    subscription = create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    path = f"/alerts/manage/{make_token(subscription_id=subscription.pk, action='manage')}/"
    page = client.get(path)
    assert page.status_code == 200 and b"budget" in page.content
    assert client.post(path, {"action": "pause"}).status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active
    client.post(path, {"action": "resume"})
    subscription.refresh_from_db()
    assert subscription.active
    assert client.post(path, {"action": "explode"}).status_code == 400


def test_mail_server_down_then_up_delivers_exactly_once(
    smtp_server, subscriber, make_article, make_claim, django_capture_on_commit_callbacks
):
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    ids = [make_claim(make_article(), f"The budget grew {i} percent.").pk for i in range(2)]
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=ids)
    rows = list(AlertDelivery.objects.all())
    assert {r.status for r in rows} == {D.PENDING}
    assert all(r.attempts == 1 and r.next_attempt_at and "Connection" in r.error for r in rows)

    # The periodic retry before the backoff has passed does nothing.
    retry_pending_deliveries.delay()
    assert smtp_server.messages == []

    smtp_server.start()
    AlertDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    retry_pending_deliveries.delay()
    retry_pending_deliveries.delay()
    # Two articles: two emails, each once.
    assert len(smtp_server.messages) == 2
    assert statuses() == [D.SENT, D.SENT]
    assert all(r.error == "" for r in AlertDelivery.objects.all())


def test_a_permanent_refusal_is_recorded_as_failed_and_not_retried(
    smtp_server, subscriber, make_article, make_claim, monkeypatch, django_capture_on_commit_callbacks
):
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    claim = make_claim(make_article(), "The budget doubled.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    delivery = AlertDelivery.objects.get()
    assert delivery.status == D.FAILED and "No such user" in delivery.error
    assert alerts.retry_due_deliveries(now=timezone.now() + timedelta(days=1)) == 0


def test_sending_the_same_deliveries_twice_sends_one_email(
    smtp_server, subscriber, make_article, make_claim, monkeypatch
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    subscription = create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The budget doubled.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    ids = list(AlertDelivery.objects.values_list("pk", flat=True))
    assert alerts.send_deliveries(subscription_id=subscription.pk, delivery_ids=ids).sent == 1
    assert alerts.send_deliveries(subscription_id=subscription.pk, delivery_ids=ids).sent == 0
    assert len(smtp_server.messages) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_by_the_retry_task(
    smtp_server, subscriber, make_article, make_claim, monkeypatch, settings
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The budget doubled.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    monkeypatch.undo()
    AlertDelivery.objects.update(status=D.SENDING, claimed_at=timezone.now() - timedelta(minutes=5), attempts=1)
    # Still within the stale cutoff: a live worker may be sending it, so hands off.
    retry_pending_deliveries.delay()
    assert smtp_server.messages == []
    AlertDelivery.objects.update(claimed_at=timezone.now() - timedelta(hours=1))
    retry_pending_deliveries.delay()
    assert len(smtp_server.messages) == 1
    assert statuses() == [D.SENT]


def test_a_pending_delivery_whose_task_was_lost_is_sent_by_the_retry_task(
    smtp_server, subscriber, make_article, make_claim, monkeypatch
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The budget doubled.")
    queue_alerts_for_claims(claim_ids=[claim.pk])
    monkeypatch.undo()
    AlertDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    retry_pending_deliveries.delay()
    assert len(smtp_server.messages) == 1


def test_the_console_backend_default_also_works(
    subscriber, make_article, make_claim, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    create_subscription(owner=subscriber, name="Budget", keywords=["budget"])
    claim = make_claim(make_article(), "The budget doubled.")
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert Subscription.objects.get().active
