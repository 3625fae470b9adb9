"""A real receiving HTTP server on 127.0.0.1 and endpoint owners, for the webhook tests."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group, Permission, User

from claims.models import WebhookEndpoint
from claims.services import webhooks


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of `statuses` (the last one repeats) and keeps it."""

    port: int
    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answered {status}".encode())

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    # The guard refuses loopback in production; tests open it with the setting made for them.
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    found = Receiver(port=free_port())
    found.start()
    yield found
    found.stop()


def grant_webhooks(user: User) -> User:
    perms = Permission.objects.filter(content_type__app_label="claims", codename__contains="webhook")
    user.user_permissions.add(*perms)
    return User.objects.get(pk=user.pk)  # permissions are cached per instance


@pytest.fixture
def owner(db) -> User:
    """An Admin: may see unpublished claims and manage webhooks."""
    user = User.objects.create_user("hooks-admin", email="hooks@example.org", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Admin"))
    return grant_webhooks(user)


@pytest.fixture
def make_endpoint(owner, receiver):
    def make(*events: str, url: str | None = None) -> WebhookEndpoint:
        return webhooks.create_endpoint(owner=owner, name="Newsroom chat", url=url or receiver.url,
                                        event_types=list(events) or list(WebhookEndpoint.Event.values))

    return make
