"""Stance: what the speaker did with the claim, from the cue lexicon file (claims/extraction/cues.tsv)."""
from __future__ import annotations

import pytest

from claims.extraction import extract, lexicon
from claims.extraction.types import STANCES


@pytest.mark.parametrize("sentence,stance", [
    ("The harbour authority said that the barrier was safe.", "asserts"),
    ("Pyongyang and Moscow have denied those claims.", "denies"),
    ("The ministry rejected the report as a fabrication from start to finish.", "denies"),
    ("The union accused the company of hiding the safety reports.", "accuses"),
    ("Opposition leader Daniel Marsh blamed the drought on years of neglect.", "accuses"),
    ("The mayor vowed to rebuild the bridge before the winter.", "promises"),
    ("The coastguard warned that the storm would reach the islands by night.", "warns"),
    ("The central bank predicted that inflation would fall below 3 percent.", "predicts"),
    ("The farmers fear that the river will flood again in spring.", "believes"),
    ("The auditors asked the council whether the reserve had been spent.", "asks"),
])
def test_each_cue_gives_its_stance(sentence, stance):
    claims = extract(sentence)
    assert claims, sentence
    assert claims[0].stance == stance


def test_a_denial_never_reads_as_an_assertion():
    c = extract("Pyongyang and Moscow have denied those claims.")[0]
    assert (c.speaker, c.cue, c.stance) == ("Pyongyang and Moscow", "denied", "denies")


def test_a_quotation_that_asks_is_a_question():
    c = extract('"Is the money gone?" asked committee chair Rosalind Achebe.')[0]
    assert c.stance == "asks" and c.is_question


def test_a_claim_with_no_cue_asserts():
    c = extract('"We will keep the station open," the minister said. "Every line will run as before."')[-1]
    assert c.stance == "asserts"


def test_the_command_line_output_carries_the_stance():
    c = extract("The ministry denied that the plant had leaked.")[0]
    assert c.to_json("doc")["stance"] == "denies"


def test_every_stance_in_the_lexicon_file_is_a_known_stance():
    assert set(lexicon.STANCE_OF.values()) <= set(STANCES)
    assert lexicon.stance_of("deny") == "denies" and lexicon.stance_of("allegation", "noun") == "accuses"


def test_a_lexicon_file_with_an_unknown_stance_is_refused(tmp_path):
    bad = tmp_path / "cues.tsv"
    bad.write_text("word\tpos\tstance\tconstructions\nsay\tverb\tshouts\tspeech\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown stance"):
        lexicon._load(bad)
