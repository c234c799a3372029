"""Where the load goes: people to seats and bags to compartments, as weights at arms for the
weight-and-balance rules (docs/rules.md#weight-and-balance). Pure: plain data in, plain out.

- Crew fill the crew seats in station order.
- A passenger whose manifest seat is a seat of a passenger station sits there; the others take
  the free seats in station order (front to back as the stations are ordered). More people
  than seats is a refusal.
- Bags fill the baggage compartments in station order up to each one's limit; what is left
  over is a refusal naming the compartments' total limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from planning.weight_balance import LoadItem

KG_TO_LB = Decimal("2.20462")


@dataclass(frozen=True)
class SeatStation:
    name: str
    arm: Decimal
    seats: tuple[str, ...]


@dataclass(frozen=True)
class Compartment:
    name: str
    arm: Decimal
    max_weight: Decimal | None


@dataclass(frozen=True)
class Person:
    name: str
    weight: Decimal
    seat: str = ""


@dataclass(frozen=True)
class Placement:
    items: tuple[LoadItem, ...]
    problems: tuple[str, ...]


def standard_weight(month: int, *, summer: Decimal, winter: Decimal, first: int, last: int) -> Decimal:
    """The standard adult weight for a departure in ``month``: summer from ``first`` through
    ``last`` (inclusive), winter otherwise."""
    return summer if first <= month <= last else winter


def kg_to_lb(kg: Decimal) -> Decimal:
    return (kg * KG_TO_LB).quantize(Decimal("0.1"))


def _seat(
    people: Sequence[Person], stations: Sequence[SeatStation], what: str
) -> tuple[list[LoadItem], list[str]]:
    free = {s.name: list(s.seats) for s in stations}
    where: dict[int, SeatStation] = {}
    for index, person in enumerate(people):
        label = person.seat.strip().upper()
        for station in stations:
            if label and label in free[station.name]:
                free[station.name].remove(label)
                where[index] = station
                break
    for index, _person in enumerate(people):
        if index in where:
            continue
        for station in stations:
            if free[station.name]:
                free[station.name].pop(0)
                where[index] = station
                break
    items = [
        LoadItem(person.name, person.weight, where[i].arm, what)
        for i, person in enumerate(people)
        if i in where
    ]
    problems = []
    unseated = len(people) - len(where)
    if unseated:
        capacity = sum(len(s.seats) for s in stations)
        problems.append(f"{len(people)} {what} for {capacity} {what} seats: {unseated} without a seat.")
    return items, problems


def place(
    *,
    crew: Sequence[Person],
    passengers: Sequence[Person],
    bags_weight: Decimal,
    crew_stations: Sequence[SeatStation],
    seat_stations: Sequence[SeatStation],
    compartments: Sequence[Compartment],
) -> Placement:
    """Every person and bag as a weight at an arm, and what could not be placed."""
    crew_items, problems = _seat(crew, crew_stations, "crew")
    pax_items, pax_problems = _seat(passengers, seat_stations, "passenger")
    items = [*crew_items, *pax_items]
    problems += pax_problems
    left = bags_weight
    for compartment in compartments:
        if left <= 0:
            break
        load = left if compartment.max_weight is None else min(left, compartment.max_weight)
        if load > 0:
            items.append(LoadItem(compartment.name, load, compartment.arm, "baggage"))
            left -= load
    if left > 0:
        limit = sum((c.max_weight or Decimal(0) for c in compartments), Decimal(0))
        problems.append(
            f"Baggage {bags_weight:,} lb exceeds the baggage compartments' limit {limit:,} lb by {left:,} lb."
        )
    return Placement(tuple(items), tuple(problems))
