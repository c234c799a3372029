"""The quick start's supervisor (``manage.py serve_all``) stops every process it started, and
what they started, within its grace period: on a stop signal, or when one of them ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Writes its pid to argv[1] and sleeps; "stubborn" ignores SIGTERM, "parent" also starts a
# stubborn child (as the auto-reloader starts the server) and exits on SIGTERM without it.
CHILD = """
import os, signal, subprocess, sys, time
kind, pidfile = sys.argv[1], sys.argv[2]
if kind in ("stubborn", "grandchild"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if kind == "parent":
    subprocess.Popen([sys.executable, "-c", sys.argv[3], "grandchild", pidfile + ".child", sys.argv[3]])
if kind == "failing":
    time.sleep(2)
    sys.exit(3)
open(pidfile, "w").write(str(os.getpid()))
time.sleep(120)
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def start(kinds: list[str], tmp_path: Path, grace: float) -> tuple[subprocess.Popen[bytes], list[Path]]:
    pidfiles = [tmp_path / f"{n}-{kind}.pid" for n, kind in enumerate(kinds)]
    commands = [
        [sys.executable, "-c", CHILD, kind, str(pidfile), CHILD]
        for kind, pidfile in zip(kinds, pidfiles, strict=True)
    ]
    supervisor = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sys; from jetops.supervisor import supervise; "
            f"sys.exit(supervise({commands!r}, grace={grace}))",
        ],
        cwd=REPO,
    )
    return supervisor, pidfiles


def wait_for(paths: list[Path]) -> list[int]:
    deadline = time.monotonic() + 30
    while not all(p.exists() and p.read_text() for p in paths):
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)
    return [int(p.read_text()) for p in paths]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_ends_every_process_within_the_grace_period(
    tmp_path: Path, sig: signal.Signals
) -> None:
    # given: a well-behaved process, one that ignores SIGTERM, one that leaves a child behind
    supervisor, pidfiles = start(["polite", "stubborn", "parent"], tmp_path, grace=1.0)
    pids = wait_for([*pidfiles, pidfiles[2].with_suffix(".pid.child")])

    # when
    started = time.monotonic()
    supervisor.send_signal(sig)
    code = supervisor.wait(timeout=10)

    # then
    assert time.monotonic() - started < 1.0 + 2.0
    assert code == 0
    assert [pid for pid in pids if running(pid)] == []


def test_one_process_ending_stops_the_others(tmp_path: Path) -> None:
    supervisor, pidfiles = start(["polite", "stubborn", "failing"], tmp_path, grace=1.0)

    code = supervisor.wait(timeout=15)

    assert code == 3
    pids = [int(p.read_text()) for p in pidfiles[:2] if p.exists() and p.read_text()]
    assert [pid for pid in pids if running(pid)] == []
