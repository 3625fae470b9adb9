"""Finding 5 (insecure defaults) and finding 13 (what Compose publishes). DEBUG is off unless set,
there is no fallback SECRET_KEY (the old one was public, so signed links could be forged), the
Docker image is production-safe without the compose file, and Compose publishes the web port and
Mailpit (every alert with its unsubscribe links) on loopback only."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import compose
import pytest
from django.core import signing

from claims.models import Subscription
from tests.security.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
# What factcheck/settings.py used to fall back to: public, in this repository's history.
PUBLIC_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production"
SHOW_DEBUG = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env, "DJANGO_SETTINGS_MODULE":
                          "factcheck.settings"}, capture_output=True, text=True, timeout=120)


def test_debug_is_off_when_the_environment_does_not_set_it() -> None:
    result = _python(SHOW_DEBUG, SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_there_is_no_fallback_secret_key_even_with_debug_on() -> None:
    result = _python(SHOW_DEBUG, DEBUG="1")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_publicly_known_development_key_is_refused() -> None:
    result = _python(SHOW_DEBUG, DEBUG="1", SECRET_KEY=PUBLIC_DEV_KEY)
    assert result.returncode != 0
    assert "publicly known" in result.stderr


def test_a_misspelt_boolean_setting_stops_start_up_instead_of_meaning_off() -> None:
    result = _python(SHOW_DEBUG, DEBUG="flase", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["unsubscribe", "manage"])
def test_a_link_forged_with_the_public_development_key_is_refused(client, action) -> None:
    owner = make_user("forge-victim", "Reader")
    subscription = Subscription.objects.create(owner=owner, name="Budget", keywords=["budget"])
    forged = signing.Signer(key=PUBLIC_DEV_KEY, salt=f"claims.alerts.{action}").sign_object(
        {"s": subscription.pk}, compress=True
    )
    response = client.post(f"/alerts/{action}/{forged}/", {"action": "pause"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.active is True


def test_the_docker_image_runs_with_debug_off_without_the_compose_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_lines = " ".join(line for line in dockerfile.splitlines() if line.strip().startswith("ENV "))
    assert re.search(r"\bDEBUG=0\b", env_lines), "the image must set DEBUG=0 itself"
    assert not re.search(r"\bDEBUG=1\b", dockerfile), "nothing in the image may run with DEBUG on"
    ignored = (ROOT / ".dockerignore").read_text().split()
    # The development database (demo superuser) and development key must not be baked in.
    assert {"var", ".venv", ".git"} <= set(ignored)


def _compose_config() -> dict:
    binary = Path(compose.__file__).parent / "docker-compose"
    env = {**os.environ, "SECRET_KEY": "set"}
    env.pop("WEB_BIND", None)
    env.pop("MAILPIT_BIND", None)
    result = subprocess.run([str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_publishes_the_web_port_and_mailpit_on_loopback_only() -> None:
    services = _compose_config()["services"]
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert {"web", "mailcatcher"} <= set(published)
    for name, ports in published.items():
        for port in ports:
            assert port.get("host_ip") == "127.0.0.1", f"{name} publishes {port} beyond this machine"
