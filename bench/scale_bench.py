#!/usr/bin/env python
"""`make bench-scale`: every screen, query and match at 100,000, 1 million (and 10 million) claims.

    .venv/bin/python bench/scale_bench.py 100000 1000000 [10000000]

For each size the database `scale_<size>` (`scale_100k`, `scale_1m`, `scale_10m`; never the
test database) is filled by bench/scale_data.py unless it already holds that many claims, then a
child process measures, in-process with Django's test client and production settings
(bench/scale_settings.py), p50/p95/p99 over many requests of:

- the admin: the claims list's first page, each list filter, search, the triage queue, a claim's
  page (similar claims included), the dashboard;
- the API: the claims list with filters, full-text search, a deep cursor page, a claim's detail;
- similar claims for a new claim (the selector the claim page and the pipeline use);
- alert matching of one article's 30 claims against 10,000 and 100,000 active subscriptions;
- ingest: generated articles (bench/corpus.py) through the whole pipeline in-process (extraction,
  storing, speakers, roll-ups, alert matching and sending), at an empty database and at the size.

Every request varies (other claims, speakers, outlets, words, cursor positions), so no figure is
one cached row. Results go to docs/benchmarks.md ("Scale" section, each figure also as the ratio
to its 100k figure), docs/scale-benchmark.json (all sizes ever measured, newest run per size) and
the chart docs/scale-benchmark.svg (matplotlib).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "docs" / "scale-benchmark.json"
CHART = ROOT / "docs" / "scale-benchmark.svg"
BASE_URL = os.environ.get("SCALE_DATABASE_BASE", "postgres://postgres@127.0.0.1:5432")
SEED = 20
# Per measurement: at least MIN requests, at most MAX, stopping after BUDGET seconds.
MIN_REQUESTS, MAX_REQUESTS, BUDGET = 20, int(os.environ.get("SCALE_BENCH_MAX", "200")), float(
    os.environ.get("SCALE_BENCH_SECONDS", "12"))
INGEST_ARTICLES = int(os.environ.get("SCALE_BENCH_ARTICLES", "40"))

# Targets at 10M (issue 20), per measurement group.
TARGETS = {"admin": ("p95", 300.0), "api": ("p99", 50.0), "similar": ("p95", 100.0), "alerts100k": ("p50", 500.0)}


def label(size: int) -> str:
    if size and size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def database_url(size: int) -> str:
    return f"{BASE_URL}/scale_{label(size) if size else 'empty'}"


# --- in the child: measuring one database -----------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"n": len(ordered), "p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2)}


def timed(make: Callable[[int], Callable[[], Any]], *, minimum: int = MIN_REQUESTS, maximum: int = MAX_REQUESTS,
          budget: float = BUDGET) -> dict[str, float]:
    """Call `make(i)()` repeatedly (a new variation each time) and time each call in ms. A failure
    is reported in the results (and on stderr) instead of ending the whole run."""
    samples: list[float] = []
    try:
        for i in range(2):  # warm-up: imports, template compilation, first connection
            make(10_000 + i)()
        started = time.monotonic()
        i = 0
        while i < maximum and (i < minimum or time.monotonic() - started < budget):
            call = make(i)
            t0 = time.perf_counter()
            call()
            samples.append((time.perf_counter() - t0) * 1000)
            i += 1
    except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
        print(f"   FAILED: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr, flush=True)
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    return percentiles(samples)


class Logged(dict):
    """A dict of results that prints each one as it is measured (a 10M run takes a while)."""

    def __setitem__(self, key: str, value: Any) -> None:
        print(f"   {key}: {value}", file=sys.stderr, flush=True)
        super().__setitem__(key, value)


def _get(client: Any, url: str, **headers: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}: {response.content[:300]!r}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

    return call


def measure_database(size: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.admin import site
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import setup_test_environment

    from claims.api.pagination import KeysetPagination
    from claims.models import Claim, Outlet, Rating, Speaker
    from claims.services.tokens import create_api_token

    setup_test_environment()
    rng = random.Random(SEED)
    results: dict[str, Any] = Logged(size=size)
    editor = User.objects.get(username="scale-editor")
    client = Client()
    client.force_login(editor)
    token = create_api_token(user=editor, name=f"scale-bench-{time.time()}").key
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    max_id = Claim.objects.order_by("-id").values_list("id", flat=True).first()
    n_speakers = Speaker.objects.order_by("-id").values_list("id", flat=True).first()
    n_outlets = Outlet.objects.order_by("-id").values_list("id", flat=True).first()
    ratings = list(Rating.objects.filter(retired=False).values_list("id", flat=True))
    researchers = list(User.objects.filter(username__startswith="scale-researcher").values_list("id", flat=True))
    words = _search_words(rng)

    def claim_id() -> int:
        return rng.randint(1, max_id)

    def speaker_id(i: int) -> int:  # alternately a frequent speaker and one from the long tail
        return rng.randint(1, 20) if i % 2 else rng.randint(1, n_speakers)

    def outlet_id(i: int) -> int:
        return rng.randint(1, 3) if i % 2 else rng.randint(1, n_outlets)

    admin_url = "/admin/claims/claim/"
    request = RequestFactory().get(admin_url)
    request.user = editor
    triage_order = site._registry[Claim].column_order(request, "score", descending=True)
    statuses = [s for s, _ in Claim.Status.choices]
    admin: dict[str, Any] = Logged()
    admin["first page"] = timed(lambda i: _get(client, admin_url))
    admin["filter: status"] = timed(lambda i: _get(client, f"{admin_url}?status__exact={statuses[i % len(statuses)]}"))
    admin["filter: kind"] = timed(lambda i: _get(client, f"{admin_url}?kind__exact={('direct', 'partial', 'indirect')[i % 3]}"))
    admin["filter: stance"] = timed(lambda i: _get(client, f"{admin_url}?stance__exact={('denies', 'asks', 'warns')[i % 3]}"))
    admin["filter: question"] = timed(lambda i: _get(client, f"{admin_url}?question=yes"))
    admin["filter: rating"] = timed(lambda i: _get(client, f"{admin_url}?rating__id__exact={ratings[i % len(ratings)]}"))
    admin["filter: assignee"] = timed(
        lambda i: _get(client, f"{admin_url}?assignee__id__exact={researchers[i % len(researchers)]}"))
    admin["filter: outlet"] = timed(lambda i: _get(client, f"{admin_url}?article__outlet__id__exact={outlet_id(i)}"))
    admin["filter: speaker"] = timed(lambda i: _get(client, f"{admin_url}?speaker__id__exact={speaker_id(i)}"))
    admin["filter: article date (past 7 days)"] = timed(lambda i: _get(
        client, f"{admin_url}?article__published_at__gte=2026-11-25&article__published_at__lt=2026-12-03"))
    admin["filter: detected this year"] = timed(lambda i: _get(
        client, f"{admin_url}?created_at__gte=2026-01-01&created_at__lt=2027-01-01"))
    admin["filter: check-worthiness high"] = timed(lambda i: _get(client, f"{admin_url}?score=high"))
    admin["search"] = timed(lambda i: _get(client, f"{admin_url}?q={words[i % len(words)]}"))
    admin["triage queue"] = timed(lambda i: _get(client, f"{admin_url}?status__exact=new&o={triage_order}"))
    admin["claim page"] = timed(lambda i: _get(client, f"{admin_url}{claim_id()}/change/"))
    admin["dashboard"] = timed(lambda i: _get(client, "/admin/dashboard/"))
    results["admin"] = admin

    api_url = "/api/v1/claims/"
    api_results: dict[str, Any] = Logged()
    api_results["list: status and kind"] = timed(
        lambda i: _get(api, f"{api_url}?status={statuses[i % len(statuses)]}&kind=direct", **auth))
    api_results["list: speaker"] = timed(lambda i: _get(api, f"{api_url}?speaker={speaker_id(i)}", **auth))
    api_results["list: outlet"] = timed(lambda i: _get(api, f"{api_url}?outlet={outlet_id(i)}", **auth))
    api_results["list: said after, by check-worthiness"] = timed(
        lambda i: _get(api, f"{api_url}?said_after=2026-11-01T00:00:00Z&ordering=-checkworthiness", **auth))
    api_results["search"] = timed(lambda i: _get(api, f"{api_url}?q={words[i % len(words)]}", **auth))

    def deep(i: int) -> Callable[[], Any]:
        row = Claim.objects.filter(pk__gte=claim_id()).order_by("pk").values("pk", "created_at").first()
        cursor = KeysetPagination._encode(row["created_at"], row["pk"], False)
        return _get(api, f"{api_url}?cursor={cursor}", **auth)

    api_results["deep cursor page"] = timed(deep)
    api_results["claim detail"] = timed(lambda i: _get(api, f"{api_url}{claim_id()}/", **auth))
    results["api"] = api_results

    results["similar"] = _similar(rng, max_id)
    results["alerts"] = _alerts(rng)
    results["ingest"] = measure_ingest()
    results["claims"] = max_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        results["database_bytes"] = cursor.fetchone()[0]
    return results


def _search_words(rng: random.Random) -> list[str]:
    """Words people search for: invented words of middle and low frequency (bench/scale_data.py's
    vocabulary), a number and a common English word."""
    from bench.scale_data import invented

    words = [invented(rng.randint(50, 3000)) for _ in range(20)] + ["police", "housing", "budget", "278"]
    rng.shuffle(words)
    return words


def _similar(rng: random.Random, max_id: int) -> dict[str, float]:
    """Similar earlier claims for a claim just detected: half repeat an archived claim with a word
    changed, half are new wording."""
    from django.utils import timezone

    from claims.models import Claim
    from claims.selectors.claims import similar_claims

    def make(i: int) -> Callable[[], Any]:
        source = Claim.objects.filter(pk__gte=rng.randint(1, max_id)).order_by("pk").values("content").first()
        words = source["content"].split()
        if i % 2:
            words[rng.randrange(len(words))] = "changed"
        else:
            rng.shuffle(words)
        claim = Claim(pk=max_id + 1_000_000, article_id=0, content=" ".join(words), created_at=timezone.now())
        return lambda: similar_claims(claim=claim)

    return timed(make)


def _alerts(rng: random.Random) -> dict[str, Any]:
    """find_matches for one article's 30 claims, with 10,000 then 100,000 subscriptions active."""
    from django.db import transaction

    from claims.models import Article, Claim, Subscription
    from claims.selectors.alerts import find_matches

    total = Subscription.objects.count()
    articles = list(Article.objects.filter(claims__isnull=False).order_by("-id").values_list("id", flat=True)[:400])
    out: dict[str, Any] = Logged()

    def make(i: int) -> Callable[[], Any]:
        # 30 claims, as one article of that many claims would bring.
        ids = list(Claim.objects.filter(article_id__in=rng.sample(articles, 4)).values_list("id", flat=True)[:30])
        claims = list(Claim.objects.filter(pk__in=ids).select_related("speaker", "article__outlet"))
        return lambda: find_matches(claims=claims)

    for active in (10_000, 100_000):
        if total < active:
            continue
        with transaction.atomic():
            Subscription.objects.filter(pk__gt=active).update(active=False)
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE claims_subscription")
            out[f"{active // 1000}k subscriptions"] = timed(make, minimum=10, maximum=60)
            transaction.set_rollback(True)
    return out


def measure_ingest() -> dict[str, Any]:
    """Generated articles through the pipeline in-process: submit -> extract -> store -> alerts."""
    from bench.corpus import articles
    from claims.models import Article
    from claims.services.articles import submit_article

    corpus = articles(INGEST_ARTICLES, seed=11, min_words=300, max_words=900)
    tag = f"{time.time_ns()}"
    started = time.perf_counter()
    created = []
    for item in corpus:
        submission = submit_article(text=item.text + f"\n\nRef {tag}-{item.number}.", title=item.title)
        created.append(submission.article.pk)
    seconds = time.perf_counter() - started
    done = Article.objects.filter(pk__in=created, status="done").count()
    # Leave the archive as it was for the next run.
    for article in Article.objects.filter(pk__in=created):
        article.delete()
    return {"articles": len(corpus), "done": done, "seconds": round(seconds, 2),
            "per_minute": round(len(corpus) / seconds * 60, 1)}


# --- the parent: sizes, generation, report -------------------------------------------------------


def _child_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.scale_settings", "DEBUG": "0",
                "SECRET_KEY": env.get("SECRET_KEY") or os.urandom(32).hex(), "SITE_URL": "https://scale.example.org"})
    return env


def _claims_in(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT max(id) FROM claims_claim").fetchone()
            return row[0] or 0
    except psycopg.Error:
        return None


def ensure(size: int) -> None:
    url = database_url(size)
    have = _claims_in(url)
    if have == size:
        return
    if have:
        raise SystemExit(f"{url} holds {have:,} claims, not {size:,}: drop it (dropdb) to regenerate")
    print(f"== generating {size:,} claims into {url}", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "scale_data.py"), str(size), "--seed", str(SEED)],
                   env=_child_env(url), check=True, cwd=ROOT)


def run_child(size: int) -> dict[str, Any]:
    url = database_url(size)
    # Migrations added since the database was generated (new indexes, new columns) apply first.
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=_child_env(url), check=True, cwd=ROOT)
    print(f"== measuring {url}", file=sys.stderr, flush=True)
    result = subprocess.run([sys.executable, str(Path(__file__)), "--child", str(size)], env=_child_env(url),
                            cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(result.stderr[-3000:])
    if result.returncode != 0:
        raise SystemExit(f"measuring {size:,} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def empty_ingest() -> dict[str, Any]:
    """Ingest into a database with no claims but the same users and 100,000 subscriptions as the
    sized ones (bench/scale_data.py 0): the baseline of the ingest ratio, so that the ratio shows
    what the claims table's size costs, not what matching against subscriptions costs."""
    import psycopg

    url = database_url(0)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, str(ROOT / "bench" / "scale_data.py"), "0", "--seed", str(SEED)],
                   env=_child_env(url), check=True, cwd=ROOT, capture_output=True)
    result = subprocess.run([sys.executable, str(Path(__file__)), "--child-ingest"], env=_child_env(url), cwd=ROOT,
                            capture_output=True, text=True)
    sys.stderr.write(result.stderr[-3000:])
    if result.returncode != 0:
        raise SystemExit("measuring ingest at an empty database failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    from bench.run import machine as describe

    return describe()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(measure_database(int(argv[1]))))
        return 0
    if argv[:1] == ["--child-ingest"]:
        import django

        django.setup()
        print(json.dumps(measure_ingest()))
        return 0
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    stored["empty_ingest"] = {**empty_ingest(), "date": stamp}
    if argv == ["--empty-only"]:  # the baseline again, the sizes' figures kept
        RESULTS.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
        from bench.scale_report import write_report

        write_report(stored)
        return 0
    sizes = [int(a.replace("_", "")) for a in argv] or [100_000, 1_000_000]
    for size in sizes:
        ensure(size)
        stored["sizes"][str(size)] = {**run_child(size), "date": stamp, "machine": machine()}
        RESULTS.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    from bench.scale_report import write_report

    write_report(stored)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
