from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jetops.key_rotation import ColumnCount, field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field of every model (history rows too) under the newest key "
        "of FIELD_ENCRYPTION_KEYS (the first). Idempotent and resumable: run it after prepending "
        "a new key, and again if it was interrupted; then drop the old key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run, size = options["dry_run"], options["batch_size"]
        if size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verb = "to re-encrypt" if dry_run else "re-encrypted"

        def progress(count: ColumnCount) -> None:
            line = f"{count.label}: {count.rotated} {verb} (of {count.values})"
            if count.unreadable:
                line += f", {count.unreadable} unreadable"
            self.stdout.write(line)

        counts = field_keys_rotate(batch_size=size, dry_run=dry_run, progress=progress)
        total = sum(c.rotated for c in counts)
        self.stdout.write(f"{total} values {verb}" + (" (dry run: nothing was written)" if dry_run else ""))
        unreadable = sum(c.unreadable for c in counts)
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be decrypted with any key of FIELD_ENCRYPTION_KEYS: "
                "add the key they were written with, then run this again."
            )
