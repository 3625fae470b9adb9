"""`GET /api/v1/claims/?format=csv|jsonl`: every claim the list would show (its filters and order,
what the user may see), streamed in the documented columns."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.selectors.exports import COLUMNS

S = Claim.Status
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def download(client, query: str) -> tuple[int, str, bytes]:
    response = client.get(f"/api/v1/claims/?{query}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response["Content-Type"], body


def csv_rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 only with the byte-order mark
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_csv_export_has_the_documented_columns_and_every_claim_the_reader_may_see(
    client_for, reader, make_claim, settings
) -> None:
    new, published = make_claim(), make_claim(status=S.PUBLISHED)
    status, content_type, body = download(client_for(reader), "format=csv")
    assert status == 200 and content_type == "text/csv; charset=utf-8"
    rows = csv_rows(body)
    assert list(rows[0]) == [column.name for column in COLUMNS]
    assert [row["id"] for row in rows] == [str(published.pk), str(new.pk)]  # the list's order: newest first
    row = rows[0]
    assert row["status"] == "published" and row["rating"] == "False" and row["rating_slug"] == "false"
    assert row["speaker"] == "Jane Minister" and row["speaker_title"] == "Minister of Truth"
    assert row["outlet"] == "Daily Planet" and row["article_url"] == "https://dailyplanet.example/a1"
    assert row["checkworthiness"] == "0.5" and row["is_question"] == "false"
    assert row["fact_check_url"] == f"{settings.SITE_URL}/fact-checks/{published.pk}/"
    assert rows[1]["fact_check_url"] == "" and rows[1]["published_at"] == ""


def test_every_export_column_is_documented() -> None:
    doc = (ROOT / "docs" / "integrations.md").read_text()
    for column in COLUMNS:
        assert f"| `{column.name}` |" in doc, column.name


def test_json_lines_carry_the_same_rows_as_the_csv(client_for, reader, make_claim) -> None:
    make_claim(content="=HYPERLINK(\"http://evil.example\")")
    make_claim(status=S.PUBLISHED)
    api = client_for(reader)
    status, content_type, body = download(api, "format=jsonl")
    assert status == 200 and content_type == "application/jsonl; charset=utf-8"
    lines = [json.loads(line) for line in body.decode().splitlines()]
    as_csv = csv_rows(download(api, "format=csv")[2])
    assert [line["id"] for line in lines] == [int(row["id"]) for row in as_csv]
    assert list(lines[0]) == [column.name for column in COLUMNS]
    assert lines[1]["published_at"] is None and lines[1]["is_question"] is False


def test_a_formula_in_a_claim_stays_text_in_the_spreadsheet(client_for, reader, make_claim) -> None:
    make_claim(content='=HYPERLINK("http://evil.example","click")')
    make_claim(content="-5 percent is what the minister claimed")
    contents = [row["content"] for row in csv_rows(download(client_for(reader), "format=csv")[2])]
    assert contents == ["'-5 percent is what the minister claimed", "'=HYPERLINK(\"http://evil.example\",\"click\")"]


def test_a_user_without_the_newsroom_right_exports_published_fact_checks_only(client_for, nobody, make_claim) -> None:
    make_claim()
    make_claim(status=S.IN_REVIEW)
    published = make_claim(status=S.PUBLISHED)
    rows = csv_rows(download(client_for(nobody), "format=csv")[2])
    assert [row["id"] for row in rows] == [str(published.pk)]


def test_an_anonymous_export_is_refused_in_the_json_error_shape(client_for, make_claim) -> None:
    make_claim(status=S.PUBLISHED)
    status, content_type, body = download(client_for(None), "format=csv")
    assert status == 401 and content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "not_authenticated"


def test_the_export_follows_the_lists_filters_search_and_ordering(client_for, reader, make_claim) -> None:
    low = make_claim(content="Taxes rose by half", checkworthiness=0.2)
    high = make_claim(content="Taxes rose by a third", checkworthiness=0.9)
    make_claim(content="Crime fell", checkworthiness=0.95)
    make_claim(content="Taxes rose again", status=S.DISMISSED)
    rows = csv_rows(download(client_for(reader), "format=csv&q=taxes&status=new&ordering=-checkworthiness")[2])
    assert [row["id"] for row in rows] == [str(high.pk), str(low.pk)]


def test_a_bad_filter_in_an_export_is_a_400_in_the_json_error_shape(client_for, reader) -> None:
    status, content_type, body = download(client_for(reader), "format=csv&created_after=yesterday")
    assert status == 400 and content_type == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "invalid" and "created_after" in error["fields"]


def test_an_unknown_format_is_a_400_naming_the_formats_on_offer(client_for, reader) -> None:
    status, content_type, body = download(client_for(reader), "format=xlsx")
    assert status == 400 and content_type == "application/json"
    message = json.loads(body)["error"]["fields"]["format"][0]
    assert "csv" in message and "jsonl" in message


def test_a_claim_detail_is_not_offered_as_csv(client_for, reader, new_claim) -> None:
    response = client_for(reader).get(f"/api/v1/claims/{new_claim.pk}/?format=csv")
    assert response.status_code == 400
    assert "claims list" in response.json()["error"]["fields"]["format"][0]


def test_an_export_costs_the_same_queries_for_three_or_sixty_claims(client_for, reader, make_claim) -> None:
    api = client_for(reader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert download(api, "format=csv")[0] == 200
        return len(captured)

    for _ in range(3):
        make_claim()
    queries()  # the token's first use records itself; count from the second request on
    few = queries()
    for _ in range(57):
        make_claim()
    assert queries() == few
