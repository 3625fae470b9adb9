"""The "quote changed in the source" subscription filter: which subscriptions hear about a flagged
quote change (their other filters still apply), once per change, never about new claims; routed
subscriptions get the same match on their webhook endpoint."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims.models import AlertDelivery, Article, Claim, Outlet, QuoteChange, Speaker, WebhookDelivery
from claims.services import webhooks
from claims.services.alerts import create_subscription, queue_alerts_for_claims
from claims.services.claims import claim_fingerprint
from claims.services.errors import InvalidInput
from claims.services.quote_change_alerts import queue_quote_change_alerts, sweep_unannounced_quote_changes
from claims.services.versions import record_first_version, record_version

pytestmark = pytest.mark.django_db

TEXT = 'Finance Minister Jane Roe said: "We will cut taxes for every family next year." The opposition disagreed.'
WORDS = "We will cut taxes for every family next year."


@pytest.fixture
def desk(db) -> User:
    user = User.objects.create_user("desk", email="desk@example.org", password="pw-desk", is_staff=True)
    user.groups.add(Group.objects.get(name="Admin"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def roe(db) -> Speaker:
    return Speaker.objects.create(name="Jane Roe", normalized_name="jane roe")


@pytest.fixture
def claim(roe) -> Claim:
    outlet = Outlet.objects.create(name="Coastline News", domain="coastline.example")
    article = Article.objects.create(url="https://coastline.example/roe", title="Roe on taxes", text=TEXT,
                                     outlet=outlet, status=Article.Status.DONE, processed_at=timezone.now())
    start = TEXT.index(WORDS)
    return Claim.objects.create(article=article, kind=Claim.Kind.DIRECT, content=WORDS, content_start=start,
                                content_end=start + len(WORDS), speaker=roe, speaker_mention="Jane Roe",
                                fingerprint=claim_fingerprint(WORDS), status=Claim.Status.TRIAGED,
                                checkworthiness=0.7)


@pytest.fixture
def edit(django_capture_on_commit_callbacks):
    """The outlet edits the article and the refetch records it (what happens after commit included)."""
    def make(claim: Claim, old: str, new: str, hours: int = 1) -> QuoteChange:
        article = claim.article
        record_first_version(article=article)
        latest = article.versions.order_by("-number").first()
        with django_capture_on_commit_callbacks(execute=True):
            record_version(article=article, title=article.title, text=latest.text.replace(old, new),
                           fetched_at=timezone.now() + timedelta(hours=hours))
        return QuoteChange.objects.filter(claim=claim).order_by("-pk").first()

    return make


def test_only_subscriptions_asking_for_quote_changes_whose_other_filters_accept_the_claim_are_alerted(
    desk, claim, roe, edit
) -> None:
    everything = create_subscription(owner=desk, name="All stealth edits", quote_changed=True)
    by_roe = create_subscription(owner=desk, name="Roe's quotes", quote_changed=True, speakers=[roe.pk])
    by_keyword = create_subscription(owner=desk, name="Tax quotes", quote_changed=True, keywords=["taxes"])
    elsewhere = create_subscription(owner=desk, name="Other outlet", quote_changed=True,
                                    outlets=[Outlet.objects.create(name="Elsewhere").pk])
    high_bar = create_subscription(owner=desk, name="Only the most checkable", quote_changed=True,
                                   min_checkworthiness=0.9)
    new_claims = create_subscription(owner=desk, name="New Roe claims", speakers=[roe.pk])

    change = edit(claim, "every family", "some families")
    alerted = set(AlertDelivery.objects.filter(quote_change=change).values_list("subscription_id", flat=True))
    # Keywords match as they do for new claims (claims.selectors.alerts.keyword_hits).
    assert alerted == {everything.pk, by_roe.pk, by_keyword.pk}
    assert not AlertDelivery.objects.filter(subscription__in=[elsewhere, high_bar, new_claims]).exists()
    reasons = AlertDelivery.objects.get(subscription=by_roe).reasons
    assert reasons[0].startswith("quote changed in the source: The outlet changed this quote on ")
    assert "“We will cut taxes for every family next year.” → “We will cut taxes for some families" in reasons[0]
    assert reasons[1:] == ["speaker Jane Roe"]

    # Matching again (the sweep) alerts nobody twice; a second change is a second alert.
    queue_quote_change_alerts(change_ids=[change.pk])
    assert AlertDelivery.objects.filter(subscription=everything).count() == 1
    second = edit(claim, "next year", "in two years", hours=2)
    assert AlertDelivery.objects.filter(subscription=everything).count() == 2
    assert AlertDelivery.objects.filter(subscription=everything, quote_change=second).exists()


def test_a_quote_change_subscription_is_not_told_about_new_claims(desk, claim, roe) -> None:
    create_subscription(owner=desk, name="Roe's edits", quote_changed=True, speakers=[roe.pk])
    queue_alerts_for_claims(claim_ids=[claim.pk])
    assert AlertDelivery.objects.count() == 0


def test_quote_changed_is_a_filter_of_its_own(desk) -> None:
    assert create_subscription(owner=desk, name="Edits only", quote_changed=True).quote_changed
    with pytest.raises(InvalidInput, match="quotes changed in the source"):
        create_subscription(owner=desk, name="Nothing")
    with pytest.raises(InvalidInput, match="quote_changed must be true or false"):
        create_subscription(owner=desk, name="Bad", quote_changed="yes")


def test_a_change_to_an_untracked_claim_alerts_no_subscription(desk, claim, edit) -> None:
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.NEW)
    create_subscription(owner=desk, name="All stealth edits", quote_changed=True)
    change = edit(claim, "every family", "some families")
    assert not change.flagged
    assert AlertDelivery.objects.count() == 0


def test_the_sweep_announces_a_flagged_change_whose_alerts_were_never_queued(desk, claim, edit, monkeypatch) -> None:
    create_subscription(owner=desk, name="All stealth edits", quote_changed=True)
    monkeypatch.setattr("claims.services.versions.announce_quote_changes", lambda change_ids: None)  # lost
    change = edit(claim, "every family", "some families")
    assert change.alerts_queued_at is None and AlertDelivery.objects.count() == 0
    QuoteChange.objects.filter(pk=change.pk).update(detected_at=timezone.now() - timedelta(minutes=5))
    assert sweep_unannounced_quote_changes() == 1
    assert AlertDelivery.objects.filter(quote_change=change).count() == 1
    assert sweep_unannounced_quote_changes() == 0


def test_a_subscription_routed_to_a_webhook_gets_the_quote_change_there_too(
    desk, claim, edit, monkeypatch, settings
) -> None:
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    monkeypatch.setattr(webhooks, "_enqueue", lambda ids: None)  # the send itself is the webhooks' own test
    endpoint = webhooks.create_endpoint(owner=desk, name="Desk chat", url="http://127.0.0.1:9/desk",
                                        event_types=["article.failed"])
    create_subscription(owner=desk, name="Edits to chat", quote_changed=True, webhook_endpoint=endpoint.pk)
    edit(claim, "every family", "some families")
    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event_type == "subscription.matched"
    assert delivery.payload["data"]["reasons"][0].startswith("quote changed in the source: The outlet changed")
