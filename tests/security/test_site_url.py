"""Finding 9: SITE_URL defaulted to http://127.0.0.1:8000 in production and `check --deploy` did not
notice, so alert e-mails linked (with their signed unsubscribe tokens) to a wrong or plain-http
address. The deploy check now requires it to be set, and https."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
}


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env={**clean, **PRODUCTION, **env}, capture_output=True, text=True, timeout=120)


def test_check_deploy_fails_when_site_url_is_not_set() -> None:
    result = _check_deploy()
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_check_deploy_fails_when_site_url_is_plain_http() -> None:
    result = _check_deploy(SITE_URL="http://factcheck.example.org")
    assert result.returncode != 0
    assert "factcheck.W002" in result.stderr and "not https" in result.stderr


def test_check_deploy_passes_with_an_https_site_url() -> None:
    result = _check_deploy(SITE_URL="https://factcheck.example.org")
    assert result.returncode == 0, result.stderr
