"""``manage.py load_airports``: refresh the airport table from the installed ``airportsdata``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fleet.airports import airports_load
from fleet.models import Airport


class Command(BaseCommand):
    help = "Insert new and update changed airports from the installed airportsdata package."

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = airports_load(Airport)
        self.stdout.write(
            f"airports: {created} created, {updated} updated, {Airport.objects.count()} in total"
        )
