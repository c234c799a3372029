"""Run callables at the same instant in threads, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(calls: list[Callable[[], Any]]) -> list[str]:
    """Start every call together (a barrier) and return, per call, "ok" or the code of the
    exception it raised (an API exception's ``default_code``, else the class name)."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 — the caller asserts the refusals
            outcomes.append(str(getattr(exc, "default_code", type(exc).__name__)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
