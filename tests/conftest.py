"""Shared fixtures.

Most tests run anywhere: SQLite and in-process (eager) tasks. Tests marked `services` need
PostgreSQL and Redis and start real Celery worker processes; without those services they skip,
unless FACTCHECK_REQUIRE_SERVICES=1 (set by .ci/run), where a missing service is a failure."""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# The tests' own development settings, set before Django reads factcheck/settings.py (which is
# production-safe by default: DEBUG off, no fallback key). A random key per run, inherited by the
# worker and manage.py processes the tests start, so signed links agree across them.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(48))

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402
from django.conf import settings
from django.contrib.auth.models import User

from claims.models import Claim, Speaker
from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory, SpeakerFactory, UserFactory, add_sources, rating, staff_in_group

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("FACTCHECK_REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True, scope="session")
def _eager_tasks_by_default() -> Iterator[None]:
    """Even when REDIS_URL is set (CI), ordinary tests run tasks in-process; only `services`
    tests talk to the broker and real workers."""
    celery_app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counters live in the cache (Redis in CI): one test's requests must not throttle the next."""
    from django.core.cache import cache

    # Redis may be down on purpose (fault tests); nothing to clear then.
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Tests with real transactions end with a flush, which empties the groups and the rating
    scale a migration seeded; put them back for the next such test."""
    marker = request.node.get_closest_marker("django_db")
    wants = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not wants and not (marker and marker.kwargs.get("transaction")):
        return
    if wants:
        request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    importlib.import_module("claims.migrations.0002_groups_and_rating_scale").seed_groups_and_scale(apps)


def _missing_services() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {redis_url} is unreachable: {exc}"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fault test restarts PostgreSQL and Redis: it runs last, so no later test meets a
    connection (its own or a live server's) that the restart killed. trylast: after pytest-django
    has put transactional tests at the end."""
    items.sort(key=lambda item: item.get_closest_marker("faults") is not None)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and not shutil.which("chromium"):
        if REQUIRE_SERVICES:
            pytest.fail("browser test but Chromium is not installed (FACTCHECK_REQUIRE_SERVICES=1)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    if item.get_closest_marker("faults") and not (REQUIRE_SERVICES or os.environ.get("FACTCHECK_FAULT_TESTS") == "1"):
        pytest.skip(
            "restarts this machine's PostgreSQL and Redis: runs in CI (.ci/run) or with FACTCHECK_FAULT_TESTS=1"
        )
    if item.get_closest_marker("services"):
        reason = _missing_services()
        if reason:
            if REQUIRE_SERVICES:
                pytest.fail(f"service-backed test but {reason} (FACTCHECK_REQUIRE_SERVICES=1)")
            pytest.skip(reason)


def _in_group(username: str, group: str, **extra) -> User:
    return UserFactory(username=username, password="pw-" + username, groups=[group], **extra)


@pytest.fixture
def reader(db) -> User:
    return _in_group("reader", "Reader")


@pytest.fixture
def researcher(db) -> User:
    return _in_group("researcher", "Researcher", is_staff=True)


@pytest.fixture
def editor(db) -> User:
    return _in_group("editor", "Editor", is_staff=True)


# --- the newsroom's staff for workflow, admin, public-page and browser tests (password PASSWORD) ---


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
    return SpeakerFactory(name="Jane Doe", title="finance minister")


@pytest.fixture
def ready_for_review(db, speaker, wf_researcher) -> Claim:
    """A claim researched by wf_researcher: assignee, evidence, proposed rating and conclusion set."""
    claim = ClaimFactory(speaker=speaker, status=Claim.Status.IN_REVIEW, assignee=wf_researcher,
                         researcher=wf_researcher, proposed_rating=rating("false"),
                         conclusion="Official statistics show a 10% fall, not a half.")
    add_sources(claim, "")
    return claim


@pytest.fixture
def broker(transactional_db) -> Iterator[str]:
    """Route tasks through Redis for real (the test must be marked `services`)."""
    import redis

    redis_url = os.environ["REDIS_URL"]
    redis.Redis.from_url(redis_url).flushdb()
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = redis_url
    try:
        yield redis_url
    finally:
        celery_app.conf.task_always_eager = True
        settings.CELERY_TASK_ALWAYS_EAGER = True
        redis.Redis.from_url(redis_url).flushdb()


WorkerFactory = Callable[..., subprocess.Popen]


@pytest.fixture
def start_worker(broker: str) -> Iterator[WorkerFactory]:
    """Start real `celery worker` processes on the test database; all are stopped afterwards."""
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    started: list[subprocess.Popen] = []

    def start(queues: str = "extraction,default,mail", concurrency: int = 1, name: str = "w") -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": broker,
            "DATABASE_CONN_MAX_AGE": "0",
            "FACTCHECK_STUCK_AFTER_SECONDS": "5",
        }
        env.update(getattr(start, "extra_env", {}))
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "-n",
                f"{name}{len(started)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(ROOT / "var" / f"worker-{name}{len(started)}.log", "w"),  # noqa: SIM115 - the worker's lifetime
        )
        started.append(proc)
        return proc

    (ROOT / "var").mkdir(exist_ok=True)
    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def wait_until(predicate: Callable[[], bool], timeout: float = 120.0, interval: float = 0.25) -> bool:
    """Poll for an outcome produced by another process (a worker); no timing is asserted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
