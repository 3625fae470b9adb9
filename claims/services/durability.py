"""Commit durability for derived data.

The pipeline's writes (an article's status, its claims, their alert deliveries) can all be
derived again from the article's text, so they need not wait for a disk flush on every commit.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def relax_commit_durability() -> None:
    """Let the current transaction commit without waiting for its WAL to reach disk (PostgreSQL's
    `synchronous_commit = off`, for this transaction only).

    Why it is safe here: everything the pipeline writes can be derived again from the article's
    text. A crash of the database server (not a restart, which flushes) can lose the last fraction
    of a second of commits; the article is then still `queued`/`extracting`, or done but not
    announced, and the sweeper does the work again (storing and announcing are idempotent). Why it
    matters: each durable commit makes the worker wait for a disk flush, several times an article,
    time in which a small machine's core stands idle. Editors' and API writes and the mail
    sender's "sent" marks keep durable commits (a sent mark's commit also flushes what came
    before it). Nothing else changes: a transaction that fails still rolls back, and readers see
    a commit at once."""
    # Only for a transaction of our own: inside someone else's (an enclosing atomic block) the
    # setting would also cover their writes.
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@contextmanager
def derived_data_transaction() -> Iterator[None]:
    """A transaction of the pipeline's own, with relax_commit_durability applied."""
    with transaction.atomic():
        relax_commit_durability()
        yield
