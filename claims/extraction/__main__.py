"""python -m claims.extraction [FILE ...]  -- the command line of CONTRACT.md.

JSON Lines in ({"doc_id", "text"} a line; stdin, or FILE.jsonl), or plain-text FILEs (doc_id = the
file's name); one claim a line out. A bad line or document is reported on stderr and skipped; the
exit status is then 1, after every other document has been processed.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

BATCH = 16
T = TypeVar("T")


def _failed_into(failed: list[tuple[int, Exception]]) -> Callable[[int, Exception], None]:
    """An on_error that records (index, exception) in this batch's list."""
    def record(i: int, e: Exception) -> None:
        failed.append((i, e))
    return record


def _documents(paths: list[str], errors: list[str]) -> Iterator[tuple[str, str]]:
    """Yield (doc_id, text), appending a message to `errors` for each bad input."""
    if not paths:
        yield from _jsonl(sys.stdin.buffer, "<stdin>", errors)
        return
    for path in paths:
        if path == "-":
            yield from _jsonl(sys.stdin.buffer, "<stdin>", errors)
            continue
        try:
            if path.endswith(".jsonl"):
                with open(path, "rb") as f:
                    yield from _jsonl(f, path, errors)
            else:
                with open(path, "rb") as f:
                    raw = f.read()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    errors.append(f"{path}: not UTF-8 text ({e})")
                    continue
                yield os.path.basename(path), text
        except OSError as e:
            errors.append(f"{path}: cannot read ({e.strerror or e})")


def _jsonl(stream: Iterable[bytes], name: str, errors: list[str]) -> Iterator[tuple[str, str]]:
    for n, raw in enumerate(stream, 1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            errors.append(f"{name}:{n}: not a JSON line ({e})")
            continue
        if not isinstance(doc, dict):
            errors.append(f"{name}:{n}: a JSON object with \"text\" is expected")
            continue
        text = doc.get("text")
        if not isinstance(text, str):
            errors.append(f"{name}:{n}: document has no \"text\" string"
                          + (f" (doc_id {doc.get('doc_id')!r})" if "doc_id" in doc else ""))
            continue
        doc_id = doc.get("doc_id")
        yield (str(doc_id) if doc_id is not None else f"{name}:{n}"), text


def _batches(items: Iterable[T], n: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for it in items:
        batch.append(it)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    errors: list[str] = []
    out = sys.stdout
    reported = 0
    try:
        from . import iter_extract
        for batch in _batches(_documents(args, errors), BATCH):
            for msg in errors[reported:]:
                print(f"claims.extraction: {msg}", file=sys.stderr)
            reported = len(errors)
            failed: list[tuple[int, Exception]] = []
            docs = iter_extract([t for _, t in batch], on_error=_failed_into(failed))
            for (doc_id, _), claims in zip(batch, docs, strict=True):
                for c in claims:
                    out.write(json.dumps(c.to_json(doc_id)) + "\n")
            out.flush()
            errors.extend(f"document {batch[i][0]!r}: extraction failed ({e!r})" for i, e in failed)
    except BrokenPipeError:
        return 1
    for msg in errors[reported:]:
        print(f"claims.extraction: {msg}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
