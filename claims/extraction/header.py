"""Page furniture and the header of a pasted article: headline, byline, date, dateline, credits.

(Interface first; the reader is filled in by the extraction work of issue 14.)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Header:
    """What the top and bottom of a pasted article say about it. Offsets index the text as given."""

    title: str | None = None
    byline: str | None = None  # the names only: "By Petra Lindqvist" gives "Petra Lindqvist"
    date: dt.date | None = None
    dateline: str | None = None  # "BALLINMORE (Coastline News)"
    furniture: list[tuple[int, int]] = field(default_factory=list)  # spans that are not body text


def read_header(text: str) -> Header:
    return Header()
