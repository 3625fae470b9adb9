"""The correction e-mail (HTML and plain text): "we corrected this fact check", the rating and
conclusion before and after, why, and why this person gets it."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from claims.alerts import conf
from claims.models import CorrectionNotice
from claims.selectors.rulings import checked_text
from claims.selectors.wording import claim_sentence
from claims.text import one_line


def build_correction_message(*, notice: CorrectionNotice) -> EmailMultiAlternatives:
    correction = notice.correction
    claim = correction.claim
    context = {
        "claim": claim,
        "sentence": claim_sentence(claim),
        "checked": checked_text(claim),
        "correction": correction,
        "rating_changed": correction.old_rating_id != correction.new_rating_id,
        "conclusion_changed": (" ".join(correction.old_conclusion.split())
                               != " ".join(correction.new_conclusion.split())),
        "reasons": list(notice.reasons or []),
        "public_url": conf.site_url() + reverse("public:fact-check", kwargs={"claim_id": claim.pk}),
        "recipient": notice.recipient,
    }
    speaker = (claim.speaker.name if claim.speaker else claim.speaker_mention) or "a claim"
    subject = one_line(f"We corrected this fact check: {speaker}, rated {correction.new_rating.label}", limit=200)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/correction.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
        headers={
            "Auto-Submitted": "auto-generated",
            # One thread per fact check in mail clients, and a stable id per notice for support.
            "X-Factcheck-Correction": f"{correction.pk}/{notice.pk}",
        },
    )
    message.attach_alternative(render_to_string("emails/correction.html", context), "text/html")
    return message
