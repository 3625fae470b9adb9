"""Every list filter and sort of the admin, the API, the public pages, the dashboard and similar
claims has an index that PostgreSQL's plan uses (issue 20).

Each test captures the SQL the real code path runs (an admin page, an API request, a selector),
then EXPLAINs it with sequential scans and sorts disabled. On a test-sized table a scan and a
sort are always cheapest, so with them off the plan shows whether an index *can* serve the
query in the list's order, and which one: what a first page needs at ten million claims (an
index range read up to the LIMIT, not a sort of every match). A query that no index serves still
plans a Seq Scan or a Sort (disabled only raises their cost), and fails here."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.scale_data import invented
from claims.api.pagination import KeysetPagination
from claims.models import Claim
from claims.selectors import claims as selectors
from tests.admin.workflow_fixtures import *  # noqa: F403 - fixtures
from tests.admin.workflow_fixtures import make_article, make_claim, rating

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]
LIST = reverse("admin:claims_claim_changelist")


@pytest.fixture
def archive(speaker, wf_researcher) -> list[Claim]:
    """A few hundred claims over a year, every status, some rated, assigned, questions."""
    article = make_article(text="x" * 10)
    rows = []
    statuses = [s for s, _ in Claim.Status.choices]
    now = timezone.now()
    for i in range(700):
        status = statuses[i % len(statuses)]
        rows.append(Claim(
            article=article, kind=("direct", "partial", "indirect")[i % 3],
            content=f"{invented(3 * i)} {invented(3 * i + 1)} said {invented(3 * i + 2)} about taxes",
            content_start=i * 10, content_end=i * 10 + 5, speaker=speaker if i % 2 else None, status=status,
            stance=("asserts", "denies", "asks")[i % 3], is_question=i % 7 == 0, checkworthiness=(i % 100) / 100,
            fingerprint=f"f{i}", rating=rating("false") if status in ("published", "corrected") else None,
            published_at=now if status in ("published", "corrected") else None,
            assignee=wf_researcher if i % 5 == 0 else None,
        ))
    claims = Claim.objects.bulk_create(rows)
    Claim.objects.filter(pk__in=[c.pk for c in claims[:350]]).update(created_at=now - timedelta(days=200))
    with connection.cursor() as cursor:
        # New rows wait in the GIN indexes' pending lists (fastupdate) until a VACUUM, which makes a
        # GIN scan look dearer than it is; a live table's autovacuum keeps those lists short.
        cursor.execute("SELECT gin_clean_pending_list('claim_content_fts_idx'::regclass)")
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_article")
    return claims


def plan(sql: str, *, ordered: bool) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if ordered:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main_query(captured: list[dict]) -> str:
    """The query reading the page's rows: claims, in an order."""
    queries = [q["sql"] for q in captured
               if q["sql"].startswith('SELECT "claims_claim"."id"') and "ORDER BY" in q["sql"]]
    assert queries, "the page read no rows from claims_claim"
    return queries[-1]


def assert_uses(sql: str, *indexes: str, ordered: bool = True) -> None:
    """The plan reads claims through one of `indexes`, never scans them, and (`ordered`) never
    sorts them whole (an Incremental Sort of ties within an index's order is fine)."""
    text = plan(sql, ordered=ordered)
    assert "Seq Scan on claims_claim" not in text, text
    assert any(index in text for index in indexes), f"expected one of {indexes}:\n{text}"
    if ordered:
        sorts = [line for line in text.splitlines() if line.strip().lstrip("-> ").startswith("Sort  (")]
        assert not sorts, f"a full sort:\n{text}"


@pytest.mark.parametrize("params,indexes", [
    ({}, ("claim_created_id_idx", "claims_claim_created_at")),
    ({"status__exact": "new"}, ("claim_status_created_idx",)),
    # A third of the claims are direct quotes: walking the newest-first index and skipping the others
    # is as good as the kind's own index, and the planner may choose either.
    ({"kind__exact": "direct"}, ("claim_kind_created_idx", "claim_created_id_idx", "claims_claim_created_at")),
    ({"stance__exact": "denies"}, ("claim_stance_created_idx", "claim_created_id_idx", "claims_claim_created_at")),
    ({"question": "yes"}, ("claim_question_created_idx",)),
    ({"rating__id__exact": "RATING"}, ("claim_rating_created_idx",)),
    ({"assignee__id__exact": "ASSIGNEE"}, ("claim_assignee_created_idx",)),
    ({"speaker__id__exact": "SPEAKER"}, ("claim_speaker_recent_idx",)),
    ({"status__exact": "new", "o": "-7"}, ("claim_status_score_idx",)),
])
def test_each_admin_list_filter_and_sort_reads_through_an_index(client, wf_editor, wf_researcher, speaker, archive,
                                                                params, indexes):
    values = {"RATING": str(rating("false").pk), "ASSIGNEE": str(wf_researcher.pk), "SPEAKER": str(speaker.pk)}
    params = {k: values.get(v, v) for k, v in params.items()}
    if params.get("o"):
        from django.contrib.admin import site
        from django.test import RequestFactory

        from claims.admin.claims import ClaimAdmin  # the triage queue: most check-worthy first

        request = RequestFactory().get(LIST)
        request.user = wf_editor
        params["o"] = site._registry[Claim].column_order(request, "score", descending=True)
        assert isinstance(site._registry[Claim], ClaimAdmin)
    client.force_login(wf_editor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST, params).status_code == 200
    assert_uses(main_query(ctx.captured_queries), *indexes)


def test_the_admin_search_reads_through_the_full_text_index(client, wf_editor, archive):
    client.force_login(wf_editor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST, {"q": invented(3 * 17)}).status_code == 200
    assert_uses(main_query(ctx.captured_queries), "claim_content_fts_idx", ordered=False)


@pytest.fixture
def api_client(wf_editor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(wf_editor)
    return client


@pytest.mark.parametrize("params,indexes", [
    ({"status": "new"}, ("claim_status_created_idx",)),
    ({"q": invented(3 * 17)}, ("claim_content_fts_idx",)),  # the matches, then their order
    ({"speaker": "SPEAKER"}, ("claim_speaker_recent_idx",)),
    ({"ordering": "-checkworthiness"}, ("claims_claim_checkworthiness",)),
])
def test_the_api_lists_read_through_an_index(api_client, speaker, archive, params, indexes):
    params = {k: str(speaker.pk) if v == "SPEAKER" else v for k, v in params.items()}
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get("/api/v1/claims/", params).status_code == 200
    assert_uses(main_query(ctx.captured_queries), *indexes, ordered="q" not in params)


def test_a_deep_cursor_page_is_an_index_range_not_an_offset(api_client, archive):
    middle = sorted(archive, key=lambda c: (c.created_at, c.pk))[350]
    middle.refresh_from_db()
    cursor = KeysetPagination._encode(middle.created_at, middle.pk, False)
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get("/api/v1/claims/", {"cursor": cursor}).status_code == 200
    sql = main_query(ctx.captured_queries)
    assert "OFFSET" not in sql.upper()
    assert_uses(sql, "claim_created_id_idx", "claims_claim_created_at")


def test_similar_claims_candidates_come_from_the_full_text_index(archive):
    probe = make_claim(content=f"{invented(36)} {invented(37)} said {invented(38)} about rates")
    with CaptureQueriesContext(connection) as ctx:
        selectors.similar_claims(claim=probe)
    assert_uses(main_query(ctx.captured_queries), "claim_content_fts_idx", ordered=False)


def test_the_dashboards_oldest_open_claims_come_from_the_partial_index(archive):
    with CaptureQueriesContext(connection) as ctx:
        selectors.dashboard_stats(days=30)
    assert_uses(main_query(ctx.captured_queries), "claim_unresolved_idx")


def test_public_fact_checks_are_listed_through_the_published_index(archive):
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.published_fact_checks(with_article_text=False)[:20])
    assert_uses(main_query(ctx.captured_queries), "claim_public_published_idx")


def test_no_user_is_needed_to_plan(archive):
    # The fixture's claims exist and were analysed (a guard for the tests above).
    assert Claim.objects.count() == 700 and User.objects.exists()
