"""The header and furniture of a pasted article (claims/extraction/header.py)."""
from __future__ import annotations

import datetime as dt

from claims.extraction import extract, read_header
from claims.extraction.header import parse_date

WIRE = ("Ferry operator says winter timetable will stay\n"
        "Share this article\n"
        "Tuesday, 3 November 2026 10:42 GMT\n"
        "By Hanne Sol\n"
        "BERGHOLM, Nov 3 (Coast Wire) \u2014 The ferry operator said on Tuesday that its winter\n"
        "timetable would stay as it is, despite complaints from island residents.\n"
        "FILE PHOTO: A ferry leaves Bergholm harbour, March 2, 2026. REUTERS/Ola Berg\n"
        "Residents have argued that the last crossing leaves too early for workers.\n"
        "(This story has been corrected to fix the name of the operator in paragraph 1)\n"
        "Our Standards: The Coast Wire Trust Principles.")


def test_a_wire_header_gives_title_byline_date_and_dateline():
    h = read_header(WIRE)
    assert h.title == "Ferry operator says winter timetable will stay"
    assert h.byline == "Hanne Sol"
    assert h.date == dt.date(2026, 11, 3)
    assert h.dateline == "BERGHOLM, Nov 3 (Coast Wire)"


def test_no_claim_comes_from_the_headline_captions_corrections_or_footer():
    claims = extract(WIRE)
    contents = [" ".join(c.content.split()) for c in claims]
    assert any(c.startswith("its winter timetable would stay") for c in contents), contents
    assert any(c.startswith("the last crossing leaves too early") for c in contents), contents
    for c in claims:
        assert "Share" not in c.content and "FILE PHOTO" not in c.content and "Standards" not in c.content
        assert "BERGHOLM" not in c.content and (c.speaker or "") not in ("BERGHOLM", "Coast Wire")


def test_the_furniture_spans_index_the_text_as_given():
    h = read_header(WIRE)
    pieces = [WIRE[a:b] for a, b in h.furniture]
    assert "Share this article" in pieces
    assert any(p.startswith("BERGHOLM") for p in pieces)


def test_a_plain_text_has_no_header():
    h = read_header("The mayor said the bridge would reopen in May.\n\nShe added that tolls would not rise.")
    assert (h.title, h.byline, h.date) == (None, None, None)


def test_a_headline_set_in_title_case_is_the_title_and_no_claim():
    text = ("Mayor Says Bridge Will Reopen In May\n\nThe mayor said on Friday that the bridge would reopen "
            "in May.\n\nShe added that tolls would not rise.")
    assert read_header(text).title == "Mayor Says Bridge Will Reopen In May"
    assert all(c.start > 40 for c in extract(text))


def test_dates_are_read_in_the_usual_newsroom_forms():
    assert parse_date("[July 26, 2023]") == dt.date(2023, 7, 26)
    assert parse_date("Sept. 5, 2026") == dt.date(2026, 9, 5)
    assert parse_date("3 March 2026") == dt.date(2026, 3, 3)
    assert parse_date("2026-03-03") == dt.date(2026, 3, 3)
    assert parse_date("no date here") is None
