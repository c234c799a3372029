"""Time arithmetic and the sorted roster index the legality rules query.

Instants are integers: microseconds since the Unix epoch (UTC). Integer arithmetic keeps
every sum and comparison exact, so a limit of exactly 500 h is met by exactly 500 h of
flying, whatever the order the legs were added in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from crew.legality.model import Duty, FlightEvent

HOUR_US = 3_600_000_000
MINUTE_US = 60_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_FAR = 2**62  # later than any instant, for bisecting (instant, ...) tuples

Quarter = tuple[int, int]
"""(year, quarter 1-4) in the operator's calendar time zone."""
Block = tuple[int, int]
"""A stretch of duty ``[start, end)``; blocks in a list are sorted and disjoint."""
Flown = tuple[int, int, bool]
"""(off block, on block, one-pilot crew) of a leg: all flying counts toward flight time."""


def to_us(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (value - _EPOCH) // _ONE_US


def from_us(value: int) -> datetime:
    """The UTC datetime of an instant in microseconds."""
    return _EPOCH + timedelta(microseconds=value)


def hours_us(hours: float) -> int:
    """Decimal hours as whole microseconds."""
    return round(hours * HOUR_US)


def us_hours(value: int) -> float:
    """Microseconds as decimal hours, rounded to 1/10,000 h for display and storage."""
    return round(value / HOUR_US, 4)


def iso(value: int) -> str:
    return from_us(value).isoformat()


def quarter_of(instant: int, tz: tzinfo) -> Quarter:
    local = from_us(instant).astimezone(tz)
    return local.year, (local.month - 1) // 3 + 1


def next_quarter(q: Quarter) -> Quarter:
    return (q[0], q[1] + 1) if q[1] < 4 else (q[0] + 1, 1)


def previous_quarter(q: Quarter) -> Quarter:
    return (q[0], q[1] - 1) if q[1] > 1 else (q[0] - 1, 4)


def quarter_label(q: Quarter) -> str:
    return f"{q[0]}-Q{q[1]}"


@lru_cache(maxsize=4096)
def quarter_bounds(q: Quarter, tz: tzinfo) -> Block:
    """``[start, end)`` of a calendar quarter in ``tz``, as instants."""
    nxt = next_quarter(q)
    start = datetime(q[0], 3 * q[1] - 2, 1, tzinfo=tz)
    end = datetime(nxt[0], 3 * nxt[1] - 2, 1, tzinfo=tz)
    return to_us(start), to_us(end)


def split_by_quarter(start: int, end: int, tz: tzinfo) -> Iterator[tuple[Quarter, int]]:
    """The length of ``[start, end)`` falling in each calendar quarter it touches."""
    while start < end:
        q = quarter_of(start, tz)
        q_end = quarter_bounds(q, tz)[1]
        part_end = min(end, q_end)
        yield q, part_end - start
        start = part_end


def merge_in(blocks: list[Block], start: int, end: int) -> tuple[list[Block], int]:
    """``blocks`` with ``[start, end)`` added, merging what overlaps or touches it.

    Returns the new sorted, disjoint list and the position of the block holding the
    added interval.
    """
    out: list[Block] = []
    position = -1
    for b_start, b_end in blocks:
        if b_end < start:
            out.append((b_start, b_end))
        elif b_start > end:
            if position < 0:
                position = len(out)
                out.append((start, end))
            out.append((b_start, b_end))
        else:
            start, end = min(start, b_start), max(end, b_end)
    if position < 0:
        position = len(out)
        out.append((start, end))
    return out, position


def _merge_sorted(intervals: list[Block]) -> list[Block]:
    merged: list[Block] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def longest_free(blocks: list[Block], lo: int, hi: int) -> int:
    """Longest stretch inside ``[lo, hi]`` free of the sorted, disjoint ``blocks``."""
    best, cursor = 0, lo
    for start, end in blocks:
        if start > cursor:
            best = max(best, min(start, hi) - cursor)
        cursor = max(cursor, end)
        if cursor >= hi:
            return best
    return max(best, hi - cursor)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed duty in instants: its span, its legs (all of them, and the revenue ones
    that are flight assignments), its overrun, and for 135.273 the fewest flight
    attendants above the minimum complement on any of its flights (0 without flights) and
    whether a flight leaves the 48 contiguous States."""

    start: int
    end: int
    flights: tuple[Flown, ...]
    revenue: tuple[Flown, ...]
    overrun_minutes: float
    extra_attendants: int = 0
    beyond_contiguous_us: bool = False

    @classmethod
    def of(cls, duty: Duty) -> Proposal:
        return cls(
            start=to_us(duty.start),
            end=to_us(duty.end),
            flights=_flown(duty.flights),
            revenue=_flown(duty.revenue_flights),
            overrun_minutes=duty.overrun_minutes,
            extra_attendants=max(
                0, min((f.attendants - f.required_attendants for f in duty.flights), default=0)
            ),
            beyond_contiguous_us=any(f.beyond_contiguous_us for f in duty.flights),
        )

    def free_within(self, index: RosterIndex, lo: int, hi: int) -> int:
        """Longest stretch free of all duty (roster and this proposal) inside ``[lo, hi]``."""
        blocks = index.blocks_between(lo, hi)
        if self.start <= hi and self.end >= lo:
            blocks, _ = merge_in(blocks, self.start, self.end)
        return longest_free(blocks, lo, hi)


def _flown(flights: Iterable[FlightEvent]) -> tuple[Flown, ...]:
    return tuple(sorted((to_us(f.off_block), to_us(f.on_block), not f.two_pilot) for f in flights))


class RosterIndex:
    """One crew member's duties, sorted and merged for fast repeated ``evaluate`` calls.

    Holds every duty period, the union of duty time as disjoint blocks, every leg sorted
    by off-block, the revenue legs (flight assignments) sorted by on-block, flight time per
    calendar quarter (in ``calendar_tz``), the ends of duties holding revenue legs and the
    overrun duties. Building costs O(n log n); ``add`` costs O(n) list insertion (memmove)
    with O(log n) search; every query is a bisection plus the items it returns. The index
    never depends on the order duties were given in.
    """

    __slots__ = (
        "_block_ends",
        "_block_starts",
        "_duties",
        "_flight_duty_ends",
        "_flight_offs",
        "_flight_ons",
        "_flight_one_pilot",
        "_max_duty",
        "_max_flight",
        "_overruns",
        "_quarters",
        "_revenue",
        "_size",
        "calendar_tz",
    )

    def __init__(self, duties: Iterable[Duty] = (), *, calendar_tz: tzinfo = UTC) -> None:
        self.calendar_tz = calendar_tz
        duties = list(duties)
        self._size = len(duties)
        self._duties = sorted((to_us(d.start), to_us(d.end)) for d in duties)
        self._max_duty = max((end - start for start, end in self._duties), default=0)
        blocks = _merge_sorted(self._duties)
        self._block_starts = [b[0] for b in blocks]
        self._block_ends = [b[1] for b in blocks]
        flights = sorted(f for d in duties for f in _flown(d.flights))
        self._flight_offs = [f[0] for f in flights]
        self._flight_ons = [f[1] for f in flights]
        self._flight_one_pilot = [f[2] for f in flights]
        self._max_flight = max((f[1] - f[0] for f in flights), default=0)
        self._quarters: dict[Quarter, int] = {}
        for off, on, _ in flights:
            self._add_quarters(off, on)
        self._revenue = sorted((on, off, one) for d in duties for off, on, one in _flown(d.revenue_flights))
        self._flight_duty_ends = sorted(to_us(d.end) for d in duties if d.revenue_flights)
        self._overruns = sorted((to_us(d.end), d.overrun_minutes) for d in duties if d.overrun_minutes > 0)

    def __len__(self) -> int:
        return self._size

    def _add_quarters(self, off: int, on: int) -> None:
        for q, length in split_by_quarter(off, on, self.calendar_tz):
            self._quarters[q] = self._quarters.get(q, 0) + length

    def add(self, duty: Duty) -> None:
        """Add one duty in place (e.g. once an assignment is accepted)."""
        start, end = to_us(duty.start), to_us(duty.end)
        insort(self._duties, (start, end))
        self._max_duty = max(self._max_duty, end - start)
        first = bisect_left(self._block_ends, start)
        stop = bisect_right(self._block_starts, end)
        if first < stop:
            start = min(start, self._block_starts[first])
            end = max(end, self._block_ends[stop - 1])
        self._block_starts[first:stop] = [start]
        self._block_ends[first:stop] = [end]
        for off, on, one_pilot in _flown(duty.flights):
            at = bisect_right(self._flight_offs, off)
            self._flight_offs.insert(at, off)
            self._flight_ons.insert(at, on)
            self._flight_one_pilot.insert(at, one_pilot)
            self._max_flight = max(self._max_flight, on - off)
            self._add_quarters(off, on)
        for off, on, one_pilot in _flown(duty.revenue_flights):
            insort(self._revenue, (on, off, one_pilot))
        if duty.revenue_flights:
            insort(self._flight_duty_ends, to_us(duty.end))
        if duty.overrun_minutes > 0:
            insort(self._overruns, (to_us(duty.end), duty.overrun_minutes))
        self._size += 1

    # -- queries ----------------------------------------------------------------------

    def blocks_between(self, lo: int, hi: int) -> list[Block]:
        """Duty blocks meeting the closed range ``[lo, hi]``."""
        first = bisect_left(self._block_ends, lo)
        stop = bisect_right(self._block_starts, hi)
        return list(zip(self._block_starts[first:stop], self._block_ends[first:stop], strict=True))

    def duties_overlapping(self, start: int, end: int) -> list[Block]:
        """Individual duty periods sharing a positive length with ``[start, end)``."""
        # No duty is longer than _max_duty, so none starting earlier can reach start.
        first = bisect_left(self._duties, (start - self._max_duty, -1))
        stop = bisect_left(self._duties, (end, -1))
        return [d for d in self._duties[first:stop] if d[1] > start]

    def duties_starting_between(self, lo: int, hi: int, *, after: Block, at_least: int) -> list[Block]:
        """Individual duty periods (not merged) starting within ``[lo, hi]``, extended to
        hold at least ``at_least`` duties sorting after ``after``."""
        first = bisect_left(self._duties, (lo, -1))
        stop = max(bisect_right(self._duties, (hi, _FAR)), bisect_right(self._duties, after) + at_least)
        return self._duties[first : min(stop, len(self._duties))]

    @property
    def longest_duty(self) -> int:
        return self._max_duty

    def last_duty_end(self) -> int | None:
        return self._block_ends[-1] if self._block_ends else None

    def flights_between(self, lo: int, hi: int) -> list[Flown]:
        """Legs overlapping ``[lo, hi)`` by a positive length."""
        # No leg is longer than _max_flight, so none starting earlier can reach lo.
        first = bisect_left(self._flight_offs, lo - self._max_flight)
        stop = bisect_left(self._flight_offs, hi)
        return [
            (self._flight_offs[i], self._flight_ons[i], self._flight_one_pilot[i])
            for i in range(first, stop)
            if self._flight_ons[i] > lo
        ]

    def revenue_ending_between(self, lo: int, hi: int) -> list[Flown]:
        """Revenue legs whose on-block lies within ``(lo, hi)``."""
        first = bisect_right(self._revenue, (lo, _FAR, True))
        stop = bisect_left(self._revenue, (hi, -1, False))
        return [(off, on, one) for on, off, one in self._revenue[first:stop]]

    def quarter_flight_time(self, q: Quarter) -> int:
        return self._quarters.get(q, 0)

    def flight_duty_ends_between(self, lo: int, hi: int) -> list[int]:
        """Ends of duties holding revenue legs, within ``(lo, hi]``."""
        return self._flight_duty_ends[
            bisect_right(self._flight_duty_ends, lo) : bisect_right(self._flight_duty_ends, hi)
        ]

    def overruns_ending_between(self, lo: int, hi: int) -> list[tuple[int, float]]:
        """(end, overrun minutes) of overrun duties ending within ``(lo, hi)``."""
        first = bisect_right(self._overruns, (lo, float("inf")))
        stop = bisect_left(self._overruns, (hi, float("-inf")))
        return self._overruns[first:stop]
