"""``manage.py`` commands after ``make run`` (``demo_totp`` in the README) see the quick start's
environment: ``make run`` writes it to ``var/dev.env``, which ``manage.py`` reads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jetops.config import DEV_ENV_FILE, read_dev_env

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    (tmp_path / DEV_ENV_FILE).parent.mkdir()
    (tmp_path / DEV_ENV_FILE).write_text("DJANGO_DEBUG=1\n")
    return tmp_path


def test_the_dev_env_file_sets_what_the_environment_does_not(project: Path) -> None:
    read_dev_env(project)

    assert os.environ["DJANGO_DEBUG"] == "1"


def test_the_environment_wins_over_the_dev_env_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_DEBUG", "0")

    read_dev_env(project)

    assert os.environ["DJANGO_DEBUG"] == "0"


def test_without_a_dev_env_file_nothing_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)

    read_dev_env(tmp_path)

    assert "DJANGO_DEBUG" not in os.environ


def test_make_run_writes_the_dev_env_file_manage_py_reads() -> None:
    make = shutil.which("make") or "make"
    recipe = subprocess.run(  # noqa: S603
        [make, "-n", "run", "DJANGO_DEBUG=1"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    manage = (PROJECT / "manage.py").read_text()

    assert f'echo "DJANGO_DEBUG=1" > {DEV_ENV_FILE}' in recipe
    assert "read_dev_env(Path(__file__).resolve().parent)" in manage
