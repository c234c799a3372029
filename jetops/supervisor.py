"""Run several processes as one and stop them all, quickly, when asked: the quick start's web
server, Celery worker and beat (``python -m jetops.supervisor [addr:port]``, run by ``make run``).

A shell's ``trap 'kill 0'`` left this to each program: Ctrl-C reached every process at once,
and the development server (auto-reloader and daphne) could take over a minute to exit while a
Celery worker finishing its warm shutdown held the terminal. Here each command runs in its own
process group, so only the supervisor receives the terminal's Ctrl-C. On SIGINT, SIGTERM or
SIGHUP, or when any command exits, it sends SIGTERM to each command (which stops what it
started: pool processes, the reloaded server), waits up to ``grace`` seconds for every process
of their groups to end, then SIGKILLs the groups. A second signal skips the wait.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
POLL_SECONDS = 0.1
GRACE_SECONDS = 5.0
REPO = Path(__file__).resolve().parent.parent


def _kill_groups(children: Sequence[subprocess.Popen[bytes]]) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(child.pid, signal.SIGKILL)


def _groups_alive(children: Sequence[subprocess.Popen[bytes]]) -> bool:
    """Whether any process of the children's groups is still running (reaping our own)."""
    for child in children:
        child.poll()
        try:
            os.killpg(child.pid, 0)
        except ProcessLookupError:
            continue
        return True
    return False


def _wait_until_gone(
    children: Sequence[subprocess.Popen[bytes]], seconds: float, hurry: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + seconds
    while _groups_alive(children) and time.monotonic() < deadline and not hurry():
        time.sleep(POLL_SECONDS)


def supervise(commands: Sequence[Sequence[str]], *, grace: float = GRACE_SECONDS) -> int:
    """Start ``commands`` and block until a stop signal arrives or one of them exits; then stop
    them all (SIGTERM, and SIGKILL after ``grace`` seconds or at a further signal). Returns 0
    after a stop signal, otherwise the exit code of the command that ended first (1 if 0)."""
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    children: list[subprocess.Popen[bytes]] = []
    ended: subprocess.Popen[bytes] | None = None
    try:
        for command in commands:
            children.append(subprocess.Popen(list(command), process_group=0))  # noqa: S603
        while not received and ended is None:
            time.sleep(POLL_SECONDS)
            ended = next((child for child in children if child.poll() is not None), None)
    finally:
        signals_so_far = len(received)
        for child in children:
            if child.poll() is None:
                child.terminate()
        _wait_until_gone(children, grace, lambda: len(received) > signals_so_far)
        _kill_groups(children)
        _wait_until_gone(children, 1.0, lambda: False)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if ended is None:
        return 0
    command = " ".join(commands[children.index(ended)])
    sys.stderr.write(f"{command} exited with code {ended.returncode}; the others were stopped.\n")
    return ended.returncode or 1


def quick_start_commands(addrport: str) -> list[list[str]]:
    """The development server on ``addrport``, a Celery worker and Celery beat."""
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "jetops"]
    # Heartbeats, gossip and mingle are cluster chatter a single quick-start worker does not
    # need; over the filesystem broker they only slow its start and stop.
    worker = [*celery, "worker", "--loglevel=INFO", "--concurrency=2"]
    worker += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    return [
        worker,
        [*celery, "beat", "--loglevel=INFO"],
        [python, str(REPO / "manage.py"), "runserver", addrport],
    ]


if __name__ == "__main__":
    # Kept free of Django: the supervisor starts and exits in an instant.
    sys.exit(supervise(quick_start_commands(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000")))
