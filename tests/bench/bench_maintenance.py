"""Benchmark of the maintenance due list through the database (not collected by pytest).

Run: ``.venv/bin/python tests/bench/bench_maintenance.py``. Builds a throw-away SQLite
database (or uses ``DATABASE_URL``) with 50 aircraft each tracking 2,000 items (a 2,000-task
program applied to each, last done at staggered times), then prints the time of
``maintenance.selectors.due_lists`` for the whole fleet (goal 2 s) and of ``due_list`` for
one aircraft (goal 100 ms): stored due points, utilisation and scheduled flights read in a
fixed number of queries, statuses and forecasts computed by the pure ``maintenance.due``.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from statistics import quantiles
from time import perf_counter, process_time

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.harness import django_for_bench  # noqa: E402

django_for_bench()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

AIRCRAFT = 50
ITEMS = 2000


def p(values: list[float], q: int) -> float:
    return quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def setup() -> list[int]:
    from fleet.services import aircraft_create
    from maintenance import services
    from maintenance.models import Program, Task

    call_command("migrate", verbosity=0)
    existing = Program.objects.filter(name="Bench program").first()
    if existing is not None:  # a DATABASE_URL kept from an earlier run
        return sorted(existing.tasks.first().tracked_items.values_list("aircraft_id", flat=True))
    program = Program.objects.create(name="Bench program")
    limits = (
        {"interval_hours": Decimal("300")},
        {"interval_months": 12},
        {"interval_hours": Decimal("600"), "interval_months": 24},
        {"interval_cycles": 1200, "interval_months": 36, "whichever_later": True},
        {"interval_days": 90},
    )
    Task.objects.bulk_create(
        [
            Task(program=program, code=f"T-{n:05d}", title=f"Task {n}", **limits[n % len(limits)])
            for n in range(ITEMS)
        ]
    )
    ids = []
    today = timezone.localdate()
    for n in range(AIRCRAFT):
        aircraft = aircraft_create(
            actor=None,
            tail_number=f"N{100 + n}BM",
            aircraft_type="C25B",
            manufacturer="Cessna",
            model="Citation CJ3+",
            year=2019,
            category="light",
            seating_capacity=7,
            range_nautical_miles=2040,
            cruise_speed=416,
            current_location="KTEB",
            hourly_rate=Decimal("4200.00"),
            total_hours=Decimal(2000 + 37 * n),
            total_cycles=1500 + 29 * n,
        )
        services.program_apply(
            program=program, aircraft=aircraft, actor=None, baseline_on=today - timedelta(days=n * 7)
        )
        ids.append(aircraft.pk)
    return ids


def main() -> None:
    from fleet.models import Aircraft
    from maintenance.selectors import due_list, due_lists

    started = perf_counter()
    ids = setup()
    print(f"setup: {AIRCRAFT} aircraft × {ITEMS} items in {perf_counter() - started:.1f} s")
    # wall-clock time, and the CPU time of this process (the machine may be shared)
    fleet: list[tuple[float, float]] = []
    for _ in range(5):
        t0, c0 = perf_counter(), process_time()
        rows = due_lists(ids)
        fleet.append((perf_counter() - t0, process_time() - c0))
    assert sum(len(r) for r in rows.values()) == AIRCRAFT * ITEMS
    wall, cpu = [w for w, _ in fleet], [c for _, c in fleet]
    print(
        f"due list, fleet of {AIRCRAFT} × {ITEMS}: p50 {p(wall, 50):.2f} s wall, "
        f"{p(cpu, 50):.2f} s CPU (goal 2 s)"
    )
    one = Aircraft.objects.get(pk=ids[0])
    single: list[tuple[float, float]] = []
    for _ in range(30):
        t0, c0 = perf_counter(), process_time()
        due_list(one)
        single.append(((perf_counter() - t0) * 1000, (process_time() - c0) * 1000))
    wall, cpu = [w for w, _ in single], [c for _, c in single]
    print(
        f"due list, one aircraft × {ITEMS}: p50 {p(wall, 50):.0f} ms wall ({p(cpu, 50):.0f} ms CPU), "
        f"p95 {p(wall, 95):.0f} ms (goal 100 ms)"
    )


if __name__ == "__main__":
    main()
