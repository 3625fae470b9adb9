"""Hostile input: never a crash, never a wrong offset, time linear in length."""

import pytest

from claims.extraction import extract, extract_many
from claims.extraction.nlp import split_points
from claims.extraction.quotes import find_quotes


def check_offsets(text, claims):
    for c in claims:
        assert c.content == " ".join(text[a:b] for a, b in c.content_spans)
        for a, b in c.content_spans + c.speaker_spans + c.cue_spans:
            assert 0 <= a < b <= len(text)
        if c.cue and c.cue_spans and c.cue not in (":",):
            assert text[c.cue_spans[0][0]:c.cue_spans[-1][1]].split()[0] == c.cue.split()[0]


HOSTILE = [
    "",
    "   \n\t  \r\n ",
    '"' * 10000,
    "\u201c" * 5000 + "\u201d" * 5000,
    'He said "it is open.\n\nShe said it "was closed',
    "Control\x00chars\x07 here\x1b[31m, \"the agency said it was fine,\" the minister said.",
    "\u05d4\u05d5\u05d0 \u05d0\u05de\u05e8 \"\u05e9\u05dc\u05d5\u05dd\" said Dana Levi. \U0001f600 "
    "\"Emoji \U0001f680 are fine here,\" she said.",
    "The mayor said the road was safe.\r\n\r\n\"We fixed it in March,\" she said.\r\n",
    "Mixed \u201cquotes\" and 'straight\u2019 ones, \u201cthe chief said it\" he said.",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_crashes_and_offsets_stay_right(text):
    check_offsets(text, extract(text))


def test_windows_line_endings_keep_offsets_into_the_original_text():
    text = "Intro line.\r\n\r\n\"The bridge is closed for repairs,\" said Engineer Mia Wong.\r\n"
    claims = extract(text)
    assert claims and claims[0].content == "The bridge is closed for repairs"
    check_offsets(text, claims)


def test_a_megabyte_is_cut_into_pieces_with_offsets_rebased():
    # claims spread over a megabyte, with long blank stretches so the parse stays quick
    para = ('"The harbour will reopen in June," said Mayor Lena Ortiz. '
            "Officials said the repairs cost 3 million dollars.\r\n\r\n" + " \n" * 1000)
    text = para * (1_000_000 // len(para) + 1)
    assert len(text) >= 1_000_000 and len(split_points(text)) > 10
    claims = extract(text)
    check_offsets(text, claims)
    direct = [c for c in claims if c.kind == "direct"]
    assert len(direct) == text.count("harbour")
    assert all(c.content == "The harbour will reopen in June" and c.speaker == "Lena Ortiz" for c in direct)


def test_a_huge_paragraph_without_line_breaks_is_cut_at_sentences():
    text = "The minister said the plan was ready. " * 3000
    pieces = split_points(text, limit=10_000)
    assert all(b - a <= 10_000 for a, b in pieces)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(pieces[i][1] == pieces[i + 1][0] for i in range(len(pieces) - 1))
    assert all(text[b - 2:b] == ". " for a, b in pieces[:-1])


def test_quote_pairing_does_work_linear_in_the_number_of_quote_marks(monkeypatch):
    # Counted, not timed: ten times the quote marks must cost about ten times the checks.
    import claims.extraction.quotes as quotes

    calls = {"n": 0}
    original = quotes._is_opener

    def counting(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(quotes, "_is_opener", counting)
    find_quotes('x "' * 2000)
    small = calls["n"]
    calls["n"] = 0
    find_quotes('x "' * 20000)
    assert small > 0
    assert calls["n"] <= 12 * small


def test_extract_many_gives_one_list_per_text_in_order():
    texts = ["", '"We will win the cup," coach Omar Diaz said.', "Nothing is quoted here."]
    out = extract_many(texts)
    assert len(out) == 3 and out[0] == [] and out[2] == []
    assert out[1][0].speaker == "Omar Diaz"
