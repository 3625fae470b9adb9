"""Domain errors. Services raise them; the admin shows the message, the API answers 4xx with it,
commands exit non-zero with it."""
from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is written for the person who made the request."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"


class NotAllowed(DomainError):
    status_code = 403
    code = "permission_denied"


class InvalidTransition(DomainError):
    status_code = 409
    code = "invalid_transition"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
