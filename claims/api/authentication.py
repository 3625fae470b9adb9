"""`Authorization: Token <key>` (or `Bearer <key>`) against hashed ApiToken rows."""
from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, status
from rest_framework.request import Request

from claims.services.tokens import resolve_api_token

KEYWORDS = {"token", "bearer"}


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed sign-in attempts from this address; try again later or ask an administrator."
    default_code = "locked_out"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            # Not ours: let session authentication (browsable API) have a go.
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Token <key>'.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from None
        # The user comes back with its permissions loaded (from the token cache when it can).
        token = resolve_api_token(key=key)
        if token is None:
            # Wrong tokens count towards the same lockout as wrong passwords (django-axes, per
            # address): guessing keys is brute force too, and a locked address hears only 429.
            # A valid key costs nothing extra (keys are 256-bit random: it was not guessed).
            django_request = request._request
            user_login_failed.send(sender=type(self), credentials={}, request=django_request)
            if AxesProxyHandler.is_locked(django_request, {}):
                # Answered here in the API's one error shape; axes' middleware would swap in its HTML page.
                django_request.axes_locked_out = False  # type: ignore[attr-defined]  # django-axes reads it
                raise LockedOut()
            # One message for unknown, revoked and expired keys: no oracle for key guessing.
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes unauthenticated requests answer 401 with WWW-Authenticate rather than 403.
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "claims.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` or `Bearer <key>`; create keys with `manage.py create_api_token`.",
        }
