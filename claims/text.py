"""Text rules with no Django and no database, shared by every layer (services, the e-mails)."""
from __future__ import annotations

import unicodedata


def one_line(value: str | None, *, limit: int = 500) -> str:
    """A title or byline as one line: line breaks, tabs and other control characters and line or
    paragraph separators become single spaces. They came from pages and feeds we do not control,
    and in the text part of an alert e-mail a line break in a title reads as a line of its own (a
    spoofed "Bcc:")."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value or "")
    return " ".join(text.split())[:limit]
