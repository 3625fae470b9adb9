"""Bulk admin actions in the background. Thin: a job id in, the service called; the job's
`last_claim_id` makes a redelivered message resume where the first one stopped."""
from __future__ import annotations

from celery import shared_task

from claims.services import bulk

__all__ = ["run_bulk_job"]


@shared_task(name=bulk.RUN_BULK_JOB, acks_late=True)
def run_bulk_job(job_id: int) -> int:
    job = bulk.run_bulk_job(job_id=job_id)
    return job.done_count if job is not None else 0
