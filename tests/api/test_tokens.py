"""API tokens: hashed storage, expiry, revocation, last_used_at at most once a minute, and the
management command that issues them."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ApiToken
from claims.services.errors import InvalidInput
from claims.services.tokens import create_api_token, hash_key, revoke_api_token

pytestmark = pytest.mark.django_db


def get(key: str, scheme: str = "Token"):
    return APIClient().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"{scheme} {key}")


def test_only_the_hash_of_a_key_is_stored(reader):
    issued = create_api_token(user=reader, name="laptop")
    row = ApiToken.objects.get()
    assert row.key_hash == hash_key(issued.key) and issued.key not in (row.key_hash, row.prefix)
    assert row.prefix == issued.key[:8]


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_a_valid_key_authenticates_with_either_scheme(reader, scheme):
    assert get(create_api_token(user=reader).key, scheme).status_code == 200


def test_an_expired_key_is_refused(reader):
    issued = create_api_token(user=reader, expires_in_days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = get(issued.key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_revoked_key_is_refused(reader):
    issued = create_api_token(user=reader)
    revoke_api_token(token=issued.token)
    assert get(issued.key).status_code == 401


def test_a_deactivated_users_key_is_refused(reader):
    issued = create_api_token(user=reader)
    reader.is_active = False
    reader.save()
    assert get(issued.key).status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token wrong-key", "Basic abc"])
def test_malformed_or_unknown_credentials_answer_401_not_500(db, header):
    response = APIClient().get("/api/v1/claims/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_last_used_is_written_once_a_minute_not_on_every_request(reader, monkeypatch):
    issued = create_api_token(user=reader)
    assert get(issued.key).status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert get(issued.key).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get().last_used_at == first
    # Two minutes later the next request records use again. The clock moves rather than the row:
    # the token is cached, and rewriting the row behind the cache is not something time does.
    later = first + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert get(issued.key).status_code == 200
    assert ApiToken.objects.get().last_used_at == later


def test_a_token_cannot_be_issued_already_expired(reader):
    with pytest.raises(InvalidInput):
        create_api_token(user=reader, expires_at=timezone.now() - timedelta(days=1))


def test_the_command_prints_a_working_key_once(reader):
    out = StringIO()
    call_command("create_api_token", "reader", "--name", "ci", "--expires-days", "30", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert get(key).status_code == 200
    token = ApiToken.objects.get(name="ci")
    assert token.expires_at is not None and token.expires_at > timezone.now() + timedelta(days=29)


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "ghost", stdout=StringIO())


def test_the_command_revokes_by_prefix(reader):
    issued = create_api_token(user=reader)
    # `--revoke=PREFIX`: a key may begin with "-", which argparse would take for an option.
    call_command("create_api_token", "reader", f"--revoke={issued.key[:8]}", stdout=StringIO())
    assert get(issued.key).status_code == 401


def test_token_requests_load_permissions_in_one_query_with_the_same_answer(reader, researcher):
    from django.contrib.auth.models import User

    from claims.services.tokens import prefetch_permissions

    for user in (reader, researcher):
        expected = User.objects.get(pk=user.pk).get_all_permissions()
        fresh = User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            prefetch_permissions(fresh)
        assert len(queries) == 1
        assert fresh.get_all_permissions() == expected
        assert fresh.has_perm("claims.view_claim")
