"""/metrics: scraped with prometheus_client's own parser, as Prometheus would, and closed to
anyone without the token or an allowed address."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from claims.models import AlertDelivery, Article, Claim, Subscription, WebhookDelivery, WebhookEndpoint
from claims.services.articles import submit_article

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-" + "x" * 40
TEXT = (
    "Harbour plan approved\n\n"
    '"The bridge will open in 2029," Mayor Helena Strand said on Tuesday.\n\n'
    "Councillor Tomas Brightwater said the estimate left out 40 million in maintenance costs.\n"
)


def scrape(client: Client, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by (name, sorted labels)."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_the_counters_move_as_an_article_is_processed(client: Client, db, django_capture_on_commit_callbacks) -> None:
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        article = submit_article(text=TEXT, title="Harbour plan approved").article
    article.refresh_from_db()
    assert article.status == Article.Status.DONE, article.error
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before[key]

    assert moved("factcheck_articles", status="done") == 1
    assert moved("factcheck_articles", status="queued") == 0
    found = Claim.objects.filter(article=article)
    assert found.count() >= 2
    for kind in Claim.Kind.values:
        assert moved("factcheck_claims_detected_total", kind=kind) == found.filter(kind=kind).count()
    assert moved("factcheck_extraction_seconds_count") == 1
    assert moved("factcheck_extraction_seconds_bucket", le="+Inf") == 1
    assert moved("factcheck_extraction_seconds_sum") == pytest.approx(article.extraction_seconds)
    assert article.extraction_seconds > 0
    # django-prometheus counts the scrapes themselves.
    assert moved("django_http_requests_total_by_view_transport_method_total",
                 view="operations:metrics", transport="http", method="GET") == 1


def test_alert_deliveries_are_reported_by_state_with_the_oldest_waiting_age(client: Client, db) -> None:
    owner = User.objects.create_user("metrics-subscriber", email="m@example.org")
    subscription = Subscription.objects.create(owner=owner, name="all", min_checkworthiness=0)
    article = Article.objects.create(text="some text", fingerprint="metrics-alerts", status=Article.Status.DONE)
    states = [("sent", 0), ("failed", 5), ("pending", 2), ("pending", 0), ("pending", 0)]
    for n, (status, attempts) in enumerate(states):
        claim = Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content=f"claim {n}",
                                     content_start=n * 10, content_end=n * 10 + 7, fingerprint=f"fp-{n}")
        AlertDelivery.objects.create(subscription=subscription, claim=claim, claim_fingerprint=f"fp-{n}",
                                     status=status, attempts=attempts)
    hour_ago = timezone.now() - timedelta(hours=1)
    AlertDelivery.objects.filter(status="pending", attempts=0).update(created_at=hour_ago)

    samples = scrape(client)
    by_state = {
        labels[0][1]: value for (name, labels), value in samples.items() if name == "factcheck_alert_deliveries"
    }
    assert by_state == {"sent": 1, "failed": 1, "retrying": 1, "pending": 2, "sending": 0}
    age = samples[("factcheck_oldest_undelivered_alert_age_seconds", ())]
    assert 3600 <= age < 3600 + 600


def test_webhook_deliveries_are_reported_by_state(client: Client, db) -> None:
    owner = User.objects.create_user("metrics-hooks")
    endpoint = WebhookEndpoint.objects.create(
        owner=owner, name="chat", url="https://chat.example/hook", event_types=["claim.detected"], secret="whsec_x"
    )
    for n, (status, attempts) in enumerate(
        [("delivered", 1), ("delivered", 2), ("failed", 9), ("pending", 3), ("pending", 0), ("sending", 1)]
    ):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=f"msg_{n}",
            event_type="claim.detected",
            payload={},
            status=status,
            attempts=attempts,
        )
    samples = scrape(client)
    by_state = {
        labels[0][1]: value for (name, labels), value in samples.items() if name == "factcheck_webhook_deliveries"
    }
    assert by_state == {"sent": 2, "failed": 1, "retrying": 1, "pending": 1, "sending": 1}


def test_metrics_are_refused_to_an_address_outside_the_allowed_networks(client: Client, db) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["status"] == 403 and error["code"] == "forbidden"
    assert "FACTCHECK_METRICS_TOKEN" in error["message"]
    assert b"factcheck_articles" not in response.content


def test_the_bearer_token_opens_metrics_from_anywhere_and_a_wrong_one_does_not(client: Client, db, settings) -> None:
    settings.FACTCHECK_METRICS_TOKEN = TOKEN
    settings.FACTCHECK_METRICS_ALLOWED_NETWORKS = []
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert ("factcheck_articles", (("status", "done"),)) in scrape(
        client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outside
    )
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x", **outside).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}", **outside).status_code == 403
    # Loopback is no longer allowed once the list is emptied: the token is the only way in.
    assert client.get("/metrics").status_code == 403


def test_the_allowed_networks_follow_the_client_address_behind_trusted_proxies(client: Client, db, settings) -> None:
    import ipaddress

    settings.FACTCHECK_METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    settings.NUM_PROXIES = 1
    # The proxy (127.0.0.1) says the client is 10.1.2.3: allowed; a forged left-hand entry is not believed.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3, 198.51.100.1").status_code == 403


def test_metrics_answer_only_get_and_head(client: Client, db) -> None:
    assert client.post("/metrics").status_code == 405
    assert client.head("/metrics").status_code == 200


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_short_metrics_token_or_a_malformed_network_stops_start_up() -> None:
    short = _check({"FACTCHECK_METRICS_TOKEN": "letmein"})
    assert short.returncode != 0
    assert "FACTCHECK_METRICS_TOKEN must be at least 32 characters" in short.stderr
    bad = _check({"FACTCHECK_METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,10.0.0.1/8"})
    assert bad.returncode != 0
    assert "FACTCHECK_METRICS_ALLOWED_NETWORKS: '10.0.0.1/8' is not a network" in bad.stderr


@pytest.mark.services
def test_queue_depth_counts_messages_waiting_on_the_redis_broker(client: Client, broker: str, settings) -> None:
    from claims.tasks import process_article

    settings.REDIS_URL = broker
    # No worker consumes: the two messages wait in the extraction queue.
    for n in range(2):
        article = Article.objects.create(text=f"waiting {n}", fingerprint=f"depth-{n}", status=Article.Status.DONE)
        process_article.delay(article.pk)
    samples = scrape(client)
    assert samples[("factcheck_broker_up", ())] == 1
    assert samples[("factcheck_queue_depth", (("queue", "extraction"),))] == 2
    assert samples[("factcheck_queue_depth", (("queue", "mail"),))] == 0

    settings.FACTCHECK_HEALTH_MAX_BACKLOG = 1
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["RedisBroker"] == "ok"
    assert checks["Backlog"] == "Unavailable: Celery queues over 1 messages (extraction: 2)"


@pytest.mark.django_db
def test_an_unreachable_broker_is_reported_as_down_without_failing_the_scrape(client: Client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    samples = scrape(client)
    assert samples[("factcheck_broker_up", ())] == 0
    assert not [key for key in samples if key[0] == "factcheck_queue_depth"]
