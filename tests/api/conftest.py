"""Fixtures for the API tests: users in each role, tokens, and claims made directly (no spaCy)."""
from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Article, Claim, Outlet, Rating, Speaker
from claims.services.tokens import create_api_token
from tests.factories import ClaimFactory, OutletFactory, SpeakerFactory, UserFactory

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _generous_throttles(settings) -> None:
    """Throttling has its own tests; elsewhere it must not interfere. The cache holds the counters."""
    rest = dict(django_settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute"}
    settings.REST_FRAMEWORK = rest
    # Hashing passwords at full strength would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def nobody(db) -> User:
    """Authenticated, in no group: sees published fact checks only."""
    return UserFactory(username="nobody", password="pw-nobody", email="")


@pytest.fixture
def other(db) -> User:
    return UserFactory(username="other", password="pw-other", email="")


@pytest.fixture
def admin_user_in_group(db) -> User:
    return UserFactory(username="chief", password="pw-chief", email="", is_staff=True, groups=["Admin"])


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client authenticated with a fresh token for `user` (anonymous for None)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            issued = create_api_token(user=user, name=f"t{next(_counter)}")
            client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
        return client

    return make


@pytest.fixture
def outlet(db) -> Outlet:
    return OutletFactory(name="Daily Planet", domain="dailyplanet.example")


@pytest.fixture
def speaker(db) -> Speaker:
    return SpeakerFactory(name="Jane Minister", title="Minister of Truth")


@pytest.fixture
def article(db, outlet) -> Article:
    return Article.objects.create(
        url="https://dailyplanet.example/a1", title="Budget day", outlet=outlet, status=Article.Status.DONE,
        text="Jane Minister said the budget grew by 10 percent.",
    )


@pytest.fixture
def make_claim(article, speaker) -> Callable[..., Claim]:
    def make(**fields) -> Claim:
        n = next(_counter)
        defaults = dict(
            article=article, kind=Claim.Kind.DIRECT, content=f"The budget grew by {n} percent",
            content_start=n * 100, content_end=n * 100 + 30, speaker=speaker, speaker_mention="Jane Minister",
            checkworthiness=0.5, fingerprint=f"fp{n}", spans=[],
        )
        defaults.update(fields)
        if defaults.get("status") in (Claim.Status.PUBLISHED, Claim.Status.CORRECTED):
            defaults.setdefault("rating", Rating.objects.get(slug="false"))
            defaults.setdefault("published_at", timezone.now())
            defaults.setdefault("conclusion", "It shrank.")
        return ClaimFactory(**defaults)

    return make


@pytest.fixture
def new_claim(make_claim) -> Claim:
    return make_claim()


@pytest.fixture
def published_claim(make_claim) -> Claim:
    return make_claim(status=Claim.Status.PUBLISHED)
