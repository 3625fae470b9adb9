"""Finding 2: four-eyes could be bypassed by one editor, because it compared the publisher with the
editable assignee. It is now decided from who did the research (recorded by the services), and
the publisher publishes the reviewed verdict or sends it back: no swapping it at the last step."""
from __future__ import annotations

import pytest

from claims.models import Claim
from claims.services import workflow
from claims.services.errors import InvalidInput, NotAllowed
from tests.factories import ClaimFactory, rating

S = Claim.Status
pytestmark = pytest.mark.django_db
CONCLUSION = "Official statistics show a 10% fall, not a half."


def _research(claim: Claim, *, by, assignee=None) -> Claim:
    """Triage, start research (naming `assignee`), gather evidence, propose, submit: all as `by`."""
    claim = workflow.transition(claim=claim, to=S.TRIAGED, user=by)
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=by, assignee=assignee)
    workflow.add_evidence(claim=claim, user=by, url=f"https://stats.example/{claim.pk}", title="ONS table")
    workflow.propose_rating(claim=claim, rating=rating("false"), user=by)
    return workflow.transition(claim=claim, to=S.IN_REVIEW, user=by, conclusion=CONCLUSION)


def test_an_editor_who_names_someone_else_as_assignee_cannot_research_and_publish_alone(
    wf_editor, wf_researcher, speaker
):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_editor, assignee=wf_researcher)
    assert claim.assignee == wf_researcher and claim.researcher == wf_researcher
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    assert S.PUBLISHED not in workflow.available_transitions(claim=claim, user=wf_editor)


def test_an_editor_cannot_send_their_research_back_reassign_it_and_then_publish_it(
    wf_editor, wf_editor2, wf_researcher, speaker
):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_editor)
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_editor, note="tidy up")
    claim = workflow.assign(claim=claim, assignee=wf_researcher, user=wf_editor)
    claim = workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher)
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)
    # Another editor, who did none of the work, may.
    assert workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor2).status == S.PUBLISHED


def test_the_four_eyes_bypass_is_refused_through_the_api_too(api, wf_editor, wf_researcher, speaker):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_editor, assignee=wf_researcher)
    response = api(wf_editor).post(f"/api/v1/claims/{claim.pk}/transition/", {"to": "published"}, format="json")
    assert response.status_code == 403, response.content
    assert "Four-eyes" in response.json()["error"]["message"]


def test_an_editor_who_only_assigned_the_research_may_publish_it(wf_editor, wf_researcher, speaker):
    """The control: assigning work is not doing it."""
    claim = workflow.transition(claim=ClaimFactory(speaker=speaker), to=S.TRIAGED, user=wf_editor)
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=wf_editor, assignee=wf_researcher)
    workflow.add_evidence(claim=claim, user=wf_researcher, url="https://stats.example/t1", title="ONS table")
    claim = workflow.transition(claim=claim, to=S.IN_REVIEW, user=wf_researcher, rating=rating("false"),
                                conclusion=CONCLUSION)
    assert workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor).status == S.PUBLISHED


def test_a_publisher_who_added_evidence_during_review_may_not_publish(wf_editor, wf_researcher, speaker):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_researcher)
    workflow.add_evidence(claim=claim, user=wf_editor, url="https://stats.example/extra", title="Extra")
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)


def test_a_publisher_who_removed_evidence_during_review_may_not_publish(wf_editor, wf_researcher, speaker):
    from claims.services.evidence import remove_evidence

    claim = _research(ClaimFactory(speaker=speaker), by=wf_researcher)
    workflow.add_evidence(claim=claim, user=wf_researcher, url="https://stats.example/second", title="Second")
    remove_evidence(evidence=claim.evidence.get(title="Second"), user=wf_editor)
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)


def test_the_publisher_cannot_replace_the_proposed_rating_at_the_publish_step(wf_editor, wf_researcher, speaker):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_researcher)
    with pytest.raises(InvalidInput, match="send the claim back to research") as refused:
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor, rating=rating("true"))
    assert refused.value.field == "rating"
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW and claim.rating is None and claim.proposed_rating.slug == "false"


def test_the_publisher_cannot_rewrite_the_conclusion_at_the_publish_step(wf_editor, wf_researcher, speaker):
    claim = _research(ClaimFactory(speaker=speaker), by=wf_researcher)
    with pytest.raises(InvalidInput, match="send the claim back to research") as refused:
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor, conclusion="Actually it is true.")
    assert refused.value.field == "conclusion"
    # Sending the reviewed words back unchanged (as the admin form does, CRLF and all) is fine.
    published = workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor,
                                    rating=rating("false"), conclusion=CONCLUSION.replace(" ", "\r\n", 1))
    assert published.status == S.PUBLISHED and published.conclusion == CONCLUSION
