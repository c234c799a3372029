"""Pilot flight-time and rest rules: 14 CFR 135.267 and 135.263(b).

Each function judges one proposed duty against the roster index and returns one
``Result``. Every check only ever gets stricter when duty is added to the roster (sums
grow, free stretches shrink, one-pilot legs lower the 24 h limit), which is what makes
"adding duty never turns an illegal roster legal" hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from crew.legality.model import (
    RULE_24H_ONE_PILOT,
    RULE_24H_TWO_PILOTS,
    RULE_LOOKBACK,
    RULE_OVERRUN,
    RULE_QUARTER,
    RULE_QUARTER_RESTS,
    RULE_REGULAR_DUTY,
    RULE_REQUIRED_REST,
    RULE_TWO_QUARTERS,
    RULE_YEAR,
    Result,
    Rules,
    Status,
)
from crew.legality.timeline import (
    Flown,
    Proposal,
    Quarter,
    RosterIndex,
    hours_us,
    iso,
    merge_in,
    next_quarter,
    previous_quarter,
    quarter_bounds,
    quarter_label,
    quarter_of,
    split_by_quarter,
    us_hours,
)

_STATUS_RANK: dict[Status, int] = {"ok": 0, "warn": 1, "block": 2}
_RANKED_STATUS: dict[int, Status] = {rank: status for status, rank in _STATUS_RANK.items()}


# -- 135.267(a): calendar quarter, two quarters, calendar year --------------------------


def _limit_result(rule: str, period: str, used: int, limit: int, rules: Rules) -> Result:
    status: Status = "ok"
    if used > limit:
        status = "block"
    elif used > rules.limit_warn_ratio * limit:
        status = "warn"
    return Result(
        rule,
        status,
        f"{us_hours(used)} h of flight time in {period}; limit {us_hours(limit)} h.",
        {"period": period, "flight_hours": us_hours(used), "limit_hours": us_hours(limit)},
    )


def flight_time_limits(index: RosterIndex, x: Proposal, rules: Rules) -> list[Result]:
    """135.267(a)(1)-(3) for every period the proposed flight time falls in (worst first
    reported); with no flight time, the periods holding the proposal's start."""
    tz = rules.calendar_tz
    own: dict[Quarter, int] = {}
    for off, on, _ in x.flights:  # every leg: ferry and other flying count toward (a) always
        for q, length in split_by_quarter(off, on, tz):
            own[q] = own.get(q, 0) + length
    quarters = sorted(own) or [quarter_of(x.start, tz)]

    def total(q: Quarter) -> int:
        return index.quarter_flight_time(q) + own.get(q, 0)

    worst_q = max(quarters, key=total)
    pairs = sorted({(previous_quarter(q), q) for q in quarters} | {(q, next_quarter(q)) for q in quarters})
    worst_pair = max(pairs, key=lambda p: total(p[0]) + total(p[1]))
    years = sorted({q[0] for q in quarters})
    worst_year = max(years, key=lambda y: sum(total((y, n)) for n in range(1, 5)))
    return [
        _limit_result(
            RULE_QUARTER, quarter_label(worst_q), total(worst_q), hours_us(rules.quarter_flight_hours), rules
        ),
        _limit_result(
            RULE_TWO_QUARTERS,
            f"{quarter_label(worst_pair[0])} + {quarter_label(worst_pair[1])}",
            total(worst_pair[0]) + total(worst_pair[1]),
            hours_us(rules.two_quarters_flight_hours),
            rules,
        ),
        _limit_result(
            RULE_YEAR,
            str(worst_year),
            sum(total((worst_year, n)) for n in range(1, 5)),
            hours_us(rules.year_flight_hours),
            rules,
        ),
    ]


# -- 135.267(b) / (c): any 24 consecutive hours ------------------------------------------


def _regular_duty_exception(index: RosterIndex, x: Proposal, rules: Rules) -> Result | None:
    """135.267(c), when the operator enables it: a regularly assigned duty of at most 14 h
    with 10 h rest either side, duty + following rest making 24 h, and flight time within
    the (b) limits for the crew, replaces the sliding 24 h check. None when not met."""
    duty = x.end - x.start
    if duty > hours_us(rules.regular_duty_max_hours):
        return None
    rest = hours_us(rules.regular_duty_rest_hours)
    rest_after = max(rest, hours_us(rules.window_hours) - duty)
    # Any duty meeting the rest either side (even one overlapping the proposal) spoils it.
    if index.duties_overlapping(x.start - rest, x.start) or index.duties_overlapping(
        x.end, x.end + rest_after
    ):
        return None
    one_pilot = any(one for _, _, one in x.revenue)
    limit = hours_us(rules.one_pilot_flight_hours if one_pilot else rules.two_pilot_flight_hours)
    flown = sum(on - off for off, on, _ in x.flights)
    if flown > limit:
        return None
    return Result(
        RULE_REGULAR_DUTY,
        "ok",
        f"Regularly assigned duty of {us_hours(duty)} h with {us_hours(flown)} h of flight time "
        f"(limit {us_hours(limit)} h) and the required rest either side.",
        {"duty_hours": us_hours(duty), "flight_hours": us_hours(flown), "limit_hours": us_hours(limit)},
    )


def _clipped(legs: Iterable[Flown], lo: int, hi: int) -> int:
    return sum(max(0, min(on, hi) - max(off, lo)) for off, on, _ in legs)


def window_limit(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.267(b): the flight time of each revenue assignment and all other commercial
    flying (ferry legs, training, flying for others) in the 24 consecutive hours before
    its completion, within the limit of that assignment's crew (one pilot: 8 h, two
    pilots: 10 h).

    The window that holds the most flying while touching a revenue leg is the 24 h ending
    at its on-block: a window ending inside the leg trades flying of the leg for earlier
    flying at most one for one, and flying after the leg completed does not count for it
    (FAA Chief Counsel: later Part 91 flying does not make an assignment illegal, it
    counts for the next one). So each revenue leg whose look-back holds proposed flying
    is checked: the proposal's own, and rostered ones the proposed flying precedes.
    """
    if not x.flights:
        return Result(
            RULE_24H_ONE_PILOT,
            "ok",
            "No flight time in the proposed duty.",
            {"flight_hours": 0.0, "applicable": False},
        )
    if rules.allow_regular_duty_exception and x.revenue:
        exception = _regular_duty_exception(index, x, rules)
        if exception is not None:
            return exception
    width = hours_us(rules.window_hours)
    first_off = x.flights[0][0]
    last_on = max(on for _, on, _ in x.flights)
    anchors = set(index.revenue_ending_between(first_off, last_on + width)) | set(x.revenue)
    if not anchors:
        return Result(
            RULE_24H_ONE_PILOT,
            "ok",
            "No revenue assignment has the proposed flying in its 24 h look-back.",
            {"flight_hours": us_hours(sum(on - off for off, on, _ in x.flights)), "applicable": False},
        )
    one_limit = hours_us(rules.one_pilot_flight_hours)
    two_limit = hours_us(rules.two_pilot_flight_hours)
    # (status rank, excess over the limit, proposed time inside, -end, used, one_pilot):
    # the worst look-back, then the one holding most of the proposed flying, then the
    # earliest.
    best: tuple[int, int, int, int, int, bool] | None = None
    for _, end, one_pilot in anchors:
        start = end - width
        legs = set(index.flights_between(start, end)) | set(x.flights)
        used = _clipped(legs, start, end)
        limit = one_limit if one_pilot else two_limit
        status: Status = (
            "block" if used > limit else "warn" if used > rules.limit_warn_ratio * limit else "ok"
        )
        key = (_STATUS_RANK[status], used - limit, _clipped(x.flights, start, end), -end, used, one_pilot)
        if best is None or key > best:
            best = key
    if best is None:  # unreachable: anchors is not empty
        raise AssertionError("no look-back examined")
    rank, _, _, minus_end, used, one_pilot = best
    end = -minus_end
    limit = one_limit if one_pilot else two_limit
    crew = "one-pilot" if one_pilot else "two-pilot"
    return Result(
        RULE_24H_ONE_PILOT if one_pilot else RULE_24H_TWO_PILOTS,
        _RANKED_STATUS[rank],
        f"{us_hours(used)} h of flight time in the 24 h before the assignment completing {iso(end)}; "
        f"{crew} limit {us_hours(limit)} h.",
        {
            "window_start": iso(end - width),
            "window_end": iso(end),
            "flight_hours": us_hours(used),
            "limit_hours": us_hours(limit),
            "one_pilot": one_pilot,
        },
    )


# -- 135.267(d), 135.263(b): 10 h rest in the 24 h before completion ---------------------


def lookback(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.267(d): 10 consecutive hours of rest in the 24 h before the planned completion
    (the end of the proposed duty) of a flight-time assignment (a duty with revenue legs;
    its ferry legs and other duty in the look-back are not rest)."""
    if not x.revenue:
        return Result(RULE_LOOKBACK, "ok", "Not a flight-time assignment.", {"applicable": False})
    window = hours_us(rules.lookback_window_hours)
    need = hours_us(rules.lookback_rest_hours)
    best = x.free_within(index, x.end - window, x.end)
    return Result(
        RULE_LOOKBACK,
        "block" if best < need else "ok",
        f"Longest rest in the {us_hours(window)} h before completion at {iso(x.end)}: "
        f"{us_hours(best)} h; required {us_hours(need)} h.",
        {"completion": iso(x.end), "longest_rest_hours": us_hours(best), "required_hours": us_hours(need)},
    )


def required_rest(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.263(b): the proposed duty must not take away the 135.267(d) rest of a rostered
    flight assignment whose 24 h look-back it falls in."""
    window = hours_us(rules.lookback_window_hours)
    need = hours_us(rules.lookback_rest_hours)
    worst: tuple[int, int] | None = None  # (longest rest, completion)
    for completion in index.flight_duty_ends_between(x.start, x.end + window):
        best = x.free_within(index, completion - window, completion)
        if best < need and (worst is None or best < worst[0]):
            worst = (best, completion)
    if worst is None:
        return Result(
            RULE_REQUIRED_REST,
            "ok",
            "No rostered flight assignment loses its required rest.",
            {"required_hours": us_hours(need)},
        )
    best, completion = worst
    return Result(
        RULE_REQUIRED_REST,
        "block",
        f"Falls in the required rest of the flight assignment completing {iso(completion)}: "
        f"it would keep only {us_hours(best)} h of rest (required {us_hours(need)} h).",
        {
            "completion": iso(completion),
            "longest_rest_hours": us_hours(best),
            "required_hours": us_hours(need),
        },
    )


# -- 135.267(e): rest after limits were exceeded -----------------------------------------


def rest_after_overrun(minutes: float, rules: Rules) -> int:
    """Rest (µs) 135.267(e) requires after limits were exceeded by ``minutes``."""
    if minutes <= 0:
        return 0
    if minutes <= rules.overrun_minor_minutes:
        return hours_us(rules.rest_after_minor_overrun_hours)
    if minutes <= rules.overrun_major_minutes:
        return hours_us(rules.rest_after_moderate_overrun_hours)
    return hours_us(rules.rest_after_major_overrun_hours)


def overrun(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.267(e): no duty inside the rest owed after an overrun, whether the overrun duty
    is in the roster (before the proposal) or is the proposal itself (before what follows)."""
    longest = max(
        hours_us(h)
        for h in (
            rules.rest_after_minor_overrun_hours,
            rules.rest_after_moderate_overrun_hours,
            rules.rest_after_major_overrun_hours,
        )
    )
    # (shortfall, overrun end, overrun minutes, rest, required)
    breaches: list[tuple[int, int, float, int, int]] = []
    for end, minutes in index.overruns_ending_between(x.start - longest, x.end):
        owed = rest_after_overrun(minutes, rules)
        rest = max(0, x.start - end)
        if x.start - end < owed:
            breaches.append((owed - rest, end, minutes, rest, owed))
    if x.overrun_minutes > 0:
        owed = rest_after_overrun(x.overrun_minutes, rules)
        following = [
            s for s, e in index.blocks_between(x.end, x.end + owed) if e > x.end and s < x.end + owed
        ]
        if following:
            rest = max(0, following[0] - x.end)
            breaches.append((owed - rest, x.end, x.overrun_minutes, rest, owed))
    if not breaches:
        return Result(RULE_OVERRUN, "ok", "No overrun rest is cut short.", {})
    _, end, minutes, rest, owed = max(breaches, key=lambda b: (b[0], -b[1]))
    return Result(
        RULE_OVERRUN,
        "block",
        f"After an overrun of {minutes:g} min ending {iso(end)}, {us_hours(owed)} h of rest are owed; "
        f"only {us_hours(rest)} h before the next duty.",
        {
            "overrun_end": iso(end),
            "overrun_minutes": minutes,
            "rest_hours": us_hours(rest),
            "required_hours": us_hours(owed),
        },
    )


# -- 135.267(f): 13 rests of 24 h per calendar quarter -----------------------------------


def _rests_ending_in(a: int, b: int, q_start: int, q_end: int, rest: int) -> int:
    """Most rests of length ``rest`` inside the free stretch ``[a, b)`` that end within the
    quarter ``(q_start, q_end]``: packed back to back from the latest end they may have."""
    last_end = min(b, q_end)
    if last_end <= q_start or last_end - a < rest:
        return 0
    return min((last_end - a) // rest, (last_end - q_start - 1) // rest + 1)


def _quarter_rest_counts(index: RosterIndex, x: Proposal, q: Quarter, rules: Rules) -> tuple[int, int]:
    """(rests as planned, most rests possible) of 24 h or more counted for quarter ``q``.

    A rest counts for the quarter in which it ends (its last instant), so a rest that
    begins in one quarter and is completed in the next counts for the next: it is only
    "given" once its 24 h are complete. A free stretch long enough for a complete rest to
    end in each of two quarters counts in both.

    As planned: each free stretch between duties counts once; the open time after the
    last rostered duty counts as many rests as fit, since nothing is planned there yet.
    Most possible: every free stretch split into as many rests as fit (an upper bound).
    """
    q_start, q_end = quarter_bounds(q, rules.calendar_tz)
    rest = hours_us(rules.quarter_rest_hours)
    # A rest ending just after the quarter starts may begin up to ``rest`` before it.
    blocks, _ = merge_in(index.blocks_between(q_start - rest, q_end), x.start, x.end)
    last_end = index.last_duty_end()
    open_from = x.end if last_end is None else max(last_end, x.end)
    planned = possible = 0
    cursor = q_start - rest
    for start, end in [*blocks, (q_end, q_end)]:
        if start > cursor:
            fits = _rests_ending_in(cursor, start, q_start, q_end, rest)
            planned += fits if cursor >= open_from else min(fits, 1)
            possible += fits
        cursor = max(cursor, end)
        if cursor >= q_end:
            break
    return planned, possible


def quarter_rests(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.267(f) for each quarter whose rests the proposed duty can take (a rest counts
    for the quarter it ends in, so up to a rest's length after the duty): ok when the
    roster as planned gives 13 rests of 24 h; warn when it does not but re-planning still
    could; block when the quarter can no longer hold 13 whatever is re-planned."""
    tz = rules.calendar_tz
    last_rest_end = x.end - 1 + hours_us(rules.quarter_rest_hours)
    q, last = quarter_of(x.start, tz), quarter_of(last_rest_end, tz)
    quarters = [q]
    while q != last:
        q = next_quarter(q)
        quarters.append(q)
    needed = rules.quarter_rest_count
    judged: list[tuple[Status, Quarter, int, int]] = []
    for q in quarters:
        planned, possible = _quarter_rest_counts(index, x, q, rules)
        status: Status = "ok" if planned >= needed else "warn" if possible >= needed else "block"
        judged.append((status, q, planned, possible))
    status, q, planned, possible = max(judged, key=lambda j: (_STATUS_RANK[j[0]], -j[1][0], -j[1][1]))
    hours, label = us_hours(hours_us(rules.quarter_rest_hours)), quarter_label(q)
    detail = {
        "ok": f"{planned} rest periods of {hours:g} h or more planned in {label}; {needed} required.",
        "warn": f"Only {planned} rest periods of {hours:g} h planned in {label}; "
        f"{needed} required and still possible (at most {possible}) if duties are moved.",
        "block": f"{label} can hold at most {possible} rest periods of {hours:g} h; {needed} required.",
    }[status]
    return Result(
        RULE_QUARTER_RESTS,
        status,
        detail,
        {"period": quarter_label(q), "rest_periods": planned, "max_possible": possible, "required": needed},
    )
