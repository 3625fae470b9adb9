#!/usr/bin/env python
"""API throughput against a bare Django view, on PostgreSQL with 100,000 claims.

    DATABASE_URL=postgres://... python bench/api_bench.py

Uses its own database (`<name>_apibench`, created and migrated if missing) so the 100,000 rows
never land in a real one. Starts gunicorn (2 workers) on a free loopback port with
bench.bench_settings (the API plus a bare `.values()` view, no throttling), then drives both with
the same bounded thread-pool load loop in the same run:

- `GET /api/v1/claims/?status=new&kind=direct` (a page of 50 summary rows, token auth) vs
  `GET /bare/claims/` (the same 50 rows with `.values()`, no auth, no serializer);
- for reference, the same list with `view=full` against a bare view reading the same 42 columns;
- the first cursor page vs the 21st (after following `next` 20 times): keyset pagination must not
  get slower with depth (no OFFSET, no COUNT).

The endpoints take turns for API_BENCH_ROUNDS rounds, and each ratio is the median of its
per-round ratios: on a shared 2-core machine a neighbour's burst then lands in one round of both
sides instead of on one side only.

Prints a markdown section. Target: API >= 0.5 x bare.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAIMS = int(os.environ.get("API_BENCH_CLAIMS", "100000"))
SECONDS = float(os.environ.get("API_BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("API_BENCH_ROUNDS", "8"))
THREADS = int(os.environ.get("API_BENCH_THREADS", "8"))
MAX_REQUESTS = int(os.environ.get("API_BENCH_MAX_REQUESTS", "20000"))
TARGET = 0.5


def bench_database_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    bench_name = f"{name}_apibench"
    return parts._replace(path="/" + bench_name).geturl(), bench_name


def ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    parts = urlsplit(admin_url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def populate() -> tuple[str, int]:
    """100,000 claims over 2,000 articles and 500 speakers; returns an editor's token key."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from claims.models import ApiToken, Article, Claim, Outlet, Speaker
    from claims.services.tokens import create_api_token

    call_command("migrate", verbosity=0)
    have = Claim.objects.count()
    if have < CLAIMS:
        Claim.objects.all().delete()
        Article.objects.all().delete()
        outlets = Outlet.objects.bulk_create(
            [Outlet(name=f"Bench outlet {i}", domain=f"bench{i}.example") for i in range(20)], ignore_conflicts=True
        )
        outlets = list(Outlet.objects.filter(name__startswith="Bench outlet"))
        Speaker.objects.bulk_create(
            [Speaker(name=f"Speaker {i}", normalized_name=f"bench speaker {i}", title="Official") for i in range(500)],
            ignore_conflicts=True,
        )
        speakers = list(Speaker.objects.filter(normalized_name__startswith="bench speaker"))
        articles = Article.objects.bulk_create(
            [Article(url=f"https://bench{i % 20}.example/{i}", title=f"Article {i}", outlet=outlets[i % len(outlets)],
                     status="done") for i in range(2000)],
            batch_size=1000,
        )
        now = timezone.now()
        statuses = ["new", "new", "triaged", "researching", "dismissed", "new"]
        kinds = ["direct", "partial", "indirect"]
        batch = []
        for i in range(CLAIMS):
            batch.append(Claim(
                article=articles[i % len(articles)], kind=kinds[i % 3], status=statuses[i % len(statuses)],
                content=f"The figure rose by {i} percent over the last decade, the official said",
                content_start=(i // len(articles)) * 100, content_end=(i // len(articles)) * 100 + 60,
                speaker=speakers[i % len(speakers)], speaker_mention="Speaker", checkworthiness=(i % 100) / 100,
                fingerprint=f"{i:064x}", created_at=now - timedelta(seconds=i),
            ))
            if len(batch) == 5000:
                Claim.objects.bulk_create(batch)
                batch = []
        if batch:
            Claim.objects.bulk_create(batch)
        # auto_now_add overrode created_at; spread the rows in time so the order is meaningful.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE claims_claim SET created_at = now() - (id || ' seconds')::interval")
            cursor.execute("ANALYZE claims_claim")
    user, _ = User.objects.get_or_create(username="api-bench", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Editor"))
    ApiToken.objects.filter(user=user).delete()
    return create_api_token(user=user, name="bench").key, Claim.objects.count()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": "api-bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bare/claims/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, headers: dict[str, str]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


def load(port: int, path: str, headers: dict[str, str], seconds: float = SECONDS) -> dict[str, float]:
    """THREADS keep-alive clients for `seconds` (at most MAX_REQUESTS in all); every answer must be 200."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            with lock:
                if len(latencies) + len(mine) >= MAX_REQUESTS:
                    break
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(str(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if response.status != 200:
                errors.append(str(response.status))
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests to {path}, e.g. {errors[:3]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("## API throughput\n\nSkipped: set DATABASE_URL to a PostgreSQL server (the benchmark needs one).")
        return 0
    database_url, name = bench_database_url(url)
    ensure_database(url, name)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    t0 = time.monotonic()
    key, total = populate()
    setup_seconds = time.monotonic() - t0

    port = free_port()
    server = start_gunicorn(port, database_url)
    try:
        auth = {"Authorization": f"Token {key}"}
        api_path = "/api/v1/claims/?status=new&kind=direct"
        first = get(port, api_path, auth)
        bare = get(port, "/bare/claims/", {})
        wide = get(port, "/bare/claims-full/", {})
        assert len(first["results"]) == 50 and len(bare["results"]) == 50
        for other in (bare, wide):
            assert [r["id"] for r in first["results"]] == [r["id"] for r in other["results"]], "not the same rows"
        deep_url = api_path
        page = first
        for _ in range(20):
            parts = urlsplit(page["next"])
            deep_url = f"{parts.path}?{parts.query}"
            page = get(port, deep_url, auth)
        endpoints = {
            "bare": ("/bare/claims/", {}),
            "bare_wide": ("/bare/claims-full/", {}),
            "api": (api_path, auth),
            "api_full": (f"{api_path}&view=full", auth),
            "api_deep": (deep_url, auth),
        }
        for path, headers in endpoints.values():
            load(port, path, headers, seconds=1)  # warm both workers' connections and caches
        rounds = [{name: load(port, path, headers) for name, (path, headers) in endpoints.items()}
                  for _ in range(ROUNDS)]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)

    def median_ratio(top: str, bottom: str) -> float:
        return statistics.median(r[top]["rps"] / r[bottom]["rps"] for r in rounds)

    results = {
        name: {
            "requests": sum(r[name]["requests"] for r in rounds),
            "rps": statistics.median(r[name]["rps"] for r in rounds),
            "p50": statistics.median(r[name]["p50"] for r in rounds),
            "p95": max(r[name]["p95"] for r in rounds),
        }
        for name in endpoints
    }
    per_round = ", ".join(f"{r['api']['rps'] / r['bare']['rps']:.2f}" for r in rounds)
    ratio = median_ratio("api", "bare")
    depth = median_ratio("api_deep", "api")
    wide_ratio = median_ratio("api_full", "bare_wide")
    rows = [
        ("Bare Django view, `.values()` (baseline)", "bare"),
        ("API `GET /api/v1/claims/?status=new&kind=direct` (summary rows, the default)", "api"),
        ("API, 21st cursor page (after 20 `next`)", "api_deep"),
        ("Bare view, `.values()` of the 42 columns of a full row (reference)", "bare_wide"),
        ("API, the same list with `view=full` (reference)", "api_full"),
    ]
    lines = [
        "## API throughput (gunicorn, 2 workers, PostgreSQL)",
        "",
        f"{total:,} claims in the table (setup {setup_seconds:.0f}s); pages of 50 rows; {THREADS} keep-alive client "
        f"threads, same load loop for every row; the rows take turns for {ROUNDS} rounds of {SECONDS:.0f}s each "
        "(requests/s and p50: median of the rounds; p95: the worst round). The API authenticates a token per "
        "request.",
        "",
        "| Endpoint | Requests | Requests/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, key_ in rows:
        r = results[key_]
        lines.append(f"| {label} | {r['requests']:,} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} |")
    lines += [
        "",
        f"- API / bare: **{ratio:.2f}x** (median of the rounds: {per_round}; target >= {TARGET}x): "
        f"{'met' if ratio >= TARGET else 'NOT met'}.",
        f"- For reference, the API with `view=full` / the bare view reading the same 42 columns: "
        f"**{wide_ratio:.2f}x**.",
        f"- Deep page / first page: **{depth:.2f}x** — keyset pagination, no OFFSET and no COUNT"
        f"{'' if depth >= 0.85 else ' (slower than expected!)'}.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
