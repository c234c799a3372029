"""When maintenance falls due: the pure rules (docs/rules.md#maintenance).

No Django, no ORM, no clock: every date, time and rate is a parameter. ``maintenance.selectors``
turns rows into these values and back.

- A task has one or more limits (hours, cycles, calendar days, calendar months) from the
  point it was last done; by default it falls due at the first limit reached, or with
  ``whichever_later`` only once every limit is reached.
- Calendar months end at the end of a month (91.409(a): "within the preceding 12 calendar
  months"): done on 15 March 2026, a 12-month task is due by 31 March 2027.
- Calendar days: done on day D with a 30-day limit, the task may be flown through D + 30.
- Tolerance (91.409(b)'s 10 hours): done after its due point but within the tolerance, the
  next interval counts from the due point, not from when it was done, so the overfly counts
  toward the next interval. Done early, or later than the tolerance, it counts from when done.
- A limit is *overdue* once passed (hours or cycles above the due point, a date after the
  due date), *due soon* within its warning margin (the due point itself included).
- The forecast date of a limit is the earlier of the date the scheduled flights reach it and
  the date the average daily utilisation reaches it; the item's forecast is the earliest of
  its limits' (the latest with ``whichever_later``).
- MEL deferrals: category B 3, C 10, D 120 consecutive calendar days, A the interval in the
  MEL remarks; the day of discovery does not count, so the item may be flown through
  discovery + N days.
"""

from __future__ import annotations

import calendar
import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

_T = TypeVar("_T", Decimal, int, date)

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"
_BY_SEVERITY = (OK, DUE_SOON, OVERDUE)

FORECAST_HORIZON_DAYS = 36525
"""A projection further than a century away is no forecast (a near-idle aircraft)."""

MEL_DAYS = {"B": 3, "C": 10, "D": 120}
"""Consecutive calendar days of a deferral per MEL category, the day of discovery excluded."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interval:
    """A task's limits (None: not limited that way), tolerances and warning margins."""

    hours: Decimal | None = None
    cycles: int | None = None
    days: int | None = None
    months: int | None = None
    tolerance_hours: Decimal = Decimal("0")
    tolerance_cycles: int = 0
    tolerance_days: int = 0
    warn_hours: Decimal = Decimal("0")
    warn_cycles: int = 0
    warn_days: int = 0
    whichever_later: bool = False

    @property
    def limited(self) -> bool:
        return any(v is not None for v in (self.hours, self.cycles, self.days, self.months))


@dataclass(frozen=True, slots=True)
class Point:
    """An aircraft's times on a day: when a task was done, or today."""

    on: date
    hours: Decimal
    cycles: int


class DuePoint(NamedTuple):
    """Where each limit of a task falls due: the last hours, cycles and day it may be flown.
    (Named tuples: the due list builds one per tracked item, thousands per aircraft.)"""

    hours: Decimal | None = None
    cycles: int | None = None
    on: date | None = None


def add_calendar_months(day: date, months: int) -> date:
    """The last day of the month ``months`` after ``day``'s (15 Mar 2026 + 12 → 31 Mar 2027)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _base(done: _T, previous: _T | None, tolerance: Any) -> _T:
    """Where the next interval counts from: the previous due point when the task was done
    after it but within the tolerance (the overfly counts toward the next interval), else
    when it was done."""
    if previous is not None and previous < done <= previous + tolerance:
        return previous
    return done


def next_due(interval: Interval, done: Point, previous: DuePoint | None = None) -> DuePoint:
    """The due point of a task last done at ``done`` whose due point then was ``previous``
    (None: first time, or unknown)."""
    previous = previous or DuePoint()
    hours = cycles = on = None
    if interval.hours is not None:
        hours = _base(done.hours, previous.hours, interval.tolerance_hours) + interval.hours
    if interval.cycles is not None:
        cycles = _base(done.cycles, previous.cycles, interval.tolerance_cycles) + interval.cycles
    dates: list[date] = []
    base_day = _base(done.on, previous.on, timedelta(days=interval.tolerance_days))
    if interval.days is not None:
        dates.append(base_day + timedelta(days=interval.days))
    if interval.months is not None:
        dates.append(add_calendar_months(base_day, interval.months))
    if dates:
        on = max(dates) if interval.whichever_later else min(dates)
    return DuePoint(hours=hours, cycles=cycles, on=on)


@dataclass(frozen=True, slots=True)
class Outlook:
    """An aircraft's expected use: today, its times now, its average daily utilisation, and
    its scheduled flights as running totals (day of each flight, hours and cycles flown by
    the end of it, from now), ordered by day."""

    today: date
    hours: Decimal
    cycles: int
    hours_per_day: float = 0.0
    cycles_per_day: float = 0.0
    flight_days: Sequence[date] = ()
    cumulative_hours: Sequence[float] = ()
    cumulative_cycles: Sequence[float] = ()


class Evaluation(NamedTuple):
    """A tracked item's state today: status, what remains of each limit, its forecast date."""

    status: str
    remaining_hours: Decimal | None
    remaining_cycles: int | None
    remaining_days: int | None
    forecast: date | None


def _reached_on(remaining: float, rate: float, scheduled: Sequence[float], outlook: Outlook) -> date | None:
    """The day the aircraft uses up ``remaining`` (hours or cycles): the earlier of the
    scheduled flight that reaches it and the projection of the average utilisation."""
    if remaining <= 0:
        return outlook.today
    found: date | None = None
    index = bisect_left(scheduled, remaining)
    if index < len(scheduled):
        found = outlook.flight_days[index]
    if rate > 0 and remaining / rate <= FORECAST_HORIZON_DAYS:
        projected = outlook.today + timedelta(days=math.ceil(remaining / rate))
        found = projected if found is None else min(found, projected)
    return found


def evaluate(interval: Interval, due: DuePoint, outlook: Outlook) -> Evaluation:
    """Status, remaining and forecast of a task whose due point is ``due``, as of ``outlook``.

    Each limit gets a severity (0 ok, 1 due soon, 2 overdue) and a forecast date; whichever
    first takes the most severe and the earliest, whichever later the least severe and the
    latest (no forecast if one of its limits has none)."""
    later = interval.whichever_later
    severity = 2 if later else 0
    limits = 0
    forecasts: list[date | None] = []
    remaining_hours = remaining_cycles = remaining_days = None
    d_hours, d_cycles, d_on = due
    if d_hours is not None:
        remaining_hours = d_hours - outlook.hours
        left = float(remaining_hours)
        level = 2 if left < 0 else (1 if left <= interval.warn_hours else 0)
        severity = min(severity, level) if later else max(severity, level)
        limits += 1
        forecasts.append(_reached_on(left, outlook.hours_per_day, outlook.cumulative_hours, outlook))
    if d_cycles is not None:
        remaining_cycles = d_cycles - outlook.cycles
        level = 2 if remaining_cycles < 0 else (1 if remaining_cycles <= interval.warn_cycles else 0)
        severity = min(severity, level) if later else max(severity, level)
        limits += 1
        forecasts.append(
            _reached_on(remaining_cycles, outlook.cycles_per_day, outlook.cumulative_cycles, outlook)
        )
    if d_on is not None:
        remaining_days = (d_on - outlook.today).days
        level = 2 if remaining_days < 0 else (1 if remaining_days <= interval.warn_days else 0)
        severity = min(severity, level) if later else max(severity, level)
        limits += 1
        forecasts.append(d_on)
    if not limits:
        return Evaluation(OK, None, None, None, None)
    if later:
        forecast = None if None in forecasts else max(forecasts)  # type: ignore[type-var]
    else:
        known = [f for f in forecasts if f is not None]
        forecast = min(known) if known else None
    return Evaluation(_BY_SEVERITY[severity], remaining_hours, remaining_cycles, remaining_days, forecast)


def exceeded_by(interval: Interval, due: DuePoint, hours: Decimal, cycles: int, on: date) -> bool:
    """Would flying to ``hours``/``cycles`` on day ``on`` pass the task's due point? (The due
    point itself may be reached: a 100-hour inspection due at 1,200.0 h allows 1,200.0 h.)"""
    passed = []
    if due.hours is not None:
        passed.append(hours > due.hours)
    if due.cycles is not None:
        passed.append(cycles > due.cycles)
    if due.on is not None:
        passed.append(on > due.on)
    if not passed:
        return False
    return all(passed) if interval.whichever_later else any(passed)


def mel_expiry(category: str, discovered_on: date, interval_days: int | None = None) -> date:
    """The last day a deferred item may be flown: discovery + N consecutive calendar days, the
    day of discovery excluded (category A takes N from the MEL remarks, ``interval_days``)."""
    if category == "A":
        if interval_days is None or interval_days < 1:
            raise ValueError("A category A deferral needs the interval from the MEL remarks.")
        days = interval_days
    else:
        days = MEL_DAYS[category]
    return discovered_on + timedelta(days=days)
