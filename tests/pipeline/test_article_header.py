"""A pasted article gets its title, byline, date and outlet from its own header (issue 14 §1), in
the pipeline, for every way text comes in (admin form, API, `manage.py ingest`), and never over
what the user typed. The header reader itself is the extractor's (claims/extraction/header.py):
these tests replace it with a fixed Header, except the last, which reads real wire copy."""
from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims.extraction import header as header_module
from claims.extraction.header import Header, read_header
from claims.models import Article, Outlet
from claims.services import pipeline
from claims.services.articles import submit_article

pytestmark = pytest.mark.django_db

TEXT = (
    "Harbour authority rejects flood cost claims\n"
    "By Petra Lindqvist\n"
    "BALLINMORE (Coastline News) - The harbour authority denied that it had hidden repair costs.\n"
)
HEADER = Header(title="Harbour authority rejects flood cost claims", byline="Petra Lindqvist",
                date=dt.date(2026, 3, 3), dateline="BALLINMORE (Coastline News)")
CASES = (
    Path(__file__).resolve().parents[1] / "extraction" / "data" / "cases.jsonl"
)  # a copy of ../shared/extraction/cases


@pytest.fixture
def header(monkeypatch) -> list[str]:
    """The reader returns HEADER and records the texts it was given."""
    seen: list[str] = []

    def fake(text: str) -> Header:
        seen.append(text)
        return HEADER

    monkeypatch.setattr(header_module, "read_header", fake)
    return seen


def _local_day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _submitted(capture, **fields) -> Article:
    with capture(execute=True):
        submission = submit_article(text=TEXT, **fields)
    return Article.objects.select_related("outlet").get(pk=submission.article.pk)


def test_a_pasted_article_takes_title_byline_date_and_outlet_from_its_header(
    header, django_capture_on_commit_callbacks
):
    article = _submitted(django_capture_on_commit_callbacks)
    assert article.status == Article.Status.DONE, article.error
    assert (article.title, article.byline) == (HEADER.title, "Petra Lindqvist")
    assert _local_day(article.published_at) == dt.date(2026, 3, 3)
    assert article.outlet.name == "Coastline News"
    assert header == [TEXT]


def test_what_the_user_typed_is_never_overwritten(header, django_capture_on_commit_callbacks):
    outlet = Outlet.objects.create(name="Harbour Herald")
    typed_date = timezone.make_aware(dt.datetime(2026, 2, 1, 9, 30))
    article = _submitted(
        django_capture_on_commit_callbacks, title="My title", byline="A. Typist", published_at=typed_date, outlet=outlet
    )
    assert (article.title, article.byline, article.published_at, article.outlet) == (
        "My title",
        "A. Typist",
        typed_date,
        outlet,
    )


def test_only_the_empty_fields_are_filled(header, django_capture_on_commit_callbacks):
    article = _submitted(django_capture_on_commit_callbacks, title="My title")
    assert article.title == "My title" and article.byline == "Petra Lindqvist"


def test_an_existing_outlet_is_reused_whatever_its_case(header, django_capture_on_commit_callbacks):
    outlet = Outlet.objects.create(name="coastline news")
    assert _submitted(django_capture_on_commit_callbacks).outlet == outlet


def test_an_empty_header_changes_nothing(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(header_module, "read_header", lambda text: Header())
    article = _submitted(django_capture_on_commit_callbacks)
    assert (article.title, article.byline, article.published_at, article.outlet) == ("", "", None, None)


def test_a_header_reader_that_fails_costs_the_article_nothing(monkeypatch, django_capture_on_commit_callbacks):
    def broken(text: str) -> Header:
        raise ValueError("unreadable header")

    monkeypatch.setattr(header_module, "read_header", broken)
    article = _submitted(django_capture_on_commit_callbacks)
    assert article.status == Article.Status.DONE and article.claims.exists()


def test_an_article_fetched_from_a_url_is_not_read_for_a_header(header):
    article = Article(url="https://coastline.example/story", text=TEXT)
    assert pipeline.header_fields(article) == {}
    assert header == []


@pytest.mark.parametrize(
    ("dateline", "outlet"),
    [
        ("BALLINMORE (Coastline News)", "Coastline News"),
        ("SEOUL, March 3 (Reuters)", "Reuters"),
        ("BALLINMORE", ""),
        (None, ""),
    ],
)
def test_the_outlet_is_the_datelines_part_in_parentheses(dateline, outlet):
    assert pipeline.dateline_outlet(dateline) == outlet


def test_the_api_fills_a_pasted_articles_details_from_its_header(header, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group, User
    from rest_framework.test import APIClient

    from claims.services.tokens import create_api_token

    user = User.objects.create_user(username="desk", password="pw")
    user.groups.add(Group.objects.get(name="Researcher"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=user, name='t').key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert response.status_code == 202, response.content
    body = client.get(f"/api/v1/articles/{response.json()['id']}/").json()
    assert (body["title"], body["byline"], body["outlet"]["name"]) == (
        HEADER.title,
        "Petra Lindqvist",
        "Coastline News",
    )


def test_the_admin_form_fills_a_pasted_articles_details_from_its_header(
    header, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/claims/article/add/", {"text": TEXT, "title": "", "byline": ""})
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.byline) == (HEADER.title, "Petra Lindqvist")


def test_the_ingest_command_fills_a_files_details_from_its_header(header, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "wire_story.txt"
    path.write_text(TEXT, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(path), "--no-progress", stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get()
    assert (article.title, article.byline) == (HEADER.title, "Petra Lindqvist")


def test_the_real_reader_finds_the_header_of_hard_wrapped_wire_copy():
    case = next(
        c
        for c in map(json.loads, CASES.read_text(encoding="utf-8").splitlines())
        if c["id"] == "wire-hard-wrapped-furniture"
    )
    found = read_header(case["text"])
    expected = case["header"]
    assert found.title == expected["title"]
    assert found.byline == expected["byline"]
    assert found.date == dt.date.fromisoformat(expected["date"])
