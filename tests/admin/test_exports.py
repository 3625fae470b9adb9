"""The claims list's downloads in the admin: the list's current filters, the API's columns."""
from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Claim
from claims.selectors.exports import COLUMNS
from claims.services.tokens import create_api_token
from tests.factories import ClaimFactory

S = Claim.Status
pytestmark = pytest.mark.django_db
EXPORT = "/admin/claims/claim/export"


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_download_holds_what_the_list_shows_with_its_current_filters(wf_editor) -> None:
    new = ClaimFactory(content="Taxes rose by half", status=S.NEW)
    ClaimFactory(content="Taxes rose again", status=S.TRIAGED)
    ClaimFactory(content="Crime fell", status=S.NEW)
    response = logged_in(wf_editor).get(f"{EXPORT}.csv?status__exact=new&q=taxes")
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    found = rows(response)
    assert [row["id"] for row in found] == [str(new.pk)]
    assert list(found[0]) == [column.name for column in COLUMNS]


def test_the_list_offers_downloads_carrying_its_filters(wf_editor) -> None:
    ClaimFactory()
    page = logged_in(wf_editor).get("/admin/claims/claim/?status__exact=new").content.decode()
    assert f'href="{EXPORT}.csv?status__exact=new"' in page
    assert f'href="{EXPORT}.jsonl?status__exact=new"' in page


def test_the_admin_download_and_the_api_export_are_the_same_rows(wf_editor) -> None:
    for n in range(3):
        ClaimFactory(content=f"Claim {n} is here", status=S.NEW)
    ClaimFactory(status=S.DISMISSED)
    admin_rows = rows(logged_in(wf_editor).get(f"{EXPORT}.csv?status__exact=new"))
    key = create_api_token(user=wf_editor, name="export").key
    api = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/claims/?format=csv&status=new")
    assert admin_rows == rows(api)


def test_a_json_lines_download_is_offered_too(wf_editor) -> None:
    claim = ClaimFactory()
    response = logged_in(wf_editor).get(f"{EXPORT}.jsonl")
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert f'"id": {claim.pk}' in b"".join(response.streaming_content).decode()


def test_staff_without_the_view_right_cannot_download(db) -> None:
    ClaimFactory()
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    assert logged_in(clerk).get(f"{EXPORT}.csv").status_code == 403


def test_a_filter_the_list_cannot_apply_is_a_400_with_a_reason(wf_editor) -> None:
    response = logged_in(wf_editor).get(f"{EXPORT}.csv?created_at__gte=not-a-date")
    assert response.status_code == 400
    assert "cannot be applied" in response.content.decode()
