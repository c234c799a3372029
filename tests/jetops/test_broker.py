"""The quick start's filesystem broker keeps everything it writes under ``var/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue

from jetops.config import filesystem_broker_options


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
