"""Reading text as an editor would, with every offset still pointing into the text as received.

Wire copy, e-mail and copied PDFs arrive hard-wrapped (a newline every 70 characters or so, one
newline between paragraphs), with Windows line endings, no-break and other Unicode spaces, soft
hyphens and words hyphenated across a line break. The parser reads a line break as a boundary and
a no-break space as a word character, so such text turned into fragments. `view(text)` returns a
normalised copy for the rules to read and a map from its offsets back to the text as given:

- `\\r\\n` and lone `\\r` become `\\n`; U+2028/U+2029 become `\\n`;
- no-break, thin, ideographic and other Unicode spaces become a plain space;
- soft hyphens and zero-width characters are removed;
- in hard-wrapped text, a newline inside a paragraph becomes a space, and a word hyphenated across
  such a newline is joined ("extraordi-\\nnary" reads "extraordinary"; "long-\\nterm" stays
  "long-term" when the text writes it so elsewhere);
- every paragraph break becomes a blank line, whether the text marks it with a blank line, with one
  newline after a short line, or with an indent.

Claims found in the view are mapped back with `TextView.span` (content then comes from the text as
given, soft hyphens and line breaks included, as the contract asks). Linear in the length of the text.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from .header import Furniture, Header, furniture, header_from

# Characters read as a plain space (same length, so no map entry is needed).
_SPACES = {c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                           "\u2009\u200a\u202f\u205f\u3000\u000b\u000c"}
_SPACES.update({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})
_SPACE_TABLE = str.maketrans(_SPACES)
# Characters that are not there for a reader: soft hyphen, zero-width spaces and joiners, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]|\r(?=\n)")
_TWO_APOSTROPHES_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))''(?=\S)")
_TWO_APOSTROPHES_CLOSE = re.compile(r"(?<=\S)''(?=[\s,.;:!?)\]\u2014\u2013-]|$)")
# A text is read as hard-wrapped when its lines are no longer than this...
MAX_WRAP_WIDTH = 160
# ...and at least this share of its paragraph lines come close to the longest (filled lines).
MIN_FILLED_SHARE = 0.5
# A line is "filled" when it reaches this share of the wrap width.
FILLED_LINE = 0.75
# Fewer lines than this carry no evidence of wrapping.
MIN_LINES = 4


@dataclass
class TextView:
    """The text to read (`text`) and the way back to the text as received (`original`)."""

    original: str
    text: str
    # Length-changing edits, in view offsets: at view offset _at[k] the original offset is
    # _orig[k]; between edits the two advance together.
    _at: list[int] = field(default_factory=list)
    _orig: list[int] = field(default_factory=list)
    header: Header = field(default_factory=Header)

    def pos(self, i: int) -> int:
        """The original offset of view offset `i` (a character, not an end)."""
        k = bisect.bisect_right(self._at, i) - 1
        if k < 0:
            return i
        return min(self._orig[k] + (i - self._at[k]), len(self.original))

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original (start, end) of the view's (start, end), end exclusive."""
        if b <= a:
            p = self.pos(a)
            return p, p
        return self.pos(a), self.pos(b - 1) + 1

    @property
    def identical(self) -> bool:
        return self.text is self.original


def view(text: str) -> TextView:
    """The normalised view of `text`, with its header and furniture found."""
    # 1. same-length substitutions: Unicode spaces, lone carriage returns
    s = text.translate(_SPACE_TABLE)
    if "\r" in s:
        s = re.sub(r"\r(?!\n)", "\n", s)
    if "''" in s:
        # two apostrophes as a double quote mark (''like this''), the style of some newspapers
        s = _TWO_APOSTROPHES_OPEN.sub(' "', s)
        s = _TWO_APOSTROPHES_CLOSE.sub('" ', s)
    edits: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(s)]
    # 2. furniture and reflow, read on the text without the invisible characters
    plain, back = _apply(s, edits)
    keys = [v for v, _ in back]
    lines = _lines(plain)
    found = furniture(plain, lines)
    more = _reflow(plain, lines, found) + _blank(plain, lines, found)
    if more:
        edits.extend((_to_orig(back, keys, a), _to_orig(back, keys, b - 1) + 1 if b > a else _to_orig(back, keys, a), r)
                     for a, b, r in more)
        edits.sort()
    out, marks = _apply(s, edits)
    title, dateline = header_from(plain, lines, found)
    spans = [(_to_orig(back, keys, a), _to_orig(back, keys, max(a, b - 1)) + 1) for a, b in
             ([lines[k] for k in sorted(found.roles)] + ([found.dateline] if found.dateline else []))]
    head = Header(title=title, byline=found.byline, date=found.date, dateline=dateline,
                  furniture=sorted(spans))
    if not marks and out == text:
        return TextView(text, text, header=head)
    return TextView(text, out, [v for v, _ in marks], [o for _, o in marks], header=head)


def _blank(s: str, lines: list[tuple[int, int]], found: Furniture) -> list[tuple[int, int, str]]:
    """Furniture is read as blank space (same length): no claim, subject or sentence comes from it."""
    out = [(a, b, " " * (b - a)) for k in sorted(found.roles) for a, b in [lines[k]] if b > a]
    if found.dateline:
        a, b = found.dateline
        out.append((a, b, " " * (b - a)))
    return out


def _apply(s: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """`s` with each (start, end, replacement) applied, and the breakpoints (view, original)."""
    if not edits:
        return s, []
    parts: list[str] = []
    back: list[tuple[int, int]] = []
    pos = 0
    n = 0
    for a, b, r in edits:
        if a < pos:  # overlapping edits: keep the first
            continue
        parts.append(s[pos:a])
        n += a - pos
        if r:
            back.append((n, a))
            parts.append(r)
            n += len(r)
        back.append((n, b))
        pos = b
    parts.append(s[pos:])
    return "".join(parts), back


def _to_orig(back: list[tuple[int, int]], keys: list[int], i: int) -> int:
    """The offset in the text before `back`'s edits of offset `i` after them (`keys`: the view
    offsets of `back`, for the binary search)."""
    if not back:
        return i
    k = bisect.bisect_right(keys, i) - 1
    if k < 0:
        return i
    return back[k][1] + (i - back[k][0])


def _lines(s: str) -> list[tuple[int, int]]:
    """(start, end) of every line, newline excluded."""
    out = []
    start = 0
    while True:
        j = s.find("\n", start)
        if j < 0:
            out.append((start, len(s)))
            return out
        out.append((start, j))
        start = j + 1


def _reflow(s: str, lines: list[tuple[int, int]], found: Furniture) -> list[tuple[int, int, str]]:
    """Edits that turn a hard-wrapped text's in-paragraph newlines into spaces (or joins) and its
    single-newline paragraph breaks into blank lines. In a text that is not hard-wrapped, lines
    are paragraphs (or blank lines separate them, and single newlines stay as they are)."""
    if len(lines) < 2:
        return []
    lengths = [len(s[a:b].rstrip()) for k, (a, b) in enumerate(lines) if s[a:b].strip() and k not in found.roles]
    width = _wrap_width(lengths)
    blank_lines = any(not s[a:b].strip() for a, b in lines[1:-1])
    edits: list[tuple[int, int, str]] = []
    for k, ((a, b), (na, nb)) in enumerate(itertools.pairwise(lines)):
        line = s[a:b]
        nxt = s[na:nb]
        if not line.strip() or not nxt.strip():
            continue  # a blank line is already a paragraph break
        hard = k in found.roles or k + 1 in found.roles
        joined = None if hard else _hyphen_join(s, a, line, na, nxt)
        if joined is not None:
            edits.append(joined)
        elif not hard and (width and _soft_break(line, nxt, width) or _runs_on(line, nxt)):
            edits.append((b, b + 1, " "))
        elif hard or width or not blank_lines:
            edits.append((b, b + 1, "\n\n"))  # a paragraph break marked by one newline
    return edits


def _hyphen_join(s: str, a: int, line: str, na: int, nxt: str) -> tuple[int, int, str] | None:
    """A word hyphenated across a line break, joined: the hyphen is kept only when the text writes
    the word with one elsewhere ("long-\nterm" when "long-term" occurs), else dropped
    ("extraordi-\nnary" reads "extraordinary")."""
    end = len(line.rstrip())
    hyphen = _END_HYPHEN.search(line, 0, end)
    tail = _WORD.match(nxt)
    if not (hyphen and tail and nxt[:1].islower()):
        return None
    word = f"{hyphen.group(1)}-{tail.group(0)}"
    if re.search(re.escape(word), s, re.I):
        return (a + end, na, "")
    return (a + end - 1, na, "")


_END_HYPHEN = re.compile(r"([^\W\d_]+)-$")
_WORD = re.compile(r"[^\W\d_]+")


def _wrap_width(lengths: list[int]) -> int:
    """The width a text was hard-wrapped at, or 0 when it was not."""
    if len(lengths) < MIN_LINES:
        return 0
    ordered = sorted(lengths)
    width = ordered[int(0.95 * (len(ordered) - 1))]
    if width > MAX_WRAP_WIDTH or width < 30:
        return 0
    filled = sum(1 for n in lengths if n >= FILLED_LINE * width)
    if filled < MIN_FILLED_SHARE * len(lengths):
        return 0
    return width


def _runs_on(line: str, nxt: str) -> bool:
    """A sentence that plainly runs on over a line break, whatever the text's width: the line ends
    with a letter or a comma and the next begins with a small letter."""
    end = line.rstrip()[-1:]
    return (end.isalpha() or end == ",") and nxt[:1].islower()


def _soft_break(line: str, nxt: str, width: int) -> bool:
    """Is the newline between `line` and `nxt` one the wrapping put inside a paragraph? It is when
    the next line's first word would not have fitted on this line, the next line does not start
    with an indent. (Reading a line that ends a sentence before a capital as a paragraph's last
    line was tried: it split multi-paragraph quotations and cost 0.006 F1 on wrapped dev text.)"""
    if nxt[:1] in (" ", "\t"):
        return False  # an indented line opens a paragraph
    first = nxt.split(None, 1)[0] if nxt.strip() else ""
    return len(line.rstrip()) + 1 + len(first) > width - WRAP_SLACK


# Wrappers differ by a character or two in what "fits"; a line this close to fitting is still full.
WRAP_SLACK = 3
