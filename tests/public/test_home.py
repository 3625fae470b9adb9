"""`/` is a home page: what the tracker is, where to go, and a signed-in user's queue."""
from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
S = Claim.Status


def test_the_home_page_says_what_the_tracker_is_and_links_everywhere(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "who said what" in page
    for url in (reverse("admin:index"), reverse("admin:claims_dashboard"), reverse("api:docs"),
                reverse("public:fact-check-list")):
        assert f'href="{url}"' in page
    assert "Waiting for you" not in page


def test_a_researcher_finds_their_assigned_claims_on_the_home_page(client, wf_researcher):
    ClaimFactory(content="Assigned to the researcher.", status=S.RESEARCHING, assignee=wf_researcher)
    ClaimFactory(content="Someone else's claim.", status=S.RESEARCHING)
    client.force_login(wf_researcher)
    page = client.get("/").content.decode()
    assert "Waiting for you, wf_researcher" in page
    assert "Assigned to the researcher." in page and "Someone else&#x27;s claim." not in page
    assert f'href="{reverse("admin:claims_claim_triage")}"' in page  # researchers triage too


def test_an_editor_sees_the_triage_and_review_piles(client, wf_editor):
    ClaimFactory(), ClaimFactory(), ClaimFactory(status=S.IN_REVIEW)
    client.force_login(wf_editor)
    page = client.get("/").content.decode()
    assert "2 new claims" in page and "1 claim waiting for an editor" in page


def test_the_home_page_costs_the_same_queries_for_few_or_many_claims(client, wf_researcher):
    client.force_login(wf_researcher)
    ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(12):
        ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher)
    assert count() == few


def test_the_admins_view_site_link_leads_to_the_home_page(client, wf_editor):
    client.force_login(wf_editor)
    assert 'href="/"' in client.get(reverse("admin:index")).content.decode()


def test_a_signed_in_user_who_may_not_see_claims_is_shown_no_queue(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("visitor", password="pw-visitor-1"))
    page = client.get("/").content.decode()
    assert "Waiting for you" not in page
