"""Fixtures for the security regression tests: users of every standing, API clients with real
tokens, a real SMTP server (aiosmtpd) and claims made directly (no spaCy), reused from the alert
and API suites so each rule is tested against the same set-up its own suite uses."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission, User
from rest_framework.test import APIClient

from claims.services.tokens import create_api_token
from tests.alerts.conftest import make_article, make_claim, outlet, smtp_server, yang  # noqa: F401

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_hashing_and_generous_throttles(settings) -> None:
    # Throttling and lockout have their own tests here; elsewhere they must not interfere.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rest = dict(django_settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute"}
    settings.REST_FRAMEWORK = rest


def make_user(username: str, *groups: str, perms: tuple[str, ...] = (), **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org", **extra)
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="claims", codename=codename))
    return user


@pytest.fixture
def outsider(db) -> User:
    """Signed in, in no group, not staff: may read published fact checks and nothing else."""
    return make_user("outsider")


@pytest.fixture
def staff_outsider(db) -> User:
    """Staff (can open the admin) but in no group."""
    return make_user("staff-outsider", is_staff=True)


@pytest.fixture
def newsroom_reader(db) -> User:
    return make_user("newsroom-reader", "Reader", is_staff=True)


@pytest.fixture
def api() -> Callable[[User | None], APIClient]:
    """An API client authenticated with a fresh token for `user` (anonymous for None)."""
    counter = iter(range(1, 10_000))

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            issued = create_api_token(user=user, name=f"security-{next(counter)}")
            client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
        return client

    return make
