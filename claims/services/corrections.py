"""Corrections that reach everyone (docs/monitoring.md).

A correction is a workflow move (published/corrected -> corrected, workflow.transition, which
checks the permission, the evidence rule and that the reason is given). In that move's transaction
`record_correction` keeps the verdict as it was and as it became (Correction) and writes one
CorrectionNotice per person told about the claim before (selectors.corrections.recipients). After
the commit each notice is sent on the mail queue: a compare-and-set (pending -> sending) wins the
row, so two workers, a redelivered task or the periodic sweep never send it twice; the recipient's
right to read the claim is checked again at sending. The `claim.corrected` webhook event comes
from the same transition (services.webhooks) and ClaimReview's dateModified from `corrected_at`.

The admin first shows the reach (`preview_correction`) and corrects only on confirmation
(`confirm_correction`), refusing if the claim changed in between, so a double click or a stale
page never corrects twice.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.alerts import conf, smtp
from claims.models import Claim, ClaimTransition, Correction, CorrectionNotice, Rating
from claims.selectors import access
from claims.selectors.corrections import Reach, correction_reach, recipients
from claims.services import enqueue, workflow
from claims.services.errors import InvalidTransition, NotAllowed

logger = logging.getLogger(__name__)

N = CorrectionNotice.Status
S = Claim.Status
LOST_TASK = timedelta(minutes=2)


def claim_version(claim: Claim) -> str:
    """What the reach page was computed against: a correction confirmed from an older page is refused."""
    return f"{claim.status}@{claim.updated_at.isoformat() if claim.updated_at else ''}"


def check_may_correct(*, claim: Claim, user: AbstractBaseUser) -> None:
    if claim.status not in workflow.PUBLIC_STATUSES:
        raise InvalidTransition("Only a published fact check can be corrected.")
    if S.CORRECTED not in workflow.available_transitions(claim=claim, user=user):
        raise NotAllowed("You do not have permission to correct fact checks.")


def preview_correction(*, claim: Claim, user: AbstractBaseUser) -> Reach:
    """Who and what a correction of this claim would reach, for the editor to confirm."""
    check_may_correct(claim=claim, user=user)
    return correction_reach(claim=claim)


def confirm_correction(*, claim: Claim, user: AbstractBaseUser, version: str, note: str, rating: Rating | None = None,
                       conclusion: str | None = None) -> Claim:
    """Correct the claim as previewed: refused when it changed since the reach was shown."""
    with transaction.atomic():
        current = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim_version(current) != version:
            raise InvalidTransition(
                "This fact check changed since you looked at who the correction reaches (someone corrected it, or "
                "this was sent twice): look at its reach again before correcting.")
        return workflow.transition(claim=current, to=S.CORRECTED, user=user, note=note, rating=rating,
                                   conclusion=conclusion)


def record_correction(*, transition: ClaimTransition, claim: Claim, old_rating: Rating | None, old_conclusion: str,
                      user: AbstractBaseUser) -> Correction:
    """Called by workflow.transition inside the correction's transaction."""
    correction = Correction.objects.create(
        claim=claim, transition=transition, old_rating=old_rating or claim.rating, new_rating=claim.rating,
        old_conclusion=old_conclusion or "", new_conclusion=claim.conclusion or "", note=transition.note, author=user,
    )
    rows = [CorrectionNotice(correction=correction, recipient_id=person.user_id, reasons=person.reasons)
            for person in recipients(claim=claim)]
    # Unique (correction, recipient): nothing can make a second notice for the same person.
    CorrectionNotice.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(CorrectionNotice.objects.filter(correction=correction).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(ids))
    return correction


def _enqueue(notice_ids: Sequence[int]) -> None:
    # A broker that is down loses nothing: the rows stay pending and the sweep sends them.
    for notice_id in notice_ids:
        enqueue.send(enqueue.SEND_CORRECTION_NOTICE, notice_id)


# --- sending ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    sent: bool = False
    retry_at: datetime | None = None


def _finish(notice_id: int, claimed_at: datetime, **fields: Any) -> int:
    # Guarded by claimed_at: if the row was taken back as stale meanwhile, the newer claim owns it.
    return CorrectionNotice.objects.filter(pk=notice_id, status=N.SENDING, claimed_at=claimed_at).update(**fields)


def send_notice(*, notice_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one correction e-mail if it is due and this call wins it."""
    from claims.alerts.corrections import build_correction_message

    now = now or timezone.now()
    won = CorrectionNotice.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), pk=notice_id, status=N.PENDING,
    ).update(status=N.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not won:
        return SendOutcome()
    notice = CorrectionNotice.objects.select_related(
        "recipient", "correction__claim__speaker", "correction__claim__article__outlet", "correction__old_rating",
        "correction__new_rating").get(pk=notice_id)
    person = notice.recipient
    if not person.is_active or not person.email:
        _finish(notice.pk, now, status=N.FAILED,
                error="Not sent: the person has no active account with an e-mail address.",
                next_attempt_at=None)
        return SendOutcome()
    # An e-mail is a read: the right to see the claim is checked now, not when the alert went out.
    if not access.visible_claims(user=person).filter(pk=notice.correction.claim_id).exists():
        _finish(notice.pk, now, status=N.FAILED, error="Not sent: this person may not see the claim.",
                next_attempt_at=None)
        return SendOutcome()
    try:
        build_correction_message(notice=notice).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row, none is lost
        message = smtp.describe(error)
        if smtp.is_transient(error) and notice.attempts < conf.max_attempts():
            retry_at = now + smtp.backoff(notice.attempts)
            _finish(notice.pk, now, status=N.PENDING, error=message, next_attempt_at=retry_at)
            return SendOutcome(retry_at=retry_at)
        _finish(notice.pk, now, status=N.FAILED, error=message, next_attempt_at=None)
        logger.error("correction notice %s failed: %s", notice.pk, message)
        return SendOutcome()
    _finish(notice.pk, now, status=N.SENT, sent_at=now, sent_to=person.email, error="", next_attempt_at=None)
    return SendOutcome(sent=True)


def retry_due_notices(*, now: datetime | None = None) -> int:
    """The mail queue's periodic sweep: notices left 'sending' by a dead worker go back to pending;
    those whose retry time has come, or whose task was lost, are queued again."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=conf.stale_sending_minutes())
    CorrectionNotice.objects.filter(status=N.SENDING, claimed_at__lt=stale).update(status=N.PENDING,
                                                                                   next_attempt_at=now)
    due = list(CorrectionNotice.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=now - LOST_TASK), status=N.PENDING,
    ).values_list("pk", flat=True)[:1000])
    _enqueue(due)
    return len(due)
