"""Bulk admin actions on many claims: small selections run in the request, large ones (a whole
filtered list of a million claims) as a background job with progress.

Why: the admin's "select all N claims" used to load every selected claim into the request and
move them one by one before answering; at archive scale that is minutes, a timed-out request and
the table in memory. Here the selection's ids are copied by the database itself (INSERT ...
SELECT from the list's own query, nothing read into Python), a worker applies the action to
`CHUNK` claims at a time through the same workflow services (every claim's refusal is kept, as
in the request), and the job row says how far it got (the admin's *Bulk actions* page).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BigIntegerField, QuerySet, Value
from django.utils import timezone

from claims.models import BulkJob, BulkJobItem, Claim
from claims.services import enqueue, workflow
from claims.services.errors import DomainError, InvalidInput

RUN_BULK_JOB = "claims.tasks.run_bulk_job"
# Up to this many selected claims the action runs in the request; above, in the background.
INLINE_LIMIT = 500
CHUNK = 200
KEPT_REFUSALS = 50
S = Claim.Status


def _advance(claim: Claim, user: AbstractBaseUser) -> None:
    target = workflow.NEXT_STATUS.get(S(claim.status))
    if target is None:
        raise DomainError(f"a {claim.get_status_display().lower()} claim has no next step")
    workflow.transition(claim=claim, to=target, user=user)


@dataclass(frozen=True)
class Action:
    verb: str  # "triaged": "12 claims triaged"
    call: Callable[[Claim, AbstractBaseUser], Any]


ACTIONS: dict[str, Action] = {
    "assign_to_me": Action("assigned to you", lambda c, u: workflow.assign(claim=c, assignee=u, user=u)),
    "triage": Action("triaged", lambda c, u: workflow.transition(claim=c, to=S.TRIAGED, user=u)),
    "dismiss": Action("dismissed", lambda c, u: workflow.transition(claim=c, to=S.DISMISSED, user=u,
                                                                      note="Dismissed in bulk")),
    "move_on": Action("moved on", _advance),
}


def start_bulk_job(*, action: str, user: AbstractBaseUser, queryset: QuerySet[Claim]) -> BulkJob:
    """Record the selection and queue the job (after commit)."""
    if action not in ACTIONS:
        raise InvalidInput(f"'{action}' is not a bulk action.", field="action")
    with transaction.atomic():
        job = BulkJob.objects.create(action=action, user_id=user.pk)
        ids = queryset.order_by().annotate(bulk_job=Value(job.pk, output_field=BigIntegerField()))
        try:
            sql, params = ids.values_list("bulk_job", "pk").query.sql_with_params()
        except EmptyResultSet:  # a selection that can match nothing
            sql, params = "", ()
        total = 0
        if sql:
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {BulkJobItem._meta.db_table} (job_id, claim_id) {sql}", params)
                total = cursor.rowcount
        BulkJob.objects.filter(pk=job.pk).update(total=total)
        job.total = total
        enqueue.send_on_commit(RUN_BULK_JOB, job.pk)
    return job


def run_bulk_job(*, job_id: int) -> BulkJob | None:
    """Apply the job's action to its claims, CHUNK at a time, in id order from where it stopped."""
    claimed = BulkJob.objects.filter(pk=job_id, status__in=[BulkJob.Status.QUEUED, BulkJob.Status.RUNNING]).update(
        status=BulkJob.Status.RUNNING)
    if not claimed:
        return BulkJob.objects.filter(pk=job_id).first()  # finished, or gone: nothing to do
    job = BulkJob.objects.select_related("user").get(pk=job_id)
    action = ACTIONS.get(job.action)
    if action is None:
        BulkJob.objects.filter(pk=job_id).update(status=BulkJob.Status.FAILED, error=f"Unknown action {job.action!r}.",
                                                 finished_at=timezone.now())
        return BulkJob.objects.get(pk=job_id)
    while True:
        ids = list(BulkJobItem.objects.filter(job_id=job_id, claim_id__gt=job.last_claim_id)
                   .order_by("claim_id").values_list("claim_id", flat=True)[:CHUNK])
        if not ids:
            break
        done, refusals = 0, []
        claims = Claim.objects.in_bulk(ids)
        for claim_id in ids:
            claim = claims.get(claim_id)
            if claim is None:
                refusals.append(f"#{claim_id}: the claim no longer exists")
                continue
            try:
                action.call(claim, job.user)
                done += 1
            except DomainError as exc:
                refusals.append(f"#{claim_id}: {exc.message}")
        job.last_claim_id = ids[-1]
        job.done_count += done
        job.refused_count += len(refusals)
        job.refusals = (job.refusals + refusals)[:KEPT_REFUSALS]
        job.save(update_fields=["last_claim_id", "done_count", "refused_count", "refusals"])
    job.status = BulkJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    BulkJobItem.objects.filter(job_id=job_id).delete()
    return job
