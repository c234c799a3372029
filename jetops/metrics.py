"""``/metrics`` for Prometheus: django-prometheus' series (requests by view and method with
their latency, responses by status, database queries, errors and their duration) and the
Celery series of ``jetops.celery_monitoring`` (task outcomes, queue lengths, heartbeat ages).

Under gunicorn every worker process writes its series to ``PROMETHEUS_MULTIPROC_DIR`` and
the page adds them up, so any worker answers for all. Only the networks of
``METRICS_ALLOWED_IPS`` or a caller presenting ``METRICS_TOKEN`` (``Authorization: Bearer``)
may read it.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from jetops import celery_monitoring
from jetops.activity import client_ip

log = logging.getLogger(__name__)


class CeleryCollector:
    """Reads the Celery figures when Prometheus scrapes; a broker or cache that cannot be
    reached shows as ``jetops_celery_broker_up 0`` or missing series, never as an error."""

    def collect(self) -> Iterator[Metric]:
        from jetops.celery import app

        tasks = sorted(name for name in app.tasks if not name.startswith("celery."))
        outcomes = CounterMetricFamily(
            "jetops_celery_tasks", "Celery tasks finished, by task and outcome.", labels=["task", "outcome"]
        )
        ages = GaugeMetricFamily(
            "jetops_celery_heartbeat_age_seconds",
            "Seconds since the last heartbeat of a Celery worker or of beat.",
            labels=["process"],
        )
        try:
            for (task, outcome), count in celery_monitoring.task_outcomes(tasks).items():
                outcomes.add_metric([task, outcome], count)
            for process, age in celery_monitoring.heartbeat_ages().items():
                if age is not None:
                    ages.add_metric([process], age)
        except Exception:  # noqa: BLE001  (a scrape reports what it can)
            log.warning("could not read Celery figures from the cache", exc_info=True)
        yield outcomes
        yield ages
        lengths = GaugeMetricFamily(
            "jetops_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        broker_up = 1
        try:
            for queue, length in celery_monitoring.queue_lengths(app).items():
                lengths.add_metric([queue], length)
        except Exception:  # noqa: BLE001
            log.warning("could not read the Celery queue lengths", exc_info=True)
            broker_up = 0
        yield lengths
        yield GaugeMetricFamily(
            "jetops_celery_broker_up", "Whether the Celery broker answered.", value=broker_up
        )


CELERY_REGISTRY = CollectorRegistry(auto_describe=False)
CELERY_REGISTRY.register(CeleryCollector())


def exposition() -> bytes:
    """The metrics page: every process's series, then the Celery ones."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(CELERY_REGISTRY)


def may_read_metrics(request: HttpRequest) -> bool:
    """From an allowed network, or with the metrics token."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    ip = client_ip(request)
    return ip is not None and any(
        ipaddress.ip_address(ip) in net for net in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        return JsonResponse(
            {
                "code": "forbidden",
                "detail": "Metrics are readable from the monitoring network or with the metrics token.",
                "errors": {},
            },
            status=403,
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
