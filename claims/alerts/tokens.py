"""Signed links in alert emails: they work without logging in, and cannot be forged or retargeted.

The token names the subscription and the action; the salt differs per action so a manage link
cannot be replayed as an unsubscribe link. No expiry: RFC 8058 one-click links must keep working
for as long as the mail sits in an inbox.
"""
from __future__ import annotations

from django.core import signing

_SALT = "claims.alerts.{action}"
ACTIONS = ("unsubscribe", "manage")


def _known(action: str) -> None:
    # A programming error, not bad input: every caller passes one of ACTIONS.
    if action not in ACTIONS:
        raise ValueError(f"unknown alert link action {action!r}")


def make_token(*, subscription_id: int, action: str) -> str:
    _known(action)
    # A plain Signer (no timestamp): the same subscription always gets the same link.
    return signing.Signer(salt=_SALT.format(action=action)).sign_object({"s": subscription_id}, compress=True)


def read_token(token: str, *, action: str) -> int | None:
    """The subscription id a token was made for, or None for a bad or tampered token."""
    _known(action)
    try:
        payload = signing.Signer(salt=_SALT.format(action=action)).unsign_object(token)
    except signing.BadSignature:
        return None
    subscription_id = payload.get("s") if isinstance(payload, dict) else None
    return subscription_id if isinstance(subscription_id, int) else None
