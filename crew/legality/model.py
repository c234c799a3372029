"""Plain data of the legality engine: rule parameters, duties, flights, qualifications, results.

Every number of the rules (docs/rules.md) is a ``Rules`` field with its Part 135 default, so an operator's
edited parameters (or another regime's) are passed in, never patched in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, tzinfo
from typing import Literal

from crew.expiries import InstrumentRecencyRules, MedicalRules, MedicalValidity, RecencyRules

Status = Literal["ok", "warn", "block"]
Seat = Literal["PIC", "SIC", "FA"]
PilotRole = Literal["PIC", "SIC"]
DutyKind = Literal["flight", "positioning", "standby", "training", "office", "other_commercial"]
Value = float | int | str | bool | None

DUTY_KINDS: frozenset[str] = frozenset(
    {"flight", "positioning", "standby", "training", "office", "other_commercial"}
)
FLYING_DUTY_KINDS: frozenset[str] = frozenset({"flight", "training", "other_commercial"})
"""Duty kinds that may hold flights the crew member operates. A ``positioning`` duty is
deadhead transport (not flight time, and not rest either: 135.263(c)). Every flight of these
duties is commercial flying for 135.267: revenue legs, ferry legs, training and flying for
others alike."""

# Rule names, exactly as results carry them.
RULE_OVERLAP = "JetOps: no overlapping duty"
RULE_QUARTER = "14 CFR 135.267(a)(1)"
RULE_TWO_QUARTERS = "14 CFR 135.267(a)(2)"
RULE_YEAR = "14 CFR 135.267(a)(3)"
RULE_24H_ONE_PILOT = "14 CFR 135.267(b)(1)"
RULE_24H_TWO_PILOTS = "14 CFR 135.267(b)(2)"
RULE_REGULAR_DUTY = "14 CFR 135.267(c)"
RULE_LOOKBACK = "14 CFR 135.267(d)"
RULE_OVERRUN = "14 CFR 135.267(e)"
RULE_QUARTER_RESTS = "14 CFR 135.267(f)"
RULE_REQUIRED_REST = "14 CFR 135.263(b)"
RULE_MEDICAL = "14 CFR 61.23(d)"
RULE_TYPE_RATING_PIC = "14 CFR 61.31(a)"
RULE_TYPE_RATING_SIC = "14 CFR 61.55(a)"
RULE_COMPETENCY = "14 CFR 135.293"
RULE_INSTRUMENT_CHECK = "14 CFR 135.297"
RULE_LINE_CHECK = "14 CFR 135.299"
RULE_TRAINING = "14 CFR 135.343"
RULE_RECENCY = "14 CFR 135.247(a)(1)"
RULE_NIGHT_RECENCY = "14 CFR 61.57(b)"
RULE_INSTRUMENT_RECENCY = "14 CFR 61.57(c)"
RULE_SIC_INSTRUMENT_RECENCY = "14 CFR 135.245(a)"
RULE_FA_DUTY = "14 CFR 135.273(b)(1)"
RULE_FA_DUTY_ONE_EXTRA = "14 CFR 135.273(b)(4)"
RULE_FA_DUTY_TWO_EXTRA = "14 CFR 135.273(b)(5)"
RULE_FA_DUTY_THREE_EXTRA = "14 CFR 135.273(b)(6)"
RULE_FA_REST = "14 CFR 135.273(b)(2)"
RULE_FA_REST_REDUCED = "14 CFR 135.273(b)(3)"
RULE_FA_LONG_REST = "14 CFR 135.273(b)(7)"
RULE_FA_LONG_REST_REDUCED = "14 CFR 135.273(b)(8)"
RULE_FA_DAY_OFF = "14 CFR 135.273(b)(13)"

# Keys of ``Qualifications.checks``.
CHECK_COMPETENCY = "135.293"
CHECK_INSTRUMENT = "135.297"
CHECK_LINE = "135.299"
CHECK_TRAINING = "135.343"


@dataclass(frozen=True, slots=True)
class Rules:
    """Rule parameters (defaults: US Part 135 unscheduled operations; docs/rules.md).

    Hours are decimal hours, months calendar months, days day counts. ``calendar_tz`` places
    calendar quarters, years, calendar days and the dates compared with expiry dates
    (operator setting, default UTC).

    Settings the regulation text leaves open, with the default chosen here:

    - ``fa_*``: the compensating rests (10 h, or 14 h after a long duty, starting within
      24 h) follow the 135.273(b)(3)/(b)(8) text.
    - ``fa_minimum_complement``: the minimum flight attendant complement counted for a flight
      that carries attendants, when 135.107 (``fa_required_above_seats``) requires fewer:
      one, so a lone attendant is never "in addition to the minimum" (135.273(b)(4)-(6)).
      Set it to 0 for the reading where an attendant on a small aircraft is an extra one.
    - ``fa_day_off_sliding``: 135.273(b)(13) says "any 7 consecutive calendar days" (the
      default, False); True checks every sliding window of that length instead (stricter).
    - ``limit_warn_ratio`` (warn above this share of a flight-time limit) and
      ``expiry_warn_days`` (the last of the 60/30/7-day alert tiers) only turn "ok" into
      "warn"; they never block.
    - ``recency_roles``: 61.57(a)/(b) and 135.247(a) bind the pilot in command carrying
      passengers.
    """

    # 135.267(a): flight time per calendar period
    quarter_flight_hours: float = 500
    two_quarters_flight_hours: float = 800
    year_flight_hours: float = 1400
    # 135.267(b): any 24 consecutive hours
    window_hours: float = 24
    one_pilot_flight_hours: float = 8
    two_pilot_flight_hours: float = 10
    # 135.267(c): regularly assigned duty period exception, off by default
    allow_regular_duty_exception: bool = False
    regular_duty_max_hours: float = 14
    regular_duty_rest_hours: float = 10
    # 135.267(d): look-back rest before the planned completion of a flight assignment
    lookback_window_hours: float = 24
    lookback_rest_hours: float = 10
    # 135.267(e): rest after limits were exceeded for reasons beyond control
    overrun_minor_minutes: float = 30
    overrun_major_minutes: float = 60
    rest_after_minor_overrun_hours: float = 11
    rest_after_moderate_overrun_hours: float = 12
    rest_after_major_overrun_hours: float = 16
    # 135.267(f): rest periods of at least N hours in each calendar quarter
    quarter_rest_count: int = 13
    quarter_rest_hours: float = 24
    # 135.273(b): flight attendants
    fa_duty_hours: float = 14
    fa_duty_hours_one_extra: float = 16
    fa_duty_hours_two_extra: float = 18
    fa_max_duty_hours: float = 20
    fa_minimum_complement: int = 1
    fa_required_above_seats: int = 19
    fa_rest_hours: float = 9
    fa_reduced_rest_hours: float = 8
    fa_compensating_rest_hours: float = 10
    fa_long_rest_hours: float = 12
    fa_long_reduced_rest_hours: float = 10
    fa_long_compensating_rest_hours: float = 14
    fa_compensating_rest_start_hours: float = 24
    fa_day_off_hours: float = 24
    fa_day_off_window_days: int = 7
    fa_day_off_sliding: bool = False
    # 61.23(d): medical durations, calendar months after the month of the exam
    medical_age_threshold: int = 40
    medical_first_class_months_under: int = 12
    medical_first_class_months_over: int = 6
    medical_second_class_months: int = 12
    medical_third_class_months_under: int = 60
    medical_third_class_months_over: int = 24
    # 135.293, 135.297, 135.299, 135.343: check intervals, with the 135.301(a) grace months
    knowledge_test_months: int = 12
    competency_check_months: int = 12
    instrument_check_months: int = 6
    line_check_months: int = 12
    recurrent_training_months: int = 12
    check_grace_months: int = 1
    # 61.57(a) / 135.247(a)(1) and 61.57(b) / 135.247(a)(2): takeoffs and landings
    recency_takeoffs: int = 3
    recency_landings: int = 3
    recency_days: int = 90
    night_recency_takeoffs: int = 3
    night_recency_landings: int = 3
    night_recency_days: int = 90
    # 61.57(c): instrument tasks in the calendar months before the month of the flight
    instrument_approaches: int = 6
    instrument_holding: int = 1
    instrument_intercepting_tracking: int = 1
    instrument_months: int = 6
    # calendar, warnings and qualification settings
    calendar_tz: tzinfo = UTC
    limit_warn_ratio: float = 0.9
    expiry_warn_days: int = 7
    medical_class_pic: int = 1
    medical_class_sic: int = 2
    recency_roles: frozenset[str] = frozenset({"PIC"})

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"Rules.{f.name} must be >= 0, got {value}")
        if not self.overrun_minor_minutes <= self.overrun_major_minutes:
            raise ValueError("overrun_minor_minutes must not exceed overrun_major_minutes")
        if not self.fa_duty_hours <= self.fa_duty_hours_one_extra <= self.fa_duty_hours_two_extra:
            raise ValueError("the flight attendant duty bands must not decrease")
        if not self.fa_duty_hours_two_extra <= self.fa_max_duty_hours:
            raise ValueError("the flight attendant duty bands must not decrease")
        if self.medical_class_pic not in (1, 2, 3) or self.medical_class_sic not in (1, 2, 3):
            raise ValueError("required medical classes must be 1, 2 or 3")
        intervals = (
            self.knowledge_test_months,
            self.competency_check_months,
            self.instrument_check_months,
            self.line_check_months,
            self.recurrent_training_months,
        )
        if min(intervals) < 1:
            raise ValueError("check intervals must be at least one month")
        if self.fa_day_off_window_days < 1:
            raise ValueError("fa_day_off_window_days must be at least 1")

    @property
    def medical(self) -> MedicalRules:
        return MedicalRules(
            age_threshold=self.medical_age_threshold,
            first_class_months_under=self.medical_first_class_months_under,
            first_class_months_over=self.medical_first_class_months_over,
            second_class_months=self.medical_second_class_months,
            third_class_months_under=self.medical_third_class_months_under,
            third_class_months_over=self.medical_third_class_months_over,
        )

    @property
    def recency(self) -> RecencyRules:
        return RecencyRules(self.recency_takeoffs, self.recency_landings, self.recency_days)

    @property
    def night_recency(self) -> RecencyRules:
        return RecencyRules(self.night_recency_takeoffs, self.night_recency_landings, self.night_recency_days)

    @property
    def instrument_recency(self) -> InstrumentRecencyRules:
        return InstrumentRecencyRules(
            approaches=self.instrument_approaches,
            holding=self.instrument_holding,
            intercepting_tracking=self.instrument_intercepting_tracking,
            months=self.instrument_months,
        )

    def required_attendants(self, passenger_seats: int) -> int:
        """The minimum flight attendant complement counted for a flight of an aircraft with
        ``passenger_seats`` seats that carries attendants (135.107 and
        ``fa_minimum_complement``)."""
        return max(self.fa_minimum_complement, 1 if passenger_seats > self.fa_required_above_seats else 0)


DEFAULT_RULES = Rules()


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class FlightEvent:
    """One leg the crew member operates, block to block (Part 1 "flight time").

    ``positioning`` marks a ferry leg flown without revenue. ``two_pilot`` says whether the
    leg's crew is two pilots qualified for the operation (else the one-pilot limits of
    135.267(b) apply to it). ``night`` says whether any moment of the leg falls in the
    61.57(b) night period along its route; ``ifr`` whether it is flown under IFR.
    ``attendants`` are the flight attendants assigned to the flight and
    ``required_attendants`` its minimum complement (135.273(b)(4)-(6));
    ``beyond_contiguous_us`` says whether it takes off or lands outside the 48 contiguous
    States and the District of Columbia (135.273(b)(6)).
    """

    off_block: datetime
    on_block: datetime
    aircraft_type: str
    two_pilot: bool = False
    positioning: bool = False
    night: bool = False
    ifr: bool = True
    attendants: int = 0
    required_attendants: int = 0
    beyond_contiguous_us: bool = False

    def __post_init__(self) -> None:
        _require_aware("off_block", self.off_block)
        _require_aware("on_block", self.on_block)
        if self.on_block <= self.off_block:
            raise ValueError("on_block must be after off_block")
        if self.attendants < 0 or self.required_attendants < 0:
            raise ValueError("attendant counts must be >= 0")


@dataclass(frozen=True, slots=True)
class Duty:
    """One duty period of one crew member: ``[start, end)``, with the legs flown in it.

    Every duty of any kind is time that is not rest. ``overrun_minutes`` is by how much
    the flight or duty limits were exceeded for reasons beyond control (135.267(e)).
    Guarantees: aware datetimes, ``start < end``, flights only in flying duty kinds and
    inside ``[start, end]``.
    """

    start: datetime
    end: datetime
    kind: DutyKind = "flight"
    flights: tuple[FlightEvent, ...] = ()
    overrun_minutes: float = 0

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError("a duty period must end after it starts")
        if self.kind not in DUTY_KINDS:
            raise ValueError(f"unknown duty kind {self.kind!r}")
        if self.overrun_minutes < 0:
            raise ValueError("overrun_minutes must be >= 0")
        if self.flights and self.kind not in FLYING_DUTY_KINDS:
            raise ValueError(f"a {self.kind} duty cannot hold flights")
        for flight in self.flights:
            if flight.off_block < self.start or flight.on_block > self.end:
                raise ValueError("every flight must lie inside its duty period")

    @property
    def revenue_flights(self) -> tuple[FlightEvent, ...]:
        """The legs that are flight assignments of the operator carrying passengers: the
        non-positioning legs of a ``flight`` duty. 135.267(b) and (d) are judged for them;
        every other leg (ferry, training, flying for others) is commercial flying that
        counts toward their limits (and toward 135.267(a) always)."""
        if self.kind != "flight":
            return ()
        return tuple(f for f in self.flights if not f.positioning)

    @property
    def flight_minutes(self) -> float:
        """Flight time of this duty (every leg), in minutes."""
        return sum((f.on_block - f.off_block).total_seconds() for f in self.flights) / 60


@dataclass(frozen=True, slots=True)
class Qualifications:
    """What the crew member holds, as dates already computed by ``crew.expiries``.

    ``type_ratings`` maps an aircraft type to the highest role it allows (a PIC rating also
    allows SIC); ``checks`` maps a check kind (``CHECK_*``) to its valid-through date;
    ``landing_currency`` and ``night_currency`` map an aircraft type to the last day of
    61.57(a) / 135.247(a)(1) and 61.57(b) / 135.247(a)(2) currency;
    ``instrument_currency`` is the last day of 61.57(c) currency. A missing entry blocks
    the rule that needs it.
    """

    medical: MedicalValidity | None = None
    type_ratings: Mapping[str, PilotRole] = field(default_factory=dict)
    checks: Mapping[str, date] = field(default_factory=dict)
    landing_currency: Mapping[str, date] = field(default_factory=dict)
    night_currency: Mapping[str, date] = field(default_factory=dict)
    instrument_currency: date | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one rule: its name, ok / warn / block, a sentence, and the numbers.

    ``values`` holds only JSON-ready scalars (hours as decimal hours, instants and dates as
    ISO 8601 strings), so a result can be stored or sent as is.
    """

    rule: str
    status: Status
    detail: str
    values: Mapping[str, Value] = field(default_factory=dict)


def is_legal(results: Iterable[Result]) -> bool:
    """True when no result blocks (warnings do not make an assignment illegal)."""
    return all(r.status != "block" for r in results)
