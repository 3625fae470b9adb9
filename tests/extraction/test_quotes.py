"""Direct quotations: styles, positions of the attribution, paragraphs, scare quotes."""
import pytest

from claims.extraction import extract
from claims.extraction.quotes import find_quotes


def one(text, kind=None):
    claims = extract(text)
    if kind:
        claims = [c for c in claims if c.kind == kind]
    assert len(claims) == 1, [c.to_json() for c in claims]
    c = claims[0]
    assert c.content == " ".join(text[a:b] for a, b in c.content_spans)
    return c


@pytest.mark.parametrize("open_, close", [('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"),
                                          ("\u201e", "\u201c"), ("\u2018", "\u2019")])
def test_it_finds_a_quotation_in_every_quote_style(open_, close):
    text = f"{open_}The bridge will reopen in the spring,{close} said Mayor Lena Ortiz."
    c = one(text)
    assert c.kind == "direct"
    assert c.content == "The bridge will reopen in the spring"
    assert c.speaker == "Lena Ortiz"
    assert c.cue == "said"


def test_it_attributes_a_quote_that_comes_before_the_speaker_said():
    text = '"Our budget is balanced for the third year," Tom Becker said on Tuesday.'
    c = one(text)
    assert c.speaker == "Tom Becker"
    assert text[c.speaker_spans[0][0]:c.speaker_spans[0][1]] == "Tom Becker"


def test_it_attributes_a_quote_that_follows_a_colon():
    text = 'The governor, Maria Feld, said: "We have hired 400 new teachers this year."'
    c = one(text)
    assert c.kind == "direct"
    assert c.content == "We have hired 400 new teachers this year."
    assert c.speaker == "Maria Feld"


def test_it_joins_a_quote_split_by_its_attribution():
    text = '"The plant is safe," Sara Lind said, "and it will stay open until 2030."'
    c = one(text)
    assert len(c.content_spans) == 2
    assert c.content == "The plant is safe, and it will stay open until 2030."
    assert c.speaker == "Sara Lind"


def test_it_continues_a_quotation_over_paragraphs_that_reopen_with_a_quote_mark():
    text = ("Paul Mendes, the club's treasurer, spoke at length.\n\n"
            "\u201cWe lost money in every month of the season, and the bank knows it,\u201d Mendes said. "
            "\u201cThe debt is now larger than the stadium is worth.\n\n"
            "\u201cNobody wants to hear that, but it is the truth.\u201d\n")
    claims = extract(text)
    direct = [c for c in claims if c.kind == "direct"]
    assert direct
    covered = " ".join(c.content for c in direct)
    assert "Nobody wants to hear that" in covered
    assert all(c.speaker == "Paul Mendes" for c in direct)


def test_a_following_quoted_sentence_without_attribution_keeps_the_speaker():
    text = ('"The river has never been this low," said the engineer, Karl Osei.\n\n'
            '"We measured it twice a day for a whole month and the numbers kept falling."\n')
    claims = extract(text)
    assert any("measured it twice" in c.content and c.speaker == "Karl Osei" for c in claims)


def test_a_headline_with_a_name_and_a_colon_is_a_direct_quote():
    text = 'Ortiz: "The new bridge cost less than the old one"\n\nThe city opened its bridge on Monday.'
    claims = extract(text)
    assert any(c.kind == "direct" and "new bridge cost less" in c.content and c.speaker
               and "Ortiz" in c.speaker for c in claims)


def test_scare_quotes_and_titles_are_never_claims_by_themselves():
    text = ('The plan known inside the firm as "Project Dawn" was shelved, and the number "70" '
            "appears in every memo. Readers loved the 'SHUTTLE DIPLOMACY' headline.")
    assert extract(text) == []


def test_single_curly_quotes_are_told_apart_from_apostrophes():
    text = "It\u2019s the workers\u2019 choice, \u2018we will strike on Friday\u2019 and that\u2019s that."
    qs = find_quotes(text)
    assert [text[a:b] for q in qs for a, b in q.segments] == ["we will strike on Friday"]


def test_an_unbalanced_quote_mark_does_not_swallow_the_text():
    text = 'He said "this is unfinished.\n\nThe next paragraph has "a real quote" in it.'
    qs = find_quotes(text)
    assert [text[a:b] for q in qs for a, b in q.segments] == ["a real quote"]


def test_mixed_straight_and_curly_quotes_pair_up():
    text = 'The minister said \u201cexports grew by 12 percent last year" in a speech.'
    qs = find_quotes(text)
    assert [text[a:b] for q in qs for a, b in q.segments] == ["exports grew by 12 percent last year"]
