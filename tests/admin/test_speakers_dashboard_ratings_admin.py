"""Speakers (aliases, merge, claims per rating), the dashboard, and rating labels (retire, no delete)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Rating, Speaker, SpeakerAlias
from claims.services.rollups import rebuild_rollups
from tests.factories import ClaimFactory, published, rating

pytestmark = pytest.mark.django_db
SPEAKERS = reverse("admin:claims_speaker_changelist")


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_merging_asks_for_the_survivor_then_moves_claims_and_aliases(client, wf_editor, speaker):
    duplicate = Speaker.objects.create(name="J. Doe", normalized_name="j. doe")
    claim = ClaimFactory(speaker=duplicate)
    client.force_login(wf_editor)
    selected = {"action": "merge", "_selected_action": [speaker.pk, duplicate.pk]}
    confirm = client.post(SPEAKERS, selected)
    assert confirm.status_code == 200 and "Choose the speaker that stays" in confirm.content.decode()
    response = client.post(SPEAKERS, {**selected, "target": speaker.pk}, follow=True)
    assert "Merged 1 speaker into Jane Doe." in texts(response)
    claim.refresh_from_db(), duplicate.refresh_from_db()
    assert claim.speaker == speaker and duplicate.merged_into == speaker
    assert SpeakerAlias.objects.filter(speaker=speaker, normalized_name="j. doe").exists()


def test_a_researcher_is_refused_a_merge_with_a_message(client, wf_researcher, speaker):
    other = Speaker.objects.create(name="John Roe", normalized_name="john roe")
    client.force_login(wf_researcher)
    response = client.post(SPEAKERS, {"action": "merge", "_selected_action": [speaker.pk, other.pk],
                                      "target": speaker.pk}, follow=True)
    assert any("Only an editor can merge speakers." in m for m in texts(response))
    other.refresh_from_db()
    assert other.merged_into is None


def test_the_speaker_page_counts_claims_per_rating(client, wf_editor, ready_for_review, speaker):
    published(ready_for_review, by=wf_editor)
    ClaimFactory(speaker=speaker)
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_speaker_change", args=[speaker.pk])).content.decode()
    assert "False</span> 1" in page and "Not rated</span> 1" in page


def test_renaming_a_speaker_to_an_existing_name_is_refused_in_the_form(client, wf_editor, speaker):
    other = Speaker.objects.create(name="John Roe", normalized_name="john roe")
    client.force_login(wf_editor)
    response = client.post(reverse("admin:claims_speaker_change", args=[other.pk]), {
        "name": "JANE DOE", "kind": "person", "title": "",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200 and "merge the two instead" in response.content.decode()


def test_the_dashboard_draws_claims_per_day_and_lists_the_oldest_unresolved(client, wf_reader, speaker):
    old = ClaimFactory(content="The oldest open claim.", speaker=speaker)
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    rebuild_rollups()  # a bulk UPDATE bypasses the roll-ups' receivers; the repair command recounts
    ClaimFactory(content="A newer claim.")
    client.force_login(wf_reader)
    page = client.get(reverse("admin:claims_dashboard")).content.decode()
    assert '<svg class="fc-chart"' in page and page.count('<rect class="bar"') == 30
    assert "The oldest open claim." in page and "Jane Doe" in page
    assert "2 in all" in page


def test_the_admin_index_links_to_the_dashboard(client, wf_reader):
    client.force_login(wf_reader)
    assert reverse("admin:claims_dashboard") in client.get(reverse("admin:index")).content.decode()


def test_the_dashboard_is_for_staff_only(client, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(user)
    response = client.get(reverse("admin:claims_dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_rating_labels_are_retired_not_deleted(client, wf_admin):
    client.force_login(wf_admin)
    label = rating("pants-on-fire")
    changelist = reverse("admin:claims_rating_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "retire", "_selected_action": [label.pk]}, follow=True)
    assert "1 label retired." in texts(response)
    assert Rating.objects.get(pk=label.pk).retired
    assert client.get(reverse("admin:claims_rating_delete", args=[label.pk])).status_code == 403


def test_an_editor_cannot_retire_a_label(client, wf_editor):
    client.force_login(wf_editor)
    label = rating("true")
    response = client.post(reverse("admin:claims_rating_changelist"),
                           {"action": "retire", "_selected_action": [label.pk]}, follow=True)
    assert "Only an administrator can retire rating labels." in texts(response)
    assert not Rating.objects.get(pk=label.pk).retired


# --- the speaker page as a record (issue 16 §9) -------------------------------------------------------


def test_the_speaker_page_lists_the_claims_each_linked_to_its_fact_check(client, wf_editor, ready_for_review, speaker):
    checked = published(ready_for_review, by=wf_editor)
    pending = ClaimFactory(speaker=speaker, content="Exports doubled last year.")
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_speaker_change", args=[speaker.pk])).content.decode()
    assert f'href="{reverse("public:fact-check", kwargs={"claim_id": checked.pk})}"' in page
    assert f'href="{reverse("admin:claims_claim_change", args=[pending.pk])}"' in page
    assert "rated <strong>False</strong>" in page and "Exports doubled last year." in page


@pytest.mark.parametrize(("short", "long"), [("Yang", "Yang Moo-jin"), ("Rinna", "Anthony Rinna")])
def test_a_shorter_form_of_a_name_is_offered_for_merging(client, wf_editor, short, long):
    from claims.selectors.speakers import likely_duplicates
    from claims.services.speakers import normalize_name

    full = Speaker.objects.create(name=long, normalized_name=normalize_name(long))
    brief = Speaker.objects.create(name=short, normalized_name=normalize_name(short))
    Speaker.objects.create(name="Kim Yong-su", normalized_name="kim yong-su")  # shares no end of the name
    assert [d.speaker for d in likely_duplicates(speaker=full)] == [brief]
    assert [d.speaker for d in likely_duplicates(speaker=brief)] == [full]
    client.force_login(wf_editor)
    page = client.get(reverse("admin:claims_speaker_change", args=[full.pk])).content.decode()
    merge = reverse("admin:claims_speaker_merge_with", args=[full.pk, brief.pk])
    assert f'href="{merge}"' in page
    confirm = client.get(merge).content.decode()
    assert "Choose the speaker that stays" in confirm and f'action="{SPEAKERS}"' in confirm
    response = client.post(SPEAKERS, {"action": "merge", "_selected_action": [full.pk, brief.pk], "target": full.pk},
                           follow=True)
    assert f"Merged 1 speaker into {long}." in texts(response)


def test_a_researcher_cannot_open_the_merge_page(client, wf_researcher, speaker):
    other = Speaker.objects.create(name="Doe", normalized_name="doe")
    client.force_login(wf_researcher)
    response = client.get(reverse("admin:claims_speaker_merge_with", args=[speaker.pk, other.pk]), follow=True)
    assert any("Only an editor can merge speakers." in m for m in texts(response))


def test_a_speaker_title_from_hard_wrapped_copy_keeps_no_line_break(db):
    from claims.services.speakers import resolve_speaker

    speaker = resolve_speaker(name="Ruth Okafor", kind="person", title="the chief executive of Alder\nFerries")
    assert speaker.title == "the chief executive of Alder Ferries"


def test_a_claims_speaker_title_keeps_no_line_break(db):
    from claims.extraction import ExtractedClaim
    from claims.models import Article
    from claims.services.claims import store_claims

    text = '"Fares follow fuel," said Ruth Okafor, the chief executive of Alder\nFerries.'
    article = Article.objects.create(text=text, fingerprint="okafor")
    item = ExtractedClaim(kind="direct", content="Fares follow fuel,", content_spans=[(1, 19)], speaker="Ruth Okafor",
                          speaker_spans=[(27, 38)], speaker_title="the chief executive of Alder\nFerries")
    [claim] = store_claims(article=article, extracted=[item])
    assert claim.speaker_title == "the chief executive of Alder Ferries"
