"""Claim extraction: quotations and reported speech in news text, with their speakers.

Plain Python on spaCy; imports nothing from Django.

    extract(text) -> list[ExtractedClaim]
    extract_many(texts) -> list[list[ExtractedClaim]]   (one nlp.pipe over every text)
"""
from __future__ import annotations

import logging
from typing import Iterable

from .extract import claims_from_parsed
from .nlp import get_nlp, model_name, parse_many
from .types import ExtractedClaim

__all__ = ["ExtractedClaim", "extract", "extract_many", "iter_extract", "get_nlp", "model_name"]


log = logging.getLogger(__name__)


def iter_extract(texts: Iterable[str], batch_size: int = 16, on_error=None):
    """Yield the claims of each text in turn, parsing them as one stream.

    A text whose extraction fails (a bug, never expected) yields [] and is logged, so one bad
    article cannot stop a batch; `on_error(index, exception)` is called too when given."""
    for i, parsed in enumerate(parse_many(texts, batch_size=batch_size)):
        try:
            yield claims_from_parsed(parsed)
        except Exception as e:  # noqa: BLE001 -- one document must not stop the others
            log.exception("claim extraction failed on text %d", i)
            if on_error is not None:
                on_error(i, e)
            yield []


def extract_many(texts: Iterable[str], batch_size: int = 16) -> list[list[ExtractedClaim]]:
    return list(iter_extract(texts, batch_size=batch_size))


def extract(text: str) -> list[ExtractedClaim]:
    return extract_many([text])[0]
