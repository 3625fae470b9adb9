"""The e-mail telling a claim's assignee that the outlet changed or removed the quote they work on.

Sent through the mail queue like the alerts: the sender claims the row with a compare-and-set
('pending' -> 'sending'), so two workers never send one notice twice; transient SMTP errors are
retried with backoff, and the periodic sweep re-queues rows whose task was lost. The assignee is
read at sending, and their right to see the claim is checked then (an e-mail is a read)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from claims.alerts import conf, smtp
from claims.alerts.messages import admin_change_url, article_url
from claims.models import QuoteChange
from claims.selectors import access
from claims.selectors.versions import diff_as_text, flag_text
from claims.selectors.wording import claim_sentence
from claims.services import enqueue

logger = logging.getLogger(__name__)

N = QuoteChange.Notice


def enqueue_notices(*, change_ids: list[int]) -> None:
    """Queue the pending notices on the mail queue; a refused message waits for the sweep."""
    pending = QuoteChange.objects.filter(pk__in=change_ids, notice_status=N.PENDING)
    for change_id in pending.values_list("pk", flat=True):
        enqueue.send(enqueue.SEND_QUOTE_CHANGE_NOTICE, change_id)


def _claim(change_id: int, now: datetime) -> bool:
    return bool(
        QuoteChange.objects.filter(pk=change_id, notice_status=N.PENDING)
        .filter(Q(notice_next_at__isnull=True) | Q(notice_next_at__lte=now))
        .update(notice_status=N.SENDING, notice_claimed_at=now, notice_attempts=F("notice_attempts") + 1)
    )


def _finish(change_id: int, claimed_at: datetime, **fields: object) -> None:
    QuoteChange.objects.filter(pk=change_id, notice_status=N.SENDING, notice_claimed_at=claimed_at).update(**fields)


def send_notice(*, change_id: int) -> datetime | None:
    """Send one notice if it is still pending; returns when to retry after a transient error."""
    now = timezone.now()
    if not _claim(change_id, now):
        return None
    change = QuoteChange.objects.select_related(
        "claim__assignee", "claim__speaker", "claim__article__outlet", "to_version"
    ).get(pk=change_id)
    assignee = change.claim.assignee
    # Who is assigned, and what they may see, is decided now, not when the change was found.
    if assignee is None:
        _finish(change_id, now, notice_status=N.FAILED, notice_error="Not sent: the claim has no assignee any more.")
        return None
    if not assignee.is_active or not assignee.email:
        _finish(change_id, now, notice_status=N.FAILED, notice_to=assignee,
                notice_error="Not sent: the assignee has no active account with an e-mail address.")
        return None
    if not access.visible_claims(user=assignee).filter(pk=change.claim_id).exists():
        _finish(change_id, now, notice_status=N.FAILED, notice_to=assignee,
                notice_error="Not sent: the assignee may not see this claim.")
        return None
    try:
        build_notice(change=change, to=assignee.email).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - recorded on the row, nothing lost
        message = smtp.describe(error)
        if smtp.is_transient(error) and change.notice_attempts < conf.max_attempts():
            retry_at = now + smtp.backoff(change.notice_attempts)
            _finish(change_id, now, notice_status=N.PENDING, notice_error=message, notice_next_at=retry_at,
                    notice_to=assignee)
            return retry_at
        _finish(change_id, now, notice_status=N.FAILED, notice_error=message, notice_to=assignee)
        return None
    _finish(change_id, now, notice_status=N.SENT, notice_sent_at=now, notice_error="", notice_next_at=None,
            notice_to=assignee)
    return None


def build_notice(*, change: QuoteChange, to: str) -> EmailMultiAlternatives:
    claim = change.claim
    article = claim.article
    context = {
        "change": change,
        "claim": claim,
        "sentence": claim_sentence(claim),
        "flag": flag_text(change),
        "diff": [(op, text) for op, text in change.diff],
        "diff_text": diff_as_text(change.diff),
        "article_title": article.title or article.url or f"Article {article.pk}",
        "article_url": article_url(article),
        "claim_url": admin_change_url("claim", claim.pk),
        "versions_url": admin_change_url("article", article.pk) + "#fc-versions",
    }
    verb = "removed" if change.kind == QuoteChange.Kind.REMOVED else "changed"
    speaker = (claim.speaker.name if claim.speaker else claim.speaker_mention) or "an unattributed speaker"
    subject = " ".join(f"Quote {verb} in the source: {speaker} in {context['article_title']}".split())[:200]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/quote_change.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("emails/quote_change.html", context), "text/html")
    return message


def retry_quote_change_notices(*, now: datetime | None = None) -> int:
    """The sweep: rows left 'sending' by a dead worker go back to 'pending'; pending rows whose
    retry time came, or whose task was lost, are queued again. Returns how many were queued."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=conf.stale_sending_minutes())
    QuoteChange.objects.filter(notice_status=N.SENDING, notice_claimed_at__lt=stale).update(
        notice_status=N.PENDING, notice_next_at=now, notice_error="A worker died while sending; retrying."
    )
    lost = now - timedelta(minutes=conf.lost_task_grace_minutes())
    ids = list(
        QuoteChange.objects.filter(notice_status=N.PENDING)
        .filter(Q(notice_next_at__lte=now) | Q(notice_next_at__isnull=True, detected_at__lte=lost))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    enqueue_notices(change_ids=ids)
    return len(ids)
