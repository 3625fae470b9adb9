"""The regression cases written for the project (tests/extraction/data/cases.jsonl, a copy of
../shared/extraction/cases/cases.jsonl, plus our own in project_cases.jsonl), one test per
expectation, checked by the rules of ../shared/extraction/cases/README.md: an expected claim is
found when one predicted claim covers at least 80% of its non-space characters; then its speaker,
cue, stance and kind must agree. `forbid` strings are never a claim by themselves and
`forbid_speakers` never a speaker.

Expectations the extractor does not meet yet are listed in OPEN with the reason; they run as
strict xfails, so one that starts passing fails the run until it is taken off the list."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from claims.extraction import extract_many
from claims.extraction.header import read_header

DATA = Path(__file__).with_name("data")
CASES = [json.loads(line) for name in ("cases.jsonl", "project_cases.jsonl") if (DATA / name).exists()
         for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]

# (case id, expectation index): why it is still open. Empty: every expectation is met.
OPEN: dict[tuple[str, int], str] = {}


@lru_cache(maxsize=1)
def _predictions() -> dict[str, list]:
    got = extract_many([c["text"] for c in CASES])
    return {c["id"]: claims for c, claims in zip(CASES, got, strict=True)}


def _locate(text: str, words: str) -> set[int]:
    m = re.search(r"\s+".join(map(re.escape, words.split())), text)
    assert m, f"{words!r} is not in the case's text"
    return {i for i in range(m.start(), m.end()) if not text[i].isspace()}


def _covered(claim) -> set[int]:
    return {i for a, b in claim.content_spans for i in range(a, b)}


def _words_in(expected: str | None, got: str | None) -> bool:
    if not expected:
        return True
    have = set(re.findall(r"[\w'-]+", (got or "").lower()))
    return all(w in have for w in re.findall(r"[\w'-]+", expected.lower()))


def _params():
    for c in CASES:
        for i, e in enumerate(c["expect"]):
            marks = [pytest.mark.xfail(strict=True, reason=OPEN[(c["id"], i)])] if (c["id"], i) in OPEN else []
            yield pytest.param(c, e, id=f"{c['id']}-{i}-{e['content'][:30]}", marks=marks)


@pytest.mark.parametrize("case,expected", list(_params()))
def test_the_expected_claim_is_found_with_its_speaker_cue_stance_and_kind(case, expected):
    text = case["text"]
    claims = _predictions()[case["id"]]
    want = _locate(text, expected["content"])
    best = max(claims, key=lambda p: len(want & _covered(p)), default=None)
    assert best is not None and len(want & _covered(best)) >= 0.8 * len(want), \
        f"not found; got {[c.content for c in claims]}"
    assert _words_in(expected.get("speaker"), best.speaker), f"speaker {best.speaker!r}"
    for key in ("stance", "kind"):
        if expected.get(key):
            assert getattr(best, key) == expected[key], f"{key} {getattr(best, key)!r}"
    if expected.get("cue"):
        assert (best.cue or "").lower() == expected["cue"].lower()
    for a, b in best.content_spans:  # offsets index the text as given
        assert best.content == " ".join(text[x:y] for x, y in best.content_spans)
        assert 0 <= a < b <= len(text)


@pytest.mark.parametrize("case,forbidden", [pytest.param(c, f, id=f"{c['id']}-{f[:30]}")
                                            for c in CASES for f in c.get("forbid", [])])
def test_no_claim_is_a_fragment_the_case_forbids(case, forbidden):
    bad = _locate(case["text"], forbidden)
    for claim in _predictions()[case["id"]]:
        inside = _covered(claim) and _covered(claim) <= set(range(min(bad), max(bad) + 1))
        assert not inside, f"claim {claim.content!r} lies inside {forbidden!r}"


@pytest.mark.parametrize("case,speaker", [pytest.param(c, s, id=f"{c['id']}-{s}")
                                          for c in CASES for s in c.get("forbid_speakers", [])])
def test_no_claim_has_a_speaker_the_case_forbids(case, speaker):
    assert all((c.speaker or "").lower() != speaker.lower() for c in _predictions()[case["id"]])


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES if c.get("header")])
def test_the_header_gives_the_title_byline_and_date(case):
    header = read_header(case["text"])
    want = case["header"]
    assert header.title == want.get("title")
    assert header.byline == want.get("byline")
    assert (header.date.isoformat() if header.date else None) == want.get("date")
