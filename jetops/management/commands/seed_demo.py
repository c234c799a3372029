from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jetops.demo import DEMO_PASSWORD, seeders


class Command(BaseCommand):
    help = "Load the demo data (idempotent): users for every role, and each app's demo records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG mode.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data has known passwords: run it with DJANGO_DEBUG=1 or --force.")
        lines: list[str] = []
        for seeder in seeders():
            lines.extend(seeder())
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(
            "Staff sign in with a TOTP code: add the secret to an authenticator app, or run "
            "`.venv/bin/python manage.py demo_totp <username>`."
        )
