"""What every database benchmark starts with: the project's settings (not the test settings)
on a throw-away SQLite database, or on ``DATABASE_URL`` when it is set, quiet logs, and Django
set up. A benchmark script calls ``django_for_bench()`` before importing anything of Django's."""

from __future__ import annotations

import os
import tempfile


def django_for_bench() -> None:
    folder = tempfile.mkdtemp(prefix="jetops-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetops.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
