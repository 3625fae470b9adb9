"""Finding 4: no brute-force limit on the admin login (40 wrong passwords, then the right one
logged in). Now django-axes locks per user name and per address, with backoff; wrong API tokens
count too; Admins see lockouts and a command lifts them.

Finding 7: the anonymous throttle was dodged with a new X-Forwarded-For on each request. The
client address now comes from one rule (factcheck/security.py) trusting NUM_PROXIES proxies."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.security.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_MINUTES = 15


def _login(client, username: str, password: str, ip: str = "198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_does_not_log_in_after_repeated_wrong_ones(client) -> None:
    make_user("target", "Editor", is_staff=True)
    statuses = [_login(client, "target", "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form again, then locked at the limit
    response = _login(client, "target", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not _signed_in(client)


def test_a_user_name_is_locked_whatever_address_the_guesses_come_from(client) -> None:
    make_user("target", "Editor", is_staff=True)
    for i in range(5):
        _login(client, "target", "wrong", ip=f"203.0.113.{i + 1}")
    assert _login(client, "target", PASSWORD, ip="192.0.2.200").status_code == 429
    assert not _signed_in(client)


def test_an_address_is_locked_whatever_user_names_it_tries(client) -> None:
    make_user("bystander", "Editor", is_staff=True)
    for i in range(5):
        _login(client, f"guess{i}", "wrong", ip="198.51.100.66")
    assert _login(client, "bystander", PASSWORD, ip="198.51.100.66").status_code == 429
    # The same person from another address is not affected.
    assert _login(client, "bystander", PASSWORD, ip="198.51.100.67").status_code == 302


def test_wrong_api_tokens_count_towards_the_lockout_of_their_address(client) -> None:
    make_user("editor-x", "Editor", is_staff=True)
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    statuses = [api.get("/api/v1/claims/").status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429
    assert api.get("/api/v1/claims/").json()["error"]["code"] == "locked_out"
    # The address is locked for the admin login too.
    assert _login(client, "editor-x", PASSWORD, ip="198.51.100.9").status_code == 429


def test_admins_see_the_lockout_and_the_unlock_command_lifts_it(client) -> None:
    make_user("target", "Editor", is_staff=True)
    for _ in range(6):
        _login(client, "target", "wrong")
    admin = make_user("chief", "Admin", is_staff=True)
    client.force_login(admin)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "target" in page.content.decode()
    client.logout()
    call_command("axes_reset_username", "target")
    call_command("axes_reset_ip", "198.51.100.7")
    assert _login(client, "target", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_each_further_run_of_failures_doubles_the_lockout(rf) -> None:
    from axes.models import AccessAttempt

    from factcheck.security import lockout_cooloff

    request = rf.post(LOGIN, {"username": "target"}, REMOTE_ADDR="198.51.100.8")
    durations = []
    for failures in (5, 10, 15, 1000):
        AccessAttempt.objects.update_or_create(
            username="target", ip_address="198.51.100.8", user_agent="",
            defaults={"failures_since_start": failures, "get_data": "", "post_data": "", "http_accept": "",
                      "path_info": LOGIN},
        )
        durations.append(lockout_cooloff(request))
    assert durations == [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60), timedelta(days=1)]


@pytest.fixture
def tight_anon_throttle(settings) -> None:
    rest = dict(django_settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "3/minute", "user": "100000/minute"}
    settings.REST_FRAMEWORK = rest


def test_a_new_x_forwarded_for_on_each_request_does_not_escape_the_anonymous_throttle(tight_anon_throttle) -> None:
    api = APIClient(REMOTE_ADDR="198.51.100.20")
    statuses = [
        api.get("/api/v1/claimreviews/", HTTP_X_FORWARDED_FOR=f"10.9.8.{i}").status_code for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_one_trusted_proxy_the_address_the_proxy_saw_is_throttled(tight_anon_throttle, settings) -> None:
    settings.NUM_PROXIES = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    # The client prepends inventions; the proxy appends the address it really saw.
    statuses = [
        proxy.get("/api/v1/claimreviews/", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.50").status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # A different real client behind the same proxy has its own allowance.
    assert proxy.get("/api/v1/claimreviews/", HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 200
