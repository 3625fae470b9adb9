"""Page furniture and the header of a pasted article: headline, byline, date, dateline, credits.

Text pasted from a wire feed or a web page carries lines that are not body text: the headline,
"Send a link to a friend", "[March 3, 2026]", "By Petra Lindqvist", the dateline
"BALLINMORE (Coastline News) -", section heads in capitals, photo captions and credits,
"(Reporting by ...; Editing by ...)", "(This story has been corrected ...)", copyright notices and
"Our Standards:"-style footers. The rules extract no claim from them, and the headline, byline and
date become the article's title, byline and date.

`furniture(text, lines)` classifies the lines of a text (already free of carriage returns and
Unicode spaces: see textview); `read_header(text)` is the public reader.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# How far into a text its header may run (non-empty lines).
HEADER_LINES = 10
# A headline is at most this many words (and at most 3 lines when wrapped).
HEADLINE_WORDS = 30
# A section head in capitals ("MILITARY DISPLAYS") is at most this many words.
SUBHEAD_WORDS = 6

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_WEEKDAYS = "(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DATE_TEXT = (rf"(?:(?:{_WEEKDAYS}),?\s+)?(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
              rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})")
# A line that is only a date (and maybe a time): "[March 3, 2026]", "Tuesday, 3 March 2026 10:42 GMT".
DATE_LINE = re.compile(rf"^[\[(]?\s*(?:(?:published|updated|posted)\s*:?\s*)?{_DATE_TEXT}"
                       r"(?:[\s,;|-]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*[\])]?$", re.I)
BYLINE = re.compile(r"^by\s+([A-Z][\w'.-]*(?:[\s,]+(?:and\s+)?[A-Z][\w'.-]*){0,7})\s*$", re.I)
SHARE = re.compile(r"^(?:send (?:a|this) link to a friend|share (?:this|on)\b.*|email this (?:story|article)|"
                   r"print(?: this)? (?:story|article)|click here\b.*|advertisement|sign up\b.*|subscribe\b.*|"
                   r"read more\b.*|read the rest(?: here)?\.?|related(?: coverage| stories| articles)?:?.*|"
                   r"follow (?:us|[A-Z][\w .'-]{0,40}) on (?:twitter|x|facebook|instagram)\b.*|"
                   r"listen to this (?:story|article).*|\d+ min(?:ute)? read)$", re.I)
CAPTION = re.compile(r"^(?:\(?(?:file )?photo(?:graph)?s?\b|\(?image\b|\(?picture\b|\(?credit\b|"
                     r"\(?video\b|[A-Z]+/[A-Z][a-z]+ [A-Z]).*", re.I)
CREDIT = re.compile(r"^\(?(?:(?:additional )?reporting|writing|editing|compiled|edited|written|"
                    r"research|graphics?|translated)\s+by\b", re.I)
CORRECTION = re.compile(r"^\(?(?:this (?:story|article|version) (?:has been|was) (?:corrected|updated|refiled|"
                        r"amended)|corrects?\b|updates?\b\s+(?:with|to)\b|refiles?\b)", re.I)
COPYRIGHT = re.compile(r"^\[?\s*(?:\u00a9|\(c\)|copyright\b|all rights reserved)", re.I)
FOOTER = re.compile(r"^(?:[A-Z][\w]*\s+){0,2}(?:standards|principles|policy|policies|disclaimer):", re.I)
# "SEOUL (Reuters) -", "HEMPSTEAD, N.Y., Sept. 26 (UPI) \u2014", "WASHINGTON (AP) \u2014"
DATELINE = re.compile(r"^([A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
                      r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
                      rf"(?:,\s*(?:{_MONTHS})\.?\s+\d{{1,2}})?\s*\(([^()\n]{{2,40}})\)\s*"
                      r"(?:[-\u2013\u2014]+|:)\s*)", re.I)


@dataclass
class Header:
    """What the top and bottom of a pasted article say about it. Offsets index the text as given."""

    title: str | None = None
    byline: str | None = None  # the names only: "By Petra Lindqvist" gives "Petra Lindqvist"
    date: dt.date | None = None
    dateline: str | None = None  # "BALLINMORE (Coastline News)"
    furniture: list[tuple[int, int]] = field(default_factory=list)  # spans that are not body text


@dataclass
class Furniture:
    """Line roles of a text: which lines are not body text, and the header they spell."""

    roles: dict[int, str] = field(default_factory=dict)  # line index -> role
    dateline: tuple[int, int] | None = None  # the dateline prefix of the first body line
    title_lines: list[int] = field(default_factory=list)
    byline: str | None = None
    date: dt.date | None = None
    # a headline recognised only as a title (a short first paragraph), still read as body text
    soft_title: str | None = None


def parse_date(s: str) -> dt.date | None:
    """The date a date line gives, or None."""
    m = re.search(_DATE_TEXT, s, re.I)
    if not m:
        return None
    raw = re.sub(rf"^{_WEEKDAYS},?\s+", "", m.group(0), flags=re.I)
    raw = re.sub(r"(\d)(st|nd|rd|th)", r"\1", raw).replace(",", " ").replace(".", " ")
    raw = re.sub(r"\bsept\b", "sep", raw, flags=re.I)
    for fmt in ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(" ".join(raw.split()), fmt).date()
        except ValueError:
            continue
    return None


def _is_subhead(line: str) -> bool:
    words = line.split()
    letters = [c for c in line if c.isalpha()]
    return (0 < len(words) <= SUBHEAD_WORDS and len(letters) >= 4 and all(c.isupper() for c in letters)
            and not line.rstrip().endswith((".", ",", ":", ";", '"', "\u201d")))


def _line_role(line: str) -> str | None:
    s = line.strip()
    if not s:
        return None
    if len(s) <= 80 and SHARE.match(s):
        return "share"
    if len(s) <= 60 and DATE_LINE.match(s):
        return "date"
    if COPYRIGHT.match(s):
        return "copyright"
    if CREDIT.match(s):
        return "credit"
    if CORRECTION.match(s) and s.startswith("("):
        return "correction"
    if FOOTER.match(s) and len(s) <= 200:
        return "footer"
    if len(s) <= 200 and CAPTION.match(s) and not s[:1].islower():
        return "caption"
    if _is_subhead(s):
        return "subhead"
    return None


def furniture(text: str, lines: list[tuple[int, int]]) -> Furniture:
    """The roles of `text`'s lines ((start, end) each, newline excluded)."""
    out = Furniture()
    body = [k for k, (a, b) in enumerate(lines) if text[a:b].strip()]
    if not body:
        return out
    for k in body:
        a, b = lines[k]
        role = _line_role(text[a:b])
        if role == "subhead" and k == body[0]:
            role = None  # a headline in capitals, decided below
        if role:
            out.roles[k] = role
    _bottom(text, lines, body, out)
    _top(text, lines, body, out)
    return out


def _bottom(text: str, lines: list[tuple[int, int]], body: list[int], out: Furniture) -> None:
    """Credits, corrections and copyright at the end, possibly wrapped over several lines."""
    # a copyright notice runs to the end of the text
    for k in body:
        if out.roles.get(k) == "copyright" and k >= body[len(body) // 2]:
            for j in body:
                if j >= k:
                    out.roles[j] = "copyright"
            break
    # a parenthesised credit or correction note wrapped over several lines
    for i, k in enumerate(body):
        if out.roles.get(k) in ("credit", "correction"):
            a, b = lines[k]
            depth = text[a:b].count("(") - text[a:b].count(")")
            j = i + 1
            while depth > 0 and j < len(body) and j - i <= 4:
                a2, b2 = lines[body[j]]
                out.roles.setdefault(body[j], out.roles[k])
                depth += text[a2:b2].count("(") - text[a2:b2].count(")")
                j += 1


def _top(text: str, lines: list[tuple[int, int]], body: list[int], out: Furniture) -> None:
    head = body[:HEADER_LINES]
    marks = [k for k in head if out.roles.get(k) in ("share", "date") or BYLINE.match(text[slice(*lines[k])].strip())]
    dateline_at = None
    for k in head:
        a, b = lines[k]
        m = DATELINE.match(text[a:b])
        if m and len(m.group(1).split()) <= 8:
            dateline_at = k
            out.dateline = (a, a + m.end())
            break
    for k in marks:
        a, b = lines[k]
        s = text[a:b].strip()
        m = BYLINE.match(s)
        if m and out.roles.get(k) is None:
            out.roles[k] = "byline"
            out.byline = out.byline or re.sub(r",?\s+(?:and)\s+", " and ", m.group(1)).strip(" ,")
        elif out.roles.get(k) == "date" and out.date is None:
            out.date = parse_date(s)
    first_mark = min([k for k in marks] + ([dateline_at] if dateline_at is not None else []), default=None)
    if first_mark is not None and first_mark > body[0]:
        # the lines before the first header mark are the headline (a wrapped one takes 2-3 lines)
        title = [k for k in body if k < first_mark]
        title_words = sum(len(text[slice(*lines[k])].split()) for k in title)
        if len(title) <= 3 and title_words <= HEADLINE_WORDS:
            out.title_lines = title
            # a headline that quotes someone ("Lynch: No outside influence on the probe") stays
            # readable as a claim; any other headline is no body text
            if not (len(title) == 1 and _NAME_COLON.match(text[slice(*lines[title[0]])].strip())):
                for k in title:
                    out.roles[k] = "headline"
        if dateline_at is not None:
            # the lines between the header marks and the dateline are header too (a second date)
            for k in body:
                if first_mark < k < dateline_at and k not in out.roles:
                    out.roles[k] = "header"
        return
    # no header marks: a first paragraph that reads as a headline is the title; it is taken out
    # of the body only when it is set as one (Title Case or capitals, no closing full stop)
    k = body[0]
    a, b = lines[k]
    s = text[a:b].strip()
    own_paragraph = len(body) > 1 and (body[1] > k + 1 or _short(s, text, lines, body))
    if not own_paragraph or s[:1] in "\"\u201c\u2018'" or s.endswith(":"):
        return
    words = s.split()
    if len(words) > HEADLINE_WORDS or len(words) < 2:
        return
    caps = [w for w in words if w[:1].isalpha() and len(w) > 3]
    title_case = bool(caps) and sum(1 for w in caps if w[:1].isupper()) >= 0.8 * len(caps)
    if title_case or not s.endswith((".", "?", "!")):
        out.soft_title = s  # set as a headline: the article's title
    said = _NAME_COLON.match(s)  # "Lynch: No outside influence on the probe" attributes a claim
    if title_case and not s.endswith((".", "?", "!")) and not said:
        out.title_lines = [k]
        out.roles[k] = "headline"


_NAME_COLON = re.compile(r"^(?:\S+\s+){0,5}\S+:\s")


def _short(s: str, text: str, lines: list[tuple[int, int]], body: list[int]) -> bool:
    """Is this first line shorter than the text's other lines (a headline over a wrapped body)?"""
    others = [len(text[slice(*lines[k])].strip()) for k in body[1:8]]
    return bool(others) and len(s) < 0.8 * max(others)


def header_from(text: str, lines: list[tuple[int, int]], f: Furniture) -> tuple[str | None, str | None]:
    """The title and dateline strings, whitespace collapsed."""
    title = " ".join(text[slice(*lines[k])].strip() for k in f.title_lines) or f.soft_title
    dateline = None
    if f.dateline:
        m = DATELINE.match(text[f.dateline[0]:f.dateline[1]])
        dateline = " ".join(m.group(0).strip(" -\u2013\u2014:").split()) if m else None
    return (" ".join(title.split()) if title else None), dateline


def read_header(text: str) -> Header:
    """The headline, byline, date and dateline a pasted article gives, and where its furniture is."""
    from .textview import view

    v = view(text)
    return v.header
