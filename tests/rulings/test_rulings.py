"""One ruling, reused (docs/monitoring.md): new claims linked to a rated one by fingerprint or by
similarity above the editors' threshold, the one-click ruling under four-eyes, every appearance on
the fact-check page and in ClaimReview, the appearance numbers triage sorts by, and trimming."""
from __future__ import annotations

import json

import pytest
from django.test import TestCase
from django.urls import reverse

from claims.models import Claim, Evidence, RulingSettings
from claims.public.claimreview import build_claimreview
from claims.selectors.rulings import checked_text, seen_count
from claims.services import rulings, workflow
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed
from tests.factories import rating
from tests.rulings.conftest import article, claim_in, said

S = Claim.Status
REWORDED = "Unemployment fell by half in just two years."


def _reviewed(claim: Claim) -> Claim:
    return Claim.objects.select_related("rating__scale", "article__outlet", "speaker").get(pk=claim.pk)


# --- linking on detection --------------------------------------------------------------------------


def test_a_new_claim_with_the_same_words_is_linked_to_the_ruling_as_another_appearance(published, outlets, speakers):
    repeat = claim_in(article(text=said("UNEMPLOYMENT fell by half, in two years!", "Ana Souza"), outlet=outlets[1]),
                      "UNEMPLOYMENT fell by half, in two years!", speaker=speakers[1])
    assert rulings.link_new_claims(claim_ids=[repeat.pk]) == 1
    repeat.refresh_from_db()
    assert (repeat.same_as_id, repeat.same_as_method, repeat.same_as_score) == (published.pk, "fingerprint", None)
    published.refresh_from_db()
    for claim in (repeat, published):
        assert (claim.appearances, claim.appearance_speakers, claim.appearance_outlets) == (2, 2, 2)
    # Announcing the article again changes nothing.
    assert rulings.link_new_claims(claim_ids=[repeat.pk]) == 0


def test_a_reworded_claim_is_linked_by_similarity_only_above_the_editors_threshold(published, outlets, wf_editor):
    art = article(text=said(REWORDED), outlet=outlets[1])
    low = rulings.update_ruling_settings(user=wf_editor, similarity_threshold=0.95)
    assert low.similarity_threshold == 0.95
    reworded = claim_in(art, REWORDED)
    assert rulings.link_new_claims(claim_ids=[reworded.pk]) == 0
    rulings.update_ruling_settings(user=wf_editor, similarity_threshold=0.6)
    assert rulings.link_new_claims(claim_ids=[reworded.pk]) == 1
    reworded.refresh_from_db()
    assert reworded.same_as_id == published.pk and reworded.same_as_method == "similarity"
    assert 0.6 <= reworded.same_as_score < 1


def test_the_threshold_is_the_editors_to_set_and_kept_in_range(wf_researcher, wf_editor):
    with pytest.raises(NotAllowed):
        rulings.update_ruling_settings(user=wf_researcher, similarity_threshold=0.5)
    for bad in (0.1, 1.5, "lots", None, True):
        with pytest.raises(InvalidInput):
            rulings.update_ruling_settings(user=wf_editor, similarity_threshold=bad)
    assert RulingSettings.objects.count() == 0  # nothing half-saved


def test_similar_wording_never_links_to_an_unrated_claim(outlets, speakers):
    first = claim_in(article(text=said("Unemployment fell by half in two years."), outlet=outlets[0]),
                     "Unemployment fell by half in two years.")
    second = claim_in(article(text=said(REWORDED), outlet=outlets[1]), REWORDED)
    rulings.link_new_claims(claim_ids=[first.pk, second.pk])
    second.refresh_from_db()
    assert second.same_as_id is None


def test_linking_is_part_of_processing_an_article(published, settings):
    from claims.services.articles import submit_article

    text = ('The campaign reached the coast on Monday.\n\n"Unemployment fell by half in two years," '
            'Ana Souza told supporters in the port town.\n')
    with TestCase.captureOnCommitCallbacks(execute=True):
        article_row = submit_article(text=text, title="Souza on the coast").article
    repeat = Claim.objects.get(article=article_row)
    assert repeat.same_as_id == published.pk and repeat.same_as_method == "fingerprint"


# --- the one-click ruling, under four-eyes -------------------------------------------------------------


@pytest.fixture
def repeat(published, outlets, speakers) -> Claim:
    claim = claim_in(article(text=said(REWORDED, "Tom Reed"), outlet=outlets[2], day=25), REWORDED, speaker=speakers[2])
    Claim.objects.filter(pk=claim.pk).update(same_as=published, same_as_method="similarity", same_as_score=0.8)
    rulings.refresh_appearance_counts(root_ids=[published.pk])
    claim.refresh_from_db()
    return claim


def test_applying_the_ruling_puts_the_claim_in_review_with_its_verdict_and_evidence(repeat, published, wf_editor,
                                                                                   wf_editor2):
    claim = rulings.apply_ruling(claim=repeat, user=wf_editor)
    assert claim.status == S.IN_REVIEW
    assert claim.proposed_rating == published.rating and claim.conclusion == published.conclusion
    assert sorted(Evidence.objects.filter(claim=claim).values_list("url", flat=True)) == sorted(
        published.evidence.values_list("url", flat=True))
    # Four-eyes as usual: whoever applied it may not publish it; another editor does.
    with pytest.raises(NotAllowed, match="Four-eyes"):
        workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor)
    claim = workflow.transition(claim=claim, to=S.PUBLISHED, user=wf_editor2)
    assert claim.status == S.PUBLISHED and claim.rating == published.rating and claim.conclusion == published.conclusion
    titles = [t.note for t in claim.transitions.all()]
    assert titles[0] == f"Applies the ruling of fact check #{published.pk} (False)."


def test_a_ruling_is_applied_only_to_a_linked_open_claim_by_someone_who_may(repeat, published, outlets, wf_reader,
                                                                            wf_editor):
    with pytest.raises(NotAllowed):
        rulings.apply_ruling(claim=repeat, user=wf_reader)
    repeat.refresh_from_db()
    assert repeat.status == S.NEW and not repeat.evidence.exists()  # all or nothing
    lone = claim_in(article(text=said("Taxes rose twice."), outlet=outlets[0]), "Taxes rose twice.")
    with pytest.raises(InvalidInput, match="not linked"):
        rulings.apply_ruling(claim=lone, user=wf_editor)
    with pytest.raises(InvalidTransition):
        rulings.apply_ruling(claim=published, user=wf_editor)


def test_every_appearance_is_on_the_fact_check_page_and_in_its_claimreview(client, repeat, published):
    page = client.get(reverse("public:fact-check", args=[published.pk])).content.decode()
    assert "Where this claim appeared" in page
    for text in ("Jane Doe", "Tom Reed", "Planet Daily", "Evening Star", "10 Nov 2026", "25 Nov 2026"):
        assert text in page
    item = build_claimreview(_reviewed(published))["itemReviewed"]
    assert [(a["publisher"]["name"], a["datePublished"], a["author"]["name"]) for a in item["appearance"]] == [
        ("Planet Daily", "2026-11-10", "Jane Doe"), ("Evening Star", "2026-11-25", "Tom Reed")]
    assert item["firstAppearance"]["datePublished"] == "2026-11-10"


def test_the_admin_applies_the_ruling_in_one_click(client, repeat, wf_editor):
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_claim_change", args=[repeat.pk])).content.decode()
    assert 'id="fc-apply-ruling"' in page and "Another appearance of" in page
    done = client.post(reverse("admin:claims_claim_apply_ruling", args=[repeat.pk]), follow=True).content.decode()
    assert "is applied" in done
    repeat.refresh_from_db()
    assert repeat.status == S.IN_REVIEW


def test_an_editor_unlinks_a_wrong_match(client, repeat, published, wf_editor):
    client.force_login(wf_editor)
    client.post(reverse("admin:claims_claim_unlink_ruling", args=[repeat.pk]))
    repeat.refresh_from_db()
    published.refresh_from_db()
    assert repeat.same_as_id is None and published.appearances == 1 and repeat.appearances == 1


# --- appearance numbers and ordering ---------------------------------------------------------------


def test_the_seen_count_says_how_often_and_by_how_many_speakers(repeat, published):
    seen = seen_count(claim=repeat)
    assert (seen.total, seen.speakers, seen.outlets, seen.recent, seen.recent_speakers) == (2, 2, 2, 2, 2)
    assert str(seen).startswith("repeated 2 times this week by 2 speakers")


@pytest.fixture
def families(outlets, speakers) -> dict[str, Claim]:
    """Three new claims seen 3, 1 and 2 times."""
    roots = {}
    for words, copies in (("Crime doubled in the capital.", 3), ("Bus fares were frozen.", 1),
                          ("Exports rose by a third.", 2)):
        first = claim_in(article(text=said(words), outlet=outlets[0]), words, speaker=speakers[0])
        for i in range(1, copies):
            twin = claim_in(article(text=said(words), outlet=outlets[i]), words, speaker=speakers[i])
            rulings.link_new_claims(claim_ids=[twin.pk])
        roots[words] = first
    return roots


def test_the_api_orders_claims_by_how_often_they_were_seen(client, families, wf_reader):
    client.force_login(wf_reader)
    body = client.get("/api/v1/claims/", {"ordering": "-appearances", "status": "new", "page_size": 3}).json()
    rows = body["results"]
    assert [row["content"] for row in rows] == ["Crime doubled in the capital."] * 3
    assert [row["appearances"] for row in rows] == [3, 3, 3]
    rest = client.get(body["next"]).json()["results"]
    assert [row["content"] for row in rest] == ["Exports rose by a third."] * 2 + ["Bus fares were frozen."]
    seen = client.get(f"/api/v1/claims/{families['Crime doubled in the capital.'].pk}/appearances/").json()
    assert (seen["appearances"], seen["speakers"], seen["this_week"]) == (3, 3, 3)


def test_the_triage_queue_sorts_by_repeats(client, families, wf_editor):
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_claim_triage") + "?by=seen", follow=True).content.decode()
    order = [page.index(words) for words in ("Crime doubled", "Exports rose", "Bus fares")]
    assert order == sorted(order)
    assert "3×<br><span class=\"fc-article-meta\">3 this week<br>3 speakers" in page


# --- trimming to the checkable words -----------------------------------------------------------------


LONG = "As everyone knows, unemployment fell by half in two years, which is a miracle."


@pytest.fixture
def long_claim(outlets, speakers) -> Claim:
    return claim_in(article(text=said(LONG), outlet=outlets[0]), LONG, speaker=speakers[0])


def test_a_trim_keeps_offsets_inside_the_claim_and_snaps_to_whole_words(long_claim, wf_researcher):
    start = long_claim.content_start + LONG.index("employment")  # mid-word: snapped to "unemployment"
    end = long_claim.content_start + LONG.index(", which")
    claim = rulings.trim_claim(claim=long_claim, user=wf_researcher, start=start, end=end)
    assert checked_text(claim) == "unemployment fell by half in two years"
    assert claim.content_start <= claim.check_start < claim.check_end <= claim.content_end
    for bad in ((long_claim.content_start - 5, end), (start, long_claim.content_end + 1), (end, start), (start, start)):
        with pytest.raises(InvalidInput, match="inside the claim"):
            rulings.trim_claim(claim=long_claim, user=wf_researcher, start=bad[0], end=bad[1])
    with pytest.raises(InvalidInput):
        rulings.trim_claim(claim=long_claim, user=wf_researcher, start="3", end=end)


def test_the_database_refuses_a_trim_outside_the_claim(long_claim):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=long_claim.pk).update(check_start=0, check_end=long_claim.content_end + 10)


def test_claimreview_reviews_the_trimmed_words(long_claim, wf_editor, wf_editor2):
    rulings.trim_to_words(claim=long_claim, user=wf_editor, words="unemployment fell by\nhalf in two years")
    Claim.objects.filter(pk=long_claim.pk).update(status=S.PUBLISHED, rating=rating("false"))
    review = build_claimreview(_reviewed(long_claim))
    assert review["claimReviewed"] == "unemployment fell by half in two years"
    with pytest.raises(InvalidTransition):
        rulings.trim_to_words(claim=long_claim, user=wf_editor, words="fell by half")


def test_trimming_is_refused_for_words_not_in_the_claim_and_for_readers(long_claim, wf_researcher, wf_reader):
    with pytest.raises(InvalidInput, match="not in the claim"):
        rulings.trim_to_words(claim=long_claim, user=wf_researcher, words="a miracle of growth")
    with pytest.raises(NotAllowed):
        rulings.trim_to_words(claim=long_claim, user=wf_reader, words="fell by half")


def test_the_admin_and_the_api_trim(client, long_claim, wf_researcher):
    client.force_login(wf_researcher)
    page = client.post(reverse("admin:claims_claim_trim", args=[long_claim.pk]),
                       {"check_words": "fell by half in two years"}, follow=True).content.decode()
    assert "Trimmed" in page and "fell by half in two years</q>" in page
    url = f"/api/v1/claims/{long_claim.pk}/trim/"
    bad = client.post(url, json.dumps({"check_start": 0, "check_end": 5}), content_type="application/json")
    assert bad.status_code == 400 and "inside the claim" in bad.json()["error"]["message"]
    start = long_claim.content_start + LONG.index("unemployment")
    good = client.post(url, json.dumps({"check_start": start, "check_end": start + len("unemployment fell")}),
                       content_type="application/json")
    assert good.status_code == 200 and good.json()["checked_text"] == "unemployment fell"
    cleared = client.post(url, json.dumps({"check_start": None, "check_end": None}), content_type="application/json")
    assert cleared.json()["checked_text"] == LONG


def test_editors_set_the_threshold_in_the_admin_and_others_cannot(client, wf_editor, wf_researcher):
    client.force_login(wf_researcher)
    assert client.get(reverse("admin:claims_rulingsettings_changelist")).status_code == 403
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_rulingsettings_changelist"), follow=True)
    assert page.status_code == 200 and "similarity_threshold" in page.content.decode()
    url = reverse("admin:claims_rulingsettings_change", args=[1])
    refused = client.post(url, {"similarity_threshold": "0.1", "link_by_fingerprint": "on"})
    assert "from 0.3 (loose) to 1" in refused.content.decode()
    client.post(url, {"similarity_threshold": "0.85", "link_by_fingerprint": "on", "link_by_similarity": "on"})
    saved = RulingSettings.objects.get(pk=1)
    assert (saved.similarity_threshold, saved.updated_by) == (0.85, wf_editor)
