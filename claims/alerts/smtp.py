"""Which mail errors are worth retrying.

A 4xx reply, a refused or dropped connection or a timeout says "later"; a 5xx reply says "never"
(bad address, policy refusal), and retrying it only gets our server blocklisted.
"""
from __future__ import annotations

import smtplib
import socket
from datetime import timedelta


def is_transient(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Connection refused/reset, DNS failure, timeout, server hanging up mid-session.
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, OSError))


def backoff(attempts: int, *, base_seconds: int = 60, cap_seconds: int = 3600) -> timedelta:
    """1, 2, 4, ... minutes after the n-th failed attempt, capped at an hour."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]
