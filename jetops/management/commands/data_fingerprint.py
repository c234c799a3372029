from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from jetops.fingerprint import fingerprint


class Command(BaseCommand):
    help = (
        "Print a JSON fingerprint of the database (row counts of every table, checksums of the "
        "busiest tables, one API read) to compare a restored copy with its source."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True, default=str))
