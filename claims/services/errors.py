"""Domain errors. Services raise them; the admin shows the message, the API answers 4xx with it
(claims/api/exceptions.py maps each class to its HTTP status: HTTP is the API's business, not the
domain's), commands exit non-zero with it.

A leaf module: it imports nothing of the project, so every layer may raise these (the
import-linter contracts in pyproject.toml keep it so).
"""
from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is written for the person who made the request; `code` is a stable
    machine-readable name for it (the API's error `code`)."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"


class NotAllowed(DomainError):
    code = "permission_denied"


class InvalidTransition(DomainError):
    """The object is not in a state that allows this (it changed meanwhile, or never could)."""

    code = "invalid_transition"


class NotFound(DomainError):
    code = "not_found"


class TransientError(Exception):
    """Worth retrying later: a timeout, a 5xx, a broker or database blip. The one class retry
    policy catches (Celery's autoretry_for, the pipeline's "retries exhausted" handling); a failed
    fetch is one too (claims.ingestion.errors.TransientFetchError)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
