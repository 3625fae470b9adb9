"""One error shape for every 4xx, malformed and oversized bodies, and throttling."""
from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_malformed_json_is_a_400(client_for, researcher):
    response = client_for(researcher).post(
        "/api/v1/articles/", data='{"text": "unterminated', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_an_oversized_body_is_a_413_naming_the_limit(client_for, researcher, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(researcher).post("/api/v1/articles/", {"text": "x" * 5000}, format="json")
    error = assert_error(response, 413, "payload_too_large")
    assert "1,000 bytes" in error["message"]


def test_a_non_json_body_is_a_415(client_for, researcher):
    response = client_for(researcher).post("/api/v1/articles/", data="text=hi", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_a_body_that_is_not_an_object_is_a_400(client_for, researcher):
    response = client_for(researcher).post("/api/v1/articles/", data="[1, 2]", content_type="application/json")
    assert_error(response, 400, "invalid")


def test_an_unknown_api_path_is_a_json_404(client_for, reader):
    assert_error(client_for(reader).get("/api/v1/no-such-thing/"), 404, "not_found")


def test_a_missing_trailing_slash_says_so(client_for, reader):
    error = assert_error(client_for(reader).get("/api/v1/claims"), 404, "not_found")
    assert "/api/v1/claims/" in error["message"]


def test_a_non_numeric_id_is_a_json_404(client_for, reader):
    assert_error(client_for(reader).get("/api/v1/claims/abc/"), 404)


def test_a_validation_error_lists_every_field(client_for, editor, new_claim):
    response = client_for(editor).post(
        f"/api/v1/claims/{new_claim.pk}/evidence/", {"stance": "maybe", "color": "red"}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "color" in error["fields"]


def test_a_domain_error_keeps_its_code_and_field(client_for, editor, new_claim):
    response = client_for(editor).post(
        f"/api/v1/claims/{new_claim.pk}/notes/", {"body": "   "}, format="json"
    )
    error = assert_error(response, 400)
    assert "body" in error["fields"]


def test_method_not_allowed_uses_the_error_format(client_for, reader, new_claim):
    assert_error(client_for(reader).put(f"/api/v1/claims/{new_claim.pk}/", {}, format="json"), 405)


def _rates(settings, **rates: str) -> None:
    rest = dict(django_settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute", **rates}
    settings.REST_FRAMEWORK = rest
    cache.clear()


def test_a_user_over_the_rate_gets_429_with_retry_after(client_for, reader, settings):
    _rates(settings, user="3/minute")
    client = client_for(reader)
    statuses = [client.get("/api/v1/ratings/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/ratings/")
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_throttling_is_per_user(client_for, reader, editor, settings):
    _rates(settings, user="2/minute")
    first = client_for(reader)
    for _ in range(3):
        first.get("/api/v1/ratings/")
    assert client_for(editor).get("/api/v1/ratings/").status_code == 200


def test_anonymous_clients_are_throttled_too(db, settings, published_claim):
    _rates(settings, anon="2/hour")
    client = APIClient()
    statuses = [client.get("/api/v1/claimreviews/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert int(client.get("/api/v1/claimreviews/")["Retry-After"]) > 60
