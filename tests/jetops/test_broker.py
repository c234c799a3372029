"""Broker settings: the quick start's filesystem broker keeps everything it writes under
``var/``; on Redis a dead worker's task comes back soon, and never while it may still run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection, Exchange, Queue

from jetops.celery import app
from jetops.config import filesystem_broker_options
from jetops.tasks import NOTIFY_TASK_OPTIONS


def test_filesystem_broker_writes_only_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given: a process started in a project folder (kombu's default control folder is ./control)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    options = filesystem_broker_options(project / "var")

    # when: the worker's default queue is declared and a task message goes through
    with Connection("filesystem://", transport_options=options) as connection:
        queue = Queue("celery", Exchange("celery", type="direct"), routing_key="celery")
        with connection.Producer() as producer:
            producer.publish(
                {"task": "probe"}, exchange=queue.exchange, routing_key="celery", declare=[queue]
            )
        with connection.SimpleQueue(queue) as simple:
            message = simple.get(timeout=1)
            message.ack()

    # then
    assert message.payload == {"task": "probe"}
    assert sorted(p.name for p in project.iterdir()) == ["var"]
    assert (project / "var" / "celery" / "control" / "celery.exchange").is_file()


def project_tasks() -> list[Any]:
    app.loader.import_default_modules()
    return [task for name, task in sorted(app.tasks.items()) if not name.startswith("celery.")]


def test_a_dead_workers_task_comes_back_within_fifteen_minutes(settings: Any) -> None:
    """With acks_late, Redis re-delivers the unacknowledged task of a killed worker after the
    visibility timeout (it was one hour)."""
    assert settings.BROKER_VISIBILITY_TIMEOUT <= 15 * 60


def test_every_task_ends_and_retries_within_the_visibility_timeout(settings: Any) -> None:
    """A task still running, or a retry still waiting for its countdown, when the visibility
    timeout passes would be handed to a second worker while the first is alive."""
    timeout = settings.BROKER_VISIBILITY_TIMEOUT
    tasks = project_tasks()
    assert len(tasks) >= 7
    for task in tasks:
        hard = task.time_limit or app.conf.task_time_limit
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert hard is not None, task.name
        assert soft is not None, task.name
        assert soft < hard < timeout, task.name
        if getattr(task, "autoretry_for", ()):
            # Celery caps an automatic retry's backoff at 600 s unless the task says otherwise.
            assert getattr(task, "retry_backoff_max", 600) < timeout, task.name


def test_notifications_are_taken_for_abandoned_only_after_their_tasks_time_limit(settings: Any) -> None:
    assert NOTIFY_TASK_OPTIONS["time_limit"] < settings.NOTIFICATION_STUCK_AFTER_MINUTES * 60


def test_beat_schedules_only_registered_tasks(settings: Any) -> None:
    registered = {task.name for task in project_tasks()}
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= registered


def test_redis_broker_uses_the_visibility_timeout(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CELERY_VISIBILITY_TIMEOUT": "700",
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from jetops import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "{'visibility_timeout': 700}"
