#!/usr/bin/env python
"""End to end: 1,000 generated articles through the production path, against the extraction-only
bound measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/0 python bench/e2e_bench.py

The path: POST /api/v1/articles/ with a token (gunicorn, 2 workers, loopback) -> Redis -> Celery
(`-Q extraction -c 2`, plus `-Q default,mail -c 1`) -> PostgreSQL -> alert emails over SMTP to an
aiosmtpd sink in this process (five keyword subscriptions are created first, so alerts flow).

The bound: the same texts through `claims.extraction.extract_many` in 2 processes, nothing else.
Both exclude model loading (workers preload it; the bound's pool warms up before the clock).

Also measured in the same run: the resident memory of the extraction pool processes after 100 and
after all articles; PostgreSQL transactions per article (pg_stat_database deltas, see the notes in
the output); and GET /api/v1/claims/ latency while ingesting vs idle.

Uses its own database (`factcheck_bench`, dropped and re-created) and Redis DB index
(BENCH_REDIS_DB, default 13), so it never touches the test or development data.
Knobs: BENCH_E2E_ARTICLES (1000), BENCH_E2E_SUBMITTERS (4 concurrent POSTers).
"""
from __future__ import annotations

import http.client
import json
import logging
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import articles  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_E2E_ARTICLES", "1000"))
SUBMITTERS = int(os.environ.get("BENCH_E2E_SUBMITTERS", "4"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
DB_NAME = "factcheck_bench"
TARGET_RATIO = 0.8
TARGET_RSS_GROWTH = 0.10
IDLE_REQUESTS = 300
# Phase 2 (latency under ingestion load) ingests this many more articles, a different seed.
LATENCY_ARTICLES = int(os.environ.get("BENCH_E2E_LATENCY_ARTICLES", "200"))
# A steady reader load (requests per second) rather than a flat-out loop: a loop would take a whole
# core from the workers on a small machine and measure CPU contention instead of the API.
GET_RPS = float(os.environ.get("BENCH_E2E_GET_RPS", "10"))
SUBSCRIPTIONS = {
    "rents": ["rents"], "deficit": ["deficit"], "reservoir": ["reservoir levels"],
    "tram": ["tram"], "vaccination": ["vaccination rates"],
}
VENV_BIN = Path(sys.executable).parent


def say(message: str) -> None:
    print(f"[e2e] {message}", file=sys.stderr, flush=True)


# --- setup -----------------------------------------------------------------------------------------


def bench_urls(database_url: str, redis_url: str) -> tuple[str, str, str]:
    db = urlsplit(database_url)
    admin = db._replace(path="/postgres").geturl()
    bench_db = db._replace(path=f"/{DB_NAME}").geturl()
    bench_redis = urlsplit(redis_url)._replace(path=f"/{REDIS_DB}").geturl()
    return admin, bench_db, bench_redis


def recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """The SMTP server the alerts go to: counts messages and (subscription, claim) pairs."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(bytes(envelope.original_content or envelope.content))
        return "250 OK"


# --- the extraction-only bound ---------------------------------------------------------------------


def _warm(_: int) -> int:
    from claims.extraction import extract

    extract('"Warm up," said the mayor.')
    return os.getpid()


def _extract_chunk(texts: list[str]) -> int:
    from claims.extraction import extract_many

    return sum(len(found) for found in extract_many(texts))


def extraction_bound(texts: list[str]) -> tuple[float, int]:
    """Seconds for the texts through extract_many in 2 processes (model already loaded)."""
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pids = set(pool.map(_warm, range(8), chunksize=1))
        say(f"bound: pool warm ({len(pids)} processes)")
        chunks = [texts[i : i + 8] for i in range(0, len(texts), 8)]
        started = time.perf_counter()
        claims = sum(pool.imap_unordered(_extract_chunk, chunks, chunksize=1))
        return time.perf_counter() - started, claims


# --- the processes of the production path ------------------------------------------------------------


@dataclass
class Services:
    env: dict[str, str]
    port: int
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str], extra: dict[str, str] | None = None) -> subprocess.Popen:
        log = ROOT / "var" / f"e2e-{name}.log"
        self.logs.append(log)
        proc = subprocess.Popen(
            argv, cwd=ROOT, env={**self.env, **(extra or {})}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=open(log, "w"),  # noqa: SIM115 - open as long as the process
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def pool_children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pool_rss_mib(worker: subprocess.Popen) -> float:
    return sum(rss_kib(child) for child in pool_children(worker.pid)) / 1024


def cpu_seconds_by_group(sessions: dict[int, str]) -> dict[str, float]:
    """User+system CPU seconds of every process on the machine, grouped: the services this script
    started (by session id), PostgreSQL and Redis (by name), this script, and everything else.
    Read from /proc/<pid>/stat; children that already exited are counted by their parents (cutime)
    only when waited for, which long-lived services' children are not, so totals are a floor."""
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        sid, utime, stime = int(fields[3]), int(fields[11]), int(fields[12])
        pid = int(entry.name)
        if pid == me:
            group = "bench script (POST clients, polling, SMTP sink)"
        elif sid in sessions:
            group = sessions[sid]
        elif name.startswith("postgres"):
            group = "PostgreSQL"
        elif name.startswith("redis"):
            group = "Redis"
        else:
            group = "other"
        totals[group] = totals.get(group, 0.0) + (utime + stime) / tick
    return totals


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


# --- HTTP ----------------------------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return conn

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            conn = self._conn()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                return response.status, payload, time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --- the run ---------------------------------------------------------------------------------------------


def xacts(connection) -> int:
    """Transactions committed + rolled back in the bench database so far (stats flush lag: see run)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [DB_NAME])
        return int(cursor.fetchone()[0])


def paced_gets(client: Client, latencies: list[float], stop=lambda: False, limit: int | None = None) -> None:
    """GET /api/v1/claims/ at GET_RPS until stop() is true or `limit` requests were made,
    appending each 200's latency."""
    next_at = time.monotonic()
    made = 0
    while not stop() and (limit is None or made < limit):
        made += 1
        status, _, seconds = client.request("GET", "/api/v1/claims/")
        if status == 200:
            latencies.append(seconds)
        next_at += 1 / GET_RPS
        time.sleep(max(0.0, next_at - time.monotonic()))


def ingest(port: int, token: str, items: list, *, offset: int = 0, on_progress=None) -> tuple[int, list[str]]:
    """POST the items with SUBMITTERS concurrent clients and wait until all of them (and the
    `offset` articles already there) are done or failed. Returns (status polls made, errors)."""
    from claims.models import Article

    submit_errors: list[str] = []
    queue = list(items)
    lock = threading.Lock()

    def submitter() -> None:
        own = Client(port, token)
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop(0)
            status, payload, _ = own.request("POST", "/api/v1/articles/", {"text": item.text, "title": item.title})
            if status not in (200, 202):
                submit_errors.append(f"{status}: {payload[:200]!r}")

    threads = [threading.Thread(target=submitter) for _ in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    polls = 0
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        finished = Article.objects.filter(status__in=["done", "failed"]).count() - offset
        polls += 1
        if on_progress is not None:
            on_progress(finished)
        if finished >= len(items) and not any(t.is_alive() for t in threads):
            return polls, submit_errors
        time.sleep(0.5)
    raise SystemExit("ingestion did not finish within an hour")


def main() -> int:
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("## End to end (API -> Redis -> Celery -> PostgreSQL -> SMTP)\n")
        print("skipped: needs DATABASE_URL (PostgreSQL) and REDIS_URL; run `make bench` with both set.")
        return 0

    admin_url, bench_db, bench_redis = bench_urls(database_url, redis_url)
    corpus = articles(ARTICLES)
    texts = [item.text for item in corpus]
    words = sum(item.words for item in corpus)
    (ROOT / "var").mkdir(exist_ok=True)

    say(f"bound: {len(texts)} texts, {words:,} words through extract_many in 2 processes")
    bound_seconds, bound_claims = extraction_bound(texts)
    say(f"bound: {bound_seconds:.1f}s, {bound_claims} claims")

    recreate_database(admin_url)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every session at INFO
    sink = Sink()
    sink.controller.start()
    env = {
        **os.environ,
        "DATABASE_URL": bench_db, "REDIS_URL": bench_redis, "DATABASE_CONN_MAX_AGE": "60",
        # Production mode: DEBUG off (no per-query bookkeeping in memory), throttling lifted for the load.
        "DEBUG": "0", "SECRET_KEY": secrets.token_hex(32), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "API_THROTTLE_USER": "1000000/minute", "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                            "SECURE_SSL_REDIRECT", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    import redis
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.db.models import Count, Max

    from claims.models import AlertDelivery, Article, Claim
    from claims.services.alerts import create_subscription
    from claims.services.tokens import create_api_token

    redis.Redis.from_url(bench_redis).flushdb()
    editor = User.objects.create_user("bench-editor", email="editor@example.org", password=secrets.token_hex(8))
    editor.groups.add(Group.objects.get(name="Editor"))
    token = create_api_token(user=editor, name="bench").key
    for name, keywords in SUBSCRIPTIONS.items():
        owner = User.objects.create_user(f"bench-{name}", email=f"{name}@example.org", password=secrets.token_hex(8))
        owner.groups.add(Group.objects.get(name="Reader"))  # alerts go only to who may read new claims
        create_subscription(owner=owner, name=name, keywords=keywords, cadence="immediate")

    port = free_port()
    services = Services(env=env, port=port)
    try:
        services.spawn("gunicorn", [str(VENV_BIN / "gunicorn"), "factcheck.wsgi:application", "-b", f"127.0.0.1:{port}",
                                    "-w", "2", "--timeout", "120"])
        extraction = services.spawn("extraction", [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q",
                                                   "extraction", "-c", "2", "-n", "bench-extract@%h", "-l", "warning",
                                                   "--without-gossip", "--without-mingle"],
                                    {"FACTCHECK_PRELOAD_MODEL": "1"})
        services.spawn("mail", [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", "default,mail", "-c",
                                "1", "-n", "bench-mail@%h", "-l", "warning", "--without-gossip", "--without-mingle"])
        client = Client(port, token)

        def api_up() -> bool:
            try:
                return client.request("GET", "/api/v1/claims/")[0] == 200
            except OSError:
                return False

        wait_for(api_up, 60, "gunicorn")
        # The model is loaded in worker_process_init; a pool process holding it is well over 100 MiB.
        wait_for(lambda: len(pool_children(extraction.pid)) == 2
                 and all(rss_kib(c) > 100_000 for c in pool_children(extraction.pid)), 120, "the extraction pool")
        time.sleep(2)
        say("services up; ingesting")

        # Phase 1, throughput: the 1,000 articles with nothing else running, so the figure is the
        # pipeline's own cost (a reader load here would take CPU from the two extraction processes
        # on a small machine and be counted against the pipeline).
        sessions = {
            proc.pid: label
            for proc, label in zip(services.procs, ["gunicorn", "extraction worker", "mail worker"], strict=False)
        }
        cpu0 = cpu_seconds_by_group(sessions)
        x0 = xacts(connection)
        started_wall = time.time()
        rss_100: list[float] = []
        polls, submit_errors = ingest(
            port,
            token,
            corpus,
            on_progress=lambda n: (
                rss_100.append(pool_rss_mib(extraction)) if n >= min(100, ARTICLES) and not rss_100 else None
            ),
        )
        rss_end = pool_rss_mib(extraction)
        cpu1 = cpu_seconds_by_group(sessions)
        last = Article.objects.aggregate(last=Max("processed_at"))["last"]
        e2e_seconds = last.timestamp() - started_wall
        # Let the alert mails drain before counting them.
        wait_for(lambda: not AlertDelivery.objects.filter(status__in=["pending", "sending"]).exists(), 300, "alerts")
        polls += 1
        time.sleep(2)  # backends flush their statistics at most once a second
        x1 = xacts(connection)
        pipeline_xacts = (x1 - x0) - polls - 3
        statuses = dict(Article.objects.values_list("status").annotate(n=Count("pk")).order_by())
        claims = Claim.objects.count()
        deliveries = AlertDelivery.objects.count()
        sent = AlertDelivery.objects.filter(status="sent").count()
        emails = len(sink.messages)

        # Phase 2, latency under load: a further batch of different articles ingested while a reader
        # asks for GET /api/v1/claims/ at a steady GET_RPS.
        more = articles(LATENCY_ARTICLES, seed=8)
        done_flag = threading.Event()
        loaded: list[float] = []
        loader = threading.Thread(target=paced_gets, args=(client, loaded, done_flag.is_set), daemon=True)
        loader.start()
        _, more_errors = ingest(port, token, more, offset=ARTICLES)
        submit_errors += more_errors
        done_flag.set()
        loader.join()

        # Phase 3, idle: the same GET with nothing else running (the table at its final size).
        time.sleep(2)
        idle: list[float] = []
        paced_gets(client, idle, limit=IDLE_REQUESTS)

        more_statuses = dict(Article.objects.values_list("status").annotate(n=Count("pk")).order_by())
    finally:
        services.stop()
        sink.controller.stop()

    e2e_rate, bound_rate = ARTICLES / e2e_seconds * 60, ARTICLES / bound_seconds * 60
    ratio = bound_seconds / e2e_seconds
    rss_100 = rss_100[0] if rss_100 else float("nan")
    growth = (rss_end - rss_100) / rss_100
    p50_load, p99_load = percentile(loaded, 0.5) * 1000, percentile(loaded, 0.99) * 1000
    p50_idle, p99_idle = percentile(idle, 0.5) * 1000, percentile(idle, 0.99) * 1000
    ok = lambda good: "met" if good else "**missed**"  # noqa: E731
    cpu = {group: cpu1.get(group, 0.0) - cpu0.get(group, 0.0) for group in cpu1}
    cpu_rows = "\n".join(
        f"| {group} | {seconds:,.1f} | {seconds / ARTICLES * 1000:,.0f} |"
        for group, seconds in sorted(cpu.items(), key=lambda kv: -kv[1])
        if seconds >= 0.05
    )
    print(f"""## End to end (API -> Redis -> Celery -> PostgreSQL -> SMTP)

{ARTICLES:,} generated articles (bench/corpus.py, seed 7; {words:,} words, {min(i.words for i in corpus)} to
{max(i.words for i in corpus)} words each) POSTed to /api/v1/articles/ by {SUBMITTERS} concurrent clients against
gunicorn (2 workers); Celery `-Q extraction -c 2` and `-Q default,mail -c 1`; PostgreSQL database `{DB_NAME}`;
Redis DB {REDIS_DB}; {len(SUBSCRIPTIONS)} immediate keyword subscriptions mailing an aiosmtpd sink. The clock runs
from the first POST to the last article's `processed_at`.

| | seconds | articles/min | words/s |
|---|---:|---:|---:|
| extraction only (`extract_many`, 2 processes) | {bound_seconds:.1f} | {bound_rate:,.0f} | {words / bound_seconds:,.0f} |
| end to end | {e2e_seconds:.1f} | {e2e_rate:,.0f} | {words / e2e_seconds:,.0f} |

End to end runs at **{ratio:.2f}x** the extraction-only bound (target >= {TARGET_RATIO}: {ok(ratio >= TARGET_RATIO)}).

Outcome: articles {statuses}; {claims:,} claims stored (the bound found {bound_claims:,}); {deliveries} alert
deliveries, {sent} sent, {emails} emails at the sink.{" Submission errors: " + "; ".join(submit_errors[:3]) if submit_errors else ""}

| measure | value |
|---|---:|
| extraction pool RSS after {min(100, ARTICLES)} articles | {rss_100:.0f} MiB |
| extraction pool RSS after {ARTICLES:,} articles | {rss_end:.0f} MiB |
| growth | {growth:+.1%} (target under {TARGET_RSS_GROWTH:.0%}: {ok(growth < TARGET_RSS_GROWTH)}) |
| PostgreSQL transactions per article | {pipeline_xacts / ARTICLES:.1f} |
| GET /api/v1/claims/ p50 / p99, idle | {p50_idle:.1f} / {p99_idle:.1f} ms ({len(idle)} requests at {GET_RPS:g}/s) |
| GET /api/v1/claims/ p50 / p99, while ingesting | {p50_load:.1f} / {p99_load:.1f} ms ({len(loaded)} requests at {GET_RPS:g}/s) |

Where the CPU went during the throughput phase ({e2e_seconds:.0f} s of wall clock on {os.cpu_count()} cores =
{e2e_seconds * (os.cpu_count() or 1):,.0f} CPU-seconds available; the bound needed {bound_seconds * 2:,.0f}):

| process group | CPU seconds | ms per article |
|---|---:|---:|
{cpu_rows}

Three phases, one run. **Throughput**: the {ARTICLES:,} articles alone, timed from the first POST to
the last `processed_at`; RSS, transactions and the alert counts are from this phase. **Under load**:
{LATENCY_ARTICLES} more articles (seed 8) ingested the same way while a reader sends
GET /api/v1/claims/ (first page, token auth) at {GET_RPS:g} requests/s; articles afterwards:
{more_statuses}. **Idle**: the same GET with nothing else running, against the final table. The reader
has a phase of its own because on this 2-core machine its CPU would otherwise be counted as pipeline
cost.

RSS is the sum of VmRSS (/proc) of the two extraction pool processes. Transactions are
`xact_commit + xact_rollback` of `{DB_NAME}` in pg_stat_database over the throughput phase (POST,
processing, alert matching and sending) minus this script's own polling. pg_stat_statements is not
loaded on this server, so statements are not counted directly; under Django's autocommit every
statement outside an atomic block is its own transaction, so this is a lower bound on statements per
article.
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
