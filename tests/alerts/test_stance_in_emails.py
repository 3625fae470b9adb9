"""Alert e-mails word each claim as the admin does: "Speaker *cue*: content", so a denial arrives
as a denial and a question as a question, in the text part and in the HTML part."""
from __future__ import annotations

import pytest
from django.core import mail

from claims.models import Claim
from claims.services.alerts import create_subscription, queue_alerts_for_claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(subscriber, yang, make_article, make_claim, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    create_subscription(owner=subscriber, name="Yang watch", speakers=[yang.pk])
    article = make_article()
    denial = make_claim(article, "that talks had stalled", speaker=yang, kind=Claim.Kind.INDIRECT, cue="denied",
                        stance=Claim.Stance.DENIES, score=0.19999999999999998)
    question = make_claim(article, "whether the sanctions would be lifted", speaker=yang, kind=Claim.Kind.INDIRECT,
                          cue="asked", stance=Claim.Stance.ASKS, is_question=True)
    with django_capture_on_commit_callbacks(execute=True):
        queue_alerts_for_claims(claim_ids=[denial.pk, question.pk])
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_text_part_reads_a_denial_as_a_denial_and_a_question_as_a_question(sent):
    assert "Yang Moo-jin *denied*: that talks had stalled" in sent.body
    assert "Yang Moo-jin *asked*: whether the sanctions would be lifted [question]" in sent.body
    assert "Check-worthiness: 0.20" in sent.body


def test_the_html_part_shows_the_cue_and_marks_the_question(sent):
    html = sent.alternatives[0][0]
    assert "<strong>Yang Moo-jin</strong> <em" in html and ">denied</em>:" in html
    assert ">asked</em>: <span" in html and "[question]" in html
    assert "<blockquote" in html and "that talks had stalled</blockquote>" in html
