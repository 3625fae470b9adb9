"""Keywords and claim text reduced to the same word forms, so "tax" finds "taxes" and "taxed".

A keyword is a word or a phrase. It matches the way PostgreSQL's full-text search with the
`english` configuration matches `phraseto_tsquery('english', keyword)`: case and punctuation do
not count ("COVID-19 vaccine" finds "covid 19 Vaccine", "minimum wage" finds "minimum-wage"),
each word matches its other forms through the Snowball English stemmer ("tax" finds "taxes" and
"taxed", not "taxi"), common words (PostgreSQL's English stop list: "the", "of", ...) match any
word in their place, and the words of a phrase must stand in that order, next to each other
("cost of living" finds "the cost of living", not "living costs").

On PostgreSQL the database's own text search decides (claims.selectors.alerts); everywhere else,
and for highlighting the words in the e-mail, this module's Python analyzer does the same with
the same stemmer algorithm and stop list. Nothing here imports Django.
"""
from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer

# Longest keyword phrase, in words: each claim yields n-grams up to this length, so it bounds the
# size of the term list a match query carries.
MAX_KEYWORD_WORDS = 6
MAX_KEYWORD_CHARS = 100
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def normalize_keyword(keyword: str) -> str:
    """The matching form of a keyword: its casefolded words joined by single spaces ('' if none)."""
    return " ".join(words(keyword))


def claim_terms(text: str, *, max_words: int = MAX_KEYWORD_WORDS) -> set[str]:
    """Every run of 1..max_words consecutive words of `text`, in the keyword matching form."""
    tokens = words(text)
    found: set[str] = set()
    for start in range(len(tokens)):
        for size in range(1, max_words + 1):
            if start + size > len(tokens):
                break
            found.add(" ".join(tokens[start : start + size]))
    return found


# --- word forms ---------------------------------------------------------------------------------

# PostgreSQL's tsearch_data/english.stop (the Snowball English stop list): the words its `english`
# configuration drops. They still take a place in a phrase, as in PostgreSQL.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own same
    so than too very s t can will just don should now""".split()
)
# Letters and digits only: PostgreSQL's side reads the claim through the same cut
# (regexp_replace of every other character with a space), so "minimum-wage" is two words on both.
_ALNUM = re.compile(r"[^\W_]+")
_local = threading.local()


def _stem(word: str) -> str:
    # A stemmer object keeps state between calls: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    lexeme: str | None  # the stem; None for a stop word, which still holds its place


def tokens(text: str) -> list[Token]:
    found = []
    for match in _ALNUM.finditer(text):
        word = match.group().casefold()
        found.append(Token(match.start(), match.end(), None if word in STOP_WORDS else _stem(word)))
    return found


# A keyword as (place, lexeme) pairs, places counted from its first searchable word.
Pattern = tuple[tuple[int, str], ...]


def keyword_pattern(keyword: str) -> Pattern:
    """The searchable words of a keyword with their places: "cost of living" -> ((0, 'cost'), (2, 'live')).
    Empty when every word is a stop word (such a keyword can match nothing; the services refuse it)."""
    places = [(i, token.lexeme) for i, token in enumerate(tokens(keyword)) if token.lexeme is not None]
    if not places:
        return ()
    first = places[0][0]
    return tuple((i - first, lexeme) for i, lexeme in places)


class KeywordIndex:
    """Many keywords, looked up by their first searchable word, so a text is read once whatever
    the number of keywords."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        for keyword in keywords:
            pattern = keyword_pattern(keyword)
            if pattern:
                self._by_first[pattern[0][1]].append((keyword, pattern))

    def find(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Each keyword found in `text`, with the character spans of its occurrences."""
        toks = tokens(text)
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, token in enumerate(toks):
            for keyword, pattern in self._by_first.get(token.lexeme or "", ()):
                last = start + pattern[-1][0]
                if last < len(toks) and all(toks[start + place].lexeme == lexeme for place, lexeme in pattern):
                    found[keyword].append((toks[start].start, toks[last].end))
        return dict(found)


def highlight_spans(text: str, keywords: Iterable[str]) -> list[tuple[int, int]]:
    """The character spans of `text` that any of `keywords` matched, merged where they touch."""
    spans = sorted(span for hits in KeywordIndex(keywords).find(text).values() for span in hits)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
