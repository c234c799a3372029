from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crew import experience
from crew.models import CrewMember
from jetops.scale.seed import ScaleOptions, scale_data_state, scale_flush, scale_seed


def _moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now {value!r} is not an ISO 8601 date or date-time.") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Generate a production-sized dataset for performance work: years of flights at a "
        "monthly rate, with trips, quotes, manifests, crew rosters and activity (bulk, no history)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=float, default=3.0, help="Span of the data (default 3).")
        parser.add_argument("--flights-per-month", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed, the same data.")
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="The moment the data is seen from (default: now, to the hour); flights before "
            "it are flown, after it scheduled. Give it for identical runs.",
        )
        parser.add_argument("--aircraft", type=int, default=60)
        parser.add_argument("--crew", type=int, default=200, help="Pilots (half captains).")
        parser.add_argument("--clients", type=int, default=2_000)
        parser.add_argument("--passengers", type=int, default=10_000)
        parser.add_argument("--flush", action="store_true", help="Delete the previous scale dataset first.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds data this command did not make "
            "(with --flush: delete that data too).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"] or timezone.now().replace(minute=0, second=0, microsecond=0)
        scale_options = ScaleOptions(
            years=options["years"],
            flights_per_month=options["flights_per_month"],
            seed=options["seed"],
            now=now,
            aircraft=options["aircraft"],
            crew=options["crew"],
            clients=options["clients"],
            passengers=options["passengers"],
        )
        problems = scale_options.problems()
        if problems:
            raise CommandError(" ".join(problems))
        scale, other = scale_data_state()
        if other and not options["force"]:
            raise CommandError(
                "This database holds aircraft, clients, crew, quotes, trips or flights that "
                "seed_scale did not make. Use a database of its own, or --force."
            )
        if scale and not options["flush"]:
            raise CommandError("This database already holds a scale dataset: --flush to start over.")
        if options["flush"]:
            scale_flush()
        report = scale_seed(scale_options, progress=self.stdout.write)
        # Written in bulk, past the services: no cached recency may outlive the old rows.
        experience.forget(CrewMember.objects.values_list("pk", flat=True))
        for label, rows in sorted(report.rows.items()):
            self.stdout.write(f"  {label:<28} {rows:>10,}")
        self.stdout.write(
            f"{report.total_rows:,} rows in {report.seconds:.1f} s "
            f"({report.total_rows / max(report.seconds, 1e-6):,.0f} rows/s); "
            f"open crew seats: {report.open_seats}"
        )
