"""Weight and balance: pure rules over plain data (docs/rules.md#weight-and-balance).

moment = weight × arm; CG = Σ moment ÷ Σ weight. Three conditions are checked: zero fuel
(everything but fuel) against MZFW, take-off (zero fuel + take-off fuel) against MTOW, and
landing (take-off − trip fuel) against MLW; the CG of take-off and landing (and of zero fuel,
which is where an aft-loaded cabin usually bites) must lie inside the envelope polygon of
(arm, weight) points, its boundary included. Weights are pounds, arms inches aft of the datum.
No Django, no ORM, no clock: the same inputs always give the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE_DP = Decimal("0.1")
TWO_DP = Decimal("0.01")

Point = tuple[Decimal, Decimal]
"""A vertex of the envelope: (arm in inches, weight in pounds)."""


@dataclass(frozen=True)
class LoadItem:
    """One mass at one arm: the empty aircraft, a person in a seat, bags, fuel."""

    name: str
    weight: Decimal
    arm: Decimal
    kind: str = "payload"

    @property
    def moment(self) -> Decimal:
        return self.weight * self.arm


@dataclass(frozen=True)
class Limits:
    """The certificated weights (any may be unknown: that check is then not made) and the CG
    envelope, a simple polygon of at least three (arm, weight) vertices in either winding."""

    mtow: Decimal | None
    mlw: Decimal | None
    mzfw: Decimal | None
    envelope: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A loading condition: its total weight, moment and CG."""

    name: str
    weight: Decimal
    moment: Decimal

    @property
    def cg(self) -> Decimal:
        return (self.moment / self.weight).quantize(TWO_DP, ROUND_HALF_UP) if self.weight else ZERO


@dataclass(frozen=True)
class Check:
    """One rule's verdict: what it compared and ``ok`` / ``block``."""

    rule: str
    condition: str
    status: str
    message: str
    value: Decimal
    limit: Decimal | None = None


@dataclass(frozen=True)
class Result:
    zero_fuel: Condition
    takeoff: Condition
    landing: Condition
    items: tuple[LoadItem, ...]
    checks: tuple[Check, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(c.status != "block" for c in self.checks)

    @property
    def blocks(self) -> list[Check]:
        return [c for c in self.checks if c.status == "block"]


def _on_segment(x: Decimal, y: Decimal, a: Point, b: Point) -> bool:
    (x1, y1), (x2, y2) = a, b
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    return cross == 0 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2)


def point_in_polygon(x: Decimal, y: Decimal, polygon: Sequence[Point]) -> bool:
    """Is (x, y) inside ``polygon`` or on its boundary? Exact in ``Decimal`` arithmetic: a point
    on an edge or a vertex is inside (an envelope's limits are allowed values), otherwise the
    even-odd ray test decides. A polygon of fewer than three vertices contains nothing."""
    if len(polygon) < 3:
        return False
    n = len(polygon)
    for i in range(n):
        if _on_segment(x, y, polygon[i], polygon[(i + 1) % n]):
            return True
    inside = False
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


def interpolate_arm(table: Sequence[tuple[Decimal, Decimal]], quantity: Decimal) -> Decimal:
    """The arm of ``quantity`` pounds of fuel from a table of (pounds, arm) points, linear
    between points and held flat beyond the ends (a tank's arm moves as it fills)."""
    if not table:
        raise ValueError("a fuel arm table needs at least one point")
    points = sorted(table)
    if quantity <= points[0][0]:
        return points[0][1]
    for (q1, a1), (q2, a2) in zip(points, points[1:], strict=False):
        if q1 <= quantity <= q2:
            return a1 if q2 == q1 else a1 + (a2 - a1) * (quantity - q1) / (q2 - q1)
    return points[-1][1]


def _total(name: str, items: Sequence[LoadItem]) -> Condition:
    return Condition(name, sum((i.weight for i in items), ZERO), sum((i.moment for i in items), ZERO))


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('1'), ROUND_HALF_UP):,} lb"


def _weight_check(rule: str, condition: Condition, limit: Decimal | None, label: str) -> Check | None:
    if limit is None:
        return None
    weight = condition.weight.quantize(ONE_DP, ROUND_HALF_UP)
    if condition.weight > limit:
        return Check(
            rule,
            condition.name,
            "block",
            f"{label} weight {_fmt(condition.weight)} exceeds {rule} {_fmt(limit)} "
            f"by {_fmt(condition.weight - limit)}.",
            weight,
            limit,
        )
    return Check(
        rule,
        condition.name,
        "ok",
        f"{label} weight {_fmt(condition.weight)} ≤ {rule} {_fmt(limit)}.",
        weight,
        limit,
    )


def _side(cg: Decimal, weight: Decimal, envelope: Sequence[Point]) -> str:
    """Which limit a point outside the envelope breaks: above its top or below its bottom
    weight, else ahead of or behind the envelope's arms at that weight."""
    weights = [w for _, w in envelope]
    if weight > max(weights):
        return " (above its maximum weight)"
    if weight < min(weights):
        return " (below its minimum weight)"
    crossings = []
    n = len(envelope)
    for i in range(n):
        (x1, y1), (x2, y2) = envelope[i], envelope[(i + 1) % n]
        if min(y1, y2) <= weight <= max(y1, y2) and y1 != y2:
            crossings.append(x1 + (weight - y1) * (x2 - x1) / (y2 - y1))
    if crossings and cg < min(crossings):
        return " (forward limit)"
    return " (aft limit)" if crossings and cg > max(crossings) else ""


def _envelope_check(condition: Condition, label: str, envelope: Sequence[Point]) -> Check | None:
    if not envelope:
        return None
    cg = condition.moment / condition.weight if condition.weight else ZERO
    inside = point_in_polygon(cg, condition.weight, envelope)
    shown = cg.quantize(TWO_DP, ROUND_HALF_UP)
    where = ""
    if not inside:
        where = _side(cg, condition.weight, envelope)
    message = (
        f"{label} CG {shown} in at {_fmt(condition.weight)} is inside the CG envelope."
        if inside
        else f"{label} CG {shown} in at {_fmt(condition.weight)} is outside the CG envelope{where}."
    )
    return Check("CG envelope", condition.name, "ok" if inside else "block", message, shown)


def evaluate(
    *,
    empty: LoadItem,
    payload: Sequence[LoadItem],
    takeoff_fuel: Decimal,
    trip_fuel: Decimal,
    fuel_arms: Sequence[tuple[Decimal, Decimal]],
    limits: Limits,
) -> Result:
    """Weigh and balance one leg.

    ``empty`` is the basic empty weight at its arm (from the weighing record); ``payload`` the
    crew, passengers and bags at their stations; ``takeoff_fuel`` the fuel on board at brake
    release and ``trip_fuel`` what the leg burns, each placed at the arm the fuel table gives
    for that quantity. Checks: zero-fuel weight ≤ MZFW, take-off ≤ MTOW, landing ≤ MLW, and the
    CG of each condition inside the envelope. Each check names its limit and the numbers.
    """
    if takeoff_fuel < 0 or trip_fuel < 0 or trip_fuel > takeoff_fuel:
        raise ValueError("fuel quantities must satisfy 0 <= trip fuel <= take-off fuel")
    zero_items = (empty, *payload)
    zero_fuel = _total("zero_fuel", zero_items)
    landing_fuel = takeoff_fuel - trip_fuel
    takeoff_fuel_item = LoadItem(
        "Fuel at take-off",
        takeoff_fuel,
        interpolate_arm(fuel_arms, takeoff_fuel) if takeoff_fuel else ZERO,
        "fuel",
    )
    landing_fuel_item = LoadItem(
        "Fuel at landing",
        landing_fuel,
        interpolate_arm(fuel_arms, landing_fuel) if landing_fuel else ZERO,
        "fuel",
    )
    takeoff = Condition(
        "takeoff", zero_fuel.weight + takeoff_fuel_item.weight, zero_fuel.moment + takeoff_fuel_item.moment
    )
    landing = Condition(
        "landing", zero_fuel.weight + landing_fuel_item.weight, zero_fuel.moment + landing_fuel_item.moment
    )
    checks = [
        _weight_check("MZFW", zero_fuel, limits.mzfw, "Zero-fuel"),
        _envelope_check(zero_fuel, "Zero-fuel", limits.envelope),
        _weight_check("MTOW", takeoff, limits.mtow, "Take-off"),
        _envelope_check(takeoff, "Take-off", limits.envelope),
        _weight_check("MLW", landing, limits.mlw, "Landing"),
        _envelope_check(landing, "Landing", limits.envelope),
    ]
    return Result(
        zero_fuel=zero_fuel,
        takeoff=takeoff,
        landing=landing,
        items=(*zero_items, takeoff_fuel_item),
        checks=tuple(c for c in checks if c is not None),
    )
