"""Two beat processes racing for the same due refetches: every article is fetched exactly once.

Needs a database shared by processes (PostgreSQL), hence `services`: skipped without it, a
failure when FACTCHECK_REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from claims.ingestion.html import extract_page
from claims.models import Article, ArticleRefetch, ArticleVersion
from tests.ingestion.conftest import Reply

from .test_stealth_edits import page

ROOT = Path(__file__).resolve().parents[2]

BEAT = """
import json, os, sys, time
import django
django.setup()
from claims.services.versions import claim_due_refetches, refetch_article

go = sys.argv[1]
while not os.path.exists(go):  # start together, so both really compete for every row
    time.sleep(0.005)
done = []
for article_id, claimed_at in claim_due_refetches():
    done.append([article_id, refetch_article(article_id=article_id, claimed_at=claimed_at).status])
print(json.dumps(done))
"""


@pytest.mark.services
def test_two_beats_racing_for_due_refetches_fetch_each_article_once(transactional_db, server, tmp_path) -> None:
    articles = []
    for n in range(16):
        html = page(title=f"Story {n}")
        parsed = extract_page(html, url=server.url(f"/story/{n}"))
        server.add(f"/story/{n}", Reply(body=html))
        # The text as the pipeline stored it, so each refetch finds the page unchanged.
        articles.append(Article.objects.create(url=server.url(f"/story/{n}"), title=parsed.title, text=parsed.text,
                                               status=Article.Status.DONE, processed_at=timezone.now()))
    due = timezone.now() - timedelta(seconds=1)
    ArticleRefetch.objects.bulk_create(ArticleRefetch(article=a, next_at=due) for a in articles)

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "FACTCHECK_FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "LOG_LEVEL": "WARNING",
    }
    go = tmp_path / "go"
    beats = [
        subprocess.Popen([sys.executable, "-c", BEAT, str(go)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    go.touch()
    results = [beat.communicate(timeout=180) for beat in beats]
    assert all(beat.returncode == 0 for beat in beats), [err for _, err in results]

    done = [entry for out, _ in results for entry in json.loads(out.strip().splitlines()[-1])]
    assert sorted(article_id for article_id, _ in done) == sorted(a.pk for a in articles)
    assert {status for _, status in done} == {"unchanged"}
    assert Counter(seen.path for seen in server.requests) == Counter({f"/story/{n}": 1 for n in range(16)})
    assert ArticleVersion.objects.filter(number__gt=1).count() == 0
    assert set(ArticleRefetch.objects.values_list("checks", flat=True)) == {1}
