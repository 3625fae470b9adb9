"""Attributed assertions without quote marks beyond "X said that Y" (sentences written for the
project): seeming and expectation, claim nouns, position verbs, objects of saying, and speakers of
passive and participial cues."""
from claims.extraction import extract


def claims_with(text, needle):
    out = [c for c in extract(text) if needle in c.content]
    for c in out:
        assert c.content == " ".join(text[a:b] for a, b in c.content_spans)
    assert out, f"no claim containing {needle!r} in {[c.content for c in extract(text)]}"
    return out


def test_seeming_gives_subject_and_predicate_with_no_source():
    text = "The new bridge seemed to sway in the strong wind on Tuesday."
    c = claims_with(text, "sway")[0]
    assert c.cue == "seemed"
    assert c.content.startswith("The new bridge") and "to sway" in c.content
    assert c.speaker_spans == [] and c.speaker is None


def test_is_expected_to_is_an_unattributed_expectation():
    text = "The council is expected to approve the new budget next week."
    c = claims_with(text, "approve")[0]
    assert c.cue == "expected"
    assert c.speaker_spans == []


def test_a_claim_noun_with_a_that_clause():
    text = "Neighbours repeated allegations that the factory dumped waste into the river."
    c = claims_with(text, "dumped waste")[0]
    assert c.content == "the factory dumped waste into the river"
    assert c.speaker == "Neighbours" and c.cue == "repeated"
    assert len(claims_with(text, "dumped waste")) == 1


def test_said_in_a_statement_that_keeps_the_speaker():
    text = "Governor Lena Marsh said in a statement that the roads would reopen on Monday."
    c = claims_with(text, "roads would reopen")[0]
    assert c.speaker == "Lena Marsh"
    assert c.cue == "said"


def test_position_verbs_give_what_the_subject_discussed_or_pointed_to():
    text = "The mayor discussed the housing shortage with local builders."
    c = claims_with(text, "housing shortage")[0]
    assert c.cue == "discussed" and c.speaker == "The mayor"
    text = "Councillor Ivo Brandt pointed to the falling crime rate in the city."
    c = claims_with(text, "crime rate")[0]
    assert c.content.startswith("the falling crime rate")
    assert "Ivo Brandt" in c.speaker


def test_the_object_of_says_is_the_claim():
    text = "Professor Nadia Quell says the new tax rules hurt small bakeries across the region."
    c = claims_with(text, "small bakeries")[0]
    assert c.cue == "says" and c.speaker == "Nadia Quell"


def test_a_clause_is_cut_before_a_conjoined_stance_verb():
    text = 'The coach says he trusts the goalkeeper and calls him "the best in the league".'
    contents = [c.content for c in extract(text)]
    assert "he trusts the goalkeeper" in contents


def test_the_subject_of_a_passive_cue_is_not_its_source():
    text = "The minister was criticized for the delays at the port."
    for c in extract(text):
        assert c.speaker != "The minister"
    text = "Asked about the delays, the harbour master said the cranes were broken."
    c = claims_with(text, "cranes were broken")[0]
    assert c.speaker == "the harbour master"


def test_saying_after_a_preposition_takes_the_subject_of_the_verb():
    text = "Senator Olga Venn began by saying the budget was balanced for the first time."
    c = claims_with(text, "budget was balanced")[0]
    assert c.speaker == "Olga Venn"


def test_a_dateline_is_not_the_subject_of_the_next_sentence():
    text = "4:15 p.m.\n\nA report filed Friday says that the dam needs urgent repairs.\n"
    c = claims_with(text, "dam needs")[0]
    a, b = c.speaker_spans[0]
    assert "p.m." not in text[a:b] and "report" in text[a:b]


def test_a_that_clause_hung_from_a_prepositional_phrase_belongs_to_the_cue():
    text = "Mayor Tomas Reyl said on Friday during a long news conference that the tram line would be extended."
    c = claims_with(text, "tram line")[0]
    assert c.speaker == "Tomas Reyl" and c.cue == "said"
    assert c.content.startswith("the tram line")
