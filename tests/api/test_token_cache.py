"""The API token cache: a second request authenticates without the database, and nothing cached
outlives a change to access (revocation, deactivation, groups, permissions, expiry, deletion)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ApiToken, Claim
from claims.services import tokens
from claims.services.tokens import CACHE_KEY_PREFIX, IssuedToken, create_api_token, hash_key, revoke_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings) -> None:
    # Off by default without REDIS_URL (a per-process cache); these tests turn it on either way.
    settings.FACTCHECK_API_TOKEN_CACHE_SECONDS = 60


def get(key: str):
    return APIClient().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {key}")


def listed(key: str) -> list[int]:
    response = get(key)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def listed_from_the_cache(key: str) -> list[int]:
    """The list, asserting the token, its user and their permissions came from the cache: the
    claims page is the request's only query."""
    with CaptureQueriesContext(connection) as queries:
        ids = listed(key)
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    return ids


def updates(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def reader_group() -> Group:
    return Group.objects.get(name="Reader")


def view_claim() -> Permission:
    return Permission.objects.get(content_type__app_label="claims", codename="view_claim")


def saved(instance: User | ApiToken, update_fields: list[str] | None = None, **fields) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save(update_fields=update_fields)


def row(issued: IssuedToken) -> ApiToken:
    return ApiToken.objects.get(pk=issued.token.pk)


def down(*args, **kwargs):
    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


# --- the cached path ----------------------------------------------------------------------------


def test_a_second_request_with_the_same_token_runs_no_query_to_authenticate(reader, new_claim):
    key = create_api_token(user=reader).key
    assert listed(key) == [new_claim.pk]
    with CaptureQueriesContext(connection) as queries:
        # The reader still sees unpublished claims: the permission set came from the cache too.
        assert listed(key) == [new_claim.pk]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert len(queries) == 1 and "claims_claim" in sql
    assert "claims_apitoken" not in sql and "auth_" not in sql


def test_the_cache_holds_neither_the_key_nor_the_password_hash(reader):
    issued = create_api_token(user=reader)
    listed(issued.key)
    entry = cache.get(f"{CACHE_KEY_PREFIX}{hash_key(issued.key)}")
    assert isinstance(entry, dict)
    assert issued.key not in repr(entry) and reader.password not in repr(entry)
    assert "password" not in entry["user"]


def test_a_cached_token_still_records_its_use_once_a_minute(reader, monkeypatch):
    issued = create_api_token(user=reader)
    listed(issued.key)
    first = ApiToken.objects.get().last_used_at
    later = first + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with CaptureQueriesContext(connection) as queries:
        listed(issued.key)
    assert len(updates(queries)) == 1
    assert ApiToken.objects.get().last_used_at == later
    # The cached copy learnt of that write: ten seconds on, no UPDATE.
    monkeypatch.setattr(timezone, "now", lambda: later + timedelta(seconds=10))
    with CaptureQueriesContext(connection) as queries:
        listed(issued.key)
    assert not updates(queries)


def test_a_zero_lifetime_turns_the_cache_off(reader, settings):
    settings.FACTCHECK_API_TOKEN_CACHE_SECONDS = 0
    key = create_api_token(user=reader).key
    listed(key)
    with CaptureQueriesContext(connection) as queries:
        listed(key)
    assert len(queries) == 3  # the token with its user, the permissions, the page


# --- nothing cached outlives a change -----------------------------------------------------------


REFUSALS: dict[str, Callable[[IssuedToken, User], object]] = {
    "revoked-by-the-service": lambda issued, user: revoke_api_token(token=issued.token),
    "revoked-with-the-command": lambda issued, user: call_command(
        "create_api_token", user.username, "--revoke", issued.key[:8], stdout=StringIO()
    ),
    "saved-as-revoked": lambda issued, user: saved(row(issued), revoked=True),
    "expiry-saved-in-the-past": lambda issued, user: saved(
        row(issued), expires_at=timezone.now() - timedelta(seconds=1)
    ),
    "token-deleted": lambda issued, user: ApiToken.objects.filter(pk=issued.token.pk).delete(),
    "user-deleted": lambda issued, user: user.delete(),
    "user-deactivated": lambda issued, user: saved(user, is_active=False),
    "user-deactivated-saving-only-that-field": lambda issued, user: saved(user, ["is_active"], is_active=False),
}


@pytest.mark.parametrize("change", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_cached_token_is_refused_on_the_very_next_request_once(reader, new_claim, change):
    issued = create_api_token(user=reader)
    listed(issued.key)
    assert listed_from_the_cache(issued.key) == [new_claim.pk]
    change(issued, reader)
    response = get(issued.key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_cached_token_is_refused_once_its_expiry_passes(reader, monkeypatch):
    issued = create_api_token(user=reader, expires_in_days=1)
    listed(issued.key)
    listed_from_the_cache(issued.key)
    later = timezone.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert get(issued.key).status_code == 401


def join_reader(user: User) -> None:
    user.groups.add(reader_group())


def grant_directly(user: User) -> None:
    user.user_permissions.add(view_claim())


def join_team(user: User) -> None:
    Group.objects.create(name="Team").user_set.add(user)


def team() -> Group:
    return Group.objects.get(name="Team")


# (how the user first gets access, the change that takes it away)
LOSSES: dict[str, tuple[Callable[[User], object], Callable[[User], object]]] = {
    "removed-from-the-group": (join_reader, lambda user: user.groups.remove(reader_group())),
    "removed-through-the-groups-user-set": (join_reader, lambda user: reader_group().user_set.remove(user)),
    "the-groups-members-cleared": (join_reader, lambda user: reader_group().user_set.clear()),
    "the-users-groups-cleared": (join_reader, lambda user: user.groups.clear()),
    "the-group-loses-the-permission": (join_reader, lambda user: reader_group().permissions.remove(view_claim())),
    "the-permission-taken-from-every-group": (join_reader, lambda user: view_claim().group_set.clear()),
    "the-group-deleted": (join_reader, lambda user: reader_group().delete()),
    "a-direct-permission-removed": (grant_directly, lambda user: user.user_permissions.remove(view_claim())),
    "a-direct-permission-taken-from-every-user": (grant_directly, lambda user: view_claim().user_set.clear()),
    "the-permission-deleted": (grant_directly, lambda user: view_claim().delete()),
    "superuser-status-removed": (
        lambda user: saved(user, is_superuser=True),
        lambda user: saved(user, is_superuser=False),
    ),
}

# (where the user starts, the change that gives access)
GAINS: dict[str, tuple[Callable[[User], object], Callable[[User], object]]] = {
    "added-to-a-group": (lambda user: None, join_reader),
    "added-through-the-groups-user-set": (lambda user: None, lambda user: reader_group().user_set.add(user)),
    "given-a-direct-permission": (lambda user: None, grant_directly),
    "given-it-through-the-permissions-user-set": (lambda user: None, lambda user: view_claim().user_set.add(user)),
    "their-group-given-the-permission": (join_team, lambda user: team().permissions.add(view_claim())),
    "the-permission-given-to-their-group": (join_team, lambda user: view_claim().group_set.add(team())),
    "made-superuser": (lambda user: None, lambda user: saved(user, is_superuser=True)),
}


@pytest.mark.parametrize(("setup", "change"), LOSSES.values(), ids=LOSSES.keys())
def test_losing_access_takes_effect_on_the_next_request(nobody, new_claim, setup, change):
    setup(nobody)
    key = create_api_token(user=nobody).key
    listed(key)
    assert listed_from_the_cache(key) == [new_claim.pk]
    change(nobody)
    assert listed(key) == []  # still signed in, but back to published fact checks only


@pytest.mark.parametrize(("setup", "change"), GAINS.values(), ids=GAINS.keys())
def test_gaining_access_takes_effect_on_the_next_request(nobody, new_claim, setup, change):
    setup(nobody)
    key = create_api_token(user=nobody).key
    listed(key)
    assert listed_from_the_cache(key) == []
    change(nobody)
    assert listed(key) == [new_claim.pk]


def test_a_request_that_read_the_token_before_its_revocation_cannot_cache_it_after(reader):
    issued = create_api_token(user=reader)
    # A request reads the live row, the key is revoked, then that request fills the cache with
    # what it read: the revocation's tombstone must win.
    stale = ApiToken.objects.select_related("user").get(pk=issued.token.pk)
    revoke_api_token(token=issued.token)
    tokens._cache_fill(stale)
    assert get(issued.key).status_code == 401


def test_an_unrelated_change_leaves_other_users_tokens_cached(reader, editor, new_claim):
    key = create_api_token(user=reader).key
    listed(key)
    saved(editor, is_active=False)
    editor.groups.clear()
    assert listed_from_the_cache(key) == [new_claim.pk]


# --- a cache that is down -----------------------------------------------------------------------


@pytest.fixture
def cache_down(monkeypatch) -> None:
    for name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many"):
        monkeypatch.setattr(cache, name, down)


def test_with_the_cache_down_a_token_still_authenticates_through_the_database(reader, new_claim, cache_down):
    key = create_api_token(user=reader).key
    assert listed(key) == [new_claim.pk]
    assert listed(key) == [new_claim.pk]


def test_with_the_cache_down_revoking_and_deactivating_still_work(reader, cache_down):
    revoked, deactivated = create_api_token(user=reader), create_api_token(user=reader)
    assert get(revoked.key).status_code == 200
    revoke_api_token(token=revoked.token)
    assert get(revoked.key).status_code == 401
    saved(reader, is_active=False)
    assert get(deactivated.key).status_code == 401


def test_a_cache_that_comes_back_is_used_again(reader, new_claim, monkeypatch):
    key = create_api_token(user=reader).key
    with monkeypatch.context() as patch:
        patch.setattr(cache, "get_many", down)
        assert listed(key) == [new_claim.pk]
    listed(key)  # fills the cache
    assert listed_from_the_cache(key) == [new_claim.pk]


def test_claims_seen_through_a_cached_token_are_those_of_the_tokens_user(reader, nobody, make_claim):
    published = make_claim(status=Claim.Status.PUBLISHED)
    unpublished = make_claim()
    reader_key, nobody_key = create_api_token(user=reader).key, create_api_token(user=nobody).key
    for key in (reader_key, nobody_key):
        listed(key)
    assert sorted(listed_from_the_cache(reader_key)) == sorted([published.pk, unpublished.pk])
    assert listed_from_the_cache(nobody_key) == [published.pk]
