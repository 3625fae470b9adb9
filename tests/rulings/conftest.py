"""Fixtures for corrections and reused rulings (docs/monitoring.md): the workflow's staff users and
claims, the real SMTP server of the alert tests and the real webhook receiver of the webhook tests."""
from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims.models import AlertDelivery, Article, Claim, Outlet, Speaker, Subscription
from claims.services.claims import claim_fingerprint
from tests.alerts.conftest import smtp_server  # noqa: F401
from tests.factories import add_sources, rating
from tests.webhooks.conftest import receiver  # noqa: F401

_serial = count(1)
S = Claim.Status


def article(*, text: str, outlet: Outlet | None = None, title: str = "", day: int = 20) -> Article:
    n = next(_serial)
    return Article.objects.create(
        text=text, title=title or f"Story {n}", url=f"https://news{n}.example/story", fingerprint=f"rulings-{n}",
        outlet=outlet, status=Article.Status.DONE, published_at=datetime(2026, 11, day, 9, tzinfo=UTC))


def claim_in(art: Article, content: str, *, speaker: Speaker | None = None, status: str = S.NEW,
             **fields) -> Claim:
    start = art.text.index(content)
    return Claim.objects.create(
        article=art, kind=Claim.Kind.DIRECT, content=content, content_start=start, content_end=start + len(content),
        spans=[[start, start + len(content)]], speaker=speaker, speaker_mention=speaker.name if speaker else "",
        status=status, checkworthiness=0.5, fingerprint=claim_fingerprint(content), **fields)


def said(content: str, who: str = "Jane Doe") -> str:
    return f'The debate went on.\n"{content}" said {who} at the rally.\nMore text.'


@pytest.fixture
def outlets(db) -> list[Outlet]:
    return [Outlet.objects.create(name=name, domain=f"{name.lower().replace(' ', '')}.example")
            for name in ("Planet Daily", "Wire Post", "Evening Star")]


@pytest.fixture
def speakers(db) -> list[Speaker]:
    return [Speaker.objects.create(name=name, normalized_name=name.lower())
            for name in ("Jane Doe", "Ana Souza", "Tom Reed")]


@pytest.fixture
def published(db, speakers, outlets, wf_researcher) -> Claim:
    """A published fact check, rated False, with two sources."""
    claim = claim_in(article(text=said("Unemployment fell by half in two years."), outlet=outlets[0], day=10),
                     "Unemployment fell by half in two years.", speaker=speakers[0], status=S.PUBLISHED,
                     rating=rating("false"), proposed_rating=rating("false"), researcher=wf_researcher,
                     conclusion="Official statistics show a 10% fall, not a half.",
                     published_at=datetime(2026, 11, 12, tzinfo=UTC))
    add_sources(claim, "ons", "oecd")
    return claim


def subscriber(username: str) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.org", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Reader"))
    return user


def alerted(user: User, claim: Claim, *, status: str = AlertDelivery.Status.SENT,
            name: str = "Economy") -> AlertDelivery:
    """`user` was sent (or not) an alert about `claim` by a subscription of theirs."""
    subscription, _ = Subscription.objects.get_or_create(owner=user, name=name, defaults={"keywords": ["unemployment"]})
    return AlertDelivery.objects.create(subscription=subscription, claim=claim, claim_fingerprint=claim.fingerprint,
                                        status=status, sent_at=timezone.now() if status == "sent" else None)
