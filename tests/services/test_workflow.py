"""The workflow rules, one test per rule: who may do what, and what a claim needs to move on."""
from __future__ import annotations

import pytest

from claims.models import Claim, ClaimTransition, Evidence, Note, Rating, Speaker, SpeakerAlias
from claims.services import workflow
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed
from tests.factories import ClaimFactory, add_sources, published, rating

S = Claim.Status
pytestmark = pytest.mark.django_db


# --- triage ---------------------------------------------------------------------------------------


def test_a_researcher_triages_a_new_claim_and_the_move_is_recorded(wf_researcher):
    claim = ClaimFactory()
    claim = workflow.transition(claim=claim, to=S.TRIAGED, user=wf_researcher, note="worth a look")
    assert claim.status == S.TRIAGED
    row = ClaimTransition.objects.get(claim=claim)
    assert (row.from_status, row.to_status, row.actor, row.note) == ("new", "triaged", wf_researcher, "worth a look")
    last = claim.history.latest()
    assert last.history_user == wf_researcher and last.status == "triaged"


def test_a_reader_cannot_triage(wf_reader):
    claim = ClaimFactory()
    with pytest.raises(NotAllowed, match="permission to triage"):
        workflow.transition(claim=claim, to=S.TRIAGED, user=wf_reader)
    claim.refresh_from_db()
    assert claim.status == S.NEW and not ClaimTransition.objects.exists()


def test_a_new_claim_cannot_jump_to_published_and_the_error_lists_the_ways_out(wf_editor):
    claim = ClaimFactory()
    with pytest.raises(InvalidTransition) as exc:
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)
    assert "triaged" in exc.value.message and "dismissed" in exc.value.message


def test_an_unknown_status_is_refused_as_bad_input(wf_editor):
    with pytest.raises(InvalidInput, match="not a claim status"):
        workflow.transition(claim=ClaimFactory(), to="approved", user=wf_editor)


def test_a_dismissed_claim_is_reopened_only_with_a_reason(wf_researcher):
    claim = ClaimFactory(status=S.DISMISSED)
    with pytest.raises(InvalidInput, match="Add a note"):
        workflow.transition(claim=claim, to=S.NEW, user=wf_researcher)
    claim = workflow.transition(claim=claim, to=S.NEW, user=wf_researcher, note="the minister repeated it")
    assert claim.status == S.NEW


# --- research -------------------------------------------------------------------------------------


def test_starting_research_without_an_assignee_assigns_the_researcher_who_starts(wf_researcher):
    claim = ClaimFactory(status=S.TRIAGED)
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_researcher)
    assert claim.assignee == wf_researcher and claim.researcher == wf_researcher


def test_a_researcher_cannot_hand_research_to_someone_else(wf_researcher, wf_researcher2):
    claim = ClaimFactory(status=S.TRIAGED)
    with pytest.raises(NotAllowed, match="Only an editor"):
        workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_researcher, assignee=wf_researcher2)


def test_an_editor_starts_research_with_a_researcher_as_assignee(wf_editor, wf_researcher):
    claim = ClaimFactory(status=S.TRIAGED)
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_editor, assignee=wf_researcher)
    assert claim.assignee == wf_researcher


def test_research_cannot_be_assigned_to_a_reader(wf_editor, wf_reader):
    claim = ClaimFactory(status=S.TRIAGED)
    with pytest.raises(InvalidInput, match="cannot research"):
        workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_editor, assignee=wf_reader)


def test_submitting_for_review_needs_a_proposed_rating_and_a_conclusion(wf_researcher):
    claim = ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher, researcher=wf_researcher)
    with pytest.raises(InvalidInput, match="Choose a rating"):
        workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher)
    with pytest.raises(InvalidInput, match="conclusion"):
        workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher, rating=rating("false"))
    claim = workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher, rating=rating("false"),
                                conclusion="The figure is 10%.")
    assert claim.status == S.IN_REVIEW and claim.proposed_rating.slug == "false" and claim.rating is None


def test_only_the_assignee_or_an_editor_submits_research_for_review(wf_researcher, wf_researcher2, wf_editor):
    claim = ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher, researcher=wf_researcher,
                       proposed_rating=rating("true"), conclusion="Checks out.")
    with pytest.raises(NotAllowed, match="Only the assignee"):
        workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher2)
    assert workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_editor).status == S.IN_REVIEW


def test_an_editor_sends_a_claim_back_to_research_only_with_a_note(wf_editor, ready_for_review):
    with pytest.raises(InvalidInput, match="what is missing"):
        workflow.transition(claim=ready_for_review, to=S.RESEARCHING, user=wf_editor)
    claim = workflow.transition(claim=ready_for_review, to=S.RESEARCHING, user=wf_editor, note="Need the ONS table.")
    assert claim.status == S.RESEARCHING


# --- publishing -----------------------------------------------------------------------------------


def test_an_editor_publishes_a_reviewed_claim_with_its_proposed_rating(wf_editor, ready_for_review):
    claim = workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor, note="Approved")
    assert claim.status == S.PUBLISHED
    assert claim.rating.slug == "false" and claim.published_at is not None
    assert list(claim.transitions.values_list("to_status", "actor__username")) == [("published", "wf_editor")]


def test_a_researcher_cannot_publish(wf_researcher2, ready_for_review):
    with pytest.raises(NotAllowed, match="permission to publish"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_researcher2)


def test_four_eyes_stops_an_editor_publishing_their_own_research(wf_editor, ready_for_review, settings):
    Claim.objects.filter(pk=ready_for_review.pk).update(researcher=wf_editor, assignee=wf_editor)
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)
    settings.FACTCHECK_FOUR_EYES = False
    assert workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor).status == S.PUBLISHED


def test_publishing_without_evidence_is_refused(wf_editor, ready_for_review):
    ready_for_review.evidence.all().delete()
    with pytest.raises(InvalidTransition, match="at least 1 evidence item; this claim has 0"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)


def test_the_minimum_number_of_sources_is_a_setting(wf_editor, ready_for_review, settings):
    settings.FACTCHECK_EVIDENCE_MIN_SOURCES = 2
    with pytest.raises(InvalidTransition, match="at least 2 evidence items; this claim has 1"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)
    add_sources(ready_for_review, "")
    assert workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor).status == S.PUBLISHED


def test_two_sources_from_one_independence_group_count_as_one(wf_editor, ready_for_review, settings):
    settings.FACTCHECK_REQUIRE_INDEPENDENT_SOURCES = True
    ready_for_review.evidence.update(independence_group="Government press release")
    add_sources(ready_for_review, "government press release ")
    with pytest.raises(InvalidTransition, match="at least 2 independent sources; this claim has 1"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)
    add_sources(ready_for_review, "")  # a blank group is a source of its own
    assert workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor).status == S.PUBLISHED


def test_publishing_needs_a_speaker(wf_editor, ready_for_review):
    Claim.objects.filter(pk=ready_for_review.pk).update(speaker=None)
    with pytest.raises(InvalidTransition, match="needs a speaker"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)


def test_publishing_needs_a_conclusion(wf_editor, ready_for_review):
    with pytest.raises(InvalidInput, match="conclusion"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor, conclusion="   ")


def test_a_retired_rating_cannot_be_published(wf_editor, wf_admin, wf_researcher, ready_for_review):
    workflow.retire_rating(rating=rating("false"), user=wf_admin)
    with pytest.raises(InvalidInput, match="retired"):
        workflow.transition(claim=ready_for_review, to=S.PUBLISHED, user=wf_editor)
    # A different label is a different verdict: back to research, where the researcher proposes it.
    claim = workflow.transition(claim=ready_for_review, to=S.RESEARCHING, user=wf_editor, note="'False' was retired")
    claim = workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher, rating=rating("mostly-false"))
    claim = workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)
    assert claim.rating.slug == "mostly-false"


# --- published claims: rating locked, corrections ---------------------------------------------------


def test_a_published_rating_cannot_be_changed_by_proposing_a_new_one(wf_editor, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    with pytest.raises(InvalidTransition, match="only through a correction"):
        workflow.propose_rating(claim=claim, rating=rating("true"), user=wf_editor)
    claim.refresh_from_db()
    assert claim.rating.slug == "false"


def test_a_rating_is_refused_on_moves_that_do_not_set_one(wf_researcher):
    with pytest.raises(InvalidInput, match="rating can only be given"):
        workflow.transition(claim=ClaimFactory(), to=S.TRIAGED, user=wf_researcher, rating=rating("true"))


def test_a_correction_changes_the_rating_and_keeps_the_note(wf_editor, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    with pytest.raises(InvalidInput, match="correction note"):
        workflow.transition(claim=claim, to=S.CORRECTED, user=wf_editor, rating=rating("half-true"))
    claim = workflow.transition(claim=claim, to=S.CORRECTED, user=wf_editor, rating=rating("half-true"),
                                note="The fall was 45%, not 10%.")
    assert claim.status == S.CORRECTED and claim.rating.slug == "half-true"
    assert claim.correction_note == "The fall was 45%, not 10%." and claim.corrected_at is not None
    ratings_in_history = [h.rating_id for h in claim.history.order_by("history_date", "history_id")]
    assert rating("false").pk in ratings_in_history and ratings_in_history[-1] == rating("half-true").pk


def test_a_corrected_claim_can_be_corrected_again_but_not_by_a_researcher(wf_editor, wf_researcher, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    claim = workflow.transition(claim=claim, to=S.CORRECTED, user=wf_editor, note="Typo in the figure.")
    with pytest.raises(NotAllowed):
        workflow.transition(claim=claim, to=S.CORRECTED, user=wf_researcher, note="Another fix.")
    claim = workflow.transition(claim=claim, to=S.CORRECTED, user=wf_editor, note="Another fix.")
    assert claim.correction_note == "Another fix."


def test_a_correction_may_keep_a_label_retired_since_publication(wf_editor, wf_admin, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    workflow.retire_rating(rating=rating("false"), user=wf_admin)
    claim = workflow.transition(claim=claim, to=S.CORRECTED, user=wf_editor, note="Added context.")
    assert claim.rating.slug == "false" and claim.rating.retired


# --- buttons --------------------------------------------------------------------------------------


def test_available_transitions_follow_the_users_role(wf_reader, wf_researcher, wf_editor):
    new = ClaimFactory()
    assert workflow.available_transitions(claim=new, user=wf_reader) == []
    assert workflow.available_transitions(claim=new, user=wf_researcher) == ["triaged", "dismissed"]
    review = ClaimFactory(status=S.IN_REVIEW, assignee=wf_researcher, researcher=wf_researcher)
    assert workflow.available_transitions(claim=review, user=wf_researcher) == []
    assert workflow.available_transitions(claim=review, user=wf_editor) == ["researching", "published"]


def test_the_publish_button_is_not_offered_to_the_editor_who_did_the_research(wf_editor):
    review = ClaimFactory(status=S.IN_REVIEW, assignee=wf_editor, researcher=wf_editor)
    assert "published" not in workflow.available_transitions(claim=review, user=wf_editor)


# --- assign, propose ------------------------------------------------------------------------------


def test_a_researcher_may_take_a_claim_but_not_give_it_away(wf_researcher, wf_researcher2):
    claim = ClaimFactory(status=S.TRIAGED)
    assert workflow.assign(claim=claim, assignee=wf_researcher, user=wf_researcher).assignee == wf_researcher
    with pytest.raises(NotAllowed):
        workflow.assign(claim=claim, assignee=wf_researcher2, user=wf_researcher)


def test_an_editor_reassigns_research_and_the_researcher_follows(wf_editor, wf_researcher, wf_researcher2):
    claim = ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher, researcher=wf_researcher)
    claim = workflow.assign(claim=claim, assignee=wf_researcher2, user=wf_editor)
    assert claim.assignee == wf_researcher2 and claim.researcher == wf_researcher2
    with pytest.raises(InvalidInput, match="needs an assignee"):
        workflow.assign(claim=claim, assignee=None, user=wf_editor)


def test_published_claims_cannot_be_assigned(wf_editor, wf_researcher, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    with pytest.raises(InvalidTransition):
        workflow.assign(claim=claim, assignee=wf_researcher, user=wf_editor)


def test_proposing_a_rating_needs_research_rights_and_a_current_label(wf_reader, wf_researcher, wf_admin):
    claim = ClaimFactory(status=S.RESEARCHING, assignee=wf_researcher)
    with pytest.raises(NotAllowed):
        workflow.propose_rating(claim=claim, rating=rating("true"), user=wf_reader)
    workflow.retire_rating(rating=rating("pants-on-fire"), user=wf_admin)
    with pytest.raises(InvalidInput, match="retired"):
        workflow.propose_rating(claim=claim, rating=rating("pants-on-fire"), user=wf_researcher)
    assert (
        workflow.propose_rating(claim=claim, rating=rating("true"), user=wf_researcher).proposed_rating.slug == "true"
    )


# --- evidence and notes ---------------------------------------------------------------------------


def test_evidence_is_added_with_all_its_fields(wf_researcher):
    claim = ClaimFactory(status=S.RESEARCHING)
    item = workflow.add_evidence(
        claim=claim,
        user=wf_researcher,
        url="https://ons.gov.uk/t1",
        title="Table 1",
        publisher="ONS",
        excerpt="fell 10%",
        stance="contradicts",
        type="official",
        independence_group="ONS",
    )
    assert (item.publisher, item.stance, item.type, item.added_by) == ("ONS", "contradicts", "official", wf_researcher)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "javascript:alert(1)"}, "not a valid http"),
        ({"url": ""}, "needs the URL"),
        ({"url": "https://ok.example/", "stance": "maybe"}, "Stance must be"),
        ({"url": "https://ok.example/", "colour": "red"}, "Unknown evidence field"),
    ],
)
def test_bad_evidence_is_refused_with_a_reason(wf_researcher, fields, message):
    claim = ClaimFactory(status=S.RESEARCHING)
    with pytest.raises(InvalidInput, match=message):
        workflow.add_evidence(claim=claim, user=wf_researcher, **fields)
    assert not Evidence.objects.exists()


def test_the_same_source_url_is_not_added_twice(wf_researcher):
    claim = ClaimFactory(status=S.RESEARCHING)
    workflow.add_evidence(claim=claim, user=wf_researcher, url="https://ons.gov.uk/t1")
    with pytest.raises(InvalidInput, match="already has evidence"):
        workflow.add_evidence(claim=claim, user=wf_researcher, url="https://ons.gov.uk/t1")


def test_evidence_on_a_published_fact_check_changes_only_with_correction_rights(
    wf_editor, ready_for_review, wf_researcher2
):
    claim = published(ready_for_review, by=wf_editor)
    with pytest.raises(NotAllowed, match="only an editor correcting"):
        workflow.add_evidence(claim=claim, user=wf_researcher2, url="https://example.org/new")
    assert workflow.add_evidence(claim=claim, user=wf_editor, url="https://example.org/new").pk


def test_readers_cannot_add_evidence_or_notes(wf_reader):
    claim = ClaimFactory()
    with pytest.raises(NotAllowed):
        workflow.add_evidence(claim=claim, user=wf_reader, url="https://example.org/")
    with pytest.raises(NotAllowed):
        workflow.add_note(claim=claim, user=wf_reader, body="hm")


def test_an_empty_note_is_refused_and_a_real_one_is_kept(wf_researcher):
    claim = ClaimFactory()
    with pytest.raises(InvalidInput, match="empty"):
        workflow.add_note(claim=claim, user=wf_researcher, body="  ")
    note = workflow.add_note(claim=claim, user=wf_researcher, body="Called the ministry.")
    assert Note.objects.get() == note and note.author == wf_researcher


# --- same claim, speakers, ratings ----------------------------------------------------------------


def test_an_editor_links_a_repeat_to_the_earlier_claim_and_chains_are_flattened(wf_editor):
    first, second, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    workflow.confirm_same_claim(claim=second, earlier=first, user=wf_editor)
    third = workflow.confirm_same_claim(claim=third, earlier=second, user=wf_editor)
    assert third.same_as == first


def test_same_claim_links_are_refused_for_researchers_self_links_and_later_claims(wf_editor, wf_researcher):
    first, second = ClaimFactory(), ClaimFactory()
    with pytest.raises(NotAllowed):
        workflow.confirm_same_claim(claim=second, earlier=first, user=wf_researcher)
    with pytest.raises(InvalidInput, match="itself"):
        workflow.confirm_same_claim(claim=first, earlier=first, user=wf_editor)
    with pytest.raises(InvalidInput, match="earlier one"):
        workflow.confirm_same_claim(claim=first, earlier=second, user=wf_editor)


def test_merging_speakers_moves_claims_and_aliases_and_forwards_the_duplicate(wf_editor, speaker):
    duplicate = Speaker.objects.create(name="J. Doe", normalized_name="j. doe", title="")
    SpeakerAlias.objects.create(speaker=duplicate, name="Doe", normalized_name="doe")
    SpeakerAlias.objects.create(speaker=speaker, name="Doe", normalized_name="doe")
    claims = [ClaimFactory(speaker=duplicate), ClaimFactory(speaker=duplicate)]
    target = workflow.merge_speakers(source=duplicate, target=speaker, user=wf_editor)
    assert target == speaker
    assert Claim.objects.filter(pk__in=[c.pk for c in claims], speaker=speaker).count() == 2
    assert sorted(speaker.aliases.values_list("normalized_name", flat=True)) == ["doe", "j. doe"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into == speaker and not duplicate.aliases.exists()


def test_merging_is_refused_for_researchers_and_for_a_speaker_into_itself(wf_editor, wf_researcher, speaker):
    other = Speaker.objects.create(name="John Roe", normalized_name="john roe")
    with pytest.raises(NotAllowed):
        workflow.merge_speakers(source=other, target=speaker, user=wf_researcher)
    with pytest.raises(InvalidInput, match="two different"):
        workflow.merge_speakers(source=speaker, target=speaker, user=wf_editor)


def test_retiring_a_label_keeps_it_on_published_fact_checks(wf_editor, wf_admin, ready_for_review):
    claim = published(ready_for_review, by=wf_editor)
    with pytest.raises(NotAllowed):
        workflow.retire_rating(rating=rating("false"), user=wf_editor)
    workflow.retire_rating(rating=rating("false"), user=wf_admin)
    claim.refresh_from_db()
    assert claim.rating.label == "False" and claim.rating.retired
    assert Rating.objects.filter(slug="false").exists()
