"""Hostile input at scale: every input of tests/reliability/hostile.py through every entry point
it applies to. Each one is refused with a reason (4xx, form message, command error, `failed` row
with its error) or processed to `done`: never a 500, a hang, or an input that vanishes.

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

from claims.models import Article, Feed
from tests.reliability.conftest import HostileServer
from tests.reliability.hostile import ALL, GOOD_STORY, TEXT_LIMIT, Hostile, Request, Route, _html

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
    from claims.ingestion.feeds import poll_feed

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


# --- the table ---------------------------------------------------------------------------------

CASES = [pytest.param(case, entry, id=f"{entry}: {case.name}") for case in ALL for entry in case.entries]


@pytest.fixture(autouse=True)
def _limits(settings, guard_open_for_test_server) -> None:
    settings.FACTCHECK_MAX_TEXT_CHARS = TEXT_LIMIT


@pytest.mark.parametrize(("case", "entry"), CASES)
def test_hostile_input_is_refused_with_a_reason_or_processed(
    case: Hostile, entry: str, client, editor, api_token, hostile_server, tmp_path,
    django_capture_on_commit_callbacks, record_outcome,
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
    else:
        outcome = via_feed(case, server=hostile_server, capture=capture)
    record_outcome(case=case.name, entry=entry, outcome=outcome.kind, reason=outcome.reason)

    expect, reason = case.expectation(entry)
    if expect == "processed":
        assert outcome.kind == "done", f"expected processing, got {outcome}"
    else:
        assert outcome.kind in {"refused", "failed"}, f"expected a refusal, got {outcome}"
        assert outcome.reason.strip(), "refused without a reason"
        assert re.search(reason, outcome.reason, re.IGNORECASE | re.DOTALL), f"unexpected reason: {outcome.reason}"
    if case.forbidden:
        stored = " ".join(
            " ".join(row) for row in Article.objects.values_list("title", "text", "error")
        ) + " ".join(" ".join(row) for row in Feed.objects.values_list("title", "last_error"))
        assert not re.search(case.forbidden, stored), "hostile content leaked into storage"


def test_the_corpus_holds_at_least_thirty_hostile_inputs() -> None:
    assert len(ALL) >= 30
    assert len({case.name for case in ALL}) == len(ALL), "case names must be unique (they name the pages)"


def test_ingest_exits_non_zero_with_the_reason_for_a_binary_file(tmp_path) -> None:
    """The real command line, not call_command: what an operator's shell and cron see."""
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\xfd" * 10)
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", "--no-progress", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "UTF-8" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
