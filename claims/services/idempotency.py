"""`Idempotency-Key` for article submission: a client retrying a create after a timeout gets the
article its first attempt made, never a second one."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from claims.models import IdempotencyKey
from claims.services.articles import Submission, submit_article
from claims.services.errors import InvalidInput

MAX_KEY_LENGTH = 200


def clean_idempotency_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise InvalidInput(
            f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            field="Idempotency-Key",
        )
    return key


def submit_article_idempotently(
    *, user: User, idempotency_key: str | None, submit: Callable[..., Submission] = submit_article,
    **fields: Any
) -> Submission:
    """`submit_article` (or `submit`, e.g. services.transcripts.submit_transcript) for `user`; with a
    key, the same user and key always answer the first article."""
    if idempotency_key is None:
        return submit(submitted_by=user, **fields)
    key = clean_idempotency_key(idempotency_key)
    seen = IdempotencyKey.objects.select_related("article").filter(user=user, key=key).first()
    if seen is not None:
        return Submission(seen.article, False)
    with transaction.atomic():
        submission = submit(submitted_by=user, **fields)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(user=user, key=key, article=submission.article)
        except IntegrityError:
            # A concurrent retry with the same key recorded first: answer what it answered.
            seen = IdempotencyKey.objects.select_related("article").get(user=user, key=key)
            return Submission(seen.article, False)
    return submission
