"""Expiry and currency dates for crew (docs/rules.md#conventions, #qualifications).

Pure date arithmetic: no Django, no ORM, no clock. Every interval, count and age threshold
comes in as an argument (the ``*Rules`` dataclasses carry the Part 135 defaults), so an
operator's edited rule parameters flow straight through.

Conventions this module guarantees:

- "Within N calendar months" / "end of the Nth month after X" means valid through the
  **last day of month(X) + N**, whatever the day of X (``end_of_month_after``).
- "Preceding N days" is a day count: an event on day E counts for every day D with
  ``E <= D <= E + N days``.
- Every "valid through" date is inclusive: the item is valid on that day and not on the next.
- Events dated after the ``on`` / ``as_of`` date are ignored, so a result for a past date
  never uses later experience.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta

__all__ = [
    "DEFAULT_INSTRUMENT_RECENCY_RULES",
    "DEFAULT_MEDICAL_RULES",
    "DEFAULT_RECENCY_RULES",
    "CheckValidity",
    "Currency",
    "ExperienceEvent",
    "InstrumentRecencyRules",
    "MedicalRules",
    "MedicalValidity",
    "RecencyRules",
    "age_on",
    "check_valid_on",
    "check_validity",
    "end_of_month_after",
    "first_of_month_after",
    "instrument_currency",
    "landing_currency",
    "medical_validity",
]


# --------------------------------------------------------------------------------------
# Calendar months
# --------------------------------------------------------------------------------------


def first_of_month_after(d: date, months: int) -> date:
    """First day of month(d) + ``months`` (``months`` may be negative or zero)."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def end_of_month_after(d: date, months: int) -> date:
    """Last day of month(d) + ``months``: the "end of the Nth calendar month" convention.

    ``end_of_month_after(date(2025, 5, 15), 12) == date(2026, 5, 31)``; the day of ``d``
    never matters, and ``months=0`` gives the last day of d's own month.
    """
    return first_of_month_after(d, months + 1) - timedelta(days=1)


def _month_index(d: date) -> int:
    return d.year * 12 + (d.month - 1)


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on ``on``.

    Someone born on 29 February turns a year older on 1 March in common years, the reading
    that never makes a pilot older (and so never shortens a medical) before their birthday.
    """
    if on < date_of_birth:
        raise ValueError(f"date {on} is before the date of birth {date_of_birth}")
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


# --------------------------------------------------------------------------------------
# Medical certificates, 14 CFR 61.23(d)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MedicalRules:
    """Durations of 61.23(d), in calendar months after the month of the exam."""

    age_threshold: int = 40
    first_class_months_under: int = 12
    first_class_months_over: int = 6
    second_class_months: int = 12
    third_class_months_under: int = 60
    third_class_months_over: int = 24

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} must be >= 0")


DEFAULT_MEDICAL_RULES = MedicalRules()


@dataclass(frozen=True, slots=True)
class MedicalValidity:
    """The last day each privilege class of one medical certificate may be exercised.

    A higher-class certificate keeps serving the lower classes after its own privileges end
    (a first-class exam at 41 gives first-class privileges for 6 months, second-class to the
    12th month and third-class to the 24th). A class the certificate never grants is None.
    """

    medical_class: int
    exam_date: date
    age_at_exam: int
    first_class_until: date | None
    second_class_until: date | None
    third_class_until: date

    def valid_through(self, privilege_class: int) -> date | None:
        """Last day the certificate serves for ``privilege_class`` (1, 2 or 3), or None."""
        if privilege_class == 1:
            return self.first_class_until
        if privilege_class == 2:
            return self.second_class_until
        if privilege_class == 3:
            return self.third_class_until
        raise ValueError(f"medical class must be 1, 2 or 3, got {privilege_class!r}")

    def is_valid(self, privilege_class: int, on: date) -> bool:
        """True when the certificate serves for ``privilege_class`` on day ``on``."""
        until = self.valid_through(privilege_class)
        return until is not None and self.exam_date <= on <= until


def medical_validity(
    medical_class: int,
    exam_date: date,
    date_of_birth: date,
    rules: MedicalRules = DEFAULT_MEDICAL_RULES,
) -> MedicalValidity:
    """Per-privilege end dates of a medical certificate under 61.23(d).

    The age that matters is the age on the exam date (``age_on``): "40 or over" means
    ``age >= rules.age_threshold``. Every end date is the last day of a calendar month.
    """
    if medical_class not in (1, 2, 3):
        raise ValueError(f"medical class must be 1, 2 or 3, got {medical_class!r}")
    age = age_on(date_of_birth, exam_date)
    over = age >= rules.age_threshold
    third = end_of_month_after(
        exam_date, rules.third_class_months_over if over else rules.third_class_months_under
    )
    second = end_of_month_after(exam_date, rules.second_class_months) if medical_class <= 2 else None
    first = None
    if medical_class == 1:
        first = end_of_month_after(
            exam_date, rules.first_class_months_over if over else rules.first_class_months_under
        )
    return MedicalValidity(
        medical_class=medical_class,
        exam_date=exam_date,
        age_at_exam=age,
        first_class_until=first,
        second_class_until=second,
        third_class_until=third,
    )


# --------------------------------------------------------------------------------------
# Recurring checks and training with a grace month (135.293, .297, .299, .343; 135.301(a))
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckValidity:
    """State of one recurring check kind after its completions up to some date.

    ``base_month`` is the first day of the month the last completion is credited to; the
    check is valid through ``valid_through`` (last day of base month + interval), and the
    next completion keeps the base month if it falls between ``window_opens`` and
    ``window_closes`` (the due month plus/minus the grace months).
    """

    base_month: date
    last_completed: date
    interval_months: int
    grace_months: int
    valid_through: date

    @property
    def due_month(self) -> date:
        """First day of the month the next completion is due in."""
        return first_of_month_after(self.base_month, self.interval_months)

    @property
    def window_opens(self) -> date:
        """Earliest day a completion still counts as done in the due month."""
        return first_of_month_after(self.base_month, self.interval_months - self.grace_months)

    @property
    def window_closes(self) -> date:
        """Latest day a completion still counts as done in the due month."""
        return end_of_month_after(self.base_month, self.interval_months + self.grace_months)


def check_validity(
    completions: Iterable[date],
    interval_months: int,
    *,
    grace_months: int = 1,
    as_of: date | None = None,
) -> CheckValidity | None:
    """Base month and valid-through date of a recurring check from its completion dates.

    Completions are taken oldest first (input order does not matter; those after ``as_of``
    are ignored). The first sets the base month to its own month. Each later one, in the
    month before or after the due month (``grace_months`` either side), is credited to
    the due month, which becomes the new base month; outside that window its own month
    becomes the base month. A repeat check in a month before the current base month (only
    possible after an early completion was credited forward) keeps the base month, so
    redoing a check never shortens its validity. None when there is no completion.

    Because a late completion is credited to the earlier due month, the pilot is *not*
    valid between the end of the due month and the day of that late completion: ask
    ``check_valid_on`` (or pass ``as_of``) for a given day.
    """
    if interval_months < 1:
        raise ValueError("interval_months must be >= 1")
    if grace_months < 0:
        raise ValueError("grace_months must be >= 0")
    done = sorted(c for c in completions if as_of is None or c <= as_of)
    if not done:
        return None
    base = _month_index(done[0])
    for completed in done[1:]:
        month = _month_index(completed)
        due = base + interval_months
        # Inside the grace window the due month is kept as the base month; outside it the
        # completion's own month is, but never an earlier one than the current base.
        base = due if due - grace_months <= month <= due + grace_months else max(base, month)
    base_month = _month_start(base)
    return CheckValidity(
        base_month=base_month,
        last_completed=done[-1],
        interval_months=interval_months,
        grace_months=grace_months,
        valid_through=end_of_month_after(base_month, interval_months),
    )


def check_valid_on(
    completions: Iterable[date], interval_months: int, on: date, *, grace_months: int = 1
) -> bool:
    """True when the check, given its completions up to ``on``, is valid on day ``on``."""
    state = check_validity(completions, interval_months, grace_months=grace_months, as_of=on)
    return state is not None and on <= state.valid_through


# --------------------------------------------------------------------------------------
# Recent flight experience, 14 CFR 61.57(a)/(b)/(c) and 135.247
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExperienceEvent:
    """What one pilot logged on one day in one aircraft type (or simulator/FTD for IFR).

    ``takeoffs`` and ``landings`` count all of them, night ones included;
    ``night_takeoffs`` and ``night_landings`` (to a full stop) are those in the 61.57(b)
    night period (1 h after sunset to 1 h before sunrise); the caller decides what was
    night. A record giving only night counts still counts them as takeoffs and landings.
    """

    on: date
    aircraft_type: str
    takeoffs: int = 0
    landings: int = 0
    night_takeoffs: int = 0
    night_landings: int = 0
    approaches: int = 0
    holding: int = 0
    intercepting_tracking: int = 0

    def __post_init__(self) -> None:
        for name in _EVENT_COUNTS:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")


# The counts an event checks (not ``fields()`` per event: a page of crew builds thousands).
_EVENT_COUNTS = tuple(f.name for f in fields(ExperienceEvent)[2:])


@dataclass(frozen=True, slots=True)
class RecencyRules:
    """61.57(a)/(b) and 135.247(a): takeoffs and landings within the preceding N days."""

    takeoffs: int = 3
    landings: int = 3
    days: int = 90

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} must be >= 0")


@dataclass(frozen=True, slots=True)
class InstrumentRecencyRules:
    """61.57(c): instrument tasks within N calendar months before the month of the flight."""

    approaches: int = 6
    holding: int = 1
    intercepting_tracking: int = 1
    months: int = 6

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} must be >= 0")


DEFAULT_RECENCY_RULES = RecencyRules()
DEFAULT_INSTRUMENT_RECENCY_RULES = InstrumentRecencyRules()


@dataclass(frozen=True, slots=True)
class Currency:
    """Whether a pilot is current on a day, and until when (with no further experience).

    ``valid_through`` is the last current day: it can lie before the asked-for day when
    currency has already lapsed, and is None when the counts were never met.
    """

    current: bool
    valid_through: date | None

    @property
    def lapses_on(self) -> date | None:
        """First day on which the pilot is no longer current."""
        return None if self.valid_through is None else self.valid_through + timedelta(days=1)


def _date_count_reached(events: list[tuple[date, int]], needed: int) -> date | None:
    """Newest date at which the newest-first running total reaches ``needed``."""
    if needed <= 0:
        return date.max
    total = 0
    for day, count in sorted(events, key=lambda item: item[0], reverse=True):
        total += count
        if total >= needed:
            return day
    return None


def landing_currency(
    events: Iterable[ExperienceEvent],
    aircraft_type: str,
    on: date,
    *,
    night: bool = False,
    rules: RecencyRules = DEFAULT_RECENCY_RULES,
) -> Currency:
    """Takeoff/landing currency in ``aircraft_type`` on day ``on`` (61.57(a), or (b) if ``night``).

    The pilot is current through ``E + rules.days`` where E is the oldest day still needed
    to make up both ``rules.takeoffs`` and ``rules.landings`` counting back from ``on``.
    Only events of the same type dated on or before ``on`` count. Night takeoffs and
    landings count for day currency too (135.247(a)(2): meeting the night requirement
    meets the day one), so an event counts at least its night figures by day.
    """
    relevant = [e for e in events if e.aircraft_type == aircraft_type and e.on <= on]
    if night:
        takeoffs = [(e.on, e.night_takeoffs) for e in relevant]
        landings = [(e.on, e.night_landings) for e in relevant]
    else:
        takeoffs = [(e.on, max(e.takeoffs, e.night_takeoffs)) for e in relevant]
        landings = [(e.on, max(e.landings, e.night_landings)) for e in relevant]
    reached = [
        _date_count_reached(takeoffs, rules.takeoffs),
        _date_count_reached(landings, rules.landings),
    ]
    if any(day is None for day in reached):
        return Currency(current=False, valid_through=None)
    oldest = min(day for day in reached if day is not None)
    if oldest == date.max:  # nothing required: current on the day asked, no end known
        return Currency(current=True, valid_through=on)
    through = oldest + timedelta(days=rules.days)
    return Currency(current=on <= through, valid_through=through)


def instrument_currency(
    events: Iterable[ExperienceEvent],
    on: date,
    *,
    rules: InstrumentRecencyRules = DEFAULT_INSTRUMENT_RECENCY_RULES,
) -> Currency:
    """61.57(c) instrument currency on day ``on``, over events of every aircraft type.

    Tasks logged in month M count for flights up to the end of month M + ``rules.months``
    (the 6 calendar months before the month of the flight, plus earlier days of that
    month). The caller filters events by category if it keeps several.
    """
    relevant = [e for e in events if e.on <= on]
    reached = [
        _date_count_reached([(e.on, e.approaches) for e in relevant], rules.approaches),
        _date_count_reached([(e.on, e.holding) for e in relevant], rules.holding),
        _date_count_reached([(e.on, e.intercepting_tracking) for e in relevant], rules.intercepting_tracking),
    ]
    if any(day is None for day in reached):
        return Currency(current=False, valid_through=None)
    oldest = min(day for day in reached if day is not None)
    if oldest == date.max:
        return Currency(current=True, valid_through=on)
    through = end_of_month_after(oldest, rules.months)
    return Currency(current=on <= through, valid_through=through)
