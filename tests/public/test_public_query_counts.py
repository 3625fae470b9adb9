"""The public pages read a fixed number of queries however many fact checks and corrections they
list: a filtered archive page and the corrections log (its ratings before and after from the
claims' history) are not one query per row."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim, Outlet, Speaker
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, add_sources, rating

S = Claim.Status
pytestmark = pytest.mark.django_db


def corrected_fact_checks(n: int, *, editor: User, speaker: Speaker, outlet: Outlet) -> None:
    for i in range(n):
        claim = ClaimFactory(content=f"Claim number {i} about ferries.", speaker=speaker,
                           article=ArticleFactory(text=f'"Claim number {i} about ferries," she said.', outlet=outlet),
                           status=S.PUBLISHED, rating=rating("false"), conclusion="Checked.",
                           published_at=timezone.now() - timedelta(days=1))
        add_sources(claim, "port", "census")
        workflow.transition(claim=claim, to=S.CORRECTED, user=editor, rating=rating("true"), note=f"Fixed {i}.")


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_filtered_archive_and_the_corrections_log_do_not_grow_a_query_per_row(
    client: Client, wf_editor: User
) -> None:
    speaker = Speaker.objects.create(name="Helena Strand", normalized_name="helena strand")
    outlet = Outlet.objects.create(name="Harbour Herald", domain="herald.example")
    filtered = (f"/fact-checks/?speaker={speaker.pk}&outlet={outlet.pk}&rating={rating('true').pk}"
                "&period=last-month&since=2000-01-01")
    corrected_fact_checks(2, editor=wf_editor, speaker=speaker, outlet=outlet)
    few = {url: queries(client, url) for url in (filtered, "/corrections/", "/methodology/")}
    corrected_fact_checks(10, editor=wf_editor, speaker=speaker, outlet=outlet)
    many = {url: queries(client, url) for url in few}
    assert many == few
    # The count, the page and the checks of the three chosen filter values; the choices' lists.
    assert few[filtered] <= 8
    # The count, the page, then the claims, their history and the ratings.
    assert few["/corrections/"] <= 5
    assert client.get("/corrections/").content.decode().count("Fixed ") == 12
