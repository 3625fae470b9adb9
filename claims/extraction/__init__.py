"""Claim extraction: quotations and reported speech in news text, with their speakers.

Plain Python on spaCy; imports nothing from Django.

    extract(text) -> list[ExtractedClaim]
    extract_many(texts) -> list[list[ExtractedClaim]]   (one nlp.pipe over every text)
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from .extract import claims_from_parsed, to_original
from .header import Header, read_header
from .nlp import get_nlp, model_name, parse_many
from .textview import view
from .types import ExtractedClaim

__all__ = ["ExtractedClaim", "Header", "extract", "extract_many", "iter_extract", "get_nlp", "model_name",
           "read_header"]


log = logging.getLogger(__name__)


def iter_extract(
    texts: Iterable[str], batch_size: int = 16, on_error: Callable[[int, Exception], object] | None = None
) -> Iterator[list[ExtractedClaim]]:
    """Yield the claims of each text in turn, parsing them as one stream.

    A text whose extraction fails (a bug, never expected) yields [] and is logged, so one bad
    article cannot stop a batch; `on_error(index, exception)` is called too when given."""
    # The rules read a normalised view of each text (paragraphs of hard-wrapped copy rejoined,
    # furniture blanked); their claims are mapped back to offsets into the text as given.
    views = [view(t) for t in texts]
    for i, parsed in enumerate(parse_many([v.text for v in views], batch_size=batch_size)):
        try:
            yield to_original(views[i], claims_from_parsed(parsed))
        except Exception as e:  # noqa: BLE001 -- one document must not stop the others
            log.exception("claim extraction failed on text %d", i)
            if on_error is not None:
                on_error(i, e)
            yield []


def extract_many(texts: Iterable[str], batch_size: int = 16) -> list[list[ExtractedClaim]]:
    return list(iter_extract(texts, batch_size=batch_size))


def extract(text: str) -> list[ExtractedClaim]:
    return extract_many([text])[0]
