"""One error body for every 4xx the API answers:

    {"error": {"status": 400, "code": "invalid", "message": "human readable reason", "fields": {...}}}

Domain errors raised by services, Django's ValidationError / Http404 / PermissionDenied and
oversized bodies are all mapped here, so a client parses one shape and never sees a 500 for
bad input.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from claims.api.domain_status import domain_error_status
from claims.services.errors import DomainError


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def too_large_message(length: int | None = None) -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f" is {length:,} bytes;" if length is not None else " is too large;"
    return f"The request body{size} the limit is {limit:,} bytes." if limit else "The request body is too large."


class DomainProblem(exceptions.APIException):
    """A DomainError carried through DRF so it gets the same headers and rollback as the rest."""

    def __init__(self, error: DomainError) -> None:
        self.status_code = domain_error_status(error)
        detail: Any = {error.field: [error.message]} if error.field else error.message
        super().__init__(detail=detail, code=error.code)
        self.message = error.message
        self.code = error.code


def _as_api_exception(exc: Exception) -> exceptions.APIException | Exception:
    if isinstance(exc, DomainError):
        return DomainProblem(exc)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(too_large_message())
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(str(exc) or "Malformed request.")
    return exc


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"a": {"b": ["x"]}} -> {"a.b": ["x"]}: nested serializer errors as dotted paths."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, value in enumerate(detail):
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _first_code(codes: Any) -> str | None:
    if isinstance(codes, dict):
        for value in codes.values():
            found = _first_code(value)
            if found:
                return found
        return None
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else None
    return str(codes)


def error_body(*, status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc: Exception, context: dict) -> Any:
    exc = _as_api_exception(exc)
    # DRF's own handler sets Retry-After, WWW-Authenticate and rolls back the transaction.
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a genuine bug: let it be a 500 and reach the logs
    api_exc = exc if isinstance(exc, exceptions.APIException) else None
    detail = getattr(api_exc, "detail", response.data)
    code: object  # DRF's codes: a string, or lists and dicts of them (str() below makes it one)
    if isinstance(exc, DomainProblem):
        code, message = exc.code, exc.message
        fields = _flatten(detail) if isinstance(detail, dict) else {}
    elif isinstance(detail, (dict, list)):
        fields = _flatten(detail)
        code = _first_code(api_exc.get_codes()) if api_exc else "invalid"
        code = code or "invalid"
        message = _summary(fields)
    else:
        fields = {}
        code = api_exc.get_codes() if api_exc else "error"
        message = str(detail)
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"  # per-field reasons are in `fields`; one code keeps clients simple
    response.data = error_body(status_code=response.status_code, code=str(code), message=message, fields=fields)
    return response


def _summary(fields: dict[str, list[str]]) -> str:
    parts = []
    for name, messages in fields.items():
        text = " ".join(messages)
        parts.append(text if name == "non_field_errors" else f"{name}: {text}")
    return "; ".join(parts) or "Invalid input."


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """The catch-all under /api/v1/, so an unknown path answers JSON in the error format, not HTML."""
    from django.urls import Resolver404, resolve

    path = request.path
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found_view:
            message = f"Not found. Did you mean {path}/ (with a trailing slash)?"
            return JsonResponse(error_body(status_code=404, code="not_found", message=message), status=404)
    body = error_body(status_code=404, code="not_found", message=f"No API endpoint at {path}.")
    return JsonResponse(body, status=404)
