"""A local SMTP server (aiosmtpd) that keeps every message, and can be taken down and brought
back on the same port: the mail outage of the fault tests."""
from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass

from aiosmtpd.controller import Controller

_LIST_ID = re.compile(r"subscription-(\d+)\.alerts")
_CLAIM_LINK = re.compile(r"/admin/claims/claim/(\d+)/change/")


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    raw: bytes

    def subscription_id(self) -> int | None:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        match = _LIST_ID.search(str(message.get("List-Id", "")))
        return int(match.group(1)) if match else None

    def claim_ids(self) -> list[int]:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        return [int(pk) for pk in _CLAIM_LINK.findall(text)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self._closing = False

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        with self._lock:
            if self._closing:
                # As a mail server does when it shuts down: a clear "not accepted", so the client
                # knows to try again, never a message kept without its 250 reaching the client.
                return "421 Service shutting down, try again later"
            self.messages.append(
                Received(tuple(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content))
            )
        return "250 Message accepted for delivery"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Go down the way a mail server does: refuse new messages (421), give the replies to
        messages already accepted time to reach their clients, then close. Cutting a session after
        the message was kept but before its 250 arrived would be the one case SMTP cannot settle
        (docs/reliability.md: mail is at least once at that edge), not the outage under test."""
        if self._controller is not None:
            with self._lock:
                self._closing = True
            time.sleep(0.5)
            self._controller.stop()
            self._controller = None
            self._closing = False

    def per_subscription_claim(self) -> Counter:
        """How many messages carried each (subscription, claim): exactly-once means all ones."""
        counts: Counter = Counter()
        with self._lock:
            received = list(self.messages)
        for message in received:
            subscription_id = message.subscription_id()
            for claim_id in message.claim_ids():
                counts[(subscription_id, claim_id)] += 1
        return counts
