"""The dashboard's daily roll-ups stay equal to a recount of the claims whatever changes them: the
pipeline's bulk insert, workflow moves, a speaker correction, a speaker merge, deletions; and the
repair command recounts after a bulk change that bypasses them (issue 20)."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims.models import Claim, ClaimDailyCount, Speaker, SpeakerDailyCount
from claims.selectors import claims as selectors
from claims.services import workflow
from claims.services.articles import submit_article
from claims.services.evidence import merge_speakers
from claims.services.rollups import rebuild_rollups
from tests.admin.workflow_fixtures import *  # noqa: F403 - fixtures
from tests.admin.workflow_fixtures import make_claim, published

S = Claim.Status
pytestmark = pytest.mark.django_db


def counts() -> tuple[dict, dict]:
    daily = {(r.day, r.status, r.kind, r.rating_pk): r.n for r in ClaimDailyCount.objects.all() if r.n}
    speakers = {(r.day, r.speaker_pk): r.n for r in SpeakerDailyCount.objects.all() if r.n}
    return daily, speakers


def assert_current() -> None:
    """The roll-ups as kept equal the roll-ups recomputed from the claims."""
    kept = counts()
    rebuild_rollups()
    assert kept == counts()


def test_claims_stored_by_the_pipeline_are_counted_in_the_same_transaction(django_capture_on_commit_callbacks):
    text = ('Water plan\n\n"The reservoir will be full by June," said Mayor Dana Ortiz on Monday.\n\n'
            'Councillor Paul Brennan said the plan would cost 40 million euros.')
    with django_capture_on_commit_callbacks(execute=True):  # the task is sent once the article commits
        article = submit_article(text=text, title="Water plan").article
    article.refresh_from_db()
    assert article.status == "done" and Claim.objects.filter(article=article).exists()
    today = timezone.localdate()
    assert sum(ClaimDailyCount.objects.filter(day=today, status=S.NEW).values_list("n", flat=True)) == \
        Claim.objects.count()
    assert_current()


def test_workflow_moves_and_publication_move_the_counts(wf_editor, wf_researcher, ready_for_review, speaker):
    other = make_claim(speaker=speaker)
    workflow.transition(claim=other, to=S.TRIAGED, user=wf_editor)
    dismissed = make_claim()
    workflow.transition(claim=dismissed, to=S.DISMISSED, user=wf_editor, note="Opinion, not a fact.")
    published(ready_for_review, by=wf_editor)
    assert_current()
    stats = selectors.dashboard_stats(days=7)
    by_status = {value: n for value, _, n in stats.by_status}
    assert (by_status["published"], by_status["triaged"], by_status["dismissed"], by_status["new"]) == (1, 1, 1, 0)
    assert [(r.label, r.count) for r in stats.by_rating] == [("False", 1)]


def test_a_speaker_correction_and_a_merge_move_the_speaker_counts(wf_editor, speaker):
    other = Speaker.objects.create(name="J. Doe", normalized_name="j. doe")
    claim = make_claim(speaker=speaker)
    make_claim(speaker=other)
    claim.speaker = other
    claim.save(update_fields=["speaker", "updated_at"])
    assert_current()
    merge_speakers(source=other, target=speaker, user=wf_editor)
    assert_current()
    assert selectors.dashboard_stats(days=7).top_speakers == [(speaker, 2)]


def test_deleting_an_article_takes_its_claims_out_of_the_counts():
    claim = make_claim()
    make_claim()
    claim.article.delete()
    assert_current()
    assert sum(n for _, _, n in selectors.dashboard_stats(days=7).by_status) == 1


def test_the_home_page_piles_come_from_the_rollups(wf_editor):
    make_claim()
    make_claim(status=S.IN_REVIEW)
    queue = selectors.user_queue(user=wf_editor)
    assert (queue.new_count, queue.in_review_count, queue.mine_count) == (1, 1, 0)


def test_the_dashboard_reads_no_claims_aggregate(speaker):
    for _ in range(3):
        make_claim(speaker=speaker)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        stats = selectors.dashboard_stats(days=30)
    assert sum(n for _, n in stats.per_day) == 3
    claim_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "claims_claim"' in q["sql"]]
    # Only the oldest open claims (an ordered LIMIT through claim_unresolved_idx), no COUNT over claims.
    assert len(claim_reads) == 1 and "COUNT(" not in claim_reads[0].upper() and "LIMIT 10" in claim_reads[0]


def test_the_rebuild_command_repairs_a_bulk_change_and_says_what_it_did():
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "Roll-ups rebuilt for every day" in out.getvalue()
    assert selectors.dashboard_stats(days=7).per_day[-4][1] == 1
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    call_command("rebuild_rollups", "--since", since, stdout=out)
    assert selectors.dashboard_stats(days=7).per_day[-4][1] == 1  # older days are left as they were
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_rollups", "--since", "yesterday")
