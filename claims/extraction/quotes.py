"""Finding quotations: pairing quote marks in one linear pass.

Styles: straight "..." and curly “...”, „...“ / „...”, «...», ‹...›, 「...」, and single quotes
‘...’ or '...' when they are used as quote marks rather than apostrophes. A paragraph that opens a
quotation without closing it continues into the next paragraph when that one reopens with a quote
mark (the news convention); any other unclosed quotation is dropped, so an unbalanced mark never
swallows the rest of the text. Every loop moves forward only: time is linear in the text length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

DOUBLE_OPEN = {'"': '"\u201d\u201c', "\u201c": "\u201d\"", "\u201e": "\u201c\u201d\"",
               "\u00ab": "\u00bb", "\u2039": "\u203a", "\u300c": "\u300d", "\u300e": "\u300f"}
SINGLE_OPEN = {"\u2018": "\u2019", "'": "'\u2019", "\u201a": "\u2018\u2019"}
ALL_MARKS = set(DOUBLE_OPEN) | set("".join(DOUBLE_OPEN.values())) | set(SINGLE_OPEN) | {"\u2019"}
OPEN_BEFORE = set(" \t\n\r\f\v([{\u2014\u2013-/:;,\u00a0\u2018\u201c\"'\u3000") | {""}
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass
class Quote:
    open: int  # index of the opening mark
    close: int  # index just after the closing mark
    segments: list[tuple[int, int]] = field(default_factory=list)  # interiors, marks excluded
    style: str = '"'

    @property
    def text_len(self) -> int:
        return sum(b - a for a, b in self.segments)


def paragraph_breaks(text: str) -> list[int]:
    """Sorted offsets where a paragraph starts. Blank lines separate paragraphs when the text has
    any; otherwise every line is a paragraph (texts hard-wrapped at 70 columns have blank lines)."""
    starts = [m.end() for m in _BLANK_LINE.finditer(text)]
    if starts:
        return starts
    return [i + 1 for i, c in enumerate(text) if c == "\n"]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _prev(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else ""


def _next(text: str, i: int) -> str:
    return text[i + 1] if i + 1 < len(text) else ""


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations in `text`, in order."""
    para = set(paragraph_breaks(text))
    quotes = _pair(text, para, DOUBLE_OPEN, double=True)
    # single quotes only where no double quotation is (nested single quotes are part of it)
    out = []
    pos = 0
    for q in quotes + [None]:
        end = q.open if q else len(text)
        if end > pos:
            out.extend(_pair(text, para, SINGLE_OPEN, double=False, lo=pos, hi=end))
        if q:
            out.append(q)
            pos = q.close
    out.sort(key=lambda q: q.open)
    return out


def _pair(
    text: str, para: set[int], table: dict[str, str], double: bool, lo: int = 0, hi: int | None = None
) -> list[Quote]:
    hi = len(text) if hi is None else hi
    out: list[Quote] = []
    cur: tuple[Quote, str] | None = None  # (Quote, closers)
    seg_start = 0
    i = lo
    while i < hi:
        c = text[i]
        if cur is not None and (i in para):
            # a paragraph ends while a quotation is open: continue only if this paragraph reopens
            q, closers = cur
            j = i
            while j < hi and text[j] in " \t\u00a0":
                j += 1
            if j < hi and text[j] in table:
                a, b = _trim(text, seg_start, i)
                if b > a:
                    q.segments.append((a, b))
                seg_start = j + 1
                i = j + 1
                continue
            cur = None  # unbalanced: drop it
        if cur is None:
            if double and c == "\u201d" and _prev(text, i) in OPEN_BEFORE and _next(text, i).isalnum():
                # a closing mark typed where an opening one belongs, at the start of a quotation
                cur = (Quote(open=i, close=i, style=c), "\u201d\u201c\"")
                seg_start = i + 1
            elif c in table and _is_opener(text, i, c, double):
                cur = (Quote(open=i, close=i, style=c), table[c])
                seg_start = i + 1
        else:
            q, closers = cur
            if c in closers and _is_closer(text, i, c, double):
                a, b = _trim(text, seg_start, i)
                if b > a:
                    q.segments.append((a, b))
                q.close = i + 1
                if q.segments:
                    out.append(q)
                cur = None
            elif not double and c == "\n":
                cur = None  # single quotes never run over a line end
        i += 1
    return out


def _is_opener(text: str, i: int, c: str, double: bool) -> bool:
    nxt = _next(text, i)
    if not nxt or nxt.isspace():
        return False
    if double:
        if c == '"':
            return _prev(text, i) in OPEN_BEFORE or not _prev(text, i).isalnum()
        return True
    prev = _prev(text, i)
    if prev and prev not in OPEN_BEFORE:
        return False
    if c == "'":
        # 'n', '90s, 'em: apostrophes at the start of a word
        return nxt.isalpha() and text[i + 1:i + 3].lower() not in ("n'", "n ", "em")
    return True


def _is_closer(text: str, i: int, c: str, double: bool) -> bool:
    prev = _prev(text, i)
    if double:
        return True
    if not prev or prev.isspace():
        return False
    nxt = _next(text, i)
    return not (nxt.isalnum())
