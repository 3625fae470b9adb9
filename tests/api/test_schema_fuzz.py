"""Fuzz every documented operation with schemathesis, as a token-authenticated editor: no 5xx,
and every response (errors included) conforms to the OpenAPI schema we publish.

The operations are driven with plain hypothesis (`operation.as_strategy()`), one pytest case per
operation; schemathesis' own pytest plugin does not run under this pytest version.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.services.tokens import create_api_token
from factcheck.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 20


@lru_cache(maxsize=1)
def api_schema():
    # The schema view needs no database: it is generated from the code.
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


def operation_labels() -> list[str]:
    return [result.ok().label for result in api_schema().get_all_operations()]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests go through the raw WSGI app, not Django's test client, so do what the test client
    does: stop request signals from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db, settings, keep_test_connection) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": None, "user": None}
    settings.REST_FRAMEWORK = rest
    user = User.objects.create_user(username="fuzz-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return create_api_token(user=user, name="fuzz").key


@pytest.mark.slow
@pytest.mark.parametrize("label", operation_labels())
def test_no_operation_answers_5xx_or_breaks_its_schema(label, editor_token, published_claim, new_claim):
    operation = next(r.ok() for r in api_schema().get_all_operations() if r.ok().label == label)
    headers = {"Authorization": f"Token {editor_token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def fuzz(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
