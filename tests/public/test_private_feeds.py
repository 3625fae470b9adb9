"""Private Atom feeds of saved claims-list filters and alert subscriptions: an unguessable address
the owner rotates or turns off, showing only what the owner may see at the moment it is read."""
from __future__ import annotations

import html
import re

import feedparser
import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import AlertDelivery, Claim, FeedToken, SavedFilter
from claims.services import alerts, private_feeds
from claims.services.errors import InvalidInput, NotAllowed
from tests.factories import ClaimFactory, staff_in_group

S = Claim.Status
pytestmark = pytest.mark.django_db


def read(client: Client, feed: FeedToken):
    response = client.get(f"/feeds/{feed.token}.atom")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.fixture
def claims(db) -> dict[str, Claim]:
    return {
        "new": ClaimFactory(content="The harbour bridge will cost 90 million.", status=S.NEW, score=0.9),
        "triaged": ClaimFactory(content="Ferry fares doubled in a year.", status=S.TRIAGED, score=0.4),
        "dismissed": ClaimFactory(content="It was a lovely day for it.", status=S.DISMISSED, score=0.1),
    }


def test_a_saved_filter_is_a_feed_of_the_claims_the_list_shows(client: Client, claims, wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="New", query="?status__exact=new&p=3")
    assert saved.query == "status__exact=new"  # the page number is not a filter
    feed = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved)
    assert len(feed.token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", feed.token)
    parsed = read(client, feed)
    assert len(parsed.entries) == 1 and claims["new"].content in parsed.entries[0].title
    assert parsed.entries[0].link.endswith(f"/admin/claims/claim/{claims['new'].pk}/change/")
    assert "Status: New" in parsed.entries[0].summary
    assert "saved filter" in parsed.feed.title
    assert FeedToken.objects.get(pk=feed.pk).last_read_at is not None


def test_a_search_and_a_score_filter_apply_as_in_the_list(client: Client, claims, wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="Ferries", query="q=ferry")
    feed = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved)
    assert [claims["triaged"].content in e.title for e in read(client, feed).entries] == [True]


def test_a_filter_the_list_cannot_apply_is_refused_with_a_reason(wf_reader: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        private_feeds.save_filter(owner=wf_reader, name="Broken", query="no_such_field__exact=1")
    assert "cannot apply" in refused.value.message
    assert not SavedFilter.objects.exists()



@pytest.mark.parametrize(("query", "reason"), [
    ("article__text__contains=x", "does not filter by article__text__contains"),
    ("assignee__password__startswith=p", "does not filter by assignee__password__startswith"),
    ("q=ferry%00", "Null characters are not allowed"),
])
def test_a_filter_the_list_refuses_is_refused_with_a_reason_not_an_error_page(wf_reader: User, query: str,
                                                                              reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        private_feeds.save_filter(owner=wf_reader, name="Broken", query=query)
    assert reason in refused.value.message and refused.value.field == "query"
    assert not SavedFilter.objects.exists()


def test_the_saved_filter_form_says_why_it_refuses_a_lookup_and_keeps_the_name(client: Client, wf_reader: User,
                                                                               db) -> None:
    editor = staff_in_group("feeds-form-editor", "Editor")
    client.force_login(editor)
    response = client.post("/admin/claims/savedfilter/add/",
                           {"name": "Password sniffing", "query": "assignee__password__startswith=p"})
    page = response.content.decode()
    assert response.status_code == 200 and "does not filter by assignee__password__startswith" in page
    assert 'value="Password sniffing"' in page and not SavedFilter.objects.exists()


def test_a_saved_filter_the_list_no_longer_applies_is_an_empty_feed(client: Client, claims, wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="Old", query="status__exact=new")
    SavedFilter.objects.filter(pk=saved.pk).update(query="article__text__contains=bridge")  # a filter since removed
    feed = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved)
    assert read(client, feed).entries == []

def test_a_subscription_is_a_feed_of_the_claims_it_matched(client: Client, claims, wf_reader: User) -> None:
    subscription = alerts.create_subscription(owner=wf_reader, name="Bridge", keywords=["bridge"])
    alerts.queue_alerts_for_claims(claim_ids=[c.pk for c in claims.values()])
    assert AlertDelivery.objects.filter(subscription=subscription).count() == 1
    feed = private_feeds.rotate_feed_token(user=wf_reader, subscription=subscription)
    parsed = read(client, feed)
    assert len(parsed.entries) == 1 and claims["new"].content in parsed.entries[0].title
    assert "Why it matched: keyword 'bridge'" in html.unescape(parsed.entries[0].summary)  # an HTML summary
    assert "alert" in parsed.feed.title and "Bridge" in parsed.feed.title


def test_rotating_replaces_the_address_and_revoking_ends_it(client: Client, claims, wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="All", query="")
    first = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved).token
    second = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved).token
    assert first != second
    assert client.get(f"/feeds/{first}.atom").status_code == 404
    assert client.get(f"/feeds/{second}.atom").status_code == 200
    assert private_feeds.revoke_feed_token(user=wf_reader, saved_filter=saved) is True
    assert client.get(f"/feeds/{second}.atom").status_code == 404
    assert client.get("/feeds/guessed-token.atom").status_code == 404


def test_only_the_owner_makes_or_rotates_an_address(claims, wf_reader: User, wf_editor: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="Mine", query="")
    with pytest.raises(NotAllowed):
        private_feeds.rotate_feed_token(user=wf_editor, saved_filter=saved)
    with pytest.raises(NotAllowed):
        private_feeds.revoke_feed_token(user=wf_editor, saved_filter=saved)


def test_the_feed_follows_what_the_owner_may_see_when_it_is_read(client: Client, claims, wf_reader: User) -> None:
    saved = private_feeds.save_filter(owner=wf_reader, name="All", query="")
    feed = private_feeds.rotate_feed_token(user=wf_reader, saved_filter=saved)
    assert len(read(client, feed).entries) == 3
    wf_reader.groups.clear()  # left the newsroom: may not see unpublished claims any more
    refused = client.get(f"/feeds/{feed.token}.atom")
    assert refused.status_code == 403 and b"may no longer see" in refused.content
    wf_reader.is_active = False
    wf_reader.save()
    assert client.get(f"/feeds/{feed.token}.atom").status_code == 403



def test_a_subscription_feed_ends_when_its_owner_leaves_and_a_rotated_address_at_once(
    client: Client, claims, wf_reader: User
) -> None:
    subscription = alerts.create_subscription(owner=wf_reader, name="Bridge", keywords=["bridge"])
    alerts.queue_alerts_for_claims(claim_ids=[c.pk for c in claims.values()])
    old = private_feeds.rotate_feed_token(user=wf_reader, subscription=subscription).token
    new = private_feeds.rotate_feed_token(user=wf_reader, subscription=subscription)
    assert client.get(f"/feeds/{old}.atom").status_code == 404
    assert len(read(client, new).entries) == 1
    wf_reader.groups.clear()  # left the newsroom: the matches are unpublished claims
    refused = client.get(f"/feeds/{new.token}.atom")
    assert refused.status_code == 403 and claims["new"].content.encode() not in refused.content

def test_someone_outside_the_newsroom_saves_no_filter(db) -> None:
    outsider = User.objects.create_user("outsider", password="pw", is_staff=True)
    with pytest.raises(NotAllowed):
        private_feeds.save_filter(owner=outsider, name="x", query="")


def test_the_claims_list_saves_its_filter_with_a_feed_shown_in_the_admin(client: Client, claims) -> None:
    editor = staff_in_group("feeds-editor", "Editor")
    client.force_login(editor)
    listing = client.get("/admin/claims/claim/", {"status__exact": "new"}).content.decode()
    assert "Save this filter as" in listing and 'value="?status__exact=new"' in listing
    saved = client.post("/admin/claims/savedfilter/save-current/",
                        {"name": "Fresh claims", "query": "?status__exact=new", "feed": "1"}, follow=True)
    page = saved.content.decode()
    found = SavedFilter.objects.get(owner=editor, name="Fresh claims")
    token = found.feed_token.token
    assert f"/feeds/{token}.atom" in page and "Private: anyone with this address" in page
    # "Make a new address" from the list of saved filters.
    client.post("/admin/claims/savedfilter/", {"action": "rotate_feed", "_selected_action": [found.pk]})
    assert FeedToken.objects.get(saved_filter=found).token != token
    client.post("/admin/claims/savedfilter/", {"action": "revoke_feed", "_selected_action": [found.pk]})
    assert not FeedToken.objects.filter(saved_filter=found).exists()
    # Someone else's saved filters are not there.
    other = staff_in_group("feeds-other", "Editor")
    client.force_login(other)
    assert client.get(f"/admin/claims/savedfilter/{found.pk}/change/").status_code in (302, 403, 404)
    assert "Fresh claims" not in client.get("/admin/claims/savedfilter/").content.decode()


def test_a_subscription_page_shows_its_feed_address_and_the_actions(client: Client, wf_reader: User) -> None:
    subscription = alerts.create_subscription(owner=wf_reader, name="Bridge", keywords=["bridge"])
    client.force_login(wf_reader)
    before = client.get(f"/admin/claims/subscription/{subscription.pk}/change/").content.decode()
    assert "No feed address" in before
    client.post("/admin/claims/subscription/", {"action": "rotate_feed", "_selected_action": [subscription.pk]})
    token = FeedToken.objects.get(subscription=subscription).token
    after = client.get(f"/admin/claims/subscription/{subscription.pk}/change/").content.decode()
    assert f"/feeds/{token}.atom" in after


def test_the_api_shows_makes_and_turns_off_a_subscriptions_feed_address(client: Client, claims, wf_reader: User,
                                                                         wf_editor: User) -> None:
    from rest_framework.test import APIClient

    from claims.services.tokens import create_api_token

    subscription = alerts.create_subscription(owner=wf_reader, name="Bridge", keywords=["bridge"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=wf_reader, name='t').key}")
    url = f"/api/v1/subscriptions/{subscription.pk}/feed/"
    assert api.get(url).json() == {"feed_url": None, "last_read_at": None}
    made = api.post(url).json()["feed_url"]
    assert made.endswith(f"/feeds/{FeedToken.objects.get(subscription=subscription).token}.atom")
    assert client.get("/feeds/" + made.rsplit("/feeds/", 1)[1]).status_code == 200
    again = api.post(url).json()["feed_url"]
    assert again != made and client.get("/feeds/" + made.rsplit("/feeds/", 1)[1]).status_code == 404
    assert api.delete(url).status_code == 204 and api.get(url).json()["feed_url"] is None
    # Someone else's subscription is a 404, as everywhere in the API.
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=wf_editor, name='t').key}")
    assert other.post(url).status_code == 404
