"""/health/live and /health/ready, built on django-health-check.

`live` answers as soon as the process serves requests: restart the container when it fails.
`ready` says whether this instance can do its work: the database answers, the Redis broker
answers (when REDIS_URL is set), `manage.py check` finds no error, the spaCy model is installed
and loadable, and the backlog of queued work is under FACTCHECK_HEALTH_MAX_BACKLOG.

Machines get JSON unless they ask for HTML (`Accept: text/html`): 200 when every check passed,
503 with each failing check's reason otherwise. The library's HTML, text, Atom, RSS and
OpenMetrics renderings stay available with `?format=`.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import importlib.util
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core import checks as django_checks
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView, MediaType

from claims.selectors import operations


@dataclasses.dataclass
class SystemChecks(HealthCheck):
    """What `manage.py check` (with `--deploy` in production) reports: any error fails."""

    def run(self) -> None:
        messages = django_checks.run_checks(include_deployment_checks=not settings.DEBUG)
        serious = [message for message in messages if message.is_serious()]
        if serious:
            raise ServiceUnavailable("; ".join(f"{m.id}: {m.msg}" for m in serious))


@dataclasses.dataclass
class SpacyModel(HealthCheck):
    """The configured spaCy pipeline is installed, and made for the installed spaCy. Loading it
    (hundreds of MB, seconds) is the workers' job; a web process only proves it would load."""

    name: str = dataclasses.field(default_factory=lambda: settings.FACTCHECK_SPACY_MODEL)

    def run(self) -> None:
        import spacy
        from spacy import util

        if importlib.util.find_spec(self.name) is None:
            raise ServiceUnavailable(f"spaCy model {self.name!r} is not installed (FACTCHECK_SPACY_MODEL)")
        package = util.get_package_path(self.name)
        meta = util.get_model_meta(package)
        wanted = meta.get("spacy_version", "")
        if wanted and not util.is_compatible_version(spacy.about.__version__, wanted):
            raise ServiceUnavailable(
                f"spaCy model {self.name!r} needs spaCy {wanted}; {spacy.about.__version__} is installed"
            )
        # The pipeline's own directory, which spacy.load() reads, must be there with its config.
        if not (package / f"{self.name}-{meta.get('version', '')}" / "config.cfg").is_file():
            raise ServiceUnavailable(f"spaCy model {self.name!r} is installed without its pipeline data")


@dataclasses.dataclass
class Backlog(HealthCheck):
    """Queued articles, and messages waiting in each Celery queue, under the limit."""

    limit: int = dataclasses.field(default_factory=lambda: settings.FACTCHECK_HEALTH_MAX_BACKLOG)

    def run(self) -> None:
        queued = operations.queued_article_count()
        if queued > self.limit:
            raise ServiceUnavailable(f"{queued} articles queued, more than {self.limit}")
        try:
            depths = operations.queue_depths() or {}
        except operations.BrokerUnavailable as exc:
            raise ServiceUnavailable(str(exc)) from exc
        over = {queue: depth for queue, depth in depths.items() if depth > self.limit}
        if over:
            listed = ", ".join(f"{queue}: {depth}" for queue, depth in over.items())
            raise ServiceUnavailable(f"Celery queues over {self.limit} messages ({listed})")


@dataclasses.dataclass
class RedisBroker(HealthCheck):
    """The Redis broker answers a PING (only when REDIS_URL is set; without it tasks run in-process)."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self) -> None:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(f"Redis broker unreachable: {type(exc).__name__}") from exc
        finally:
            client.close()


class ClosingThreadPoolExecutor(ThreadPoolExecutor):
    """Checks run in threads no request owns, so nothing else would close the database
    connections they open: each submitted call closes its thread's connections when it ends."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        def closing() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        return super().submit(closing)


def readiness_checks() -> list[HealthCheck]:
    found: list[HealthCheck] = [Database(), SystemChecks(), SpacyModel(), Backlog()]
    if settings.REDIS_URL:
        found.insert(1, RedisBroker())
    return found


class JsonFirstHealthCheckView(HealthCheckView):
    """django-health-check's view answering JSON unless HTML is asked for, and 503 (not 500) when
    a check fails: load balancers and orchestrators read 503 as "not ready", and a 500 would look
    like a bug in the probe."""

    check_factory: Any = staticmethod(list)

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from self.check_factory()

    def get_executor(self) -> contextlib.AbstractContextManager[Executor | None]:
        # A pool per request, whose threads close their database connections as each check ends.
        return ClosingThreadPoolExecutor(max_workers=5, thread_name_prefix="health")

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") or _asks_html(request.headers.get("accept", "")):
            response = await super().get(request, *args, **kwargs)
            if response.status_code == 500:
                response.status_code = 503
            return response
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        return self.render_to_response_json(503 if any(r.error for r in self.results) else 200)

    def render_to_response_json(self, status: int) -> JsonResponse:
        body = {
            "status": "ok" if status == 200 else "unavailable",
            "checks": {
                type(result.check).__name__: "ok" if not result.error else str(result.error) for result in self.results
            },
        }
        return JsonResponse(body, status=503 if status != 200 else 200)


def _asks_html(accept: str) -> bool:
    """The client wants the status page: it names text/html in an Accept header the library can
    read (an unreadable one would make the library raise, so it gets JSON instead)."""
    if "text/html" not in accept:
        return False
    try:
        list(MediaType.parse_header(accept))
    except ValueError:
        return False
    return True


live = JsonFirstHealthCheckView.as_view(check_factory=list)
ready = JsonFirstHealthCheckView.as_view(check_factory=readiness_checks)
