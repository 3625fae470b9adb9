"""Streamed CSV and JSON Lines downloads of claims, for the admin and the API alike: the rows come
from claims.selectors.exports (same columns, same access rule), are encoded one at a time and
sent as they are made, so memory stays flat however many claims match."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from claims.selectors.exports import COLUMNS

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets; claims
# are words from articles anyone can write, so a quote such as "=HYPERLINK(...)" must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object that hands back what csv.writer writes instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    # A byte-order mark first: Excel otherwise opens UTF-8 as the local code page and mangles quotes.
    yield "\ufeff" + writer.writerow([column.name for column in COLUMNS])
    for row in rows:
        yield writer.writerow([_cell(row[column.name]) for column in COLUMNS])


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def streamed_download(*, rows: Iterable[dict[str, Any]], fmt: str, basename: str = "claims") -> StreamingHttpResponse:
    """The download of `rows` as `fmt` ("csv" or "jsonl"), named after the moment it was made."""
    lines = csv_lines(rows) if fmt == "csv" else jsonl_lines(rows)
    response = StreamingHttpResponse((line.encode("utf-8") for line in lines), content_type=FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
