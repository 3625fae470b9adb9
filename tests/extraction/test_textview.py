"""The normalised view the rules read (claims/extraction/textview.py): hard-wrapped copy reflowed,
line endings, Unicode spaces, soft hyphens and hyphenated line breaks, with every offset mapped back
to the text as received."""
from __future__ import annotations

import random
import textwrap

import pytest

from claims.extraction import extract
from claims.extraction.textview import view

ARTICLE = (
    "The regional transport authority said on Monday that the new tram line would open in "
    "September, three months later than planned, because of delays in delivering the rails.\n\n"
    "\"We would rather open late than open a line that is not safe,\" said Maren Holt, the "
    "authority's director of operations, at a news conference in the city hall.\n\n"
    "Opposition councillors accused the authority of hiding the delay from the public for months, "
    "and Councillor Benedikt Sauer said the project had cost 40 million euros more than budgeted.\n\n"
    "Holt denied that anything had been hidden. She added that a full report would be published "
    "before the council's next meeting in July."
)


def _wrap(text: str, width: int = 70, sep: str = "\n") -> str:
    return sep.join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False)
                    for p in text.split("\n\n"))


def _assert_map_is_faithful(original: str) -> None:
    v = view(original)
    for i, ch in enumerate(v.text):
        o = v.pos(i)
        assert 0 <= o < len(original)
        if ch not in " \n":
            assert original[o] == ch or (ch, original[o]) == ('"', "'"), (i, ch, original[o])


def _signature(text: str) -> list[tuple[str, str, str | None, str]]:
    return [(" ".join(c.content.split()), c.kind, c.speaker, c.stance) for c in extract(text)]


@pytest.mark.parametrize("width", [50, 70, 72])
def test_a_hard_wrapped_article_gives_the_claims_of_the_unwrapped_one(width):
    assert _signature(_wrap(ARTICLE, width)) == _signature(ARTICLE)


def test_hard_wrapped_paragraphs_separated_by_blank_lines_are_rejoined_too():
    assert _signature(_wrap(ARTICLE, 70, "\n\n")) == _signature(ARTICLE)


def test_paragraphs_marked_by_an_indent_are_paragraphs():
    text = "\n".join("  " + textwrap.fill(p, 68) .replace("\n", "\n") for p in ARTICLE.split("\n\n"))
    v = view(text)
    assert v.text.count("\n\n") == 3
    assert _signature(text) == _signature(ARTICLE)


def test_windows_line_endings_keep_offsets_into_the_text_as_given():
    text = _wrap(ARTICLE).replace("\n", "\r\n")
    claims = extract(text)
    assert _signature(text) == _signature(ARTICLE)
    for c in claims:
        assert c.content == " ".join(text[a:b] for a, b in c.content_spans)
        assert not c.content.endswith("\r")


def test_no_break_and_thin_spaces_read_as_spaces():
    text = ARTICLE.replace("Maren Holt", "Maren\u00a0Holt").replace("40 million", "40\u202fmillion")
    assert [s for _, _, s, _ in _signature(text)] == [s for _, _, s, _ in _signature(ARTICLE)]


def test_a_soft_hyphen_inside_a_word_is_invisible_but_stays_in_the_claim():
    text = ARTICLE.replace("September", "Sep\u00adtember")
    claim = next(c for c in extract(text) if "tram line" in c.content)
    assert claim.content == "the new tram line would open in Sep\u00adtember"
    assert claim.content == " ".join(text[a:b] for a, b in claim.content_spans)


def test_a_word_hyphenated_across_a_line_break_is_joined():
    v = view(_wrap(ARTICLE, 70).replace("authority", "author-\nity", 1))
    assert "authority" in v.text.split("\n\n")[0]


def test_a_compound_the_text_writes_with_a_hyphen_keeps_it_across_a_line_break():
    v = view("The board approved a long-\nterm plan.\nIt was a long-term plan, the board said, and a good one.")
    assert v.text.startswith("The board approved a long-term plan.")


def test_two_apostrophes_are_read_as_a_double_quote_mark():
    text = "''We will not close the library,'' the mayor said."
    c = extract(text)[0]
    assert c.kind == "direct"
    assert c.content == "We will not close the library"


def test_a_text_that_is_not_wrapped_is_read_as_it_is():
    v = view(ARTICLE)
    assert v.text == ARTICLE
    assert v.identical


@pytest.mark.parametrize("seed", range(20))
def test_every_character_of_the_view_maps_back_to_the_same_character(seed):
    rng = random.Random(seed)
    pieces = ["word", "the", "Council", "said", "\u00a0", "\u00ad", "\r\n", "\n", "\n\n", " ", "-",
              "\u200b", "''", '"', "\u2028", "\t", "re-", "\ufeff", "."]
    text = "".join(rng.choice(pieces) + (" " if rng.random() < 0.5 else "") for _ in range(400))
    _assert_map_is_faithful(text)
    _assert_map_is_faithful(_wrap(ARTICLE, 40 + seed).replace("\n", "\r\n").replace(" ", "\u00a0", seed))


def test_a_long_hard_wrapped_text_with_windows_line_endings_maps_back_faithfully():
    # 1,500 paragraphs: thousands of deleted carriage returns and reflowed newlines, each mapped
    # back by a binary search (a linear scan per edit would make this quadratic)
    text = "\r\n".join(_wrap(ARTICLE, 60).replace("\n", "\r\n") for _ in range(300))
    v = view(text)
    assert v.text.count("\r") == 0
    for i in range(0, len(v.text), 997):
        if v.text[i] not in " \n":
            assert text[v.pos(i)] == v.text[i] or (v.text[i], text[v.pos(i)]) == ('"', "'")
