"""Word-level comparison of two versions of a text (plain Python, no Django).

Texts are cut into words and punctuation marks ("taxes," is two tokens), so a changed comma does
not turn a whole word into a change, and compared with difflib on a normalised form (case, curly
and straight quotes, dashes and Unicode forms do not count as edits). What is shown keeps the
text's own characters.

`map_span` follows a span of the old text (a claim's words) into the new one: unchanged, changed
(with the new span and a diff) or removed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

__all__ = ["Diff", "SpanFate", "Token", "correction_notes", "diff_texts", "map_span", "tokens"]

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"})
# Less than this share of a quote's words left in place and it counts as removed, not changed: a
# paragraph rewritten around other words is a removal (and its new words may be a new claim).
KEPT_FOR_CHANGE = 0.34

Op = Literal["equal", "delete", "insert"]
Diff = list[tuple[Op, str]]


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    key: str


def tokens(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).translate(_FOLD).casefold())
        for m in _TOKEN.finditer(text)
    ]


def _matcher(old: list[Token], new: list[Token]) -> SequenceMatcher:
    # autojunk off: in a long article "the" is frequent, not junk; junking it misaligns quotes.
    return SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)


def _piece(text: str, toks: list[Token], i: int, j: int) -> str:
    """Tokens i..j-1 as written, with the space that follows them (so pieces join back into text)."""
    if i >= j:
        return ""
    end = toks[j].start if j < len(toks) else toks[j - 1].end
    return text[toks[i].start:end]


def _diff_ops(old_text: str, old: list[Token], new_text: str, new: list[Token]) -> Diff:
    ops: Diff = []
    for tag, a0, a1, b0, b1 in _matcher(old, new).get_opcodes():
        if tag == "equal":
            ops.append(("equal", _piece(new_text, new, b0, b1)))
            continue
        if a1 > a0:
            ops.append(("delete", _piece(old_text, old, a0, a1)))
        if b1 > b0:
            ops.append(("insert", _piece(new_text, new, b0, b1)))
    return [(op, text) for op, text in ops if text]


def diff_texts(old_text: str, new_text: str) -> Diff:
    """The word-level diff of two whole texts, as (operation, text) pieces in reading order."""
    return _diff_ops(old_text, tokens(old_text), new_text, tokens(new_text))


@dataclass(frozen=True)
class SpanFate:
    status: Literal["unchanged", "changed", "removed"]
    start: int | None = None  # the span in the new text (None when removed)
    end: int | None = None
    old_words: str = ""
    new_words: str = ""
    diff: tuple[tuple[Op, str], ...] = ()


class Alignment:
    """Two texts aligned once; any number of spans followed through it."""

    def __init__(self, old_text: str, new_text: str) -> None:
        self.old_text, self.new_text = old_text, new_text
        self.old, self.new = tokens(old_text), tokens(new_text)
        self.opcodes = _matcher(self.old, self.new).get_opcodes()

    def _token_range(self, start: int, end: int) -> tuple[int, int]:
        inside = [i for i, t in enumerate(self.old) if t.end > start and t.start < end]
        return (inside[0], inside[-1] + 1) if inside else (0, 0)

    def map_span(self, start: int, end: int) -> SpanFate:
        i0, i1 = self._token_range(start, end)
        old_words = self.old_text[start:end]
        if i0 == i1:
            return SpanFate("removed", old_words=old_words)
        kept = 0
        changed = False
        b_lo: int | None = None
        b_hi: int | None = None
        for tag, a0, a1, b0, b1 in self.opcodes:
            if a0 == a1:  # an insertion: part of the quote only strictly inside it
                if i0 < a0 < i1:
                    changed = True
                    b_lo = b0 if b_lo is None else min(b_lo, b0)
                    b_hi = b1 if b_hi is None else max(b_hi, b1)
                continue
            lo, hi = max(a0, i0), min(a1, i1)
            if lo >= hi:
                continue
            if tag == "equal":
                kept += hi - lo
                n0, n1 = b0 + (lo - a0), b0 + (hi - a0)
            else:
                changed = True
                if tag == "delete" or b1 == b0:
                    continue
                if a0 >= i0 and a1 <= i1:
                    n0, n1 = b0, b1  # a replacement inside the quote belongs to it whole
                else:
                    # Only the part of a replacement that lines up with the quote's words belongs to it.
                    n0 = b0 + (lo - a0) * (b1 - b0) // (a1 - a0)
                    n1 = b0 + -(-(hi - a0) * (b1 - b0) // (a1 - a0))
            b_lo = n0 if b_lo is None else min(b_lo, n0)
            b_hi = n1 if b_hi is None else max(b_hi, n1)
        if not changed and b_lo is not None and b_hi is not None:
            # Same words: the span moves with the text (the characters between may differ only in space).
            return SpanFate("unchanged", self.new[b_lo].start, self.new[b_hi - 1].end, old_words, self.new_text[
                self.new[b_lo].start:self.new[b_hi - 1].end])
        if b_lo is None or b_hi is None or b_hi <= b_lo or kept / (i1 - i0) < KEPT_FOR_CHANGE:
            return SpanFate("removed", old_words=old_words, diff=(("delete", old_words),))
        new_start, new_end = self.new[b_lo].start, self.new[b_hi - 1].end
        new_words = self.new_text[new_start:new_end]
        diff = tuple(_diff_ops(old_words, tokens(old_words), new_words, tokens(new_words)))
        if all(op == "equal" for op, _ in diff):
            return SpanFate("unchanged", new_start, new_end, old_words, new_words)
        return SpanFate("changed", new_start, new_end, old_words, new_words, diff)


def map_span(old_text: str, new_text: str, start: int, end: int) -> SpanFate:
    return Alignment(old_text, new_text).map_span(start, end)


# A newsroom's correction or editor's note, as outlets word them: "Correction: ...", "This article
# has been corrected/updated to ...", "An earlier version of this article misquoted ...".
_NOTE = re.compile(
    r"(?im)^[ \t]*(?:\*+|_+)?[ \t]*(?:"
    r"(?:correction|corrections|clarification|editor['’]s note|update[d]?)\s*(?:\([^)\n]{0,40}\))?\s*[:.\-–—]"
    r"|this (?:article|story|report|piece) (?:has been|was) (?:corrected|amended|updated to correct|clarified)"
    r"|an earlier version of this (?:article|story|report|piece)"
    r")[^\n]*"
)


def correction_notes(text: str) -> list[str]:
    """The correction or editor's notes a text carries, one line each, as written."""
    return [" ".join(m.group().split()).strip("*_ ") for m in _NOTE.finditer(text)]
