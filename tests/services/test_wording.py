"""How a claim reads: one sentence with speaker, cue and stance for the admin, e-mails and pages."""
from __future__ import annotations

import pytest

from claims.models import Claim, Speaker
from claims.selectors.wording import claim_sentence, rounded_score, score_text


def _claim(**fields) -> Claim:
    defaults = dict(kind=Claim.Kind.INDIRECT, content="those claims", speaker_mention="Pyongyang and Moscow",
                    cue="denied", stance=Claim.Stance.DENIES)
    defaults.update(fields)
    return Claim(**defaults)


def test_a_denial_reads_as_what_the_speaker_denied():
    assert claim_sentence(_claim()).as_text() == "Pyongyang and Moscow *denied*: those claims"


def test_the_resolved_speakers_name_is_preferred_to_the_mention():
    claim = _claim(speaker=Speaker(pk=1, name="Anthony Rinna"), speaker_mention="he", cue="added",
                   stance=Claim.Stance.ASSERTS)
    assert str(claim_sentence(claim)) == "Anthony Rinna added: those claims"


def test_a_quotation_is_in_quotation_marks_and_hard_wrapped_content_is_one_line():
    claim = _claim(kind=Claim.Kind.DIRECT, content="Our fares follow fuel,\nand nothing else", cue="said",
                   stance=Claim.Stance.ASSERTS, speaker_mention="Ruth Okafor")
    assert str(claim_sentence(claim)) == "Ruth Okafor said: “Our fares follow fuel, and nothing else”"


@pytest.mark.parametrize(("stance", "verb"), [("asserts", "said"), ("warns", "warned"), ("believes", "believes")])
def test_without_a_cue_the_stance_gives_the_verb(stance, verb):
    assert claim_sentence(_claim(cue="", stance=stance)).cue == verb


def test_a_source_cue_reads_in_front_and_a_missing_speaker_is_named_as_such():
    claim = _claim(cue="according to", stance=Claim.Stance.ASSERTS, speaker_mention="the transport authority")
    assert str(claim_sentence(claim)) == "According to the transport authority: those claims"
    assert claim_sentence(claim).as_text() == "*According to* the transport authority: those claims"
    assert ">According to</em> <span" in claim_sentence(claim).as_html()
    assert str(claim_sentence(_claim(speaker_mention=""))) == "Unattributed denied: those claims"


def test_a_question_is_marked_in_text_and_html():
    sentence = claim_sentence(_claim(cue="asked", stance=Claim.Stance.ASKS, is_question=True,
                                     content="whether the bridge was needed"))
    assert sentence.as_text().endswith("[question]")
    assert '<span class="fc-question">question</span>' in sentence.as_html()


def test_html_escapes_what_the_article_said():
    html = claim_sentence(_claim(content="<script>alert(1)</script>")).as_html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_long_content_is_shortened_only_when_asked():
    claim = _claim(content="word " * 100)
    assert len(claim_sentence(claim, max_chars=40).content) == 40
    assert len(claim_sentence(claim).content) > 400


def test_scores_are_rounded_for_people_and_clients():
    assert rounded_score(0.19999999999999998) == 0.2 and score_text(0.19999999999999998) == "0.20"
    assert rounded_score(None) is None and score_text(None) == "—"


def test_a_partial_quote_keeps_its_own_quotation_marks_only():
    claim = _claim(kind=Claim.Kind.PARTIAL, content='the bridge was "long overdue"', cue="said",
                   stance=Claim.Stance.ASSERTS, speaker_mention="The chamber")
    assert str(claim_sentence(claim)) == 'The chamber said: the bridge was "long overdue"'
