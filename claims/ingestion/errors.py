"""The two ways a fetch can fail, so callers decide between "mark failed" and "try again later".

They live in their own module because both the address guard and the HTTP client raise them;
`claims.ingestion.fetch` re-exports them, which is where callers import them from.
"""
from __future__ import annotations

from claims.services.errors import InvalidInput, TransientError


class FetchError(InvalidInput):
    """Permanent: retrying the same URL will fail the same way (refused address, 404, not HTML...).

    A subclass of InvalidInput so the admin and the API show the message as-is with a 4xx.
    """

    code = "fetch_failed"


class TransientFetchError(TransientError):
    """Retryable: the site may answer later (timeout, connection refused or reset, 5xx, 429). A
    TransientError, so retry policy catches fetches and database blips alike."""
