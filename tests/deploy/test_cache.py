"""The Redis cache backend reuses one client per pool and otherwise behaves as Django's."""
from __future__ import annotations

import os
import uuid

import pytest

from factcheck.cache import RedisCache

pytestmark = pytest.mark.services


@pytest.fixture
def redis_cache() -> RedisCache:
    return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})


def test_every_call_gets_the_same_client(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client("some key") is client
    assert redis_cache._cache.get_client(write=True) is client


def test_it_stores_reads_counts_and_deletes_like_djangos_backend(redis_cache):
    assert redis_cache.get("missing", "default") == "default"
    redis_cache.set("a", {"nested": [1, 2]}, timeout=30)
    assert redis_cache.add("a", "other") is False
    assert redis_cache.get_many(["a", "b"]) == {"a": {"nested": [1, 2]}}
    redis_cache.set("n", 1)
    assert redis_cache.incr("n", 5) == 6
    redis_cache.delete_many(["a", "n"])
    assert redis_cache.get_many(["a", "n"]) == {}


def test_the_configured_cache_is_this_backend(settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "factcheck.cache.RedisCache"
    assert isinstance(caches["default"], RedisCache)
