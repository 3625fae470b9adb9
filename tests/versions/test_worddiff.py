"""The word-level comparison behind stealth-edit detection (plain Python)."""
from __future__ import annotations

from claims.ingestion.worddiff import correction_notes, diff_texts, map_span

OLD = (
    'Finance Minister Jane Roe said: "We will cut taxes for every family next year," at a rally. '
    'She added that "the deficit is falling fast".\nOther words here.'
)


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_quote_whose_words_changed_is_followed_to_its_new_words_with_a_word_diff() -> None:
    new = OLD.replace("cut taxes for every family", "cut some taxes for families")
    fate = map_span(OLD, new, *_span(OLD, "We will cut taxes for every family next year"))
    assert fate.status == "changed"
    assert fate.new_words == "We will cut some taxes for families next year"
    assert new[fate.start:fate.end] == fate.new_words
    assert ("insert", "some ") in fate.diff
    assert ("delete", "every family ") in fate.diff


def test_a_quote_that_disappeared_is_removed() -> None:
    new = OLD.replace(' She added that "the deficit is falling fast".', "")
    fate = map_span(OLD, new, *_span(OLD, "the deficit is falling fast"))
    assert fate.status == "removed"
    assert fate.start is None


def test_a_quote_that_only_moved_or_changed_quote_marks_and_case_is_unchanged() -> None:
    new = "A new first paragraph.\n\n" + OLD.replace('"We will', "“WE will").replace('year,"', "year,”")
    fate = map_span(OLD, new, *_span(OLD, "We will cut taxes for every family next year"))
    assert fate.status == "unchanged"
    assert new[fate.start:fate.end] == "WE will cut taxes for every family next year"


def test_words_added_just_before_or_after_a_quote_do_not_change_it() -> None:
    new = OLD.replace('"We will', 'firmly "We will').replace('year," at', 'year," loudly at')
    assert map_span(OLD, new, *_span(OLD, "We will cut taxes for every family next year")).status == "unchanged"


def test_a_whole_text_diff_keeps_every_character_of_both_versions() -> None:
    new = OLD.replace("every family", "families").replace("Other", "More")
    pieces = diff_texts(OLD, new)
    assert "".join(t for op, t in pieces if op != "insert").split() == OLD.split()
    assert "".join(t for op, t in pieces if op != "delete").split() == new.split()


def test_correction_and_editors_notes_are_found_as_the_outlet_wrote_them() -> None:
    text = (
        "Body text.\n\nCorrection: An earlier version of this article misquoted Ms Roe.\n"
        "This story has been corrected to show the date.\n**Editor's note:** names changed.\n"
        "The minister announced a correction: no. \n"
    )
    assert correction_notes(text) == [
        "Correction: An earlier version of this article misquoted Ms Roe.",
        "This story has been corrected to show the date.",
        "Editor's note:** names changed.",
    ]
    assert correction_notes("He said the update: was fine.") == []
