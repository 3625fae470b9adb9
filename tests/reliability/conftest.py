"""Fixtures for the reliability tests: a local web server that serves hostile pages and feeds,
an API client holding a real token, and a record of every outcome for docs/reliability.md."""
from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.hostile import Route

ROOT = Path(__file__).resolve().parent.parent.parent


# Not 127.0.0.1: the SSRF guard is opened for this one address only, so links to 127.0.0.1,
# [::1] or 169.254.169.254 in a hostile feed are still refused while our pages are fetched.
SERVER_HOST = "127.0.0.2"


class HostileServer:
    """A loopback HTTP server whose routes the tests fill in."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    route = Route(status=404, content_type="text/plain", body=b"no such page")
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    if route.drip:
                        # One byte at a time, each well inside any read timeout: only the fetch's
                        # overall deadline stops this (issue 15, finding 3).
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up on purpose (size cap, timeout)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer((SERVER_HOST, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{SERVER_HOST}:{self.port}{path}"

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Hundreds of tests each create a user; PBKDF2's deliberate slowness buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def guard_open_for_test_server(settings) -> None:
    """Let the fetcher reach our local server and nothing else private: the SSRF guard stays on
    for every other address (127.0.0.1, 169.254.169.254, 10.0.0.0/8, ...). Short timeouts so a
    hanging server costs a second, not fifteen."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    settings.FACTCHECK_FETCH_ALLOWED_NETWORKS = [f"{SERVER_HOST}/32"]
    settings.FACTCHECK_FETCH_READ_TIMEOUT = 1.0
    settings.FACTCHECK_FETCH_CONNECT_TIMEOUT = 1.0
    settings.FACTCHECK_FETCH_MAX_BYTES = 1_000_000


@pytest.fixture
def api_token(editor) -> str:
    from claims.services.tokens import create_api_token

    return create_api_token(user=editor, name="reliability").key


# --- outcomes, collected for the table in docs/reliability.md ----------------------------------

OUTCOMES: list[dict[str, str]] = []


@pytest.fixture
def record_outcome() -> Callable[..., None]:
    def record(*, case: str, entry: str, outcome: str, reason: str) -> None:
        OUTCOMES.append({"case": case, "entry": entry, "outcome": outcome, "reason": " ".join(reason.split())[:160]})

    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Merge what each hostile input got, per entry point, into var/hostile-outcomes.json (the
    table in docs/reliability.md is made from it); a partial run refreshes only its own rows."""
    if not OUTCOMES:
        return
    out = ROOT / "var" / "hostile-outcomes.json"
    out.parent.mkdir(exist_ok=True)
    try:
        rows = {(row["case"], row["entry"]): row for row in json.loads(out.read_text())}
    except (OSError, ValueError, KeyError, TypeError):
        rows = {}
    rows.update({(row["case"], row["entry"]): row for row in OUTCOMES})
    out.write_text(json.dumps(sorted(rows.values(), key=lambda row: (row["case"], row["entry"])), indent=1))
