"""Fixtures for alert tests: a real SMTP server on localhost, subscribers, articles and claims.

Claims are created directly (no extraction) so most tests stay fast; one test goes the full
way through submit_article.
"""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from itertools import count

import factory
import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User

from claims.models import Article, Claim, Outlet, Speaker
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SpeakerFactory, UserFactory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: Message

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        raise AssertionError(f"no {content_type} part")


@dataclass
class Collector:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.original_content, policy=email.policy.default),
            )
        )
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a fixed free port that a test can stop ("the mail server is down") and start
    again; Django's SMTP backend is pointed at it through settings."""

    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.collector.messages

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://factcheck.example"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def subscriber(db) -> User:
    # Alerts carry unpublished claims, so a subscriber must be allowed to read them (a newsroom group).
    return UserFactory(username="alice", password="pw-alice", is_staff=True, groups=["Reader"])


@pytest.fixture
def other_subscriber(db) -> User:
    return UserFactory(username="bob", password="pw-bob", is_staff=True, groups=["Reader"])


@pytest.fixture
def outlet(db) -> Outlet:
    return OutletFactory(name="Wire Daily", domain="wire.example")


@pytest.fixture
def yang(db) -> Speaker:
    return SpeakerFactory(name="Yang Moo-jin", title="foreign minister")


@pytest.fixture
def other_speaker(db) -> Speaker:
    return SpeakerFactory(name="Ana Souza")


@pytest.fixture
def make_article(db, outlet):
    """ArticleFactory with this directory's defaults: a wire story from `outlet`, with a URL."""

    def make(*, title: str = "Talks stall over sanctions", with_outlet: bool = True, **extra) -> Article:
        extra.setdefault("url", factory.Sequence(lambda n: f"https://wire.example/news/{n}"))
        extra.setdefault("text", "placeholder text")
        return ArticleFactory(title=title, outlet=outlet if with_outlet else None, **extra)

    return make


@pytest.fixture
def make_claim(db):
    """ClaimFactory with this directory's habits: the article and the words first, fingerprints
    from the words (syndicated copies are twins)."""

    positions = count(0, 100)

    def make(article: Article, content: str, *, speaker: Speaker | None = None, kind: str = Claim.Kind.DIRECT,
             score: float = 0.5, **extra) -> Claim:
        return ClaimFactory(by_words=True, article=article, content=content, content_start=next(positions),
                            speaker=speaker, kind=kind, score=score, **extra)

    return make
