"""The demo that `make run` serves: the whole life of a claim, in a fresh database, through the same
services an editor's clicks call.

Users of each role; three articles written for the project from two outlets (one pasted as
hard-wrapped wire copy with its headline, byline, date line and dateline, one with a byline and a
date typed in); subscriptions, one of whose alerts is sent as the articles are processed; and then
the workflow on the extracted claims: one published and corrected with evidence, one published,
one in review, one under research, one triaged, one dismissed, the rest new.

Which claims get which state is chosen by behaviour (claims with a speaker, most check-worthy
first), not by exact extractor output, so the demo survives changes to the extractor. Running it
again changes nothing that is there already (no duplicate articles, users or workflow steps).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from claims.models import Article, Claim, Outlet, Rating, Subscription
from claims.selectors import access
from claims.services import workflow
from claims.services.alerts import create_subscription
from claims.services.articles import submit_article
from claims.services.errors import DomainError
from claims.services.pipeline import process_article

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
S = Claim.Status


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str
    superuser: bool = False


# One user of each role; `make run` prints them with the password.
USERS = (
    DemoUser("admin", "Admin", superuser=True),
    DemoUser("editor", "Editor"),
    DemoUser("editor2", "Editor"),
    DemoUser("researcher", "Researcher"),
    DemoUser("reader", "Reader"),
)


@dataclass(frozen=True)
class DemoArticle:
    filename: str
    outlet: str = ""  # typed in by the submitter; "" leaves it to the text's dateline
    title_from_first_line: bool = False
    byline: str = ""
    published: dt.date | None = None


ARTICLES = (
    DemoArticle("harbour-bridge-vote.txt", outlet="Port Alder Gazette", title_from_first_line=True,
                byline="Maren Holt", published=dt.date(2026, 11, 24)),
    # Pasted as it came off the wire: headline, byline, date and outlet come from the text itself.
    DemoArticle("ferry-fares-wire.txt"),
    DemoArticle("mayor-repeats-bridge-promise.txt", outlet="Port Alder Gazette", title_from_first_line=True,
                published=dt.date(2026, 11, 29)),
)


@dataclass
class DemoResult:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, state)
    articles: list[Article] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)  # claims per status after the run
    workflow_done: bool = False


def _users(password: str, result: DemoResult) -> dict[str, User]:
    users: dict[str, User] = {}
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"is_staff": True, "is_superuser": spec.superuser, "email": f"{spec.username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=spec.group))
        users[spec.username] = user
        result.users.append((spec.username, spec.group, "created" if created else "exists (password unchanged)"))
    return users


def _subscriptions(users: dict[str, User]) -> None:
    editor = users["editor"]
    wanted: dict[str, dict[str, Any]] = {
        # Immediate: its alert goes out while the demo articles are processed (the console in `make run`).
        "Harbour bridge": {"keywords": ["bridge"], "cadence": Subscription.Cadence.IMMEDIATE},
        # A daily digest: its deliveries wait in the outbox (admin → Alert deliveries) for its hour.
        "Ferry daily": {"keywords": ["ferry"], "cadence": Subscription.Cadence.DAILY, "digest_hour": 7},
    }
    for name, fields in wanted.items():
        if not Subscription.objects.filter(owner=editor, name=name).exists():
            create_subscription(owner=editor, name=name, **fields)


def _articles(users: dict[str, User], result: DemoResult) -> None:
    for spec in ARTICLES:
        text = (DEMO_DIR / spec.filename).read_text(encoding="utf-8")
        outlet = Outlet.objects.get_or_create(name=spec.outlet)[0] if spec.outlet else None
        published = (timezone.make_aware(dt.datetime.combine(spec.published, dt.time(9, 0)))
                     if spec.published else None)
        submission = submit_article(
            text=text, title=text.partition("\n")[0].strip() if spec.title_from_first_line else "",
            byline=spec.byline, published_at=published, outlet=outlet, source=Article.Source.TEXT,
            submitted_by=users["researcher"],
        )
        # With a broker (REDIS_URL) the article waits for a worker; the demo needs its claims now.
        # Processing is a compare-and-set on the status, so a worker taking it too does nothing.
        if Article.objects.filter(pk=submission.article.pk, status=Article.Status.QUEUED).exists():
            process_article(article_id=submission.article.pk)
        result.articles.append(submission.article)


def _candidates() -> list[Claim]:
    """Claims a fact check can be published for (a speaker), the most check-worthy first."""
    return list(Claim.objects.filter(status=S.NEW, speaker__isnull=False).order_by("-checkworthiness", "id"))


def _pick(claims: list[Claim], *words: str) -> Claim:
    """The first claim that mentions one of `words` (the conclusions below are about them), else
    the most check-worthy one left: the demo stays whole whatever the extractor finds."""
    for claim in claims:
        if any(word in claim.content.lower() for word in words):
            claims.remove(claim)
            return claim
    return claims.pop(0)


def _research(claim: Claim, *, researcher: User, editor: User, sources: list[tuple[str, str, str]],
              rating: str, conclusion: str) -> Claim:
    claim = workflow.transition(claim=claim, to=S.TRIAGED, user=researcher, note="Specific and checkable.")
    claim = workflow.transition(claim=claim, to=S.RESEARCHING, user=editor, assignee=researcher)
    for url, title, publisher in sources:
        workflow.add_evidence(claim=claim, user=researcher, url=url, title=title, publisher=publisher)
    workflow.add_note(claim=claim, user=researcher, body="Asked the press office for the underlying figures.")
    workflow.propose_rating(claim=claim, rating=Rating.objects.get(slug=rating, scale__is_default=True),
                            user=researcher)
    return workflow.transition(claim=claim, to=S.IN_REVIEW, user=researcher, conclusion=conclusion)


def _workflow(users: dict[str, User]) -> None:
    researcher, editor, editor2 = users["researcher"], users["editor"], users["editor2"]
    claims = _candidates()
    if len(claims) < 5:
        raise DomainError(f"The demo articles gave {len(claims)} attributed claims; the demo needs 5.")
    corrected = _pick(claims, "commuting")
    published = _pick(claims, "property tax")
    in_review = _pick(claims, "fares follow fuel", "fares")
    researching = _pick(claims, "evening timetable", "timetable")
    triaged = _pick(claims, "40 million", "maintenance", "over budget")
    everyone = list(Claim.objects.filter(status=S.NEW).order_by("checkworthiness", "id"))

    corrected = _research(
        corrected, researcher=researcher, editor=editor,
        sources=[("https://stats.port-alder.example/commuting-2025", "Commuting survey 2025",
                  "Port Alder statistics office"),
                 ("https://transport.region.example/bridge-model", "Bridge traffic model",
                  "Regional transport authority")],
        rating="mostly-false",
        conclusion="The transport authority's own model expects commutes across the harbour to fall by about a "
                   "quarter, not by half, and for about 7,000 households rather than twelve thousand.",
    )
    corrected = workflow.transition(claim=corrected, to=S.PUBLISHED, user=editor)
    workflow.add_evidence(claim=corrected, user=editor, url="https://council.port-alder.example/minutes/2026-12",
                          title="Council minutes, December 2026", publisher="Port Alder city council")
    workflow.transition(claim=corrected, to=S.CORRECTED, user=editor,
                        note="An earlier version gave the number of households as 5,000; the model says about 7,000.")

    published = _research(
        published, researcher=researcher, editor=editor,
        sources=[("https://budget.port-alder.example/2026/bridge", "Bridge budget 2026", "Port Alder city council")],
        rating="half-true",
        conclusion="The budget funds the bridge without a property-tax rise, but it counts on a toll the council "
                   "has not yet approved.",
    )
    workflow.transition(claim=published, to=S.PUBLISHED, user=editor2)

    _research(in_review, researcher=researcher, editor=editor,
              sources=[("https://ferries.region.example/fares", "Fare tables 2024-2026", "Alder Ferries")],
              rating="mostly-true",
              conclusion="Fares rose in step with the regional fuel index in each of the last three years.")

    researching = workflow.transition(claim=researching, to=S.TRIAGED, user=researcher)
    researching = workflow.transition(claim=researching, to=S.RESEARCHING, user=editor, assignee=researcher)
    workflow.add_evidence(claim=researching, user=researcher, url="https://harbour.port-alder.example/timetables",
                          title="Ferry timetables", publisher="Port Alder harbour board")

    workflow.transition(claim=triaged, to=S.TRIAGED, user=researcher, note="Worth a look before the budget vote.")

    # A figure nobody needs checked (else the least check-worthy new claim) is dismissed, with the
    # reason on the record.
    chosen = {c.pk for c in (published, corrected, in_review, researching, triaged)}
    left = [c for c in everyone if c.pk not in chosen]
    dismiss = _pick(left, "attendance") if left else None
    if dismiss is not None:
        workflow.transition(claim=dismiss, to=S.DISMISSED, user=researcher,
                            note="Attendance figure, not a claim to check.")


# A council debate's captions (WebVTT), loaded after the workflow so its claims stay new: the claim
# pages show when each was said and link to that moment (docs/monitoring.md, "Transcripts").
TRANSCRIPTS = ("port-alder-bridge-debate.vtt",)


def _transcripts(users: dict[str, User], result: DemoResult) -> None:
    from claims.services.transcripts import submit_transcript

    for filename in TRANSCRIPTS:
        submission = submit_transcript(data=(DEMO_DIR / filename).read_bytes(), filename=filename,
                                       submitted_by=users["researcher"])
        if Article.objects.filter(pk=submission.article.pk, status=Article.Status.QUEUED).exists():
            process_article(article_id=submission.article.pk)
        result.articles.append(submission.article)


def load_demo(*, password: str) -> DemoResult:
    """Set up (or top up) the demo; refused unless DEBUG and FACTCHECK_DEMO are on."""
    if not settings.DEBUG or not settings.FACTCHECK_DEMO:
        raise DomainError("The demo is for development only (DEBUG and FACTCHECK_DEMO must be on).")
    result = DemoResult()
    users = _users(password, result)
    _subscriptions(users)
    _articles(users, result)
    # The workflow runs once: a database that already has a published fact check keeps its own.
    if not Claim.objects.filter(status__in=access.PUBLIC_STATUSES).exists():
        with transaction.atomic():
            _workflow(users)
        result.workflow_done = True
    _transcripts(users, result)
    result.articles = list(Article.objects.filter(pk__in=[a.pk for a in result.articles]).select_related("outlet"))
    counts = {status: 0 for status in S.values}
    for status in Claim.objects.values_list("status", flat=True):
        counts[status] += 1
    result.states = counts
    return result
