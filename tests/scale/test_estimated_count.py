"""The admin's claims list never counts the whole table: PostgreSQL's planner estimate for the
unfiltered list ("about N claims"), a capped count for a filtered or searched one ("more than N"),
and pages only as deep as the cap (issue 20, claims/admin/counts.py)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.admin import counts
from claims.models import Claim
from tests.admin.workflow_fixtures import *  # noqa: F403 - fixtures
from tests.admin.workflow_fixtures import make_claim

pytestmark = pytest.mark.django_db
LIST = reverse("admin:claims_claim_changelist")
PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")


def claim_counts(captured: list[dict]) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(") and '"claims_claim"' in q["sql"]]


def test_a_filtered_count_stops_at_the_cap_and_says_more_than(client, wf_editor, monkeypatch):
    monkeypatch.setattr(counts.EstimatedCountPaginator, "cap", 3)
    for _ in range(5):
        make_claim()
    client.force_login(wf_editor)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(LIST, {"status__exact": "new"}).content.decode()
    assert "more than 3 claims" in page
    # One count, of at most cap + 1 rows; no second count of the whole table ("N total").
    (count_sql,) = claim_counts(ctx.captured_queries)
    assert "LIMIT 4" in count_sql


def test_a_small_list_is_counted_exactly(client, wf_editor):
    for _ in range(2):
        make_claim()
    client.force_login(wf_editor)
    page = client.get(LIST).content.decode()
    assert "2 claims" in page and "about 2" not in page and "more than" not in page


def test_the_search_box_says_how_many_it_found_the_same_way(client, wf_editor, monkeypatch):
    monkeypatch.setattr(counts.EstimatedCountPaginator, "cap", 1)
    make_claim(content="Unemployment fell by half in two years.")
    make_claim(content="Unemployment rose again this spring.")
    make_claim(content="The bridge will open next year.")
    client.force_login(wf_editor)
    page = client.get(LIST, {"q": "unemployment"}).content.decode()
    assert "more than 1 result" in page


def test_pages_stop_at_the_cap_and_the_list_says_how_to_go_further(wf_editor):
    queryset = Claim.objects.filter(status="new")
    for _ in range(7):
        make_claim()
    paginator = counts.EstimatedCountPaginator(queryset.order_by("-id"), 2)
    paginator.cap, paginator.max_pages = 5, 2
    assert (paginator.count, paginator.capped, paginator.num_pages, paginator.deeper_than_shown) == (5, True, 2, True)


@PG_ONLY
def test_the_unfiltered_list_uses_the_planner_estimate_and_says_about(client, wf_editor, monkeypatch):
    monkeypatch.setattr(counts, "EXACT_BELOW", 1)
    for _ in range(4):
        make_claim()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    client.force_login(wf_editor)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(LIST).content.decode()
    assert "about 4 claims" in page
    assert claim_counts(ctx.captured_queries) == []  # not a single COUNT over the claims
    assert any("reltuples" in q["sql"] for q in ctx.captured_queries)


@PG_ONLY
def test_a_table_never_analysed_is_counted_exactly(wf_editor, monkeypatch):
    monkeypatch.setattr(counts, "planner_estimate", lambda queryset: None)
    make_claim()
    paginator = counts.EstimatedCountPaginator(Claim.objects.order_by("-id"), 50)
    assert (paginator.count, paginator.estimated) == (1, False)
