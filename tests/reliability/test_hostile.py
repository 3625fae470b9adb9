"""Hostile input at scale: every input of tests/reliability/hostile.py through every entry point
it applies to. Each one is refused with a reason (4xx, form message, command error, `failed` row
with its error) or processed to `done`: never a 500, a hang, or an input that vanishes.

Entry points: article submission (API, admin form and upload, `manage.py ingest`, feed polling),
subscriptions (API and admin form), the signed unsubscribe and manage links, the headers and text
of alert e-mails (real SMTP), the workflow API (transition, evidence, notes) and the commands.

Tasks run in-process (eager) exactly as they would on a worker: the on-commit hook that queues
processing is executed, so URL articles are really fetched from the local hostile server and
texts really go through extraction.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims.models import Article, Claim, Feed, Subscription
from tests.alerts.conftest import smtp_server  # noqa: F401 - a real SMTP server for the e-mail entry
from tests.reliability.conftest import HostileServer
from tests.reliability.hostile import ALL, GOOD_STORY, TEXT_LIMIT, Hostile, Request, Route, SubscriptionInput, _html

pytestmark = [pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLES_URL = "/api/v1/articles/"
ADMIN_ADD_URL = "/admin/claims/article/add/"


@dataclass
class Outcome:
    kind: str  # "refused" at the door, or the article's final status: "failed" / "done"
    reason: str = ""
    article_ids: list[int] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _url_for(case: Hostile, server: HostileServer) -> str:
    if case.kind == "page":
        return server.serve(f"/pages/{_slug(case.name)}", case.payload)
    return str(case.payload)


def _article_outcome(article_ids: list[int]) -> Outcome:
    articles = list(Article.objects.filter(pk__in=article_ids).order_by("pk"))
    assert len(articles) == len(article_ids), "an accepted article disappeared"
    for article in articles:
        # Anything still queued/fetching/extracting after its task ran is a hung or dropped article.
        assert article.status in {"done", "failed"}, f"article {article.pk} left {article.status!r}"
        if article.status == "failed":
            assert article.error.strip(), f"article {article.pk} failed without saying why"
    failed = [a for a in articles if a.status == "failed"]
    if failed:
        return Outcome("failed", " | ".join(a.error for a in failed), article_ids)
    return Outcome("done", "", article_ids)


# --- the entry points --------------------------------------------------------------------------


def via_api(case: Hostile, *, client, token: str, server: HostileServer, capture) -> Outcome:
    headers: dict[str, str] = {}
    if case.kind == "request":
        request: Request = case.payload
        body, content_type = request.body, request.content_type
        if request.auth == "token":
            headers["HTTP_AUTHORIZATION"] = f"Token {token}"
        elif request.auth:
            headers["HTTP_AUTHORIZATION"] = request.auth
        for name, value in request.headers.items():
            headers["HTTP_" + name.upper().replace("-", "_")] = value
    else:
        field_name = "text" if case.kind == "text" else "url"
        value = case.payload if case.kind == "text" else _url_for(case, server)
        body, content_type = json.dumps({field_name: value, "title": case.name}).encode(), "application/json"
        headers["HTTP_AUTHORIZATION"] = f"Token {token}"
    with capture(execute=True):
        response = client.generic("POST", ARTICLES_URL, body, content_type=content_type, **headers)
    assert response.status_code < 500, f"{response.status_code}: {response.content[:500]!r}"
    payload = response.json()
    if response.status_code >= 400:
        error = payload["error"]
        details = [" ".join(v) for v in error.get("fields", {}).values()]
        reason = " ".join([error["message"], *[d for d in details if d not in error["message"]]])
        return Outcome("refused", reason)
    assert response.status_code in {200, 202}, response.status_code
    return _article_outcome([payload["id"]])


def _admin_post(client, data: dict, capture) -> Outcome:
    with capture(execute=True):
        response = client.post(ADMIN_ADD_URL, data)
    assert response.status_code < 500
    if response.status_code == 302:
        match = re.search(r"/admin/claims/article/(\d+)/change/", response["Location"])
        assert match, response["Location"]
        return _article_outcome([int(match.group(1))])
    assert response.status_code == 200, response.status_code
    reasons = [str(m) for m in get_messages(response.wsgi_request)]
    form = response.context["form"]
    reasons += [str(e) for errors in form.errors.values() for e in errors]
    return Outcome("refused", " | ".join(reasons))


def via_admin(case: Hostile, *, client, server: HostileServer, capture) -> Outcome:
    if case.kind == "text":
        data = {"text": case.payload, "title": case.name}
    else:
        data = {"url": _url_for(case, server), "title": case.name}
    return _admin_post(client, data, capture)


def via_admin_file(case: Hostile, *, client, capture) -> Outcome:
    data = case.payload.encode("utf-8") if case.kind == "text" else case.payload
    upload = SimpleUploadedFile("story.txt", data, content_type="text/plain")
    return _admin_post(client, {"file": upload, "title": case.name}, capture)


def via_ingest(case: Hostile, *, tmp_path: Path, server: HostileServer, capture) -> Outcome:
    if case.kind in {"text", "bytes"}:
        path = tmp_path / "story.txt"
        path.write_bytes(case.payload.encode("utf-8") if case.kind == "text" else case.payload)
        item = str(path)
    else:
        item = _url_for(case, server)
    before = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = []
    with capture(execute=True):
        try:
            from io import StringIO

            stdout, stderr = StringIO(), StringIO()
            call_command("ingest", item, "--no-progress", stdout=stdout, stderr=stderr)
            error = None
        except CommandError as exc:
            error = str(exc)
        out = [stdout.getvalue(), stderr.getvalue()]
    created = list(Article.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    if created:
        return _article_outcome(created)
    assert error is not None, f"ingest neither created an article nor failed: {out}"
    return Outcome("refused", " ".join([*out, error]))


def via_feed(case: Hostile, *, server: HostileServer, capture) -> Outcome:
    from claims.services.feeds import poll_feed

    if case.kind == "feed":
        url = server.serve(f"/feeds/{_slug(case.name)}", case.payload)
    else:  # a feed whose one entry links to the hostile URL or page
        link = _url_for(case, server).replace("&", "&amp;").replace("<", "&lt;")
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>'
            f"<item><title>{case.name}</title><link>{link}</link><guid>{_slug(case.name)}</guid></item>"
            "</channel></rss>"
        ).encode()
        url = server.serve(f"/feeds/link-{_slug(case.name)}", Route(content_type="application/rss+xml", body=body))
    # Registered directly: create_feed refuses loopback literals, and the test server is one.
    feed = Feed.objects.create(url=url, next_poll_at=timezone.now())
    with capture(execute=True):
        result = poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    article_ids = list(Article.objects.filter(feed=feed).order_by("pk").values_list("pk", flat=True))
    if result.failed:
        assert feed.last_error.strip(), "a failed poll left no error on the feed"
        assert feed.consecutive_failures == 1 and feed.next_poll_at > timezone.now()
        return Outcome("refused", feed.last_error, article_ids)
    if not article_ids:
        assert result.errors, f"the poll produced nothing and said nothing: {result}"
        assert feed.last_error.strip(), "skipped entries are not shown on the feed"
        return Outcome("refused", " | ".join(result.errors))
    outcome = _article_outcome(article_ids)
    if result.errors:
        outcome.reason = " | ".join([outcome.reason, *result.errors]).strip(" |")
    return outcome


# --- subscriptions, signed links, e-mails, the workflow API, commands ---------------------------


def _api_refusal(response) -> Outcome:
    assert response.status_code < 500, f"{response.status_code}: {response.content[:500]!r}"
    if response.status_code >= 400:
        error = response.json()["error"]
        details = [f"{name}: {' '.join(v)}" for name, v in error.get("fields", {}).items()]
        return Outcome("refused", " ".join([error["message"], *details]))
    return Outcome("done")


def via_subscription_api(case: Hostile, *, client, token: str) -> Outcome:
    payload: SubscriptionInput = case.payload
    body = payload.json if isinstance(payload.json, bytes) else json.dumps(payload.json).encode()
    response = client.generic("POST", "/api/v1/subscriptions/", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Token {token}")
    outcome = _api_refusal(response)
    if outcome.kind == "done":
        assert Subscription.objects.filter(pk=response.json()["id"]).exists()
    else:
        assert not Subscription.objects.exists(), "a refused subscription was saved"
    return outcome


SUBSCRIPTION_FORM = {
    "name": "Hostile", "active": "on", "keywords_text": "tax", "min_checkworthiness": "0", "cadence": "immediate",
    "digest_hour": "8", "digest_weekday": "0", "timezone": "UTC",
}


def via_subscription_admin(case: Hostile, *, client) -> Outcome:
    payload: SubscriptionInput = case.payload
    data = {**SUBSCRIPTION_FORM, **payload.form}
    response = client.post("/admin/claims/subscription/add/", data)
    assert response.status_code < 500
    if response.status_code == 302:
        assert Subscription.objects.exists()
        return Outcome("done")
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    reasons = [f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()]
    assert not Subscription.objects.exists(), "a refused subscription was saved"
    return Outcome("refused", " | ".join(reasons))


def _make_token(spec: str, subscription_id: int, action: str) -> str:
    from django.core import signing

    from claims.alerts.tokens import make_token

    valid = make_token(subscription_id=subscription_id, action=action)
    other = "manage" if action == "unsubscribe" else "unsubscribe"
    forged = {
        "valid": valid,
        "truncate": valid[: len(valid) // 2],
        "flip": valid[:-3] + ("A" if valid[-3] != "A" else "B") + valid[-2:],
        "other-action": make_token(subscription_id=subscription_id, action=other),
        "public-key": signing.Signer(key="dev-only-insecure-key-do-not-use-in-production",
                                     salt=f"claims.alerts.{action}").sign_object({"s": subscription_id}, compress=True),
        "missing": make_token(subscription_id=subscription_id + 10_000, action=action),
        "string-id": signing.Signer(salt=f"claims.alerts.{action}").sign_object({"s": str(subscription_id)}),
        "list-id": signing.Signer(salt=f"claims.alerts.{action}").sign_object({"s": [subscription_id]}),
    }
    return forged.get(spec, spec)


def via_token(case: Hostile, entry: str, *, client, owner) -> Outcome:
    from urllib.parse import quote

    subscription = Subscription.objects.create(owner=owner, name="Linked", keywords=["tax"])
    token = _make_token(str(case.payload), subscription.pk, entry)
    url = f"/alerts/{entry}/{quote(token, safe='%')}/"
    shown = client.get(url)
    assert shown.status_code < 500, shown.status_code
    answer = client.post(url, {"action": "pause"})
    assert answer.status_code < 500, answer.status_code
    subscription.refresh_from_db()
    if answer.status_code < 400:
        assert shown.status_code == 200
        assert subscription.active is False, "the link answered OK but did not pause the subscription"
        return Outcome("done")
    assert subscription.active is True, "a refused link still changed the subscription"
    page = answer.content.decode(errors="replace")
    # The reason the page gives (the problem page's message, or Django's own 404 page's title).
    found = re.search(r'<p class="problem">(.*?)</p>', page, re.DOTALL) or re.search(
        r"<title>(.*?)</title>", page, re.DOTALL
    )
    assert found, f"{answer.status_code} without a reason"
    return Outcome("refused", " ".join(found.group(1).split()))


def via_email(case: Hostile, *, smtp, owner, capture) -> Outcome:
    from email.policy import default

    from claims.models import Speaker
    from claims.services.alerts import create_subscription, queue_alerts_for_claims
    from claims.services.articles import submit_article
    from claims.services.claims import claim_fingerprint

    fields: dict = case.payload
    create_subscription(owner=owner, name=fields.get("subscription", "Tax watch"), keywords=["tax"])
    content = "The tax rise is the largest ever"
    article = submit_article(
        text=f"{content}, she said.", title=fields.get("title", "Budget day"), byline=fields.get("byline", "")
    ).article
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE)
    speaker = Speaker.objects.create(name=fields.get("speaker", "Ana Souza")[:200], normalized_name="ana souza")
    claim = Claim.objects.create(
        article=article,
        kind=Claim.Kind.DIRECT,
        content=content,
        content_start=0,
        content_end=len(content),
        checkworthiness=0.5,
        speaker=speaker,
        fingerprint=claim_fingerprint(content),
    )
    with capture(execute=True):
        queue_alerts_for_claims(claim_ids=[claim.pk])
    assert len(smtp.messages) == 1, "the alert was not delivered"
    received = smtp.messages[0]
    message = received.message
    assert received.rcpt_tos == [owner.email], f"sent to {received.rcpt_tos}"
    assert message.get_all("Bcc") is None and message.get_all("Cc") is None
    assert message.get_all("To") == [owner.email]
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    for part in ("text/plain", "text/html"):
        body = received.part(part)
        for line in body.splitlines():
            assert not re.match(r"\s*(Bcc|To|Cc|Subject):", line), f"a header-like line in the {part} part: {line!r}"
    html = received.part("text/html")
    assert "<script>" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    assert message.policy is not None and default is not None
    return Outcome(
        "done", "delivered once, to the subscriber only; one-line subject; no header-like line in either part"
    )


def via_workflow(case: Hostile, *, client, token: str) -> Outcome:
    from claims.models import Speaker

    path, body = case.payload
    article = Article.objects.create(text="Text.", fingerprint="wf", status=Article.Status.DONE)
    speaker = Speaker.objects.create(name="Ana Souza", normalized_name="ana souza")
    claim = Claim.objects.create(
        article=article,
        kind=Claim.Kind.DIRECT,
        content="Taxes rose.",
        content_start=0,
        content_end=11,
        checkworthiness=0.5,
        speaker=speaker,
        fingerprint="wf-claim",
    )
    response = client.generic(
        "POST",
        f"/api/v1/claims/{claim.pk}/{path}/",
        json.dumps(body).encode(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    outcome = _api_refusal(response)
    claim.refresh_from_db()
    if outcome.kind == "refused":
        assert claim.status == Claim.Status.NEW, "a refused request still moved the claim"
    return outcome


def via_admin_workflow(case: Hostile, *, client) -> Outcome:
    from django.urls import reverse

    view, data = case.payload
    article = Article.objects.create(text="Text.", fingerprint="awf", status=Article.Status.DONE)
    claim = Claim.objects.create(
        article=article,
        kind=Claim.Kind.DIRECT,
        content="Taxes rose.",
        content_start=0,
        content_end=11,
        checkworthiness=0.5,
        status=Claim.Status.TRIAGED,
        fingerprint="awf-c",
    )
    url = reverse(
        "admin:claims_claim_workflow" if view == "workflow" else "admin:claims_claim_same_as", args=[claim.pk]
    )
    response = client.post(url, data, follow=True)
    assert response.status_code < 500, response.status_code
    claim.refresh_from_db()
    assert claim.status == Claim.Status.TRIAGED and claim.same_as_id is None and claim.proposed_rating_id is None
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    return Outcome("refused", " | ".join(shown))


def via_command(case: Hostile, *, editor) -> Outcome:
    from io import StringIO

    name, args = case.payload
    editor.username = "cmd-editor"
    editor.save(update_fields=["username"])
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(name, *args, stdout=stdout, stderr=stderr)
    except CommandError as exc:
        return Outcome("refused", " ".join([str(exc), stdout.getvalue(), stderr.getvalue()]))
    return Outcome("done", stdout.getvalue())


# --- the table ---------------------------------------------------------------------------------

CASES = [pytest.param(case, entry, id=f"{entry}: {case.name}") for case in ALL for entry in case.entries]


@pytest.fixture(autouse=True)
def _limits(settings, guard_open_for_test_server) -> None:
    settings.FACTCHECK_MAX_TEXT_CHARS = TEXT_LIMIT
    # A whole fetch ends within this, however slowly a server drips its page (finding 3).
    settings.FACTCHECK_FETCH_DEADLINE = 2.0


@pytest.mark.parametrize(("case", "entry"), CASES)
def test_hostile_input_is_refused_with_a_reason_or_processed(
    case: Hostile,
    entry: str,
    client,
    editor,
    api_token,
    hostile_server,
    tmp_path,
    django_capture_on_commit_callbacks,
    record_outcome,
    request,
) -> None:
    hostile_server.serve("/pages/good", Route(body=_html(GOOD_STORY)))
    capture = django_capture_on_commit_callbacks
    if entry == "api":
        outcome = via_api(case, client=client, token=api_token, server=hostile_server, capture=capture)
    elif entry == "admin":
        client.force_login(editor)
        outcome = via_admin(case, client=client, server=hostile_server, capture=capture)
    elif entry == "admin-file":
        client.force_login(editor)
        outcome = via_admin_file(case, client=client, capture=capture)
    elif entry == "ingest":
        outcome = via_ingest(case, tmp_path=tmp_path, server=hostile_server, capture=capture)
    elif entry == "feed":
        outcome = via_feed(case, server=hostile_server, capture=capture)
    elif entry == "subscription-api":
        outcome = via_subscription_api(case, client=client, token=api_token)
    elif entry == "subscription-admin":
        client.force_login(editor)
        outcome = via_subscription_admin(case, client=client)
    elif entry in ("unsubscribe", "manage"):
        outcome = via_token(case, entry, client=client, owner=editor)
    elif entry == "email":
        outcome = via_email(case, smtp=request.getfixturevalue("smtp_server"), owner=editor, capture=capture)
    elif entry == "workflow":
        outcome = via_workflow(case, client=client, token=api_token)
    elif entry == "admin-workflow":
        client.force_login(editor)
        outcome = via_admin_workflow(case, client=client)
    elif entry == "command":
        outcome = via_command(case, editor=editor)
    else:
        raise AssertionError(f"no entry point called {entry!r}")
    record_outcome(case=case.name, entry=entry, outcome=outcome.kind, reason=outcome.reason)

    expect, reason = case.expectation(entry)
    if expect == "processed":
        assert outcome.kind == "done", f"expected processing, got {outcome}"
    else:
        assert outcome.kind in {"refused", "failed"}, f"expected a refusal, got {outcome}"
        assert outcome.reason.strip(), "refused without a reason"
        assert re.search(reason, outcome.reason, re.IGNORECASE | re.DOTALL), f"unexpected reason: {outcome.reason}"
    if case.forbidden:
        stored = " ".join(" ".join(row) for row in Article.objects.values_list("title", "text", "error")) + " ".join(
            " ".join(row) for row in Feed.objects.values_list("title", "last_error")
        )
        assert not re.search(case.forbidden, stored), "hostile content leaked into storage"


def test_the_corpus_holds_more_than_150_hostile_inputs_across_every_entry_point() -> None:
    assert len(ALL) > 150
    entries = {entry for case in ALL for entry in case.entries}
    assert entries == {
        "api",
        "admin",
        "admin-file",
        "ingest",
        "feed",
        "subscription-api",
        "subscription-admin",
        "unsubscribe",
        "manage",
        "email",
        "workflow",
        "admin-workflow",
        "command",
    }
    assert len({case.name for case in ALL}) == len(ALL), "case names must be unique (they name the pages)"


def test_ingest_exits_non_zero_with_the_reason_for_a_binary_file(tmp_path) -> None:
    """The real command line, not call_command: what an operator's shell and cron see."""
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\xfd" * 10)
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", "--no-progress", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "UTF-8" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
