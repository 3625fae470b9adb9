"""One builder per model (factory_boy), for every test directory.

Each factory makes a valid row with the fewest decisions; a test names only what it is about:

    ClaimFactory(content="Taxes rose.", speaker=SpeakerFactory(name="Jane Doe"))
    UserFactory(groups=["Editor"], is_staff=True)
    SubscriptionFactory(owner=subscriber, keywords=["tax"])   # written through the alert service

Rows are created directly (no extraction, no workflow) so tests stay fast; a test about a
service calls the service itself.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from factory.django import DjangoModelFactory

from claims.models import Article, Claim, Evidence, Outlet, Rating, Speaker, Subscription
from claims.services.claims import claim_fingerprint

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A user with a usable password (PASSWORD unless given) in the named groups:
    UserFactory(username="ed", groups=["Editor"], is_staff=True)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")

    @factory.post_generation
    def password(self, create: bool, raw: str | None, **kwargs: Any) -> None:
        self.set_password(raw or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs: Any) -> None:
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


def staff_in_group(username: str, group: str, **fields: Any) -> User:
    """A staff member of one newsroom group (Reader, Researcher, Editor, Admin)."""
    return UserFactory(username=username, groups=[group], is_staff=True, **fields)


class OutletFactory(DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker
        django_get_or_create = ("normalized_name",)

    name = factory.Sequence(lambda n: f"Speaker {n}")
    normalized_name = factory.LazyAttribute(lambda speaker: speaker.name.casefold())


class ArticleFactory(DjangoModelFactory):
    """A processed article (status done) with a unique URL and fingerprint."""

    class Meta:
        model = Article

    url = None
    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(lambda n: f"Article number {n}.")
    fingerprint = factory.Sequence(lambda n: f"article-{n}")
    outlet = None
    status = Article.Status.DONE


class ClaimFactory(DjangoModelFactory):
    """A detected claim. Without an article it gets one of its own whose text quotes it; its span is
    where `content` stands in the article's text (else it starts at 0: give `content_start` when
    several claims share an article whose text does not hold them). Its fingerprint is
    unique, so claims never count as repeats of each other by accident; `by_words=True` gives the
    one the pipeline computes from the words (claims with the same words are then twins)."""

    class Meta:
        model = Claim

    class Params:
        score = 0.5
        by_words = factory.Trait(fingerprint=factory.LazyAttribute(lambda claim: claim_fingerprint(claim.content)))

    article = factory.SubFactory(
        ArticleFactory,
        text=factory.LazyAttribute(
            lambda article: f'The minister spoke on Monday.\n"{article.factory_parent.content}" said Jane Doe, the '
            "finance minister, at the press conference.\nMore text."
        ),
    )
    kind = Claim.Kind.DIRECT
    content = "Unemployment fell by half in two years."
    content_start = factory.LazyAttribute(lambda claim: max(claim.article.text.find(claim.content), 0))
    content_end = factory.LazyAttribute(lambda claim: claim.content_start + len(claim.content))
    spans = factory.LazyAttribute(lambda claim: [[claim.content_start, claim.content_end]])
    speaker = None
    speaker_mention = factory.LazyAttribute(lambda claim: claim.speaker.name if claim.speaker else "")
    checkworthiness = factory.SelfAttribute("score")
    status = Claim.Status.NEW
    fingerprint = factory.Sequence(lambda n: f"claim-{n}")


def rating(slug: str = "false") -> Rating:
    """A label of the default rating scale (the migrations create it)."""
    return Rating.objects.get(slug=slug, scale__is_default=True)


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = factory.LazyAttributeSequence(lambda evidence, n: f"https://example.org/source-{evidence.claim.pk}-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    independence_group = ""


def add_sources(claim: Claim, *groups: str) -> None:
    """One evidence item per independence group given ("" is a source of its own)."""
    for group in groups:
        EvidenceFactory(claim=claim, independence_group=group)


def published(claim: Claim, *, by: User, at: datetime | None = None) -> Claim:
    """Publish through the workflow (every guard applies), optionally back-dated."""
    from claims.services.workflow import transition

    claim = transition(claim=claim, to=Claim.Status.PUBLISHED, user=by)
    if at is not None:
        Claim.objects.filter(pk=claim.pk).update(published_at=at)
        claim.refresh_from_db()
    return claim


class SubscriptionFactory(factory.Factory):
    """A subscription written through claims.services.alerts.create_subscription, so its keyword
    rows and checks are the service's own: SubscriptionFactory(owner=user, keywords=["tax"])."""

    class Meta:
        model = Subscription

    owner = factory.SubFactory(UserFactory, groups=["Reader"])
    name = factory.Sequence(lambda n: f"Subscription {n}")

    @classmethod
    def _create(cls, model_class: type[Subscription], *args: Any, **kwargs: Any) -> Subscription:
        from claims.services.alerts import create_subscription

        return create_subscription(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Subscription], *args: Any, **kwargs: Any) -> Subscription:
        return model_class(**kwargs)


def published_now(**fields: Any) -> Claim:
    """A claim stored as a published fact check (rating, conclusion, date), without the workflow."""
    fields.setdefault("rating", rating("false"))
    fields.setdefault("conclusion", "It did not.")
    fields.setdefault("published_at", timezone.now())
    return ClaimFactory(status=Claim.Status.PUBLISHED, **fields)
