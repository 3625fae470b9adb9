"""Keywords and claim text reduced to the same word sequences, so matching is plain equality.

A keyword matches whole words, case-insensitively, ignoring punctuation: "tax" finds "Tax cuts"
but not "taxi", and "COVID-19 vaccine" finds "covid 19 Vaccine" (both are the words
"covid 19 vaccine"). Whole words are what people mean when they subscribe to "war" and do not
want every claim about "software" or "awards".
"""
from __future__ import annotations

import re

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
