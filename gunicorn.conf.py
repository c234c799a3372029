"""gunicorn settings of the production web server: ``gunicorn jetops.asgi:application``
(gunicorn reads this file from the working directory).

Uvicorn workers serve HTTP and websockets; ``WEB_CONCURRENCY`` workers (default two per CPU
plus one: Django runs each request's synchronous code on the worker's one sync thread, so a
worker serves one request at a time), listening on ``PORT``. SIGTERM stops gracefully:
requests in flight finish and websockets are closed within ``GRACEFUL_TIMEOUT`` seconds.
Each worker's Prometheus metrics are kept in ``PROMETHEUS_MULTIPROC_DIR`` so ``/metrics``
adds them up, whichever worker answers.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from typing import Any

# Set before anything imports prometheus_client: it chooses per-process files at import.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
    tempfile.gettempdir(), f"jetops-metrics-{os.environ.get('PORT') or '8000'}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir

from jetops.config import EnvReader  # noqa: E402

env = EnvReader()
port = env.int("PORT", 8000, minimum=1, maximum=65535)
bind = [f"{env.str('HOST', '0.0.0.0')}:{port}"]  # noqa: S104  (a container or platform routes to it)
workers = env.int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1, minimum=1)
worker_class = "jetops.asgi_worker.AsgiWorker"
graceful_timeout = env.int("GRACEFUL_TIMEOUT", 10, minimum=2)
timeout = env.int("WEB_TIMEOUT", 30, minimum=5)
keepalive = 5
# No run-time control socket (gunicornc): the process manager scales by starting processes,
# and two servers of one user on one host would otherwise share its path.
control_socket_disable = True
accesslog = None  # the application logs every request as one JSON line, with its request id
errorlog = "-"
if env.choice("LOG_FORMAT", "json", ["json", "plain"]) == "json":
    # The server's own lines (start, stop, websockets opened) as JSON too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "jetops.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False}},
    }


def on_starting(server: Any) -> None:
    """Start the metrics from zero: files left by a previous run would be added in."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker's live gauges go with it (its counters stay in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
