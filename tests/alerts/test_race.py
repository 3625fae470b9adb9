"""Two worker processes sending the same deliveries at the same moment: each email goes out once.

Needs a database shared by processes (PostgreSQL), hence `services`: skipped without it, a
failure when FACTCHECK_REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from claims.models import AlertDelivery
from claims.services.alerts import create_subscription, queue_alerts_for_claims

ROOT = Path(__file__).resolve().parents[2]

SENDER = """
import json, os, sys, time
import django
django.setup()
from claims.services.alerts import send_deliveries

batches, go = json.loads(sys.argv[1]), sys.argv[2]
while not os.path.exists(go):  # start together, so both really compete for every row
    time.sleep(0.005)
print(sum(send_deliveries(subscription_id=s, delivery_ids=ids).sent for s, ids in batches))
"""


@pytest.mark.services
def test_two_worker_processes_racing_on_the_same_deliveries_send_each_email_once(
    transactional_db, smtp_server, subscriber, make_article, make_claim, monkeypatch, tmp_path
):
    monkeypatch.setattr("claims.services.alerts._enqueue", lambda batches: None)
    subscriptions = [create_subscription(owner=subscriber, name=f"Budget {i}", keywords=["budget"]) for i in range(12)]
    article = make_article()
    ids = [make_claim(article, f"The budget grew {i} percent.").pk for i in range(3)]
    queue_alerts_for_claims(claim_ids=ids)
    batches = [
        [s.pk, list(AlertDelivery.objects.filter(subscription=s).values_list("pk", flat=True))] for s in subscriptions
    ]
    assert sum(len(b[1]) for b in batches) == 36

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": "https://factcheck.example",
        "LOG_LEVEL": "WARNING",
    }
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, json.dumps(order), str(go)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for order in (batches, batches[::-1])
    ]
    go.touch()
    results = [worker.communicate(timeout=120) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in results]

    sent_by_worker = [int(out.strip()) for out, _ in results]
    assert sum(sent_by_worker) == 36
    subjects = Counter(m.message["Subject"].split("'")[1] for m in smtp_server.messages)
    assert subjects == Counter({f"Budget {i}": 1 for i in range(12)})
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
