"""/health/live and /health/ready: JSON for machines, 503 with the failing check's reason, and the
probe docker-compose.yml runs. Readiness runs its checks in threads, which see only committed
rows: these tests use real transactions."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from claims.models import Article

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _async_safety_as_deployed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the whole run at import, and Django's
    # own check (async.E001) then fails readiness, rightly: no deployment has it.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_liveness_answers_ok_as_json_without_asking_anything(client: Client) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_every_check_ok_when_the_tracker_can_work(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"Database": "ok", "SystemChecks": "ok", "SpacyModel": "ok", "Backlog": "ok"},
    }


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_naming_a_spacy_model_that_is_not_installed(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    settings.FACTCHECK_SPACY_MODEL = "en_core_web_not_installed"
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "en_core_web_not_installed" in body["checks"]["SpacyModel"]
    assert "not installed" in body["checks"]["SpacyModel"]
    assert body["checks"]["Database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_when_more_articles_are_queued_than_the_limit(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    settings.FACTCHECK_HEALTH_MAX_BACKLOG = 2
    for n in range(3):
        Article.objects.create(text=f"queued text {n}", fingerprint=f"backlog-{n}", status=Article.Status.QUEUED)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["Backlog"] == "Unavailable: 3 articles queued, more than 2"


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_when_manage_py_check_finds_an_error(client: Client, settings) -> None:
    # Production without SITE_URL: `check --deploy` reports factcheck.E001 (claims/checks.py).
    settings.REDIS_URL = ""
    settings.DEBUG = False
    settings.SITE_URL = ""
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "factcheck.E001: SITE_URL is not set." in response.json()["checks"]["SystemChecks"]


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_when_the_redis_broker_does_not_answer(client: Client, settings) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["RedisBroker"] == "Unavailable: Redis broker unreachable: ConnectionError"
    assert checks["Database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_readiness_as_html_for_a_person_has_no_script(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/health/ready", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<script" not in response.content  # the site's CSP allows no inline script


@pytest.mark.django_db(transaction=True)
def test_an_unreadable_accept_header_gets_json_not_an_error(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/health/ready", HTTP_ACCEPT="text/html, ???")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def _probe(path: str, *, port: int, allowed_hosts: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORT": str(port), "ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run([sys.executable, "-m", "factcheck.probe", path], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_compose_probe_passes_on_a_live_server(live_server, settings) -> None:
    settings.REDIS_URL = ""
    port = int(live_server.url.rsplit(":", 1)[1])
    # The first allowed host is the Host header the probe sends (Django refuses any other).
    result = _probe("/health/ready", port=port, allowed_hosts="localhost,factcheck.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"status": "ok"' in result.stdout


def test_the_compose_probe_fails_on_a_503(live_server, settings) -> None:
    settings.REDIS_URL = ""
    settings.FACTCHECK_SPACY_MODEL = "en_core_web_not_installed"
    port = int(live_server.url.rsplit(":", 1)[1])
    result = _probe("/health/ready", port=port, allowed_hosts="localhost")
    assert result.returncode == 1
    assert "503" in result.stdout and "en_core_web_not_installed" in result.stdout


def test_the_compose_probe_fails_when_nothing_listens() -> None:
    result = _probe("/health/live", port=_closed_port(), allowed_hosts="localhost")
    assert result.returncode == 1
    assert "no answer" in result.stderr


def test_compose_checks_web_with_the_readiness_probe_and_workers_with_a_ping() -> None:
    import json

    import compose

    binary = Path(compose.__file__).parent / "docker-compose"
    result = subprocess.run([str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
                            env={**os.environ, "SECRET_KEY": "set"}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "factcheck.probe", "/health/ready"]
    for worker in ("worker", "mailer"):
        assert "inspect ping -d celery@$$HOSTNAME" in services[worker]["healthcheck"]["test"][1]


PRODUCTION_PROBE = """
from django.test import Client
client = Client(HTTP_HOST="factcheck.example.org")
for path in ("/health/live", "/health/ready", "/metrics", "/fact-checks/"):
    response = client.get(path)
    print("PROBE", path, response.status_code, response.get("Location", ""))
"""


def test_production_answers_probes_and_the_scraper_over_plain_http_and_redirects_the_rest() -> None:
    # Inside the Compose network nothing terminates TLS: a redirect to https would fail every probe.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "factcheck.example.org", "SITE_URL": "https://factcheck.example.org",
                "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "probe-check.sqlite3"),
                "FACTCHECK_METRICS_ALLOWED_NETWORKS": "127.0.0.0/8", "REDIS_URL": ""})
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=180)
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # `manage.py shell` prints its own lines too; ours start with PROBE.
    lines = dict(line.split(" ", 2)[1:] for line in result.stdout.splitlines() if line.startswith("PROBE "))
    assert lines["/health/live"].startswith("200")
    assert lines["/health/ready"].startswith("200"), lines["/health/ready"]
    assert lines["/metrics"].startswith("200")
    assert lines["/fact-checks/"].strip() == "301 https://factcheck.example.org/fact-checks/"
