"""Fixtures for the workflow, admin, public-page and browser tests: staff users in each group, and
claims built directly (no extraction run) so tests stay fast.

Imported with `from tests.admin.workflow_fixtures import *` where needed (pytest picks up
fixtures from a module's namespace)."""
from __future__ import annotations

from datetime import datetime
from itertools import count

import pytest
from django.contrib.auth.models import Group, User

from claims.models import Article, Claim, Evidence, Outlet, Rating, Speaker

PASSWORD = "correct-horse-battery-staple"
_serial = count(1)


def staff_in_group(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_article(*, text: str | None = None, title: str = "", outlet: Outlet | None = None,
                 url: str | None = None, published_at: datetime | None = None) -> Article:
    n = next(_serial)
    return Article.objects.create(
        text=text if text is not None else f"Article number {n}.",
        title=title or f"Article {n}",
        url=url,
        fingerprint=f"fp-{n}",
        outlet=outlet,
        status=Article.Status.DONE,
        published_at=published_at,
    )


def make_claim(*, content: str = "Unemployment fell by half in two years.", speaker: Speaker | None = None,
               article: Article | None = None, status: str = Claim.Status.NEW, score: float = 0.5,
               **fields) -> Claim:
    if article is None:
        prefix = "The minister spoke on Monday.\n"
        text = f'{prefix}"{content}" said Jane Doe, the finance minister, at the press conference.\nMore text.'
        article = make_article(text=text)
        start = len(prefix) + 1
    else:
        start = article.text.find(content)
        if start < 0:
            start = 0
    fields.setdefault("speaker_mention", speaker.name if speaker else "")
    return Claim.objects.create(
        article=article, kind=Claim.Kind.DIRECT, content=content, content_start=start,
        content_end=start + len(content), spans=[[start, start + len(content)]], speaker=speaker, status=status,
        checkworthiness=score, fingerprint=f"claim-{next(_serial)}", **fields,
    )


def rating(slug: str = "false") -> Rating:
    return Rating.objects.get(slug=slug, scale__is_default=True)


def add_sources(claim: Claim, *groups: str) -> None:
    for group in groups:
        i = next(_serial)
        Evidence.objects.create(claim=claim, url=f"https://example.org/source-{claim.pk}-{i}",
                                title=f"Source {i}", independence_group=group)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2's deliberate slowness would dominate these tests; nothing here tests hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wf_reader(db) -> User:
    return staff_in_group("wf_reader", "Reader")


@pytest.fixture
def wf_researcher(db) -> User:
    return staff_in_group("wf_researcher", "Researcher")


@pytest.fixture
def wf_researcher2(db) -> User:
    return staff_in_group("wf_researcher2", "Researcher")


@pytest.fixture
def wf_editor(db) -> User:
    return staff_in_group("wf_editor", "Editor")


@pytest.fixture
def wf_editor2(db) -> User:
    return staff_in_group("wf_editor2", "Editor")


@pytest.fixture
def wf_admin(db) -> User:
    return staff_in_group("wf_admin", "Admin")


@pytest.fixture
def speaker(db) -> Speaker:
    return Speaker.objects.create(name="Jane Doe", normalized_name="jane doe", title="finance minister")


@pytest.fixture
def ready_for_review(db, speaker, wf_researcher) -> Claim:
    """A claim researched by wf_researcher: assignee, evidence, proposed rating and conclusion set."""
    claim = make_claim(speaker=speaker, status=Claim.Status.IN_REVIEW, assignee=wf_researcher,
                       researcher=wf_researcher, proposed_rating=rating("false"),
                       conclusion="Official statistics show a 10% fall, not a half.")
    add_sources(claim, "")
    return claim


def published(claim: Claim, *, by: User, at: datetime | None = None) -> Claim:
    from claims.services.workflow import transition

    claim = transition(claim=claim, to=Claim.Status.PUBLISHED, user=by)
    if at is not None:
        Claim.objects.filter(pk=claim.pk).update(published_at=at)
        claim.refresh_from_db()
    return claim
