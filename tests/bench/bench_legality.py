"""Benchmark of the crew legality engine (not collected by pytest: the name is not test_*).

Run: ``.venv/bin/python tests/bench/bench_legality.py``. Prints p50/p95 of one proposed
assignment against a year of history (about 400 legs), once from a plain duty list (the
roster index is built on every call) and once from a prebuilt ``RosterIndex``, then the
total for 60 crew members rostered for a month, each assignment evaluated and accepted
in turn.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from time import perf_counter

from crew.expiries import medical_validity
from crew.legality import (
    CHECK_COMPETENCY,
    CHECK_INSTRUMENT,
    CHECK_LINE,
    CHECK_TRAINING,
    DEFAULT_RULES,
    Duty,
    FlightEvent,
    Qualifications,
    RosterIndex,
    Seat,
    evaluate,
)

TYPE = "C56X"
HISTORY_START = datetime(2025, 1, 1, tzinfo=UTC)
MONTH_START = datetime(2026, 1, 1, tzinfo=UTC)
RUNS = 1000
CREW = 60
QUALS = Qualifications(
    medical=medical_validity(1, date(2025, 10, 5), date(1985, 6, 1)),
    type_ratings={TYPE: "PIC"},
    checks={
        kind: date(2026, 9, 30) for kind in (CHECK_COMPETENCY, CHECK_INSTRUMENT, CHECK_LINE, CHECK_TRAINING)
    },
    landing_currency={TYPE: date(2026, 3, 31)},
    night_currency={TYPE: date(2026, 3, 31)},
    instrument_currency=date(2026, 3, 31),
)


def flying_day(rng: random.Random, day: datetime) -> Duty:
    """A duty of one to three two-pilot legs, reporting between 05:00 and 09:00."""
    start = day + timedelta(hours=rng.randint(5, 9), minutes=rng.choice((0, 15, 30, 45)))
    cursor, legs = start + timedelta(hours=1), []
    for _ in range(rng.choice((1, 2, 2, 3))):
        block = timedelta(minutes=rng.randint(45, 170))
        legs.append(FlightEvent(cursor, cursor + block, TYPE, two_pilot=True))
        cursor += block + timedelta(minutes=rng.randint(45, 120))
    return Duty(start, cursor, "flight", tuple(legs))


def roster(rng: random.Random, first: datetime, days: int, share: float) -> list[Duty]:
    return [flying_day(rng, first + timedelta(days=n)) for n in range(days) if rng.random() < share]


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_single(history: list[Duty] | RosterIndex, proposed: Duty) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        started = perf_counter()
        evaluate(history, proposed, "PIC", DEFAULT_RULES, QUALS)
        samples.append((perf_counter() - started) * 1000)
    samples.sort()
    return percentile(samples, 0.5), percentile(samples, 0.95)


def main() -> None:
    rng = random.Random(20260101)
    history = roster(rng, HISTORY_START, 365, 0.6)
    legs = sum(len(d.flights) for d in history)
    proposed = flying_day(rng, MONTH_START)

    p50, p95 = time_single(history, proposed)
    print(f"one assignment vs a year ({len(history)} duties, {legs} legs), list input:")  # noqa: T201
    print(f"  p50 {p50:.3f} ms  p95 {p95:.3f} ms  ({RUNS} runs)")  # noqa: T201
    p50, p95 = time_single(RosterIndex(history), proposed)
    print("same, prebuilt RosterIndex:")  # noqa: T201
    print(f"  p50 {p50:.3f} ms  p95 {p95:.3f} ms  ({RUNS} runs)")  # noqa: T201

    crews = []
    for member in range(CREW):
        role: Seat = "FA" if member % 3 == 2 else ("PIC" if member % 3 == 0 else "SIC")
        crews.append((role, roster(rng, HISTORY_START, 365, 0.6), roster(rng, MONTH_START, 31, 0.6)))
    evaluations = blocked = 0
    started = perf_counter()
    for role, past, month in crews:
        index = RosterIndex(past)
        for assignment in month:
            results = evaluate(index, assignment, role, DEFAULT_RULES, QUALS)
            evaluations += 1
            blocked += any(r.status == "block" for r in results)
            index.add(assignment)
    total = perf_counter() - started
    print(f"{CREW} crew x one month: {evaluations} assignments evaluated ({blocked} blocked)")  # noqa: T201
    print(f"  total {total * 1000:.1f} ms, index builds included")  # noqa: T201


if __name__ == "__main__":
    main()
