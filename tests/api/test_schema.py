"""The OpenAPI schema validates with no warnings, the docs are served from our own static files,
and PostgreSQL's full-text search uses the GIN index from migration 0003."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from claims.models import Claim
from claims.selectors.api import search_claims


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any spectacular warning (an unannotated view, an enum clash) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"),
                 "--skip-checks", stdout=StringIO(), stderr=StringIO())
    assert "/api/v1/claims/{id}/transition/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.django_db
def test_the_schema_and_docs_are_public_and_use_no_cdn():
    client = APIClient()
    assert client.get("/api/v1/schema/").status_code == 200
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert "/static/drf_spectacular_sidecar/" in page


@pytest.mark.django_db
def test_every_error_response_is_documented_with_the_error_shape():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/claims/"]["get"]
    for code in ("400", "401", "403", "404", "429"):
        assert operation["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_full_text_search_uses_the_gin_expression_index():
    with connection.cursor() as cursor:
        # Force the planner's hand on a tiny table: the point is that the index *matches* the query.
        cursor.execute("SET enable_seqscan = off")
        sql, params = search_claims(Claim.objects.all(), q="budget deficit").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "claim_content_fts_idx" in plan, plan
