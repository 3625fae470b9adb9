"""A bulk action on a large selection (a whole filtered list) runs as a background job with its
progress on the *Bulk actions* page; a small one still runs in the request (issue 20)."""
from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import BulkJob, BulkJobItem, Claim
from claims.services import bulk
from claims.services.errors import InvalidInput
from tests.admin.workflow_fixtures import *  # noqa: F403 - fixtures
from tests.admin.workflow_fixtures import make_claim

pytestmark = pytest.mark.django_db
LIST = reverse("admin:claims_claim_changelist")
S = Claim.Status


def act(client, action: str, claims: list[Claim], **extra) -> list[str]:
    response = client.post(LIST, {"action": action, "_selected_action": [c.pk for c in claims], **extra}, follow=True)
    assert response.status_code == 200
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_large_selection_becomes_a_job_that_reports_its_progress(client, wf_editor, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
    monkeypatch.setattr(bulk, "CHUNK", 2)  # several chunks, as a million claims would take
    claims = [make_claim() for _ in range(4)]
    already = make_claim(status=S.DISMISSED)
    client.force_login(wf_editor)
    with django_capture_on_commit_callbacks(execute=True):
        # "Select all" on the list, as an editor triaging a whole filtered list does.
        messages = act(client, "triage", claims, select_across="1")
    job = BulkJob.objects.get()
    assert "5 claims will be triaged in the background" in messages[0]
    assert (job.status, job.total, job.done_count, job.refused_count) == ("done", 5, 4, 1)
    assert len(job.refusals) == 1 and job.refusals[0].startswith(f"#{already.pk}: ")
    assert set(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("status", flat=True)) == {S.TRIAGED}
    assert not BulkJobItem.objects.exists()  # the selection is dropped once the job is done
    page = client.get(reverse("admin:claims_bulkjob_change", args=[job.pk])).content.decode()
    assert "5 of 5 (100%)" in page and f"#{already.pk}:" in page


def test_a_small_selection_is_handled_in_the_request(client, wf_editor):
    claims = [make_claim() for _ in range(2)]
    client.force_login(wf_editor)
    assert "2 claims triaged." in act(client, "triage", claims)
    assert not BulkJob.objects.exists()


def test_a_job_resumes_after_the_last_claim_it_finished(wf_editor, monkeypatch):
    claims = [make_claim() for _ in range(3)]
    job = bulk.start_bulk_job(action="dismiss", user=wf_editor, queryset=Claim.objects.all())
    # A first worker finished the first claim and died; the redelivered message goes on from there.
    first = min(c.pk for c in claims)
    Claim.objects.filter(pk=first).update(status=S.DISMISSED)
    BulkJob.objects.filter(pk=job.pk).update(status="running", last_claim_id=first, done_count=1)
    job = bulk.run_bulk_job(job_id=job.pk)
    assert (job.status, job.done_count, job.refused_count) == ("done", 3, 0)
    assert bulk.run_bulk_job(job_id=job.pk).done_count == 3  # a finished job is left alone


def test_someone_elses_job_is_not_shown(client, wf_editor, wf_editor2):
    job = bulk.start_bulk_job(action="triage", user=wf_editor2, queryset=Claim.objects.none())
    client.force_login(wf_editor)
    assert client.get(reverse("admin:claims_bulkjob_change", args=[job.pk])).status_code in (302, 403, 404)
    listing = client.get(reverse("admin:claims_bulkjob_changelist")).content.decode()
    assert "wf_editor2" not in listing and "0 bulk actions" in listing


def test_an_unknown_action_is_refused_with_its_name(wf_editor):
    with pytest.raises(InvalidInput, match="'publish_everything' is not a bulk action"):
        bulk.start_bulk_job(action="publish_everything", user=wf_editor, queryset=Claim.objects.none())
