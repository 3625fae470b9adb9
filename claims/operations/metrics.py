"""/metrics in Prometheus' text format: django-prometheus' request, cache and process metrics plus
the tracker's own, read at scrape time from the database and the broker (claims/selectors/
operations.py), so one scrape of any web process covers the work of every worker.

Only for a scraper that presents FACTCHECK_METRICS_TOKEN (`Authorization: Bearer ...`) or comes
from FACTCHECK_METRICS_ALLOWED_NETWORKS; anyone else gets a 403 in the API's error shape.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator

import prometheus_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from claims.api.exceptions import error_body
from claims.selectors import operations
from factcheck.security import client_ip


class TrackerCollector(Collector):
    """The tracker's own numbers, counted afresh at each scrape."""

    def collect(self) -> Iterator[Metric]:
        articles = GaugeMetricFamily("factcheck_articles", "Articles by processing status.", labels=["status"])
        for status, count in operations.article_counts_by_status().items():
            articles.add_metric([status], count)
        yield articles

        claims = CounterMetricFamily("factcheck_claims_detected", "Claims detected, by kind.", labels=["kind"])
        for kind, count in operations.claim_counts_by_kind().items():
            claims.add_metric([kind], count)
        yield claims

        histogram = operations.extraction_seconds_histogram()
        extraction = HistogramMetricFamily(
            "factcheck_extraction_seconds",
            "Seconds spent extracting claims per processed article (its share of its batch, by length).",
        )
        buckets = [(_bound(le), count) for le, count in histogram.buckets] + [("+Inf", histogram.count)]
        extraction.add_metric([], buckets, histogram.total)
        yield extraction

        deliveries = GaugeMetricFamily(
            "factcheck_alert_deliveries",
            "Alert deliveries by state: sent, failed, retrying (pending after a failed attempt), pending, sending.",
            labels=["state"],
        )
        for state, count in operations.alert_delivery_counts().items():
            deliveries.add_metric([state], count)
        yield deliveries

        hooks = GaugeMetricFamily(
            "factcheck_webhook_deliveries",
            "Webhook deliveries by state: sent (a 2xx), failed, retrying, pending, sending.",
            labels=["state"],
        )
        for state, count in operations.webhook_delivery_counts().items():
            hooks.add_metric([state], count)
        yield hooks

        oldest = operations.oldest_undelivered_alert_at()
        age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
        yield GaugeMetricFamily(
            "factcheck_oldest_undelivered_alert_age_seconds",
            "Age of the oldest alert not yet sent (pending or sending); 0 when none waits.",
            value=age,
        )

        if settings.REDIS_URL:
            try:
                depths = operations.queue_depths() or {}
            except operations.BrokerUnavailable:
                depths = None
            yield GaugeMetricFamily("factcheck_broker_up", "1 when the Redis broker answered this scrape.",
                                    value=0 if depths is None else 1)
            queues = GaugeMetricFamily("factcheck_queue_depth", "Messages waiting in each Celery queue.",
                                       labels=["queue"])
            for queue, depth in (depths or {}).items():
                queues.add_metric([queue], depth)
            yield queues


def _bound(value: float) -> str:
    return repr(float(value))


TRACKER_REGISTRY = CollectorRegistry(auto_describe=False)
TRACKER_REGISTRY.register(TrackerCollector())


def may_scrape(request: HttpRequest) -> bool:
    """A matching bearer token, or a client address in the allowed networks."""
    token = settings.FACTCHECK_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    # Compared in constant time: the answer's timing says nothing about the token.
    if (token and header.startswith("Bearer ")
            and hmac.compare_digest(header[len("Bearer "):].strip().encode(), token.encode())):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.FACTCHECK_METRICS_ALLOWED_NETWORKS)


REFUSAL = (
    "Metrics are for the monitoring system: send `Authorization: Bearer <FACTCHECK_METRICS_TOKEN>` "
    "or scrape from an address in FACTCHECK_METRICS_ALLOWED_NETWORKS."
)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        return JsonResponse(error_body(status_code=403, code="forbidden", message=REFUSAL), status=403)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # gunicorn with several workers and prometheus_client's multiprocess mode: every worker's
        # request metrics, merged (docs/integrations.md).
        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = prometheus_client.REGISTRY
    body = prometheus_client.generate_latest(process_registry) + prometheus_client.generate_latest(TRACKER_REGISTRY)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
