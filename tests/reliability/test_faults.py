"""Faults under load: a few hundred articles through real workers while the infrastructure breaks.

One scenario, because the faults are interesting in combination (an alert deferred by the mail
outage must still go out once after PostgreSQL restarts). During the run:

1. the extraction worker is killed with SIGKILL mid-batch and a new one started;
2. the SMTP server goes down (alert mails fail and are deferred);
3. Redis is shut down without saving (every queued message is lost) while articles are being
   submitted, then started again;
4. PostgreSQL is restarted (every open connection, in workers and here, dies);
5. the SMTP server comes back.

The test process plays celery beat: it calls the article sweeper and the alert retry sweep every
few seconds. Afterwards: every article is `done` (or `failed` with the reason, for the two bad
inputs in the batch), every article has exactly the claims the extractor finds in it (none lost,
none twice), every alert matched was delivered exactly once at the SMTP sink, nothing is left
queued, and every claim that matches a subscription was alerted (or is a repeat of one that was).

This restarts the shared PostgreSQL and Redis: run it deliberately (CI runs it via `.ci/run`).
Both are started again in `finally`, whatever happens.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from collections import Counter, defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, connections
from django.utils import timezone

from bench.corpus import articles as corpus_articles
from claims.alerts import conf as alert_conf
from claims.alerts.terms import claim_terms, normalize_keyword
from claims.models import AlertDelivery, Article, Claim, Subscription
from claims.services import alerts, pipeline
from claims.services.articles import submit_article
from tests.conftest import wait_until
from tests.reliability.smtp_sink import SmtpSink

pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.slow, pytest.mark.timeout(480)]
log = logging.getLogger(__name__)

ARTICLES = 200
KEYWORDS = {"rents": ["rents"], "deficit": ["deficit"], "reservoir": ["reservoir levels"], "tram": ["tram", "fares"]}
BAD_URLS = ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/admin/"]
# The sweeper's limit in this test: long enough that an article waiting its turn in a healthy
# queue is rarely re-sent, short enough that the lost ones are found within the run.
STUCK_AFTER = timedelta(seconds=20)
ACTIVE = ("queued", "fetching", "extracting")


# --- the services we break -----------------------------------------------------------------------


def _redis_address() -> tuple[str, int]:
    parts = urlsplit(os.environ["REDIS_URL"])
    return parts.hostname or "127.0.0.1", parts.port or 6379


def _redis_up() -> bool:
    host, port = _redis_address()
    return subprocess.run(["redis-cli", "-h", host, "-p", str(port), "ping"], capture_output=True).returncode == 0


def stop_redis() -> None:
    host, port = _redis_address()
    subprocess.run(["redis-cli", "-h", host, "-p", str(port), "shutdown", "nosave"], capture_output=True, timeout=30)
    assert wait_until(lambda: not _redis_up(), timeout=15)


def start_redis() -> None:
    if _redis_up():
        return
    host, port = _redis_address()
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", host, "--port", str(port), "--save", "",
                    "--appendonly", "no"], check=True, capture_output=True, timeout=30)
    assert wait_until(_redis_up, timeout=30)


def _pg_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def _postgres_up() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def restart_postgres() -> None:
    subprocess.run([*_pg_cluster(), "restart"], check=True, capture_output=True, timeout=120)
    assert wait_until(_postgres_up, timeout=60)
    connections.close_all()  # ours died with the server


def ensure_postgres() -> None:
    if not _postgres_up():
        subprocess.run([*_pg_cluster(), "start"], capture_output=True, timeout=120)
        wait_until(_postgres_up, timeout=60)
    connections.close_all()


# --- what beat would do ----------------------------------------------------------------------------


def beat(supervisor: Supervisor) -> None:
    """The periodic tasks, run from the test. Alert retries back off 1, 2, 4... minutes; the
    test does not wait that long and moves deferred deliveries' retry time to now instead."""
    supervisor.check()
    try:
        pipeline.sweep_stuck_articles(older_than=STUCK_AFTER)
        pipeline.sweep_unannounced_articles(older_than=STUCK_AFTER)
        now = timezone.now()
        AlertDelivery.objects.filter(status="pending", next_attempt_at__gt=now).update(next_attempt_at=now)
        alerts.retry_due_deliveries()
    except DatabaseError:
        connections.close_all()  # PostgreSQL is restarting; next tick


class Supervisor:
    """What systemd or compose's `restart: unless-stopped` does: start again a worker that exited.

    Needed because a Celery worker can die on a broker outage instead of reconnecting: with
    celery/kombu 5.7 and redis-py 8, a worker holding unacknowledged messages when Redis goes
    away crashes with "Unrecoverable error: AttributeError('NoneType' object has no attribute
    'hostname')" while restoring them (kombu's Redis transport, `_connparams`)."""

    def __init__(self, start_worker) -> None:
        self.start_worker = start_worker
        self.workers: dict[str, tuple[subprocess.Popen, str, int]] = {}
        self.restarts: list[str] = []

    def start(self, name: str, *, queues: str, concurrency: int) -> subprocess.Popen:
        proc = self.start_worker(queues=queues, concurrency=concurrency, name=name)
        self.workers[name] = (proc, queues, concurrency)
        return proc

    def check(self) -> None:
        for name, (proc, queues, concurrency) in list(self.workers.items()):
            if proc.poll() is not None:
                log.warning("worker %s exited with %s; restarting it", name, proc.returncode)
                self.restarts.append(f"{name} (exit {proc.returncode})")
                self.start(name, queues=queues, concurrency=concurrency)


def _counts(ids: list[int]) -> Counter:
    return Counter(Article.objects.filter(pk__in=ids).values_list("status", flat=True))


def _terminal(ids: list[int]) -> int:
    counts = _counts(ids)
    return counts["done"] + counts["failed"]


def _submit(items) -> list[int]:
    return [submit_article(text=item.text, title=item.title).article.pk for item in items]


# A send takes milliseconds; a row 'sending' for longer than this in the test was abandoned.
ABANDONED_AFTER = timedelta(seconds=10)


def _release_abandoned_sends() -> None:
    """A row left 'sending' by a send that died (PostgreSQL went away between SMTP and the
    status update) is released after FACTCHECK_ALERT_STALE_MINUTES; fast-forward to that, but only
    for rows claimed ABANDONED_AFTER ago or more. Releasing a row a live worker is sending right
    now would have the test itself send it twice."""
    stale = timedelta(minutes=alert_conf.stale_sending_minutes())
    alerts.release_stale_sending(now=timezone.now() + stale - ABANDONED_AFTER)


# --- the scenario --------------------------------------------------------------------------------


@pytest.fixture
def sink():
    smtp = SmtpSink()
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.fixture
def subscriptions(transactional_db) -> dict[int, list[str]]:
    made = {}
    for name, keywords in KEYWORDS.items():
        owner = User.objects.create_user(username=f"sub-{name}", email=f"{name}@example.org", password="x")
        owner.groups.add(Group.objects.get(name="Reader"))  # alerts go only to who may read new claims
        subscription = alerts.create_subscription(owner=owner, name=f"{name} watch", keywords=keywords,
                                                  cadence=Subscription.Cadence.IMMEDIATE)
        made[subscription.pk] = keywords
    return made


@pytest.mark.skipif(not shutil.which("redis-server") or not os.path.isdir("/etc/postgresql"),
                    reason="needs a local redis-server and PostgreSQL cluster to restart")
def test_workers_redis_postgresql_and_smtp_failing_mid_run_lose_and_duplicate_nothing(
    start_worker, sink, subscriptions, settings,
) -> None:
    # Re-queue an immediate alert whose task was lost (Redis went down) on the next tick.
    settings.FACTCHECK_ALERT_LOST_TASK_MINUTES = 0
    corpus = corpus_articles(ARTICLES, seed=11, min_words=120, max_words=180)
    start_worker.extra_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_TIMEOUT": "5",
        "FACTCHECK_PRELOAD_MODEL": "1",
    }
    supervisor = Supervisor(start_worker)
    extraction = supervisor.start("extract", queues="extraction", concurrency=2)
    supervisor.start("mail", queues="default,mail", concurrency=1)
    ids: list[int] = []
    try:
        # 1. A worker killed with SIGKILL while it holds tasks.
        ids += _submit(corpus[:60])
        ids += [submit_article(url=url).article.pk for url in BAD_URLS]
        assert wait_until(lambda: _terminal(ids) >= 15, timeout=120), _counts(ids)
        os.killpg(extraction.pid, signal.SIGKILL)
        extraction.wait(timeout=30)
        supervisor.check()  # restarts it

        # 2. The mail server goes away while claims keep matching subscriptions.
        sink.stop()
        ids += _submit(corpus[60:110])
        assert wait_until(lambda: _terminal(ids) >= 70, timeout=120, interval=1), _counts(ids)
        wait_until(lambda: AlertDelivery.objects.filter(status="pending", error__contains="Connection").exists(),
                   timeout=30)  # at least one mail has met the outage

        # 3. Redis dies (queued messages are lost with it) while articles are submitted.
        stop_redis()
        ids += _submit(corpus[110:150])  # committed as queued; enqueueing fails and is logged
        time.sleep(2)
        start_redis()
        for _ in range(3):
            beat(supervisor)
            time.sleep(1)

        # 4. PostgreSQL restarts under the workers and under us.
        def progressed() -> bool:
            beat(supervisor)  # a worker may have died with the broker
            return _terminal(ids) >= 100

        assert wait_until(progressed, timeout=120, interval=2), _counts(ids)
        restart_postgres()
        ids += _submit(corpus[150:])

        # 5. The mail server is back.
        time.sleep(3)
        sink.start()

        def settled() -> bool:
            beat(supervisor)
            if _counts(ids).keys() - {"done", "failed"}:
                return False
            if AlertDelivery.objects.filter(status="sending").exists():
                _release_abandoned_sends()
                return False
            return not AlertDelivery.objects.filter(status="pending").exists()

        assert wait_until(settled, timeout=240, interval=3), (
            _counts(ids), Counter(AlertDelivery.objects.values_list("status", flat=True))
        )
    finally:
        start_redis()
        ensure_postgres()
        if not sink.running:
            sink.start()

    log.warning("workers restarted by the supervisor: %s", supervisor.restarts or "none")
    # Every article finished; the two bad inputs failed and say why.
    bad = Article.objects.filter(url__isnull=False, pk__in=ids)
    assert sorted(bad.values_list("status", flat=True)) == ["failed", "failed"]
    assert all("refused" in error for error in bad.values_list("error", flat=True))
    good = Article.objects.filter(pk__in=ids, url__isnull=True)
    assert good.count() == ARTICLES
    assert Counter(good.values_list("status", flat=True)) == {"done": ARTICLES}
    assert not Article.objects.filter(status__in=ACTIVE).exists()

    # Each article has exactly the claims the extractor finds in it: none lost, none twice.
    from claims.extraction import extract_many
    from claims.services.claims import outermost_claims

    stored: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in Claim.objects.filter(article__in=good).values_list(
        "article_id", "content_start", "content_end"
    ):
        stored[article_id].append((start, end))
    texts = dict(good.values_list("pk", "text"))
    order = sorted(texts)
    for article_id, found in zip(order, extract_many([texts[pk] for pk in order]), strict=True):
        found = outermost_claims(found)  # what store_claims keeps
        expected = sorted({(c.content_spans[0][0], c.content_spans[-1][1]) for c in found if c.content_spans})
        assert sorted(stored[article_id]) == expected, f"article {article_id}"
    assert sum(len(v) for v in stored.values()) > ARTICLES  # the corpus is full of quotes

    # Every delivery was sent, and the sink got each (subscription, claim) exactly once.
    deliveries = set(AlertDelivery.objects.values_list("subscription_id", "claim_id"))
    assert deliveries, "no alert matched: the scenario proves nothing about mail"
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
    at_sink = sink.per_subscription_claim()
    assert set(at_sink) == deliveries
    duplicates = {key: n for key, n in at_sink.items() if n != 1}
    assert not duplicates, f"sent more than once: {duplicates}"

    # And every claim a subscription matches was alerted, or repeats one that was (syndication).
    alerted_fingerprints = set(AlertDelivery.objects.values_list("subscription_id", "claim_fingerprint"))
    for pk, content, fingerprint in Claim.objects.values_list("pk", "content", "fingerprint"):
        terms = claim_terms(content)
        for subscription_id, keywords in subscriptions.items():
            if any(normalize_keyword(k) in terms for k in keywords):
                assert (subscription_id, fingerprint) in alerted_fingerprints, (
                    f"claim {pk} matches subscription {subscription_id} but no alert was recorded"
                )
