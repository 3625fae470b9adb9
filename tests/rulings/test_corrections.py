"""Corrections that reach everyone (docs/monitoring.md): the reach shown first, one e-mail per
earlier recipient through a real SMTP server, the claim.corrected webhook to a real receiver, and
ClaimReview's dateModified."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from claims.models import AlertDelivery, Claim, Correction, CorrectionNotice, Subscription, WebhookDelivery
from claims.public.claimreview import build_claimreview
from claims.selectors.corrections import correction_reach
from claims.services import corrections, private_feeds, webhooks
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed
from claims.tasks.webhooks import send_webhook_delivery
from tests.conftest import wait_until
from tests.factories import rating
from tests.rulings.conftest import alerted, article, claim_in, said, subscriber

S = Claim.Status
N = CorrectionNotice.Status
WHY = "The fall was 45%, not 10%: we read the wrong table."


def committed():
    """Run what the code queues for after its transaction commits (the tests' transaction never does)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _correct(claim: Claim, user: User, **fields) -> Claim:
    claim.refresh_from_db()
    with committed():
        return corrections.confirm_correction(claim=claim, user=user, version=corrections.claim_version(claim),
                                              note=fields.pop("note", WHY), **fields)


@pytest.fixture
def three_told(published) -> list[User]:
    """Three people alerted about the claim, and one whose alert never went out."""
    told = [subscriber(name) for name in ("ada", "bea", "cy")]
    for user in told:
        alerted(user, published)
    alerted(subscriber("dee"), published, status=AlertDelivery.Status.FAILED)
    return told


def test_the_reach_lists_who_was_alerted_the_webhooks_the_feeds_and_the_claims_reusing_the_ruling(
        published, three_told, wf_editor, outlets, speakers, receiver, owner):
    webhooks.create_endpoint(owner=owner, name="Chat", url=receiver.url, event_types=["claim.corrected"])
    webhooks.create_endpoint(owner=owner, name="Only new claims", url=receiver.url, event_types=["claim.detected"])
    repeat = claim_in(article(text=said("Unemployment fell by half in two years!", "Ana Souza"), outlet=outlets[1]),
                      "Unemployment fell by half in two years!", speaker=speakers[1], same_as=published,
                      same_as_method="fingerprint")
    reach = corrections.preview_correction(claim=published, user=wf_editor)
    assert [r.username for r in reach.recipients] == ["ada", "bea", "cy"]
    assert all("alert 'Economy' about this claim" in r.reasons[0] for r in reach.recipients)
    assert [w.name for w in reach.webhooks] == ["Chat"]
    assert {"ClaimReview DataFeed", "Atom feed of fact checks"} <= {f.name for f in reach.feeds}
    assert [c.pk for c in reach.reusing] == [repeat.pk]
    # Someone alerted about another appearance of the ruling is told too.
    alerted(subscriber("eve"), repeat)
    eve = next(r for r in correction_reach(claim=published).recipients if r.username == "eve")
    assert "another appearance" in eve.reasons[0]


def test_only_someone_who_may_correct_sees_the_reach_or_corrects(published, wf_researcher):
    with pytest.raises(NotAllowed):
        corrections.preview_correction(claim=published, user=wf_researcher)
    with pytest.raises(NotAllowed):
        _correct(published, wf_researcher, rating=rating("true"))


def test_a_correction_reaches_three_earlier_recipients_exactly_once_over_smtp(
        published, three_told, wf_editor, smtp_server):
    _correct(published, wf_editor, rating=rating("mostly-false") if _has("mostly-false") else rating("true"),
             conclusion="Official statistics show a 45% fall.")
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "ada@example.org", "bea@example.org", "cy@example.org"]
    message = smtp_server.messages[0]
    text = message.part("text/plain")
    assert "We corrected this fact check" in text
    assert message.message["Subject"].startswith("We corrected this fact check")
    assert "False -> now" in text and WHY in text
    assert "Before: Official statistics show a 10% fall, not a half." in text
    assert "Now: Official statistics show a 45% fall." in text
    assert "alert 'Economy' about this claim" in text
    assert "<s>False</s>" in message.part("text/html")

    # Sending again, by the task or the sweep, sends nothing more.
    for notice in CorrectionNotice.objects.all():
        assert corrections.send_notice(notice_id=notice.pk).sent is False
    corrections.retry_due_notices()
    assert len(smtp_server.messages) == 3
    assert set(CorrectionNotice.objects.values_list("status", flat=True)) == {N.SENT}
    assert set(CorrectionNotice.objects.values_list("sent_to", flat=True)) == {
        "ada@example.org", "bea@example.org", "cy@example.org"}


def _has(slug: str) -> bool:
    from claims.models import Rating

    return Rating.objects.filter(slug=slug, scale__is_default=True, retired=False).exists()


def test_a_second_correction_reaches_the_same_people_once_more_with_its_own_reason(
        published, three_told, wf_editor, smtp_server):
    _correct(published, wf_editor, rating=rating("true"))
    _correct(published, wf_editor, rating=rating("false"), note="Back to False: the revision was withdrawn.")
    assert len(smtp_server.messages) == 6
    second = CorrectionNotice.objects.filter(correction__note__startswith="Back").first()
    assert any("earlier correction" in reason for reason in second.reasons)


def test_the_why_is_required_and_nothing_is_sent_without_it(published, three_told, wf_editor, smtp_server):
    with pytest.raises(InvalidInput, match="correction note"):
        _correct(published, wf_editor, rating=rating("true"), note="  ")
    assert not Correction.objects.exists() and not CorrectionNotice.objects.exists() and not smtp_server.messages


def test_a_correction_confirmed_from_a_stale_reach_page_is_refused(published, three_told, wf_editor, smtp_server):
    version = corrections.claim_version(published)
    with committed():
        corrections.confirm_correction(claim=published, user=wf_editor, version=version, note=WHY,
                                       rating=rating("true"))
    with pytest.raises(InvalidTransition, match="changed since you looked"):
        corrections.confirm_correction(claim=published, user=wf_editor, version=version, note=WHY,
                                       rating=rating("true"))
    assert Correction.objects.count() == 1 and len(smtp_server.messages) == 3


def test_the_recipients_right_is_checked_when_the_mail_is_sent(published, three_told, wf_editor, smtp_server,
                                                                  monkeypatch):
    monkeypatch.setattr("claims.services.corrections._enqueue", lambda ids: None)
    _correct(published, wf_editor, rating=rating("true"))
    User.objects.filter(username="bea").update(is_active=False)
    for notice in CorrectionNotice.objects.all():
        corrections.send_notice(notice_id=notice.pk)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["ada@example.org", "cy@example.org"]
    failed = CorrectionNotice.objects.get(recipient__username="bea")
    assert failed.status == N.FAILED and "no active account" in failed.error


def test_a_mail_server_outage_is_retried_and_still_sends_once(published, three_told, wf_editor, smtp_server,
                                                                monkeypatch):
    monkeypatch.setattr("claims.services.corrections._enqueue", lambda ids: None)
    _correct(published, wf_editor, rating=rating("true"))
    smtp_server.stop()
    outcomes = [corrections.send_notice(notice_id=n.pk) for n in CorrectionNotice.objects.all()]
    assert all(o.retry_at is not None for o in outcomes)
    assert set(CorrectionNotice.objects.values_list("status", flat=True)) == {N.PENDING}
    smtp_server.start()
    later = max(o.retry_at for o in outcomes)
    for notice in CorrectionNotice.objects.all():
        corrections.send_notice(notice_id=notice.pk, now=later)
        corrections.send_notice(notice_id=notice.pk, now=later)
    assert len(smtp_server.messages) == 3


def test_claimreview_carries_date_modified_after_a_correction(published, wf_editor):
    assert "dateModified" not in build_claimreview(published)
    claim = _correct(published, wf_editor, rating=rating("true"))
    fresh = Claim.objects.select_related("rating__scale", "article__outlet", "speaker").get(pk=claim.pk)
    review = build_claimreview(fresh)
    assert review["dateModified"] == claim.corrected_at.date().isoformat()
    assert review["reviewRating"]["alternateName"] == rating("true").label


@pytest.fixture
def owner(db) -> User:
    from tests.webhooks.conftest import grant_webhooks

    user = User.objects.create_user("hooks-admin", email="hooks@example.org", password="pw", is_staff=True)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="Admin"))
    return grant_webhooks(user)


def test_the_claim_corrected_webhook_reaches_a_receiver_on_localhost_once(published, wf_editor, receiver, owner):
    webhooks.create_endpoint(owner=owner, name="Chat", url=receiver.url, event_types=["claim.corrected"])
    _correct(published, wf_editor, rating=rating("true"))
    assert wait_until(lambda: len(receiver.received) >= 1, timeout=10)
    # Sending the delivery again (a redelivered task) posts nothing more.
    for delivery in WebhookDelivery.objects.all():
        send_webhook_delivery.delay(delivery.pk)
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [b["type"] for b in bodies] == ["claim.corrected"]
    assert bodies[0]["data"]["correction_note"] == WHY
    assert bodies[0]["data"]["previous"]["rating"]["slug"] == "false" and bodies[0]["data"]["rating_changed"]
    assert bodies[0]["data"]["claim"]["id"] == published.pk


# --- the admin: reach first, then confirm --------------------------------------------------------


def test_the_admin_shows_the_reach_before_correcting_and_corrects_on_confirmation(
        client, published, three_told, wf_editor, smtp_server):
    client.force_login(wf_editor)
    workflow_url = reverse("admin:claims_claim_workflow", args=[published.pk])
    page = client.post(workflow_url, {"to": "corrected", "note": WHY, "rating": rating("true").pk,
                                      "conclusion": published.conclusion})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who this correction reaches" in html and "ada@example.org" in html and "cy@example.org" in html
    assert "dee@example.org" not in html  # never told: not part of the reach
    published.refresh_from_db()
    assert published.status == S.PUBLISHED and not smtp_server.messages  # nothing happened yet

    version = corrections.claim_version(published)
    with committed():
        done = client.post(reverse("admin:claims_claim_correct", args=[published.pk]),
                           {"version": version, "note": WHY, "rating": rating("true").pk,
                            "conclusion": published.conclusion}, follow=True)
    assert "3 correction e-mails queued" in done.content.decode()
    published.refresh_from_db()
    assert published.status == S.CORRECTED and published.rating == rating("true")
    assert len(smtp_server.messages) == 3
    # The same confirmation posted again (a double click) corrects nothing more.
    again = client.post(reverse("admin:claims_claim_correct", args=[published.pk]),
                        {"version": version, "note": WHY, "rating": rating("true").pk}, follow=True)
    assert "changed since you looked" in again.content.decode()
    assert Correction.objects.count() == 1 and len(smtp_server.messages) == 3


def test_the_admin_refuses_a_correction_without_a_reason_before_showing_the_reach(client, published, wf_editor):
    client.force_login(wf_editor)
    page = client.post(reverse("admin:claims_claim_workflow", args=[published.pk]),
                       {"to": "corrected", "note": "", "rating": rating("true").pk}, follow=True)
    assert "Add a note" in page.content.decode()
    published.refresh_from_db()
    assert published.status == S.PUBLISHED


def test_the_api_gives_the_reach_to_editors_only(client, published, three_told, wf_editor, wf_reader):
    url = f"/api/v1/claims/{published.pk}/correction-reach/"
    client.force_login(wf_reader)
    assert client.get(url).status_code == 403
    client.force_login(wf_editor)
    body = client.get(url).json()
    assert [r["username"] for r in body["recipients"]] == ["ada", "bea", "cy"]
    assert body["version"] == corrections.claim_version(published)


def test_a_correction_through_the_api_transition_reaches_the_same_people(client, published, three_told, wf_editor,
                                                                          smtp_server):
    client.force_login(wf_editor)
    with committed():
        answer = client.post(f"/api/v1/claims/{published.pk}/transition/",
                             json.dumps({"to": "corrected", "note": WHY, "rating": rating("true").pk}),
                             content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "ada@example.org", "bea@example.org", "cy@example.org"]
    correction = Correction.objects.get()
    assert (correction.old_rating, correction.new_rating, correction.note) == (rating("false"), rating("true"), WHY)


def _posted_to_desk_chat(claim: Claim, receiver, owner: User) -> AlertDelivery:
    """`owner`'s subscription 'Desk' matched `claim` and posted it to the 'Desk chat' endpoint."""
    chat = webhooks.create_endpoint(owner=owner, name="Desk chat", url=receiver.url, event_types=["claim.detected"])
    match = alerted(owner, claim, name="Desk")
    Subscription.objects.filter(pk=match.subscription_id).update(webhook_endpoint=chat)
    with committed():
        webhooks.queue_subscription_matches(deliveries=[match])
    assert wait_until(lambda: len(receiver.received) >= 1, timeout=10)
    return match


def test_a_chat_channel_a_subscription_posted_the_claim_to_hears_of_its_correction_once(
        published, wf_editor, receiver, owner):
    _posted_to_desk_chat(published, receiver, owner)
    # the editor sees the channel in the reach before confirming
    shown = correction_reach(claim=published).webhooks
    assert any(w.name.startswith("Desk chat") and "'Desk'" in w.name for w in shown)
    _correct(published, wf_editor, rating=rating("true"))
    assert wait_until(lambda: len(receiver.received) >= 2, timeout=10)
    for delivery in WebhookDelivery.objects.all():
        send_webhook_delivery.delay(delivery.pk)
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["subscription.matched", "claim.corrected"]


def test_a_routed_correction_is_not_posted_once_the_subscription_stops_routing_there(
        published, wf_editor, receiver, owner):
    match = _posted_to_desk_chat(published, receiver, owner)
    Subscription.objects.filter(pk=match.subscription_id).update(webhook_endpoint=None)
    _correct(published, wf_editor, rating=rating("true"))
    assert not WebhookDelivery.objects.filter(event_type="claim.corrected").exists()
    assert [w.name for w in correction_reach(claim=published).webhooks] == []


def test_the_reach_names_the_private_feeds_that_carry_the_claim_without_their_addresses(published, owner):
    match = alerted(owner, published, name="Desk")
    token = private_feeds.rotate_feed_token(user=owner, subscription=match.subscription)
    feeds = [f for f in correction_reach(claim=published).feeds if "Private" in f.name]
    assert [f.name for f in feeds] == ["Private Atom feed of subscription 'Desk' (hooks-admin)"]
    assert all(token.token not in f.url for f in feeds)
