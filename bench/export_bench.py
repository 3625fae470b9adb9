#!/usr/bin/env python
"""Peak memory of a CSV export: `GET /api/v1/claims/?format=csv` streamed whole, for 1,000 and for
100,000 claims, each in a fresh process, against loading the same 100,000 claims as model objects.

    DEBUG=1 SECRET_KEY=... python bench/export_bench.py

Uses its own database (var/export-bench.sqlite3, or `<name>_exportbench` when DATABASE_URL points
at PostgreSQL), filled once with 100,000 claims. Each measurement is a child process that sets
Django up, makes one request through the real API (token, filters, renderer, streaming) and
reads the answer to its end, then reports its peak RSS (ru_maxrss). Streaming keeps memory flat
when the 100,000-claim export peaks within a few MB of the 1,000-claim one; the model-object
load shows what holding the table would have cost.

Prints a markdown section. Target: 100,000 claims peak < 1,000 claims peak + 32 MB.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAIMS = int(os.environ.get("EXPORT_BENCH_CLAIMS", "100000"))
TARGET_MB = 32


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'postgres'}_exportbench"
        import psycopg

        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return parts._replace(path="/" + name).geturl()
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / 'export-bench.sqlite3'}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["API_THROTTLE_USER"] = "100000/minute"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def populate() -> str:
    """CLAIMS claims over 1,000 articles; checkworthiness spread evenly so a filter takes 1%.
    Returns a Reader's API token."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from claims.models import ApiToken, Article, Claim, Outlet, Speaker
    from claims.services.tokens import create_api_token

    call_command("migrate", verbosity=0)
    if Claim.objects.count() != CLAIMS:
        Claim.objects.all().delete()
        Article.objects.all().delete()
        outlet = Outlet.objects.create(name="Bench Gazette", domain="bench.example")
        speakers = Speaker.objects.bulk_create(
            Speaker(name=f"Speaker {i}", normalized_name=f"speaker {i}", title="Minister") for i in range(200))
        articles = Article.objects.bulk_create(
            Article(url=f"https://bench.example/{i}", title=f"Bench article {i}", text="", outlet=outlet,
                    fingerprint=f"bench-{i}", status=Article.Status.DONE) for i in range(1000))
        batch = []
        for i in range(CLAIMS):
            content = f'Claim number {i}: the budget grew by {i % 97} percent, "a record", the minister said.'
            batch.append(Claim(article=articles[i % 1000], kind=Claim.Kind.DIRECT, content=content,
                               content_start=(i // 1000) * 200, content_end=(i // 1000) * 200 + len(content),
                               speaker=speakers[i % 200], speaker_mention=f"Speaker {i % 200}", cue="said",
                               checkworthiness=i / CLAIMS, fingerprint=f"bench-claim-{i}"))
            if len(batch) == 5000:
                Claim.objects.bulk_create(batch)
                batch = []
        Claim.objects.bulk_create(batch)
    user, created = User.objects.get_or_create(username="export-bench")
    if created:
        user.groups.add(Group.objects.get(name="Reader"))
    ApiToken.objects.filter(user=user).delete()
    return create_api_token(user=user, name="bench").key


def measure(query: str, token: str) -> dict:
    """In this (child) process: one streamed export, read to its end."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/claims/?status=new&min_checkworthiness=1")  # warm up: imports, first queries
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(f"/api/v1/claims/?format=csv&{query}")
    assert response.status_code == 200, response.status_code
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows - 1, "bytes": size, "seconds": elapsed, "baseline_kb": baseline, "peak_kb": peak}


def load_objects() -> dict:
    """In this (child) process: the whole table as model objects, what a non-streamed export holds."""
    from claims.models import Claim

    list(Claim.objects.select_related("speaker", "article__outlet", "rating").defer("article__text")[:1])
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = len(list(Claim.objects.select_related("speaker", "article__outlet", "rating").defer("article__text")))
    return {"rows": rows, "seconds": time.perf_counter() - started, "baseline_kb": baseline,
            "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ})
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1:
        setup_django(sys.argv[2])
        out = measure(sys.argv[3], sys.argv[4]) if sys.argv[1] == "--measure" else load_objects()
        print(json.dumps(out))
        return 0
    url = database_url()
    setup_django(url)
    token = populate()
    small = child("--measure", url, f"min_checkworthiness={1 - 1000 / CLAIMS}", token)
    large = child("--measure", url, "", token)
    objects = child("--objects", url)
    mb = lambda kb: kb / 1024  # noqa: E731 - ru_maxrss is in KiB on Linux
    growth = mb(large["peak_kb"] - small["peak_kb"])
    ok = growth < TARGET_MB
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print("## export_bench.py: CSV export memory\n")
    print(f"`GET /api/v1/claims/?format=csv` streamed to its end through the API (token, filters, "
          f"streaming), each in a fresh process, {engine}. Peak RSS is the process's `ru_maxrss`.\n")
    print("| export | rows | size | time | RSS before | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in (("CSV, 1% of the claims", small), ("CSV, every claim", large)):
        print(f"| {name} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} MB | {r['seconds']:.1f} s | "
              f"{mb(r['baseline_kb']):.0f} MB | {mb(r['peak_kb']):.0f} MB |")
    print(f"| for comparison: the same claims loaded as model objects | {objects['rows']:,} | | "
          f"{objects['seconds']:.1f} s | {mb(objects['baseline_kb']):.0f} MB | {mb(objects['peak_kb']):.0f} MB |")
    print(f"\nStreaming {large['rows']:,} claims peaks {growth:+.1f} MB against {small['rows']:,} "
          f"(target: under {TARGET_MB} MB): {'met' if ok else 'NOT met'}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
