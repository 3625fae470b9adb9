"""Speeches, debates and interviews: reading a transcript into turns and finding its claims.

Plain Python on spaCy and two maintained parsers (webvtt-py, srt); imports nothing from Django.

    parse_transcript(raw, fmt=None, speaker=None, interviewer=None) -> Transcript
    extract_transcript(layout, text) -> list[TimedClaim]
    iter_extract_documents([(text, layout or None), ...]) -> claims per document, in order
    moment_url(media_url, seconds) -> the recording at that moment

A transcript becomes one text, one paragraph per turn ("Jane Doe: words of the turn"), and a
*layout* (plain JSON, stored beside the text) that says where each turn is in the text, who spoke
it and when each piece of it was said. Claims are found in each turn's words and keep offsets into
that text, so everything an article has (spans, highlighting, fingerprints) works unchanged.

Captions arrive in pieces: a cue can end mid-sentence, and "growing" (roll-up) captions repeat the
words already shown and add a few new ones. Consecutive cues of one speaker are joined into one turn,
and a cue's words that repeat the end of the turn so far are dropped (`_new_words`), so each word
is kept once, with the time of the cue that first showed it.
"""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .checkworthiness import score as checkworthiness_score
from .types import ExtractedClaim

log = logging.getLogger(__name__)

FORMATS = ("vtt", "srt", "text")
MAX_SPEAKER_CHARS = 120


class TranscriptError(ValueError):
    """The file cannot be read as a transcript; the message says why and where, for the user."""


@dataclass
class Cue:
    """One caption or one line of a plain transcript, before merging."""

    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    new_turn: bool = False  # the file marks a change of speaker (">>", a voice tag, "NAME:")


@dataclass
class Turn:
    speaker: str | None
    pieces: list[tuple[str, float | None, float | None]] = field(default_factory=list)

    @property
    def start(self) -> float | None:
        return next((p[1] for p in self.pieces if p[1] is not None), None)

    @property
    def end(self) -> float | None:
        return next((p[2] for p in reversed(self.pieces) if p[2] is not None), None)


@dataclass
class Transcript:
    format: str
    text: str
    layout: dict[str, Any]
    title: str = ""
    media_url: str = ""

    @property
    def turns(self) -> list[dict[str, Any]]:
        return list(self.layout["turns"])


@dataclass
class TimedClaim(ExtractedClaim):
    """A claim from a transcript: when it was said and in which turn."""

    start_seconds: float | None = None
    end_seconds: float | None = None
    turn: int = 0


# --- reading the three formats ---------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+", re.I)
_TIMING_LINE = re.compile(r"^.*-->.*$", re.M)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?(?:\s+([^>]*))?>", re.I)
_TAG = re.compile(r"<[^>]*>")
_VTT_TIMING = re.compile(r"^\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(?:\d+:)?\d{2}:\d{2}\.\d{3}(?:\s.*)?$")
_SRT_TIMING = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\b.*$")
# "JANE DOE:", "Sen. Jane Doe:", "Q:", "Moderator (Lester Holt):"; optionally behind ">>" or "-"
# and followed by a time code "(00:01:23)". Names are capitalised words, at most eight of them.
_NAME_WORD = r"(?:[A-Z][\w.'\u2019-]*|[a-z]{1,3}|\([^()]{1,60}\))"
_LABEL = re.compile(
    r"^\s*(?:>>+\s*|-\s+)?(?P<name>" + _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,7}?)"
    r"\s*(?:[(\[](?P<t1>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?)[)\]])?\s*:(?=\s|$)[ \t]*"
    r"(?:[(\[](?P<t2>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?)[)\]][ \t]*)?"
)
_LEADING_TIME = re.compile(r"^\s*[(\[]?(?P<t>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?)[)\]]?\s+(?=\S)")
_TURN_MARK = re.compile(r"^\s*>>+\s*")
_HEADER_KEYS = {"title", "source", "video", "audio", "url", "link", "recording", "media", "date", "event"}
# A label made of these is not a speaker: "Note: ...", "Update: ...".
_NOT_SPEAKERS = {"note", "update", "editor's note", "correction", "transcript", "warning", "example", "http", "https"}
_NAME_PARTICLES = {"de", "van", "von", "da", "al", "bin", "of", "the"}
_INTERVIEWER_LABELS = {"q", "question", "interviewer"}
_INTERVIEWEE_LABELS = {"a", "answer"}


def _seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def clean_speaker(name: str | None) -> str | None:
    """"SEN. JANE DOE" reads "Sen. Jane Doe"; a name typed in mixed case is kept as written."""
    name = " ".join((name or "").split()).strip(" -:>")
    if not name:
        return None
    if name.isupper():
        name = " ".join(word.capitalize() if word.isalpha() or "." in word or "'" in word else word
                        for word in name.split())
    return name[:MAX_SPEAKER_CHARS]


def _label(line: str) -> tuple[str | None, float | None, int]:
    """The speaker label at the start of a line: (name, time given with it, where the words start)."""
    match = _LABEL.match(line)
    if not match:
        return None, None, 0
    name = match.group("name").strip()
    folded = name.casefold()
    if folded in _NOT_SPEAKERS or len(name) > MAX_SPEAKER_CHARS:
        return None, None, 0
    words = name.split()
    # A sentence that happens to contain a colon ("The answer is simple: no") is not a label:
    # labels are capitalised words (or Q/A), not running text.
    if not (name.isupper() or all(w[0].isupper() or w[0] == "(" or w in _NAME_PARTICLES for w in words)):
        return None, None, 0
    stamp = match.group("t1") or match.group("t2")
    return name, (_seconds(stamp) if stamp else None), match.end()


def _unmatched_timing_line(raw: str, parsed_count: int, fmt: str) -> None:
    """webvtt-py and srt skip or swallow a cue whose timing line they cannot read; we refuse the
    file instead, naming the line, so no cue is silently lost."""
    timing = [m for m in _TIMING_LINE.finditer(raw)]
    if len(timing) == parsed_count:
        return
    pattern = _VTT_TIMING if fmt == "vtt" else _SRT_TIMING
    for match in timing:
        if not pattern.match(match.group(0)):
            line = raw.count("\n", 0, match.start()) + 1
            raise TranscriptError(f"Line {line} is not a valid cue timing: {match.group(0).strip()[:80]!r}.")
    raise TranscriptError(
        f"The file has {len(timing)} cue timings but only {parsed_count} cues could be read; "
        "check for a cue without a blank line before it.")


def _vtt_cues(raw: str) -> tuple[list[Cue], str, str]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        parsed = webvtt.from_string(raw)
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise TranscriptError(f"Not a valid WebVTT file: {exc}.") from None
    captions = list(parsed.captions)
    _unmatched_timing_line(raw, len(captions), "vtt")
    notes = " ".join([parsed.header_text or "", *parsed.header_comments, *parsed.footer_comments])
    title = ""
    for line in "\n".join(parsed.header_comments).splitlines():
        key, _, value = line.partition(":")
        if key.strip().casefold() == "title" and value.strip() and not title:
            title = value.strip()
    if not title and parsed.header_text.strip(" -\t") and not _URL.search(parsed.header_text):
        title = parsed.header_text.strip(" -\t")
    media = _URL.search(notes)
    cues: list[Cue] = []
    for caption in captions:
        start, end = caption.start_time.in_milliseconds() / 1000, caption.end_time.in_milliseconds() / 1000
        raw_text = caption.raw_text
        voices = list(_VOICE.finditer(raw_text))
        if not voices:
            cues.extend(_labelled_cues(html.unescape(_TAG.sub("", raw_text)), start, end))
            continue
        # One cue may hold several voices ("<v A>Yes.</v> <v B>No.</v>"): each is its own piece.
        lead = html.unescape(_TAG.sub("", raw_text[: voices[0].start()])).strip()
        if lead:
            cues.append(Cue(lead, None, start, end))
        for i, voice in enumerate(voices):
            stop = voices[i + 1].start() if i + 1 < len(voices) else len(raw_text)
            words = html.unescape(_TAG.sub("", raw_text[voice.end():stop]))
            cues.append(Cue(words, clean_speaker(voice.group(1)), start, end, new_turn=True))
    return cues, title, media.group(0).rstrip(".,;)") if media else ""


def _labelled_cues(text: str, start: float | None, end: float | None) -> list[Cue]:
    """A caption's lines, split where a line starts with a speaker label or a ">>" turn mark."""
    cues: list[Cue] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _stamp, at = _label(line)
        if name is not None:
            cues.append(Cue(line[at:], name, start, end, new_turn=True))
        elif _TURN_MARK.match(line):
            cues.append(Cue(_TURN_MARK.sub("", line), None, start, end, new_turn=True))
        elif cues:
            cues[-1].text += "\n" + line
        else:
            cues.append(Cue(line, None, start, end))
    return cues


def _srt_cues(raw: str) -> tuple[list[Cue], str, str]:
    import srt

    try:
        subtitles = list(srt.parse(raw))
    except (srt.SRTParseError, ValueError) as exc:
        raise TranscriptError(f"Not a valid SRT file: {exc}.") from None
    _unmatched_timing_line(raw, len(subtitles), "srt")
    cues: list[Cue] = []
    for sub in subtitles:
        text = html.unescape(_TAG.sub("", sub.content))  # <i>, <b>, <font> formatting
        cues.extend(_labelled_cues(text, sub.start.total_seconds(), sub.end.total_seconds()))
    return cues, "", ""


def _text_cues(raw: str) -> tuple[list[Cue], str, str]:
    """`NAME: words` turns, `Q:`/`A:`, continuation lines, optional time codes ("[00:01:02]",
    "NAME (00:01:02):"), and before the first turn header lines such as "Title:" and "Source: URL"."""
    cues: list[Cue] = []
    title, media = "", ""
    seen_turn = False
    for line in raw.splitlines():
        if not line.strip():
            if cues:
                cues[-1].text += "\n"
            continue
        stamp = None
        leading = _LEADING_TIME.match(line)
        if leading:
            stamp, line = _seconds(leading.group("t")), line[leading.end():]
        if not seen_turn:
            key, sep, value = line.partition(":")
            if sep and key.strip().casefold() in _HEADER_KEYS:
                url = _URL.search(value)
                if url and not media:
                    media = url.group(0).rstrip(".,;)")
                elif key.strip().casefold() == "title" and not title:
                    title = value.strip()
                continue
        name, label_stamp, at = _label(line)
        if name is not None:
            seen_turn = True
            cues.append(Cue(line[at:], name, stamp if stamp is not None else label_stamp, None, new_turn=True))
        elif stamp is not None and cues and not cues[-1].text.strip():
            cues[-1].text = line  # "NAME: (00:12)" on a line of its own, the words below
        elif cues and stamp is None:
            cues[-1].text += "\n" + line
        else:
            cues.append(Cue(line, cues[-1].speaker if cues else None, stamp, None))
    # A line's time is when it starts; it ends when the next timed line starts.
    for i, cue in enumerate(cues):
        if cue.start is not None:
            cue.end = next((c.start for c in cues[i + 1:] if c.start is not None), None)
    return cues, title, media


def detect_format(raw: str, filename: str = "") -> str:
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if suffix in ("vtt", "webvtt"):
        return "vtt"
    if suffix == "srt":
        return "srt"
    head = raw.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if re.match(r"\d+\s*\r?\n\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->", head):
        return "srt"
    return "text"


# --- merging cues into turns ------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def _norm(word: str) -> str:
    return re.sub(r"[^\w%$]", "", word.casefold())


def _new_words(turn_words: list[str], previous_cue: list[str], cue_words: list[str]) -> int:
    """How many of the cue's first words repeat the end of the turn so far (growing and roll-up
    captions). Two or more repeated words count; a single one only when the whole previous cue is
    repeated (a caption growing word by word) or the cue is nothing but a repeat, because "that that"
    and "had had" are also said."""
    a = [_norm(w) for w in turn_words[-len(cue_words) - 2:]] if cue_words else []
    b = [_norm(w) for w in cue_words]
    for k in range(min(len(a), len(b)), 0, -1):
        if a[-k:] == b[:k]:
            prev = [_norm(w) for w in previous_cue]
            if k >= 2 or k == len(b) or (prev and b[: len(prev)] == prev):
                return k
            return 0
    return 0


def merge_cues(cues: list[Cue], default_speaker: str | None = None) -> list[Turn]:
    """Consecutive cues of one speaker become one turn; repeated words of growing captions are
    dropped; a cue without a speaker continues the current turn."""
    turns: list[Turn] = []
    words: list[str] = []
    previous: list[str] = []
    for cue in cues:
        text = " ".join(cue.text.split())
        if cue.speaker is not None:
            speaker = cue.speaker
        elif cue.new_turn:
            speaker = None  # ">>": someone else speaks, the file does not say who
        else:
            speaker = turns[-1].speaker if turns else default_speaker
        if not turns or speaker != turns[-1].speaker or (cue.new_turn and cue.speaker is None):
            if not text:
                continue
            turns.append(Turn(speaker))
            words, previous = [], []
        cue_words = _WORD.findall(text)
        fresh = cue_words[_new_words(words, previous, cue_words):]
        previous = cue_words
        if fresh:
            # Repeated words were said when they were first shown: only the new ones take this
            # cue's time.
            words.extend(fresh)
            turns[-1].pieces.append((" ".join(fresh), cue.start, cue.end))
    return [turn for turn in turns if turn.pieces]


# Words before a name that say what the speaker is ("Mayor", "Health Minister", "Dr."): the title,
# kept apart so "Mayor Daniel Quinn" in a debate and "Daniel Quinn" in an article are one speaker.
_TITLE_WORDS = set("""mr mrs ms miss dr prof professor sir dame rev reverend father sister judge justice
mayor deputy councillor councilman councilwoman council member senator sen rep representative congressman
congresswoman governor gov lieutenant president vice prime minister secretary chancellor premier
commissioner sheriff chief inspector officer captain general colonel major admiral ambassador
moderator host anchor interviewer presenter correspondent reporter candidate chair chairman chairwoman
speaker leader director health finance foreign interior defence defense education justice home state
attorney mp mep resident coach""".split())


def split_title(label: str | None) -> tuple[str | None, str | None]:
    """"Mayor Daniel Quinn" -> ("Daniel Quinn", "Mayor"); a label that is only a title or a single
    name ("Moderator", "Dr. Brandt") stays whole."""
    if not label:
        return None, None
    words = label.split()
    cut = 0
    while cut < len(words) and words[cut].casefold().strip(".,") in _TITLE_WORDS:
        cut += 1
    if cut == 0 or len(words) - cut < 2:
        return label, None
    return " ".join(words[cut:]), " ".join(words[:cut])


def _layout(fmt: str, turns: list[Turn], media_url: str) -> tuple[str, dict[str, Any]]:
    """The transcript's text, one paragraph per turn, and where everything is in it."""
    out: list[str] = []
    pos = 0
    layout_turns: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        if i:
            out.append("\n\n")
            pos += 2
        label = None
        name, title = split_title(turn.speaker)
        if turn.speaker:
            out.append(turn.speaker)
            label = [pos, pos + len(turn.speaker)]
            out.append(": ")
            pos += len(turn.speaker) + 2
        text_start = pos
        pieces = []
        for j, (words, start, end) in enumerate(turn.pieces):
            if j:
                out.append(" ")
                pos += 1
            out.append(words)
            pieces.append([pos, pos + len(words), start, end])
            pos += len(words)
        layout_turns.append({
            "speaker": turn.speaker, "name": name, "title": title, "label": label, "text": [text_start, pos],
            "start": turn.start, "end": turn.end, "pieces": pieces,
        })
    return "".join(out), {"format": fmt, "media_url": media_url, "turns": layout_turns}


def parse_transcript(raw: str, *, fmt: str | None = None, filename: str = "", speaker: str | None = None,
                     interviewer: str | None = None) -> Transcript:
    """Read a WebVTT, SRT or plain-text transcript. `speaker` speaks every cue the file does not
    attribute (a speech) and the `A:` answers; `interviewer` asks the `Q:` questions."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fmt = (fmt or "").strip().casefold() or detect_format(raw, filename)
    if fmt not in FORMATS:
        raise TranscriptError(f"Unknown transcript format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    if not raw.strip():
        raise TranscriptError("The transcript is empty.")
    reader: Callable[[str], tuple[list[Cue], str, str]] = {"vtt": _vtt_cues, "srt": _srt_cues, "text": _text_cues}[fmt]
    cues, title, media_url = reader(raw)
    speaker = clean_speaker(speaker)
    interviewer = clean_speaker(interviewer) or "Interviewer"
    for cue in cues:
        if cue.speaker is not None:
            folded = cue.speaker.casefold()
            if folded in _INTERVIEWER_LABELS:
                cue.speaker = interviewer
            elif folded in _INTERVIEWEE_LABELS:
                cue.speaker = speaker or "Interviewee"
            else:
                cue.speaker = clean_speaker(cue.speaker)
    turns = merge_cues(cues, default_speaker=speaker)
    if not turns:
        raise TranscriptError("The transcript has no spoken words.")
    text, layout = _layout(fmt, turns, media_url)
    return Transcript(format=fmt, text=text, layout=layout, title=title, media_url=media_url)


# --- claims -------------------------------------------------------------------------------------------

_FIRST_PERSON = {"i", "we", "me", "us", "myself", "ourselves"}
_QUOTE_MARKS = re.compile("[\"\u201c\u201d\u00ab\u00bb\u201e]")
_PROMISE = re.compile(r"\b(?:I|we)(?:'ll| will| are going to| am going to|'re going to|'m going to)\b", re.I)
_FACT_SIGNALS = {"number or statistic", "comparison or superlative", "causal claim"}
_OPINION_START = re.compile(r"^\s*(?:I|we)\s+(?:think|believe|feel|hope|guess|suppose|wish|want|love|hate)\b", re.I)
_CHECKABLE_ENTS = {"PERSON", "ORG", "GPE", "NORP", "LAW", "LOC", "FAC", "EVENT", "PRODUCT", "MONEY", "PERCENT",
                   "QUANTITY", "CARDINAL", "DATE"}


def _time_at(pieces: list[list[Any]], pos: int, *, end: bool) -> float | None:
    for start_char, end_char, t0, t1 in pieces:
        if start_char <= pos < end_char or (end and start_char < pos <= end_char):
            return t1 if end else t0
    return None


def _times(pieces: list[list[Any]], start: int, end: int) -> tuple[float | None, float | None]:
    """When the words from `start` to `end` were said: the first word's cue start, the last's cue end."""
    t0, t1 = _time_at(pieces, start, end=False), _time_at(pieces, end, end=True)
    if t0 is not None and t1 is not None and t1 < t0:
        t1 = t0  # a file whose cues run backwards: never a claim that ends before it starts
    return t0, t1


def _checkable(sent: Any) -> tuple[bool, float, list[str]]:
    """Is a sentence of a turn a claim its speaker makes? (see docs/monitoring.md, "What is a claim
    in a transcript"): a declarative sentence with a subject and a finite verb, at least four words,
    that states a number, a comparison or a cause, names someone or something checkable, or reports
    something that happened (a verb in the past tense); not a question, a greeting, an order or a
    bare opinion."""
    text = sent.text.strip()
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if len(words) < 4 or text.rstrip("\"'\u201d\u2019) ").endswith("?"):
        return False, 0.0, []
    root = sent.root
    has_subject = any(t.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for t in root.children) or any(
        t.dep_ in ("nsubj", "nsubjpass", "expl") and t.head.dep_ in ("conj", "ccomp", "xcomp") for t in sent)
    finite = (root.pos_ in ("VERB", "AUX") and root.tag_ != "VB") or any(
        t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in sent)
    if not (has_subject and finite):
        return False, 0.0, []
    entities = [e for e in sent.ents if e.label_ in _CHECKABLE_ENTS]
    value, reasons = checkworthiness_score(text, len(entities))
    past = any(t.tag_ in ("VBD", "VBN") and t.dep_ in ("ROOT", "conj", "ccomp", "relcl") for t in sent)
    signal = bool(_FACT_SIGNALS & set(reasons)) or bool(entities) or past
    if _OPINION_START.match(text) and "number or statistic" not in reasons:
        return False, value, reasons
    return signal, value, reasons


def _own_claim(sent: Any, turn_index: int, turn: dict[str, Any], offset: int) -> TimedClaim | None:
    ok, value, reasons = _checkable(sent)
    if not ok:
        return None
    text = sent.text.rstrip()
    start = offset + sent.start_char
    end = start + len(text)
    label = turn.get("label")
    times = _times(turn["pieces"], start, end)
    return TimedClaim(
        kind="direct", content=text, content_spans=[(start, end)], speaker=turn.get("name") or turn["speaker"],
        speaker_title=turn.get("title") or None, speaker_spans=[(label[0], label[1])] if label else [],
        speaker_kind="person",
        stance="promises" if _PROMISE.search(text) else "asserts", sentence=text, sentence_span=(start, end),
        score=value, score_reasons=reasons, confidence=0.9, rule="transcript_turn",
        start_seconds=times[0], end_seconds=times[1], turn=turn_index,
    )


def _timed(item: ExtractedClaim, turn_index: int, turn: dict[str, Any], offset: int) -> TimedClaim:
    data = {name: getattr(item, name) for name in ExtractedClaim.__dataclass_fields__}
    for name in ("content_spans", "speaker_spans", "cue_spans"):
        data[name] = [(a + offset, b + offset) for a, b in data[name]]
    data["sentence_span"] = (item.sentence_span[0] + offset, item.sentence_span[1] + offset)
    claim = TimedClaim(**data, turn=turn_index)
    claim.start_seconds, claim.end_seconds = _times(turn["pieces"], claim.start, claim.end)
    return claim


def _first_person(item: ExtractedClaim, turn_text: str) -> bool:
    if item.speaker and item.speaker.casefold() not in _FIRST_PERSON:
        return False
    mention = " ".join(turn_text[a:b] for a, b in item.speaker_spans).casefold()
    return mention in _FIRST_PERSON or (not item.speaker and item.kind == "indirect")


def extract_transcript(layout: dict[str, Any], text: str) -> list[TimedClaim]:
    """The claims of a transcript's turns. Each turn's words go through the article extractor
    (`extract_many`): a quotation or a report of someone else's words keeps that speaker. Then each
    sentence of the turn with no quotation in it, and no claim of someone else, is the turn
    speaker's own claim if it is checkable (`_checkable`); claims the extractor attributes to "I",
    "we" or nobody are the turn speaker's too, and give way to that sentence-level decision."""
    from . import extract_many
    from .nlp import get_nlp

    turns = [turn for turn in layout.get("turns", [])]
    texts = [text[turn["text"][0]:turn["text"][1]] for turn in turns]
    found = extract_many(texts)
    docs = get_nlp().pipe(texts, batch_size=32)
    claims: list[TimedClaim] = []
    for index, (turn, turn_text, extracted, doc) in enumerate(zip(turns, texts, found, docs, strict=True)):
        offset = turn["text"][0]
        others = [item for item in extracted if not _first_person(item, turn_text)]
        for item in others:
            claims.append(_timed(item, index, turn, offset))
        taken = [(item.start, item.end) for item in others]
        for sent in doc.sents:
            if _QUOTE_MARKS.search(sent.text):
                continue
            if any(a < sent.end_char and sent.start_char < b for a, b in taken):
                continue
            if not turn["speaker"]:
                continue  # nobody to attribute it to
            own = _own_claim(sent, index, turn, offset)
            if own is not None:
                claims.append(own)
    return claims


def iter_extract_documents(documents: list[tuple[str, dict[str, Any] | None]],
                           on_error: Callable[[int, Exception], None] | None = None) -> Iterator[list[ExtractedClaim]]:
    """The claims of each document in order: articles (layout None) through one `iter_extract`
    stream, transcripts turn by turn. A document whose extraction fails yields [] and is reported
    to `on_error(index, exception)`, as `iter_extract` does."""
    from . import iter_extract

    plain = [i for i, (_, layout) in enumerate(documents) if not layout]
    results: dict[int, list[ExtractedClaim]] = {}

    def plain_error(j: int, exc: Exception) -> None:
        if on_error is not None:
            on_error(plain[j], exc)

    for j, claims in enumerate(iter_extract([documents[i][0] for i in plain], on_error=plain_error)):
        results[plain[j]] = claims
    for i, (text, layout) in enumerate(documents):
        if not layout:
            continue
        try:
            results[i] = list(extract_transcript(layout, text))
        except Exception as exc:  # noqa: BLE001 -- one document must not stop the others
            log.exception("claim extraction failed on transcript %d", i)
            if on_error is not None:
                on_error(i, exc)
            results[i] = []
    for i in range(len(documents)):
        yield results[i]


# --- the recording at a moment ------------------------------------------------------------------------

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtu.be"}


def moment_url(media_url: str, seconds: float | None) -> str:
    """The recording at `seconds`: YouTube's `t=123s` parameter, otherwise a W3C media fragment
    (`#t=123`), which browsers' video players and most hosted players honour."""
    if not media_url or seconds is None:
        return ""
    at = max(0, int(seconds))
    parts = urlsplit(media_url)
    if parts.hostname and parts.hostname.casefold() in _YOUTUBE_HOSTS:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{at}s"))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, f"t={at}"))


def time_code(seconds: float | None) -> str:
    """00:12:05 (hours always shown: a debate runs past the hour)."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def turn_at(layout: dict[str, Any] | None, position: int) -> int | None:
    """The index of the turn holding the character at `position` of the transcript's text."""
    for index, turn in enumerate((layout or {}).get("turns", [])):
        start = turn["label"][0] if turn.get("label") else turn["text"][0]
        if start <= position <= turn["text"][1]:
            return index
    return None
