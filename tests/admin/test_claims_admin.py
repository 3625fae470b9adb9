"""The claims list and the claim page, driven through Django's test client as each role."""
from __future__ import annotations

from datetime import UTC

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimTransition, Evidence, Note, Outlet
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, add_sources, published, rating

S = Claim.Status
pytestmark = pytest.mark.django_db
LIST = reverse("admin:claims_claim_changelist")


def change_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def workflow_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_workflow", args=[claim.pk])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _claims_with_everything(n: int, speaker, user) -> None:
    outlet = Outlet.objects.get_or_create(name="Daily Planet")[0]
    for i in range(n):
        claim = ClaimFactory(content=f"Claim number {i} about taxes.", speaker=speaker,
                           article=ArticleFactory(text=f"Claim number {i} about taxes.", outlet=outlet),
                           assignee=user, status=S.RESEARCHING)
        Claim.objects.filter(pk=claim.pk).update(rating=rating("true"), status=S.PUBLISHED)


# --- the list -------------------------------------------------------------------------------------


def test_the_claims_list_costs_the_same_queries_for_3_or_30_claims(client, wf_editor, speaker):
    client.force_login(wf_editor)
    _claims_with_everything(3, speaker, wf_editor)
    few = _list_queries(client)
    _claims_with_everything(27, speaker, wf_editor)
    assert _list_queries(client) == few


def test_the_list_shows_speaker_outlet_status_rating_assignee_and_score(client, wf_editor, speaker):
    _claims_with_everything(1, speaker, wf_editor)
    client.force_login(wf_editor)
    page = client.get(LIST).content.decode()
    for expected in ("Jane Doe", "Daily Planet", "Published", "fc-rating", "wf_editor", "0.50", "Claim number 0"):
        assert expected in page


def test_the_list_filters_by_status_and_score_and_searches_speakers(client, wf_editor, speaker):
    client.force_login(wf_editor)
    ClaimFactory(content="Low score claim here.", score=0.1)
    ClaimFactory(content="High score triaged claim.", score=0.9, status=S.TRIAGED)
    ClaimFactory(content="Said by the minister.", speaker=speaker)
    page = client.get(LIST, {"status__exact": "triaged"}).content.decode()
    assert "High score triaged claim." in page and "Low score claim here." not in page
    page = client.get(LIST, {"score": "high"}).content.decode()
    assert "High score triaged claim." in page and "Low score claim here." not in page
    page = client.get(LIST, {"q": "Jane"}).content.decode()
    assert "Said by the minister." in page and "High score triaged claim." not in page


TRIAGE = reverse("admin:claims_claim_triage")


@pytest.mark.parametrize("role", ["wf_editor", "wf_reader"])
def test_the_triage_queue_lists_new_claims_most_check_worthy_first(client, request, role):
    # A reader has no bulk actions, so no checkbox column: the position of the score differs.
    client.force_login(request.getfixturevalue(role))
    ClaimFactory(content="Middling claim.", score=0.5)
    ClaimFactory(content="Most worthy claim.", score=0.95)
    ClaimFactory(content="Least worthy claim.", score=0.05)
    ClaimFactory(content="Already triaged claim.", score=0.99, status=S.TRIAGED)
    response = client.get(TRIAGE, follow=True)
    page = response.content.decode()
    assert page.index("Most worthy claim.") < page.index("Middling claim.") < page.index("Least worthy claim.")
    assert "Already triaged claim." not in page


def test_the_triage_queue_stays_sorted_by_score_when_the_columns_change(client, wf_editor, monkeypatch):
    from claims.admin.claims import ClaimAdmin

    monkeypatch.setattr(ClaimAdmin, "list_display", ("score", "status", "statement", "kind"))
    client.force_login(wf_editor)
    ClaimFactory(content="Middling claim.", score=0.5)
    ClaimFactory(content="Most worthy claim.", score=0.95)
    page = client.get(TRIAGE, follow=True).content.decode()
    assert page.index("Most worthy claim.") < page.index("Middling claim.")


def test_the_admin_index_links_the_triage_queue(client, wf_editor):
    client.force_login(wf_editor)
    assert f'href="{TRIAGE}"' in client.get(reverse("admin:index")).content.decode()


# --- bulk actions ---------------------------------------------------------------------------------


def _bulk(client, action: str, claims: list[Claim]):
    return client.post(LIST, {"action": action, "_selected_action": [c.pk for c in claims]}, follow=True)


def test_a_reader_is_offered_no_bulk_action_and_a_forged_one_changes_nothing(client, wf_reader):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(wf_reader)
    page = client.get(LIST).content.decode()
    assert 'name="action"' not in page and "action-select" not in page
    _bulk(client, "triage", claims)
    assert set(Claim.objects.values_list("status", flat=True)) == {S.NEW}


def test_a_researcher_is_offered_only_the_bulk_actions_they_can_run(client, wf_researcher):
    client.force_login(wf_researcher)
    ClaimFactory()
    page = client.get(LIST).content.decode()
    for offered in ('value="triage"', 'value="dismiss"', 'value="assign_to_me"', 'value="move_on"'):
        assert offered in page
    assert set(Claim.objects.values_list("status", flat=True)) == {S.NEW}


def test_a_researcher_triages_in_bulk(client, wf_researcher):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(wf_researcher)
    response = _bulk(client, "triage", claims)
    assert "2 claims triaged." in texts(response)
    assert set(Claim.objects.values_list("status", flat=True)) == {S.TRIAGED}
    assert ClaimTransition.objects.filter(actor=wf_researcher).count() == 2


def test_bulk_assign_to_me_and_dismiss(client, wf_researcher):
    one, two = ClaimFactory(), ClaimFactory()
    client.force_login(wf_researcher)
    assert "1 claim assigned to you." in texts(_bulk(client, "assign_to_me", [one]))
    assert "1 claim dismissed." in texts(_bulk(client, "dismiss", [two]))
    one.refresh_from_db(), two.refresh_from_db()
    assert one.assignee == wf_researcher and two.status == S.DISMISSED


def test_move_on_advances_what_it_can_and_explains_the_rest(client, wf_researcher):
    new, triaged, published_one = ClaimFactory(), ClaimFactory(status=S.TRIAGED), ClaimFactory()
    Claim.objects.filter(pk=published_one.pk).update(status=S.PUBLISHED, rating=rating("true"))
    client.force_login(wf_researcher)
    messages = texts(_bulk(client, "move_on", [new, triaged, published_one]))
    assert "2 claims moved on." in messages
    assert any("has no next step" in m for m in messages)
    new.refresh_from_db(), triaged.refresh_from_db()
    assert new.status == S.TRIAGED and triaged.status == S.RESEARCHING and triaged.assignee == wf_researcher


# --- the claim page -------------------------------------------------------------------------------


def test_the_claim_page_shows_the_quote_in_context_similar_claims_and_the_timeline(client, wf_editor,
                                                                                  ready_for_review, wf_researcher):
    earlier = published(ready_for_review, by=wf_editor)
    claim = ClaimFactory(content="Unemployment fell by half in the last two years.")
    workflow.transition(claim=claim, to=S.TRIAGED, user=wf_researcher, note="Repeated at the rally")
    client.force_login(wf_editor)
    page = client.get(change_url(claim)).content.decode()
    assert '<mark class="quote">Unemployment fell by half in the last two years.</mark>' in page
    assert "the finance minister" in page  # the paragraph around it
    assert f'href="{change_url(earlier)}"' in page and ">False<" in page  # the similar claim and its rating
    assert "<strong>Triaged</strong>" in page and "Repeated at the rally" in page  # the timeline
    assert 'value="researching"' in page and "Same claim" in page


def test_a_reader_sees_the_claim_but_no_workflow_buttons(client, wf_reader):
    claim = ClaimFactory()
    client.force_login(wf_reader)
    page = client.get(change_url(claim)).content.decode()
    assert "No workflow actions are available to you" in page
    assert 'name="to"' not in page


def test_an_editor_publishes_from_the_claim_page(client, wf_editor, ready_for_review):
    client.force_login(wf_editor)
    # The form sends back the reviewed rating and conclusion it was filled with.
    response = client.post(workflow_url(ready_for_review), {"to": "published", "rating": rating("false").pk,
                                                            "conclusion": ready_for_review.conclusion, "note": "ok"},
                           follow=True)
    assert "Claim is now published." in texts(response)
    ready_for_review.refresh_from_db()
    assert ready_for_review.status == S.PUBLISHED
    assert ready_for_review.conclusion == "Official statistics show a 10% fall, not a half."


def test_a_refused_transition_shows_the_reason_and_keeps_what_was_typed(client, wf_editor, ready_for_review):
    ready_for_review.evidence.all().delete()
    client.force_login(wf_editor)
    response = client.post(workflow_url(ready_for_review),
                           {"to": "published", "rating": "", "conclusion": "My careful conclusion.", "note": "n"},
                           follow=True)
    # A publisher may not rewrite the reviewed conclusion: refused with the way forward.
    assert any("send the claim back to research" in m for m in texts(response))
    assert "My careful conclusion." in response.content.decode()
    ready_for_review.refresh_from_db()
    assert ready_for_review.status == S.IN_REVIEW


def test_a_reader_posting_a_transition_is_refused_on_the_server(client, wf_reader):
    claim = ClaimFactory()
    client.force_login(wf_reader)
    response = client.post(workflow_url(claim), {"to": "triaged"}, follow=True)
    assert any("permission to triage" in m for m in texts(response))
    claim.refresh_from_db()
    assert claim.status == S.NEW


def test_the_claim_page_proposes_ratings_and_assigns(client, wf_researcher):
    claim = ClaimFactory(status=S.TRIAGED)
    client.force_login(wf_researcher)
    client.post(workflow_url(claim), {"assign": "me"})
    client.post(workflow_url(claim), {"propose": "1", "rating": rating("mostly-true").pk})
    claim.refresh_from_db()
    assert claim.assignee == wf_researcher and claim.proposed_rating.slug == "mostly-true"


def test_an_editor_confirms_the_same_claim_from_the_page(client, wf_editor):
    earlier, later = ClaimFactory(), ClaimFactory()
    client.force_login(wf_editor)
    response = client.post(reverse("admin:claims_claim_same_as", args=[later.pk]), {"earlier": earlier.pk}, follow=True)
    assert f"Linked as the same claim as #{earlier.pk}." in texts(response)
    later.refresh_from_db()
    assert later.same_as == earlier


def _inline_post(claim: Claim, *, evidence: dict | None = None, note: str = "") -> dict:
    data = {
        "speaker": claim.speaker_id or "",
        "evidence-TOTAL_FORMS": "1" if evidence else "0", "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0", "evidence-MAX_NUM_FORMS": "1000",
        "notes-TOTAL_FORMS": "1" if note else "0", "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0", "notes-MAX_NUM_FORMS": "1000",
    }
    for key, value in (evidence or {}).items():
        data[f"evidence-0-{key}"] = value
    if note:
        data["notes-0-body"] = note
    return data


def test_evidence_and_notes_added_inline_go_through_the_services(client, wf_researcher, speaker):
    claim = ClaimFactory(status=S.RESEARCHING, speaker=speaker)
    client.force_login(wf_researcher)
    response = client.post(change_url(claim), _inline_post(claim, evidence={
        "url": "https://ons.gov.uk/table", "title": "Table", "publisher": "ONS", "stance": "contradicts",
        "type": "official", "independence_group": "ONS"}, note="Phoned the ONS press office."))
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.added_by == wf_researcher and evidence.publisher == "ONS"
    assert Note.objects.get(claim=claim).author == wf_researcher


def test_bad_inline_evidence_is_shown_as_an_error_and_nothing_is_saved(client, wf_researcher, speaker):
    claim = ClaimFactory(status=S.RESEARCHING, speaker=speaker)
    client.force_login(wf_researcher)
    response = client.post(change_url(claim), _inline_post(claim, evidence={
        "url": "ftp://files.example/table", "stance": "context", "type": "secondary"}, note="keep me"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid URL" in page or "not a valid http" in page
    assert "keep me" in page  # what was typed comes back
    assert not Evidence.objects.exists() and not Note.objects.exists()


def test_a_researcher_cannot_change_evidence_of_a_published_fact_check(client, wf_editor, wf_researcher2,
                                                                      ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    add_sources(claim, "")
    client.force_login(wf_researcher2)
    # No editable evidence field is offered where it could not be saved...
    page = client.get(change_url(claim)).content.decode()
    assert 'name="evidence-0-url"' not in page and 'name="evidence-1-url"' not in page
    # ...and a forged post saves nothing.
    client.post(change_url(claim), _inline_post(claim, evidence={
        "url": "https://example.org/sneaky", "stance": "context", "type": "secondary"}))
    assert not Evidence.objects.filter(url="https://example.org/sneaky").exists()


# --- a claim reads as a sentence with its stance (issue 14 §3, issue 16 §5) ---------------------------


def _denial() -> Claim:
    text = "Pyongyang and Moscow have denied those claims, the agency said."
    return ClaimFactory(content="those claims", article=ArticleFactory(text=text),
                        speaker_mention="Pyongyang and Moscow", cue="denied", stance=Claim.Stance.DENIES)


def test_a_denial_reads_as_a_denial_in_the_list_and_on_the_claim_page(client, wf_editor):
    client.force_login(wf_editor)
    claim = _denial()
    sentence = ('<span class="fc-speaker">Pyongyang and Moscow</span> '
                '<em class="fc-cue fc-stance-denies" title="stance: denies">denied</em>: '
                '<span class="fc-content">“those claims”</span>')
    assert sentence in client.get(LIST).content.decode()
    page = client.get(change_url(claim)).content.decode()
    assert sentence in page
    assert "<h2>Pyongyang and Moscow denied: “those claims”</h2>" in page  # the page's own heading too


def test_a_question_is_marked_as_a_question_in_the_list(client, wf_editor):
    client.force_login(wf_editor)
    ClaimFactory(content="Will the bridge be finished by 2029?", cue="asked", stance=Claim.Stance.ASKS,
               is_question=True, speaker_mention="A reporter")
    ClaimFactory(content="The bridge will open in 2029.", speaker_mention="The mayor", cue="said")
    page = client.get(LIST).content.decode()
    assert '<em class="fc-cue fc-stance-asks" title="stance: asks">asked</em>' in page
    assert '<span class="fc-question">question</span>' in page
    page = client.get(LIST, {"question": "yes"}).content.decode()
    assert "Will the bridge be finished by 2029?" in page and "The bridge will open in 2029." not in page


def test_the_list_filters_by_stance(client, wf_editor):
    client.force_login(wf_editor)
    _denial()
    ClaimFactory(content="Unemployment fell by half.", speaker_mention="Jane Doe", cue="said")
    page = client.get(LIST, {"stance__exact": "denies"}).content.decode()
    assert "those claims" in page and "Unemployment fell by half." not in page
    assert "stance__exact=accuses" in client.get(LIST).content.decode()  # the filter offers every stance


def test_list_rows_show_the_article_title_outlet_and_date(client, wf_editor):
    from datetime import datetime

    client.force_login(wf_editor)
    article = ArticleFactory(text="Jane Doe said taxes rose.", title="Budget day",
                           outlet=Outlet.objects.create(name="Coastline News"),
                           published_at=datetime(2026, 3, 3, 12, tzinfo=UTC))
    ClaimFactory(content="taxes rose", article=article, score=0.19999999999999998)
    page = client.get(LIST).content.decode()
    assert (
        '<span class="fc-article-title">Budget day</span><br>'
        '<span class="fc-article-meta">Coastline News · 3 Mar 2026</span>'
        in page
    )
    assert "0.20" in page and "0.19999" not in page


# --- nothing typed is lost; refusals say why (issue 16 §4, §6, reject with a reason) --------------------


def test_proposing_a_rating_keeps_the_typed_conclusion_for_submit_for_review(client, wf_researcher, speaker):
    claim = ClaimFactory(speaker=speaker, status=S.RESEARCHING, assignee=wf_researcher, researcher=wf_researcher)
    add_sources(claim, "")
    client.force_login(wf_researcher)
    typed = {"rating": str(rating("false").pk), "conclusion": "The survey shows a 10% fall.", "note": ""}
    client.post(workflow_url(claim), {**typed, "propose": "1"})
    page = client.get(change_url(claim)).content.decode()
    assert "The survey shows a 10% fall.</textarea>" in page
    # The form as the browser now sends it: the kept conclusion goes with "Submit for review".
    response = client.post(workflow_url(claim), {**typed, "to": S.IN_REVIEW}, follow=True)
    assert "Claim is now in review." in texts(response)
    claim.refresh_from_db()
    assert (claim.status, claim.conclusion) == (S.IN_REVIEW, "The survey shows a 10% fall.")


def test_an_old_draft_never_overwrites_what_the_claim_became_since(client, wf_researcher, speaker):
    from claims.models import Claim as C

    claim = ClaimFactory(speaker=speaker, status=S.RESEARCHING, assignee=wf_researcher, researcher=wf_researcher)
    client.force_login(wf_researcher)
    client.post(workflow_url(claim), {"rating": str(rating("false").pk), "conclusion": "Draft one", "propose": "1"})
    # someone else's work changes the claim afterwards
    C.objects.filter(pk=claim.pk).update(conclusion="Final reviewed words", updated_at=timezone.now())
    page = client.get(change_url(claim)).content.decode()
    assert "Draft one" not in page
    assert "Final reviewed words</textarea>" in page


def test_assigning_keeps_a_typed_note_in_the_form(client, wf_editor, speaker):
    claim = ClaimFactory(speaker=speaker, status=S.TRIAGED)
    client.force_login(wf_editor)
    client.post(workflow_url(claim), {"assign": "me", "note": "Check the 2024 table first."})
    assert "Check the 2024 table first.</textarea>" in client.get(change_url(claim)).content.decode()


def test_a_researcher_sees_why_they_may_not_publish_their_own_research(client, wf_editor, ready_for_review):
    from claims.models import Claim as C

    C.objects.filter(pk=ready_for_review.pk).update(researcher=wf_editor, assignee=wf_editor)
    client.force_login(wf_editor)
    page = client.get(change_url(ready_for_review)).content.decode()
    assert 'value="published"' not in page  # no button that would only be refused
    assert "<strong>Publish</strong> is not yours to do here: Four-eyes rule: you" in page
    assert "another editor must publish it" in page


def test_a_claim_sent_back_shows_the_editors_reason_at_the_top(client, wf_editor2, wf_researcher, ready_for_review):
    workflow.transition(claim=ready_for_review, to=S.RESEARCHING, user=wf_editor2, note="Cite the 2024 table.")
    client.force_login(wf_researcher)
    page = client.get(change_url(ready_for_review)).content.decode()
    assert 'id="fc-sent-back"' in page and "Sent back by wf_editor2" in page and "Cite the 2024 table." in page


def test_sending_back_without_a_reason_is_refused_with_the_form_intact(client, wf_editor2, ready_for_review):
    client.force_login(wf_editor2)
    response = client.post(
        workflow_url(ready_for_review),
        {"to": S.RESEARCHING, "note": "", "conclusion": ready_for_review.conclusion},
        follow=True,
    )
    assert any("Add a note: what is missing." in m for m in texts(response))
    ready_for_review.refresh_from_db()
    assert ready_for_review.status == S.IN_REVIEW


def test_the_claim_page_loads_its_script_from_a_static_file_only(client, wf_editor, speaker):
    client.force_login(wf_editor)
    page = client.get(change_url(ClaimFactory(speaker=speaker))).content.decode()
    assert "claims/claims_admin.js" in page
    panels = page.split('id="fc-context"')[1].split('id="fc-timeline"')[0]
    assert "<script" not in panels


@pytest.mark.parametrize(
    ("colour", "ink"),
    [
        ("#c62828", "#ffffff"),
        ("#d4a017", "#1a1a1a"),
        ("#e07b1a", "#1a1a1a"),
        ("#1a7f37", "#ffffff"),
        ("not a colour", "#ffffff"),
    ],
)
def test_a_rating_label_is_written_in_the_more_readable_ink_for_its_colour(colour, ink):
    from claims.selectors.wording import ink_for

    assert ink_for(colour) == ink


def test_the_claim_screens_carry_no_inline_style_or_script_for_a_strict_csp(client, wf_editor, ready_for_review):
    # Rating colours travel in data attributes and static/claims/colours.js paints them.
    client.force_login(wf_editor)
    for url in (
        LIST,
        change_url(ready_for_review),
        reverse("admin:claims_dashboard"),
        reverse("admin:claims_speaker_change", args=[ready_for_review.speaker_id]),
    ):
        page = client.get(url).content.decode()
        assert 'style="' not in page, url
        assert "<script>" not in page and "onclick=" not in page, url
