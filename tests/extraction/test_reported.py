"""Reported speech and attributed assertions without quote marks."""
from claims.extraction import extract


def find(text, needle):
    for c in extract(text):
        assert c.content == " ".join(text[a:b] for a, b in c.content_spans)
        if needle in c.content:
            return c
    raise AssertionError(f"no claim containing {needle!r} in {[c.content for c in extract(text)]}")


def test_it_finds_x_said_that_y():
    c = find("Finance Minister Ada Brook said that inflation had fallen to 3 percent.", "inflation")
    assert c.kind == "indirect"
    assert c.content == "inflation had fallen to 3 percent"
    assert c.speaker == "Ada Brook"
    assert c.cue == "said"


def test_it_finds_a_claim_placed_before_its_attribution():
    c = find("The harbour will be dredged next year, the port authority said.", "harbour")
    assert c.kind == "indirect"
    assert "port authority" in c.speaker
    assert c.speaker_kind == "organization"


def test_it_finds_according_to():
    c = find("According to the county health office, 40 people were treated for smoke inhalation.",
             "40 people")
    assert c.cue.lower() == "according to"
    assert "health office" in c.speaker


def test_it_finds_an_accusation():
    c = find("The union accused the company of hiding safety reports from inspectors.", "hiding")
    assert c.cue == "accused"
    assert c.speaker == "The union"


def test_it_finds_a_denial():
    c = find("The mayor's office denied the report about the missing funds.", "report")
    assert c.cue == "denied"


def test_it_finds_warnings_vows_and_what_someone_told_reporters():
    c = find("The general warned that the border would stay closed.", "border")
    assert c.cue == "warned"
    c = find("Senator Ruth Adler told reporters the vote would happen on Thursday.", "vote")
    assert c.speaker == "Ruth Adler"
    c = find("The president vowed to cut the deficit in half.", "deficit")
    assert c.cue == "vowed"


def test_it_finds_a_claim_reported_by_state_media():
    c = find("The leader inspected a new factory on Sunday, state media reported.", "factory")
    assert c.cue == "reported"
    assert "state media" in " ".join(c.speaker.split()) or c.speaker


def test_it_finds_evidence_from_studies_and_polls():
    c = find("A study by the university found that most drivers ignore the new signs.", "drivers")
    assert c.cue == "found"
    c = find("Polls show the incumbent trailing by six points.", "incumbent")
    assert c.cue == "show"


def test_reported_speech_quoting_some_words_is_partial():
    text = 'The ministry said on Monday that it "fully" complies with the trade rules.'
    c = find(text, "complies")
    assert c.kind == "partial"
    assert "fully" in c.content and "trade rules" in c.content


def test_the_reporters_own_narration_is_not_a_claim():
    text = ("The storm reached the coast on Tuesday night. Roads were flooded and schools closed. "
            "Crews worked through the weekend to restore power.")
    assert extract(text) == []
