"""Transcripts on the production path: submitted through the API and `manage.py ingest` into
PostgreSQL, sent through Redis and processed by real `celery worker` processes, batched with an
ordinary article: each transcript's claims keep their speakers and times, the article's have none."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from claims.models import Article, Claim
from claims.services.articles import submit_article
from claims.services.tokens import create_api_token
from claims.services.transcripts import submit_transcript
from tests.conftest import ROOT, wait_until
from tests.factories import staff_in_group

pytestmark = [pytest.mark.services, pytest.mark.slow]

DATA = Path(__file__).parent / "data"


def _finished(*ids: int) -> bool:
    return not Article.objects.filter(pk__in=ids).exclude(status__in=["done", "failed"]).exists()


def test_transcripts_and_an_article_are_processed_together_by_a_real_worker(start_worker) -> None:
    # Queued before the worker starts, so one worker's batch takes them together.
    debate = submit_transcript(data=(DATA / "debate.vtt").read_bytes(), filename="debate.vtt").article
    growing = submit_transcript(data=(DATA / "growing.vtt").read_bytes(), filename="growing.vtt",
                                speaker="Mayor Ana Ruiz").article
    article = submit_article(text="The minister said that exports rose by 4 percent last year.").article
    researcher = staff_in_group("researcher_api", "Researcher")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=researcher, name='t').key}")
    response = api.post("/api/v1/articles/", {
        "transcript": (DATA / "interview.txt").read_text(encoding="utf-8"), "speaker": "Carla Benn",
        "interviewer": "Tom Reyes"}, format="json")
    assert response.status_code == 202, response.content
    interview_id = response.json()["id"]

    start_worker()
    assert wait_until(lambda: _finished(debate.pk, growing.pk, article.pk, interview_id), timeout=180)
    for pk in (debate.pk, growing.pk, article.pk, interview_id):
        row = Article.objects.get(pk=pk)
        assert row.status == "done", row.error

    crime = Claim.objects.select_related("speaker").get(article=debate, content__startswith="Violent crime")
    assert (crime.speaker.name, crime.start_seconds, crime.end_seconds) == ("Daniel Quinn", 7.2, 13.9)
    budget = Claim.objects.select_related("speaker").get(article=growing, content__startswith="The city budget")
    assert (budget.speaker.name, budget.start_seconds, budget.end_seconds) == ("Ana Ruiz", 1.0, 6.1)
    assert Claim.objects.filter(article_id=interview_id, speaker__name="Carla Benn").count() == 3
    plain = Claim.objects.get(article=article)
    assert (plain.start_seconds, plain.end_seconds) == (None, None)
    detail = api.get(f"/api/v1/claims/{crime.pk}/").json()
    assert detail["moment_url"] == "https://www.youtube.com/watch?v=hcDebate2026&t=7s"


def test_manage_py_ingest_sends_a_transcript_to_a_real_worker(start_worker) -> None:
    start_worker()
    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "REDIS_URL": os.environ["REDIS_URL"]}
    done = subprocess.run(
        [sys.executable, "manage.py", "ingest", "--no-progress", str(DATA / "town_hall.srt")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 1" in done.stdout
    article = Article.objects.get(source="transcript")
    assert wait_until(lambda: _finished(article.pk), timeout=120)
    claim = Claim.objects.select_related("speaker").get(article=article, content__startswith="Rents in this city")
    assert (claim.speaker.name, claim.start_seconds, claim.end_seconds) == ("Marta Voss", 3.0, 9.0)
