"""Reading transcripts into turns (claims.extraction.transcripts), without Django: the three formats,
growing captions and lines split mid-sentence merged into sentences, speakers from voice tags and
`NAME:` prefixes, Q:/A:, time codes, the recording's URL, and bad files refused with the reason.
The files in data/ were written for the project."""
from __future__ import annotations

from pathlib import Path

import pytest

from claims.extraction.transcripts import (
    TranscriptError,
    detect_format,
    moment_url,
    parse_transcript,
    time_code,
    turn_at,
)

DATA = Path(__file__).parent / "data"


def _read(name: str, **options: str) -> object:
    return parse_transcript((DATA / name).read_text(encoding="utf-8"), filename=name, **options)


def _turns(transcript) -> list[tuple[str | None, str]]:
    return [(turn["speaker"], transcript.text[turn["text"][0]:turn["text"][1]]) for turn in transcript.turns]


def test_a_webvtt_debate_becomes_one_turn_per_speaker_with_voice_tags_as_speakers() -> None:
    transcript = _read("debate.vtt")
    assert transcript.format == "vtt"
    speakers = [speaker for speaker, _ in _turns(transcript)]
    assert speakers == ["Moderator Lena Ortiz", "Mayor Daniel Quinn", "Councillor Priya Shah", "Moderator Lena Ortiz"]
    # The mayor's sentence runs over three cues and two lines: it reads as one sentence.
    mayor = _turns(transcript)[1][1]
    assert ("Violent crime in Harbour County fell by 18 percent between 2022 and 2025, "
            "the steepest drop in the state.") in mayor
    assert transcript.title == "Harbour County mayoral debate, first round"
    assert transcript.media_url == "https://www.youtube.com/watch?v=hcDebate2026"


def test_each_turn_keeps_the_time_of_every_cue_and_its_label_points_at_the_speaker_in_the_text() -> None:
    transcript = _read("debate.vtt")
    mayor = transcript.turns[1]
    assert (mayor["start"], mayor["end"]) == (7.2, 19.0)
    assert [piece[2:] for piece in mayor["pieces"]] == [[7.2, 10.4], [10.4, 13.9], [13.9, 17.8], [17.8, 19.0]]
    a, b = mayor["label"]
    assert transcript.text[a:b] == "Mayor Daniel Quinn"
    assert (mayor["name"], mayor["title"]) == ("Daniel Quinn", "Mayor")
    for start, end, _t0, _t1 in mayor["pieces"]:
        assert mayor["text"][0] <= start < end <= mayor["text"][1]
    assert turn_at(transcript.layout, mayor["pieces"][1][0]) == 1


def test_an_srt_with_name_prefixes_gives_each_speaker_a_turn_and_unlabelled_cues_continue_the_last() -> None:
    transcript = _read("town_hall.srt")
    assert transcript.format == "srt"
    assert _turns(transcript) == [
        ("Moderator", "Our first question is about housing."),
        ("Senator Marta Voss", "Rents in this city rose by 40 percent in five years, faster than wages in every "
                               "single year. My bill would build twenty thousand homes."),
        ("Dr. Owen Brandt", "The city approved only 900 permits last year, the lowest number since 1998. Why is that?"),
        ("Resident Jo Park", "Our landlord raised my rent twice in 2025."),
    ]


def test_growing_captions_keep_each_word_once_with_the_time_it_was_first_shown() -> None:
    transcript = _read("growing.vtt", speaker="Mayor Ana Ruiz")
    assert _turns(transcript) == [(
        "Mayor Ana Ruiz",
        "The city budget grew by 12 percent this year, the largest increase since 2009. "
        "We reduced the debt by 300 million dollars. Thank you all for coming tonight.",
    )]
    pieces = transcript.turns[0]["pieces"]
    words = {transcript.text[a:b]: (t0, t1) for a, b, t0, t1 in pieces}
    assert words["12 percent"] == (2.6, 3.5)
    assert words["the debt by 300 million dollars."] == (7.0, 8.2)
    assert transcript.media_url == "https://media.example.org/speeches/budget-2026.mp4"


def test_a_plain_text_interview_maps_q_and_a_to_the_interviewer_and_the_interviewee() -> None:
    transcript = _read("interview.txt", speaker="Health Minister Carla Benn", interviewer="Tom Reyes")
    assert transcript.format == "text"
    assert [speaker for speaker, _ in _turns(transcript)] == [
        "Tom Reyes", "Health Minister Carla Benn", "Tom Reyes", "Health Minister Carla Benn"]
    # Its answer runs over two lines: one paragraph.
    assert _turns(transcript)[1][1] == ("Nothing went wrong. Waiting lists fell by 12 percent last year, "
                                        "and we hired 4,000 more nurses than in 2024.")
    assert transcript.title == "Morning interview with the health minister"
    assert transcript.media_url == "https://radio.example.org/shows/morning/2026-03-04"
    assert transcript.turns[0]["start"] is None  # no time codes in the file


def test_plain_text_with_speaker_names_and_time_codes_gives_turn_times() -> None:
    transcript = parse_transcript(
        "[00:00:05] JUDGE AMY LOW: The court has heard 40 cases this year.\n"
        "[00:01:10] COUNSEL RAY DIX: Only 12 of them went to trial.\n"
    )
    assert [t["speaker"] for t in transcript.turns] == ["Judge Amy Low", "Counsel Ray Dix"]
    assert (transcript.turns[0]["start"], transcript.turns[0]["end"]) == (5.0, 70.0)
    assert transcript.turns[1]["start"] == 70.0


def test_any_number_of_speakers_is_read() -> None:
    lines = [f"SPEAKER NUMBER {chr(65 + i)}: I counted {i + 1} ballots in ward {i}." for i in range(12)]
    transcript = parse_transcript("\n".join(lines), fmt="text")
    assert len({turn["speaker"] for turn in transcript.turns}) == 12


def test_a_colon_in_running_text_is_not_a_speaker_label() -> None:
    transcript = parse_transcript("ANA RUIZ: The answer is simple: no.\nthe plan is this: we build.\n", fmt="text")
    assert _turns(transcript) == [("Ana Ruiz", "The answer is simple: no. the plan is this: we build.")]


def test_several_voices_in_one_cue_are_separate_turns() -> None:
    transcript = parse_transcript("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann Lee>Yes.</v> <v Bo Chan>No.</v>\n")
    assert _turns(transcript) == [("Ann Lee", "Yes."), ("Bo Chan", "No.")]


@pytest.mark.parametrize(
    ("raw", "fmt", "reason"),
    [
        ("", None, "empty"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:xx.000 --> 00:00:03.000\nBad\n", "vtt", "Line 6"),
        ("Hello there", "vtt", "Not a valid WebVTT file"),
        ("Subtitles by nobody\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt", "Not a valid SRT file"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03,000 --> soon\nThere\n", "srt", "valid"),
        ("WEBVTT\n\nNOTE nothing said\n", "vtt", "no spoken words"),
        ("ANA: words", "docx", "Unknown transcript format"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(raw: str, fmt: str | None, reason: str) -> None:
    with pytest.raises(TranscriptError, match=reason):
        parse_transcript(raw, fmt=fmt)


def test_the_format_is_recognised_from_the_name_or_the_first_lines() -> None:
    assert detect_format("anything", "x.VTT") == "vtt"
    assert detect_format("\ufeffWEBVTT\n\n") == "vtt"
    assert detect_format("1\n00:00:01,000 --> 00:00:02,000\nHi\n") == "srt"
    assert detect_format("Q: Why?\nA: Because.\n") == "text"


def test_a_moment_link_uses_youtubes_t_parameter_or_a_media_fragment() -> None:
    assert moment_url("https://www.youtube.com/watch?v=abc&t=5s", 123.9) == "https://www.youtube.com/watch?v=abc&t=123s"
    assert moment_url("https://youtu.be/abc", 7) == "https://youtu.be/abc?t=7s"
    assert moment_url("https://media.example.org/a.mp4", 61.2) == "https://media.example.org/a.mp4#t=61"
    assert moment_url("", 5) == ""
    assert moment_url("https://media.example.org/a.mp4", None) == ""
    assert time_code(3725.4) == "01:02:05"


def test_rolling_auto_captions_with_word_timings_keep_each_word_once() -> None:
    """The shape of a video site's automatic captions: two lines on screen, the first repeating the
    last cue's second, word timing tags, and 10 ms cues that only repeat what is shown."""
    transcript = _read("auto_captions.vtt", speaker="Governor Ann Lee")
    assert _turns(transcript) == [(
        "Governor Ann Lee", "the unemployment rate fell to four percent last year and we added 200,000 jobs")]
    assert [piece[2:] for piece in transcript.turns[0]["pieces"]] == [[0.32, 2.99], [3.0, 5.51], [5.52, 8.0]]
