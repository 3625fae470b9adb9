"""The HTTP status of each kind of domain error: the one place the domain meets HTTP.

Services raise `claims.services.errors` classes, which know nothing of HTTP; the API's exception
handler (claims/api/exceptions.py) and the alert e-mails' signed-link pages answer with the status
given here. Plain Python (no DRF import), so any view may ask it without loading the API.
"""
from __future__ import annotations

from http import HTTPStatus

from claims.services.errors import DomainError, InvalidTransition, NotAllowed, NotFound

# A subclass answers as its nearest listed ancestor; anything else a service refuses is the
# request's fault: 400.
DOMAIN_ERROR_STATUS: dict[type[DomainError], int] = {
    NotAllowed: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    InvalidTransition: HTTPStatus.CONFLICT,
}


def domain_error_status(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in DOMAIN_ERROR_STATUS:
            return int(DOMAIN_ERROR_STATUS[cls])
    return int(HTTPStatus.BAD_REQUEST)
