"""`make run`'s demo shows the whole life of a claim: several articles from two outlets (one pasted as
hard-wrapped wire copy), claims in every state, a published fact check with evidence and a
correction, a dismissed claim, an alert sent and a digest waiting, and a user of each role."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command

from claims.models import AlertDelivery, Article, Claim, ClaimTransition

# The demo commits as `make run` does, so processing and alerts run after each commit.
pytestmark = pytest.mark.django_db(transaction=True)
S = Claim.Status


@pytest.fixture
def demo(settings) -> str:
    settings.DEBUG = True
    settings.FACTCHECK_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_claim_in_every_state_of_the_workflow(demo):
    assert set(Claim.objects.values_list("status", flat=True)) == set(S.values)


def test_the_demo_has_a_published_fact_check_with_evidence_and_a_corrected_one(demo):
    corrected = Claim.objects.get(status=S.CORRECTED)
    assert corrected.evidence.count() >= 2 and corrected.correction_note and corrected.rating
    published = Claim.objects.get(status=S.PUBLISHED)
    assert published.evidence.exists() and published.conclusion
    # Four eyes: nobody published their own research.
    for claim in (corrected, published):
        publisher = ClaimTransition.objects.get(claim=claim, to_status=S.PUBLISHED).actor
        assert publisher != claim.researcher


def test_the_demo_dismisses_a_claim_with_its_reason(demo):
    dismissed = Claim.objects.get(status=S.DISMISSED)
    assert ClaimTransition.objects.get(claim=dismissed, to_status=S.DISMISSED).note


def test_the_demo_articles_come_from_two_outlets_one_pasted_as_wire_copy(demo):
    articles = list(Article.objects.select_related("outlet"))
    assert len(articles) >= 3 and all(a.status == Article.Status.DONE for a in articles)
    assert len({a.outlet.name for a in articles if a.outlet}) == 2
    wire = next(a for a in articles if "\nBy " in a.text[:300])
    # Hard-wrapped as pasted; its headline, byline, date and outlet were read from the text itself.
    assert max(len(line) for line in wire.text.splitlines()) <= 72
    assert wire.title and wire.byline and wire.published_at and wire.outlet
    dated = [a for a in articles if a.byline and a.published_at and a is not wire]
    assert dated


def test_the_demo_sends_an_alert_and_keeps_a_digest_waiting(demo):
    assert len(mail.outbox) >= 1
    assert AlertDelivery.objects.filter(status=AlertDelivery.Status.SENT).exists()
    assert AlertDelivery.objects.filter(status=AlertDelivery.Status.PENDING, subscription__cadence="daily").exists()


def test_the_demo_prints_a_user_of_each_role_with_the_password(demo):
    for username, role in (
        ("admin", "Admin"),
        ("editor", "Editor"),
        ("researcher", "Researcher"),
        ("reader", "Reader"),
    ):
        assert User.objects.get(username=username).groups.filter(name=role).exists()
        assert f"{username}" in demo and role in demo
    assert "password 'factcheck-demo'" in demo


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (Article.objects.count(), Claim.objects.count(), ClaimTransition.objects.count(), User.objects.count())
    call_command("load_demo", stdout=StringIO())
    after = (Article.objects.count(), Claim.objects.count(), ClaimTransition.objects.count(), User.objects.count())
    assert after == before


def test_the_demo_is_refused_when_debug_is_off(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo", stdout=StringIO())


def test_the_demo_shows_a_similar_earlier_claim_on_sqlite_too(demo):
    from claims.selectors.claims import similar_claims

    assert any(similar_claims(claim=claim) for claim in Claim.objects.all())


def test_the_demo_processes_its_articles_itself_when_tasks_go_to_a_broker(settings, monkeypatch):
    # With REDIS_URL set nothing is processed on commit; the demo must not wait for a worker.
    monkeypatch.setattr("claims.services.articles.enqueue_processing", lambda *, article_id: None)
    settings.DEBUG = True
    settings.FACTCHECK_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DONE}
    assert Claim.objects.filter(status=S.CORRECTED).exists()
