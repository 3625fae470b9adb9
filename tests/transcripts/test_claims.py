"""Claims from transcripts (claims.extraction.transcripts.extract_transcript), without Django: the
turn's speaker speaks its checkable sentences ("I" and "we" included), a quotation or report of
someone else keeps that speaker, questions and pleasantries are no claims, and every claim keeps
the time it was said."""
from __future__ import annotations

from pathlib import Path

from claims.extraction.transcripts import extract_transcript, parse_transcript

DATA = Path(__file__).parent / "data"


def _claims(name: str, **options: str) -> tuple[str, list]:
    transcript = parse_transcript((DATA / name).read_text(encoding="utf-8"), filename=name, **options)
    return transcript.text, extract_transcript(transcript.layout, transcript.text)


def _by_content(claims: list) -> dict[str, object]:
    return {claim.content: claim for claim in claims}


def test_the_debates_claims_have_their_speakers_and_times() -> None:
    text, claims = _claims("debate.vtt")
    found = _by_content(claims)
    crime = found["Violent crime in Harbour County fell by 18 percent between 2022 and 2025, "
                  "the steepest drop in the state."]
    assert (crime.speaker, crime.start_seconds, crime.end_seconds) == ("Daniel Quinn", 7.2, 13.9)
    hired = found["I hired 120 new police officers in my first term, and we opened two new clinics."]
    assert (hired.speaker, hired.start_seconds, hired.end_seconds) == ("Daniel Quinn", 13.9, 17.8)
    # The label's title is the speaker's title: "Mayor Daniel Quinn" is Daniel Quinn, mayor.
    assert hired.speaker_title == "Mayor"
    promise = found["We will cut ambulance waits to eight minutes by 2028."]
    assert (promise.speaker, promise.stance) == ("Priya Shah", "promises")
    # A quotation inside a turn is the quoted person's, not the turn speaker's.
    sheriff = next(claim for claim in claims if "sixty deputies" in claim.content)
    assert sheriff.speaker == "the sheriff"
    assert sheriff.start_seconds == 22.6
    # Offsets point into the transcript's text.
    for claim in claims:
        assert " ".join(text[a:b] for a, b in claim.content_spans) == claim.content


def test_questions_greetings_and_bare_opinions_are_not_claims() -> None:
    _text, claims = _claims("debate.vtt")
    contents = " | ".join(claim.content for claim in claims)
    for said in ("Good evening", "is the county safer", "Thank you", "I think that matters", "That is simply not true"):
        assert said not in contents
    assert not any(claim.speaker == "Lena Ortiz" for claim in claims)


def test_an_srt_with_name_prefixes_gives_each_speaker_their_claims() -> None:
    _text, claims = _claims("town_hall.srt")
    by_speaker = {claim.content: claim.speaker for claim in claims}
    rents = "Rents in this city rose by 40 percent in five years, faster than wages in every single year."
    assert by_speaker[rents] == "Marta Voss"
    permits = "The city approved only 900 permits last year, the lowest number since 1998."
    assert by_speaker[permits] == "Owen Brandt"
    assert by_speaker["Our landlord raised my rent twice in 2025."] == "Jo Park"
    assert "Why is that?" not in by_speaker


def test_growing_captions_give_whole_sentences_with_their_first_and_last_times() -> None:
    _text, claims = _claims("growing.vtt", speaker="Mayor Ana Ruiz")
    found = _by_content(claims)
    budget = found["The city budget grew by 12 percent this year, the largest increase since 2009."]
    assert (budget.speaker, budget.start_seconds, budget.end_seconds) == ("Ana Ruiz", 1.0, 6.1)
    assert found["We reduced the debt by 300 million dollars."].start_seconds == 6.1
    assert not any("Thank you" in content for content in found)


def test_an_interviews_answers_are_the_interviewees_claims() -> None:
    _text, claims = _claims("interview.txt", speaker="Carla Benn", interviewer="Tom Reyes")
    own = {claim.content: claim.speaker for claim in claims if claim.rule == "transcript_turn"}
    assert own == {
        "Waiting lists fell by 12 percent last year, and we hired 4,000 more nurses than in 2024.": "Carla Benn",
        "I opened six new hospital wings in the north.": "Carla Benn",
        "We will end hallway treatment by next winter.": "Carla Benn",
    }
    assert all(claim.start_seconds is None for claim in claims)  # the file has no time codes


SPEECH_SRT = (
    "1\n00:00:01,000 --> 00:00:04,000\nOur schools hired 300 new teachers\n\n"
    "2\n00:00:04,000 --> 00:00:06,500\nin the last two years.\n\n"
    "3\n00:00:06,500 --> 00:00:08,000\n>> Class sizes grew by 10 percent anyway.\n"
)


def test_an_srt_without_names_is_the_given_speakers_and_a_turn_mark_starts_someone_elses_turn() -> None:
    transcript = parse_transcript(SPEECH_SRT, fmt="srt", speaker="Governor Ann Lee")
    assert [turn["speaker"] for turn in transcript.turns] == ["Governor Ann Lee", None]
    claims = extract_transcript(transcript.layout, transcript.text)
    own = [claim for claim in claims if claim.rule == "transcript_turn"]
    assert [(c.speaker, c.content, c.start_seconds, c.end_seconds) for c in own] == [
        ("Ann Lee", "Our schools hired 300 new teachers in the last two years.", 1.0, 6.5)]


def test_an_srt_without_names_and_no_speaker_given_attributes_nothing_to_anyone() -> None:
    transcript = parse_transcript(SPEECH_SRT, fmt="srt")
    assert [turn["speaker"] for turn in transcript.turns] == [None, None]
    assert not [claim for claim in extract_transcript(transcript.layout, transcript.text)
                if claim.rule == "transcript_turn"]
