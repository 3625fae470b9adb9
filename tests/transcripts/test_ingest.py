"""Transcripts in through every door (issue 19): the service, the admin's upload (Django test
client), the API and `manage.py ingest`; claims come out with their speakers, times and moment
links, on the claim page (admin and public) and in the API; bad files are refused with the reason
and leave nothing behind. Tasks run in-process here; tests/transcripts/test_real_workers.py runs
the same through Redis and real workers."""
from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Article, Claim
from claims.services.errors import InvalidInput
from claims.services.tokens import create_api_token
from claims.services.transcripts import submit_transcript
from tests.factories import add_sources, published, rating

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ADD = reverse("admin:claims_article_add")
CRIME = "Violent crime in Harbour County fell by 18 percent between 2022 and 2025, the steepest drop in the state."


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _submitted(capture, name: str, **options: str) -> Article:
    with capture(execute=True):
        submission = submit_transcript(data=_file(name), filename=name, **options)
    assert submission.created
    return Article.objects.get(pk=submission.article.pk)


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_api_token(user=user, name='t').key}")
    return client


# --- the service ----------------------------------------------------------------------------------


def test_a_debate_becomes_a_processed_transcript_whose_claims_have_speakers_and_times(
        django_capture_on_commit_callbacks) -> None:
    article = _submitted(django_capture_on_commit_callbacks, "debate.vtt")
    assert (article.status, article.source) == (Article.Status.DONE, Article.Source.TRANSCRIPT), article.error
    assert article.title == "Harbour County mayoral debate, first round"
    assert article.media_url == "https://www.youtube.com/watch?v=hcDebate2026"
    claim = Claim.objects.select_related("speaker").get(article=article, content=CRIME)
    assert (claim.speaker.name, claim.speaker_title, claim.speaker_mention) == (
        "Daniel Quinn", "Mayor", "Mayor Daniel Quinn")
    assert (claim.start_seconds, claim.end_seconds) == (7.2, 13.9)
    speakers = set(Claim.objects.filter(article=article).values_list("speaker__name", flat=True))
    assert {"Daniel Quinn", "Priya Shah"} <= speakers
    assert "Lena Ortiz" not in speakers
    # A quotation in the councillor's turn stays the quoted person's.
    quoted = Claim.objects.get(article=article, content__contains="sixty deputies")
    assert (quoted.speaker_mention, quoted.start_seconds) == ("the sheriff", 22.6)


def test_the_same_transcript_twice_is_one_article(django_capture_on_commit_callbacks) -> None:
    first = _submitted(django_capture_on_commit_callbacks, "town_hall.srt")
    again = submit_transcript(data=_file("town_hall.srt"), filename="town_hall.srt")
    assert (again.created, again.article.pk) == (False, first.pk)


def test_a_bad_transcript_is_refused_with_the_reason_and_nothing_is_stored() -> None:
    bad = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:xx.000 --> 00:00:03.000\nBad\n"
    with pytest.raises(InvalidInput, match=r"could not be read: Line 6 is not a valid cue timing") as caught:
        submit_transcript(data=bad, filename="broken.vtt")
    assert caught.value.field == "file"
    with pytest.raises(InvalidInput, match="recording's URL") as caught:
        submit_transcript(data=_file("interview.txt"), media_url="ftp://example.org/x")
    assert caught.value.field == "media_url"
    assert not Article.objects.exists()


def test_a_transcript_over_the_length_limit_is_refused_as_the_file(settings) -> None:
    settings.FACTCHECK_MAX_TEXT_CHARS = 100
    with pytest.raises(InvalidInput, match=r"The transcript's text has [\d,]+ characters; the limit is 100") as caught:
        submit_transcript(data=_file("debate.vtt"), filename="debate.vtt")
    assert caught.value.field == "file"
    assert not Article.objects.exists()


def test_a_plain_text_interview_names_its_interviewer_and_interviewee(django_capture_on_commit_callbacks) -> None:
    article = _submitted(django_capture_on_commit_callbacks, "interview.txt", speaker="Carla Benn",
                         interviewer="Tom Reyes")
    own = Claim.objects.filter(article=article, speaker__name="Carla Benn")
    assert own.count() == 3
    assert not own.filter(start_seconds__isnull=False).exists()  # the file has no time codes


# --- admin upload (Django test client) --------------------------------------------------------------


def test_an_editor_uploads_a_debate_in_the_admin_and_the_claim_page_shows_its_moment_and_turns(
        client, wf_researcher, django_capture_on_commit_callbacks) -> None:
    client.force_login(wf_researcher)
    upload = SimpleUploadedFile("debate.vtt", _file("debate.vtt"), content_type="text/vtt")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"transcript": upload, "transcript_format": ""})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{article.pk}/change/")
    assert any("processed" in str(m) for m in get_messages(response.wsgi_request))
    claim = Claim.objects.get(article=article, content=CRIME)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Said at <strong id=\"fc-time-code\">00:00:07\u201300:00:13</strong>" in page
    assert 'href="https://www.youtube.com/watch?v=hcDebate2026&amp;t=7s"' in page
    # The turns around the claim: the moderator's question before it, the councillor's answer after.
    assert "is the county safer than when you took office?" in page
    assert "That is simply not true." in page
    assert f"<mark>{CRIME}</mark>" in page


def test_a_vtt_file_given_as_the_text_file_is_read_as_a_transcript(
        client, wf_researcher, django_capture_on_commit_callbacks) -> None:
    client.force_login(wf_researcher)
    upload = SimpleUploadedFile("growing.vtt", _file("growing.vtt"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"file": upload, "speaker": "Mayor Ana Ruiz"})
    article = Article.objects.get()
    assert article.source == Article.Source.TRANSCRIPT
    claim = Claim.objects.get(article=article, content__startswith="The city budget grew")
    assert (claim.speaker.name, claim.start_seconds, claim.end_seconds) == ("Ana Ruiz", 1.0, 6.1)


def test_a_bad_upload_in_the_admin_says_why_and_keeps_what_was_typed(client, wf_researcher) -> None:
    client.force_login(wf_researcher)
    upload = SimpleUploadedFile("broken.srt", b"Subtitles by nobody\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    response = client.post(ADD, {"transcript": upload, "speaker": "Ana Ruiz"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not a valid SRT file" in body
    assert 'value="Ana Ruiz"' in body
    assert not Article.objects.exists()


def test_a_transcript_with_a_url_beside_it_is_refused(client, wf_researcher) -> None:
    client.force_login(wf_researcher)
    upload = SimpleUploadedFile("debate.vtt", _file("debate.vtt"))
    response = client.post(ADD, {"transcript": upload, "url": "https://example.org/a"})
    assert "Upload the transcript on its own" in response.content.decode()
    assert not Article.objects.exists()


def test_the_public_fact_check_of_a_debate_claim_shows_when_it_was_said(
        client, wf_researcher, wf_editor, django_capture_on_commit_callbacks) -> None:
    article = _submitted(django_capture_on_commit_callbacks, "debate.vtt")
    claim = Claim.objects.get(article=article, content=CRIME)
    Claim.objects.filter(pk=claim.pk).update(
        status=Claim.Status.IN_REVIEW, assignee=wf_researcher, researcher=wf_researcher,
        proposed_rating=rating("false"), conclusion="State figures show a 9 percent fall.")
    claim.refresh_from_db()
    add_sources(claim, "")
    published(claim, by=wf_editor)
    page = client.get(reverse("public:fact-check", kwargs={"claim_id": claim.pk})).content.decode()
    assert "00:00:07\u201300:00:13" in page
    assert "https://www.youtube.com/watch?v=hcDebate2026&amp;t=7s" in page
    assert "Mayor Daniel Quinn:" in page
    # ClaimReview: the claim appeared at that moment of the recording.
    review = client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    appearance = review["itemReviewed"]["appearance"]
    works = appearance if isinstance(appearance, list) else [appearance]
    assert works[0]["url"] == "https://www.youtube.com/watch?v=hcDebate2026&t=7s"


# --- API --------------------------------------------------------------------------------------------


def test_the_api_takes_a_transcript_and_returns_claims_with_their_times(
        wf_researcher, django_capture_on_commit_callbacks) -> None:
    api = _api(wf_researcher)
    body = {"transcript": _file("town_hall.srt").decode(), "media_url": "https://media.example.org/town-hall.mp4"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 202, response.content
    assert (response.json()["source"], response.json()["media_url"]) == (
        "transcript", "https://media.example.org/town-hall.mp4")
    claim = Claim.objects.get(content__startswith="The city approved only 900 permits")
    article = api.get(response.json()["status_url"]).json()
    turn = article["turns"][2]
    assert (turn["speaker"], turn["name"], turn["title"], turn["start_seconds"], turn["end_seconds"]) == (
        "Dr. Owen Brandt", "Owen Brandt", "Dr.", 12.5, 18.0)
    assert article["text"][turn["text_start"]:turn["text_end"]].startswith("The city approved only 900 permits")
    detail = api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (detail["start_seconds"], detail["end_seconds"]) == (12.5, 16.0)
    assert detail["moment_url"] == "https://media.example.org/town-hall.mp4#t=12"
    assert detail["speaker"]["name"] == "Owen Brandt"
    rows = {row["id"]: row for row in api.get("/api/v1/claims/", {"view": "full"}).json()["results"]}
    assert rows[claim.pk]["start_seconds"] == 12.5 and rows[claim.pk]["moment_url"] == detail["moment_url"]
    summary = {row["id"]: row for row in api.get("/api/v1/claims/").json()["results"]}
    assert (summary[claim.pk]["start_seconds"], summary[claim.pk]["end_seconds"]) == (12.5, 16.0)
    # The export (and so the webhooks' claim) carries the times too.
    export = api.get("/api/v1/claims/", {"format": "jsonl"})
    lines = [json.loads(line) for line in b"".join(export.streaming_content).decode().splitlines()]
    exported = next(line for line in lines if line["id"] == claim.pk)
    assert (exported["start_seconds"], exported["end_seconds"]) == (12.5, 16.0)


def test_an_articles_claims_have_no_times_in_the_api(wf_researcher, django_capture_on_commit_callbacks) -> None:
    api = _api(wf_researcher)
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/articles/", {"text": "The minister said that exports rose by 4 percent last year."},
                 format="json")
    claim = Claim.objects.get()
    detail = api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (detail["start_seconds"], detail["end_seconds"], detail["moment_url"]) == (None, None, None)
    assert api.get(f"/api/v1/articles/{claim.article_id}/").json()["turns"] is None


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"transcript": "WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\nHi\n"}, "file", "not a valid cue timing"),
        ({"transcript": "A: hi", "transcript_format": "docx"}, "transcript_format", "not a valid choice"),
        ({"text": "Some words.", "speaker": "Ana Ruiz"}, "speaker", "Only with a `transcript`"),
        ({"text": "Some words.", "transcript": "ANA: words"}, "non_field_errors", "exactly one of"),
    ],
)
def test_the_api_refuses_a_bad_transcript_with_a_400_and_the_reason(wf_researcher, body, field, reason) -> None:
    response = _api(wf_researcher).post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400, response.content
    assert reason in response.content.decode()
    assert field in response.content.decode()
    assert not Article.objects.exists()


# --- manage.py ingest -------------------------------------------------------------------------------


def _ingest(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("ingest", *args, "--no-progress", stdout=out, stderr=StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


@pytest.mark.django_db(transaction=True)
def test_ingest_reads_vtt_and_srt_files_as_transcripts_and_plain_text_with_the_flag() -> None:
    output, error = _ingest(str(DATA / "debate.vtt"), str(DATA / "town_hall.srt"))
    assert error is None, output
    assert "Created 2" in output
    output, error = _ingest("--transcript", "--speaker", "Carla Benn", "--interviewer", "Tom Reyes",
                            str(DATA / "interview.txt"))
    assert error is None, output
    assert set(Article.objects.values_list("source", flat=True)) == {"transcript"}
    assert Claim.objects.filter(speaker__name="Carla Benn").count() == 3
    assert Claim.objects.filter(speaker__name="Marta Voss", start_seconds=3.0, end_seconds=9.0).exists()


@pytest.mark.django_db(transaction=True)
def test_ingest_exits_non_zero_naming_a_bad_transcript_and_keeps_the_good_ones(tmp_path: Path) -> None:
    bad = tmp_path / "broken.vtt"
    bad.write_text("This is not WebVTT\n", encoding="utf-8")
    output, error = _ingest(str(bad), str(DATA / "debate.vtt"))
    assert error is not None and "1 input(s) failed" in str(error)
    assert f"failed: {bad}: The transcript (broken.vtt) could not be read: Not a valid WebVTT file" in output
    assert Article.objects.filter(source="transcript").count() == 1
