"""One test per construction the extractor reads (claims/extraction/reported.py and extract.py),
named after it. A construction added without a test here fails
test_every_construction_has_a_test_named_after_it."""
from __future__ import annotations

import pytest

from claims.extraction import extract
from claims.extraction.extract import BESIDE_CONFIDENCE
from claims.extraction.reported import CONFIDENCE

# construction: (text, words the claim holds, words of its speaker or None for no speaker)
CONSTRUCTIONS = {
    "ccomp": ("Finance Minister Ada Brook said that inflation had fallen to 3 percent.",
              "inflation had fallen to 3 percent", "Ada Brook"),
    "ccomp_evidence": ("A study by the Marlow Institute found that two in five bridges need repair.",
                       "two in five bridges need repair", "Marlow Institute"),
    "ccomp_belief": ("The fishermen fear that the new quota will close the harbour.",
                     "the new quota will close the harbour", "fishermen"),
    "ccomp_own_belief": ("I think the new quota will close the harbour by spring.",
                         "the new quota will close the harbour", None),
    "parataxis": ("The ferry timetable, the harbour master said, will change in June.",
                  "The ferry timetable will change in June", "harbour master"),
    "request": ("The mayor told residents not to drink the tap water until Friday.",
                "residents not to drink the tap water", "mayor"),
    "xcomp": ("Councillor Miriam Achebe vowed to force a vote on the audit.",
              "to force a vote on the audit", "Miriam Achebe"),
    "dobj": ("The union accused the company of hiding safety reports from inspectors.",
             "the company of hiding safety reports", "union"),
    "regard": ("Most voters see the incumbent as the stronger candidate on the economy.",
               "the incumbent as the stronger candidate", "voters"),
    "stance": ("Senator Ruth Okafor criticized the late evacuation order during the debate.",
               "the late evacuation order", "Ruth Okafor"),
    "object": ("The senator repeated the same old story about the border wall.",
               "the same old story about the border wall", "senator"),
    "according": ("According to the county health office, 40 people were treated for smoke.",
                  "40 people were treated for smoke", "county health office"),
    "seem": ("The ceasefire seemed to hold through the night along the border.",
             "to hold through the night", None),
    "noun": ("Ms. Farrow's claim that the budget was balanced drew laughter from the benches.",
             "the budget was balanced", "Farrow"),
    "noun_verb": ("The company repeated the claim that the plant was safe.", "the plant was safe", "company"),
    "any_verb": ("Inspector Tobias Wren implied that the lock had been forced before midnight.",
                 "the lock had been forced before midnight", "Tobias Wren"),
    "headline": ("Lynch: No outside influence on the harbour inquiry\n\nThe inquiry resumes on Monday.",
                 "No outside influence on the harbour inquiry", "Lynch"),
    "block": ("The governor added:\n\nThe budget is typical of this council. It spends and spends, and the "
              "roads are still full of holes.", "The budget is typical of this council", "governor"),
    "with_ing": ("Officials tell the Courier the ferry will run in winter, with the Herald reporting that no "
                 "crew has been hired.", "no crew has been hired", "Herald"),
    "belief_state": ("The fishermen are convinced that the new quota will close the harbour.",
                     "the new quota will close the harbour", "fishermen"),
    "verb": ('"The river has never been this low in July!" exclaimed Ingrid Sola, a hydrologist.',
             "The river has never been this low in July", "Ingrid Sola"),
    "cue_paragraph": ('The coach, Anneli Strand, said:\n\n"We trained for rain all week. Nobody trained for snow."',
                      "We trained for rain all week", "Anneli Strand"),
    "headline_name": ('Mayor Ure: "We will sell the depot to the highest bidder."\n\nThe sale is in May.',
                      "We will sell the depot to the highest bidder", "Ure"),
    "colon_subject": ('Mayor Ilse Drummond took aim at the harbour board in a string of posts: '
                      '"Three years of promises and not one crane has moved."',
                      "Three years of promises and not one crane has moved", "Ilse Drummond"),
    "dash": ('"We want the night trains back before winter." \u2014 Nora Holm, a commuter',
             "We want the night trains back before winter", "Nora Holm"),
    "carried_on": ('"We are not at the point of rationing," Mayor Colm Byrne said on Monday.\n\n'
                   '"But every household should save water now, and farms should too."',
                   "But every household should save water now", "Colm Byrne"),
    "carried_from_reported": ('Ms. Quist said she felt the rule was unfair because "nobody asked the nurses." '
                              '"We have no say in the rota and no say in the pay."',
                              "We have no say in the rota", "Quist"),
}
# Constructions that only lend their cue to quotations nearby, and never make a claim of their own.
CUE_ONLY = {"bare"}


@pytest.mark.parametrize("construction", sorted(CONSTRUCTIONS))
def test_the_construction_is_read_with_its_claim_and_speaker(construction):
    text, words, speaker = CONSTRUCTIONS[construction]
    claims = extract(text)
    found = [c for c in claims if words in " ".join(c.content.split())]
    assert found, f"{construction}: no claim holds {words!r}; got {[(c.content, c.rule) for c in claims]}"
    claim = found[0]
    assert claim.rule == construction, f"read as {claim.rule!r}"
    if speaker is None:
        assert claim.speaker is None or claim.speaker.lower() in ("i", "it")
    else:
        assert claim.speaker and all(w in claim.speaker for w in speaker.split()), claim.speaker


def test_every_construction_has_a_test_named_after_it():
    rules = set(CONFIDENCE) | set(BESIDE_CONFIDENCE) | {"carried_on", "carried_from_reported"}
    assert rules - CUE_ONLY == set(CONSTRUCTIONS)


def test_a_postposed_cue_the_parser_conjoined_is_read_as_a_parenthetical():
    c = extract("The depot will close before winter, the transit authority's chief planner, Ravi Osei, "
                "told the Lakeside Courier on Monday.")[0]
    assert (c.content, c.speaker, c.rule) == ("The depot will close before winter", "Ravi Osei", "parataxis")


def test_a_that_clause_read_as_a_relative_clause_of_a_time_is_still_the_claim():
    c = extract("Councillor Odile Bramwell claimed at the time that the ferry contract had never been put "
                "out to tender.")[0]
    assert c.content == "the ferry contract had never been put out to tender"
    assert c.speaker == "Odile Bramwell"


def test_a_second_attribution_after_with_is_its_own_claim():
    claims = extract("Officials say the ferry will run all winter, with the Courier reporting that no budget "
                     "has been set aside for it.")
    assert [(c.content, c.speaker) for c in claims] == [
        ("the ferry will run all winter", "Officials"), ("no budget has been set aside for it", "Courier")]


def test_a_belief_inside_reported_speech_is_part_of_that_claim():
    claims = extract("Dr. Amara Quist said she believes the vaccine van will reach every village by June.")
    assert [c.content for c in claims] == ["she believes the vaccine van will reach every village by June"]


def test_what_someone_told_the_speaker_is_the_teller_s_claim():
    c = extract("Senator Ruth Okafor said that the defence minister had told her the contract was "
                "signed without a tender.")[0]
    assert c.content == "the contract was signed without a tender"
    assert "defence minister" in c.speaker and c.cue == "told"


def test_a_statement_speaks_for_whoever_issued_it():
    c = extract("Harbour master Colm Reddy sent a memo to staff warning that the east pier was unsafe.")[0]
    assert c.speaker == "Colm Reddy" and c.stance == "warns"


def test_a_subject_that_is_no_source_makes_no_speaker():
    claims = extract("Only time will tell whether the ceasefire holds. The move suggests that both sides want a pause.")
    assert all(c.speaker in (None,) for c in claims)


def test_a_family_name_written_first_is_the_same_person_later():
    claims = extract("Park Seo-yeon, the transport minister, said the rail link would open in May.\n\n"
                     "\"We have waited thirty years for this line,\" Park told reporters.")
    assert {c.speaker for c in claims} == {"Park Seo-yeon"}


def test_she_is_the_woman_just_introduced_not_the_last_speaker():
    claims = extract("Inspector Tobias Wren said the lock had been forced. Yevgenia Ludd, the shop's owner, "
                     "arrived an hour later. She said nothing had been taken from the till.")
    assert claims[-1].speaker == "Yevgenia Ludd"


def test_actions_and_plans_are_no_claims():
    assert extract("Police arrested and questioned the driver.\n\nNext week the delegation plans to visit "
                   "the northern ports.") == []


@pytest.mark.parametrize("text", [
    "The senator criticized them on Tuesday.",
    "The mayor mentioned it twice during the meeting.",
    "According to him, basically.",
])
def test_a_fragment_is_no_claim(text):
    assert [c.content for c in extract(text) if c.kind != "direct"] == []


def test_a_one_word_object_reads_with_its_verb():
    claims = extract("Senator Ruth Okafor endorsed Halvorsen on Friday.")
    assert [c.content for c in claims] == ["endorsed Halvorsen"]
    assert claims[0].speaker == "Ruth Okafor"


def test_a_quotation_never_carries_on_past_a_paragraph_naming_someone_else():
    claims = extract('"The river has never been this low in July," said Ingrid Sola.\n\n'
                     "Mayor Colm Byrne, who was not at the briefing, has called for calm on the radio.\n\n"
                     '"But every household should save water now, and the farms should too."')
    assert all(c.speaker != "Ingrid Sola" for c in claims if "household" in c.content)


def test_a_clause_mostly_quoted_keeps_the_writer_s_own_words_as_a_partial_quotation():
    c = extract('The harbour master said the east pier "would not survive another winter storm."')[0]
    assert (c.kind, c.content) == ("partial", 'the east pier "would not survive another winter storm."')


def test_a_clause_that_is_all_quotation_stays_a_direct_quotation():
    c = extract('The harbour master said that "the east pier would not survive another winter storm."')[0]
    assert (c.kind, c.content) == ("direct", "the east pier would not survive another winter storm.")


def test_a_clause_the_parser_ends_inside_a_quotation_runs_on_to_its_closing_mark():
    c = extract('Senator Ruth Okafor called the harbour plan a "rare win for a town that has watched its '
                'ferries and its jobs drift away."')[0]
    assert c.content == ('the harbour plan a "rare win for a town that has watched its ferries and its jobs '
                         'drift away."')


def test_a_short_quotation_a_speaker_gives_as_a_name_for_something_is_their_claim():
    c = extract('Mayor Ilse Drummond calls them "paid agitators" and says the march on Friday was staged.')[0]
    assert (c.kind, c.content, c.speaker) == ("direct", "paid agitators", "Ilse Drummond")


def test_a_short_quotation_nobody_speaks_stays_a_scare_quote():
    assert extract('The so-called "experts" met the council on Tuesday.') == []
    assert extract('The council met the "experts" on Tuesday.') == []
