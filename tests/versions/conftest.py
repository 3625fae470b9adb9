"""Fixtures for the stealth-edit tests: the ingestion tests' real HTTP server on 127.0.0.1 (with the
SSRF guard opened for loopback only) and the alert tests' real SMTP server (aiosmtpd)."""
from __future__ import annotations

from tests.alerts.conftest import smtp_server  # noqa: F401 - fixtures shared with the alert tests
from tests.ingestion.conftest import allow_loopback, server  # noqa: F401 - and with the fetcher's
