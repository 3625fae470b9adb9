"""Bulk admin actions: the same service call on each selected row."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from claims.services.errors import DomainError

T = TypeVar("T")


def apply_each(items: Iterable[T], call: Callable[[T], object], label: Callable[[T], str]) -> tuple[int, list[str]]:
    """Call the service for each row; one row's refusal is reported, it doesn't stop the others.
    Returns how many succeeded and a "label: reason" line per refusal."""
    done, refused = 0, []
    for item in items:
        try:
            call(item)
            done += 1
        except DomainError as exc:
            refused.append(f"{label(item)}: {exc.message}")
    return done, refused
