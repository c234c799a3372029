"""Flight attendant duty and rest rules: 14 CFR 135.273(b) and 135.263(b).

Each ``Duty`` is one duty period, report to release, and the time until the next
duty period starts is the rest after it, even when that is zero: two duty periods that
touch are two duty periods without rest (a continuous duty is one ``Duty``).
Keeping duty periods apart, instead of merging touching ones, is what makes the rules
monotone: no added duty can turn a too-short rest into a legal continuous duty.

Rest after a duty of at most ``fa_duty_hours`` is ``fa_rest_hours``, reducible to
``fa_reduced_rest_hours`` when the next rest is at least ``fa_compensating_rest_hours``
and begins within ``fa_compensating_rest_start_hours`` of the reduced one ((b)(2)-(3));
after a longer duty the ``fa_long_*`` numbers apply ((b)(7)-(8)), and no duty over
``fa_duty_hours`` may start in the 24 h after such a reduced rest begins ((b)(9)).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, time, timedelta

from crew.legality.model import (
    RULE_FA_DAY_OFF,
    RULE_FA_DUTY,
    RULE_FA_DUTY_ONE_EXTRA,
    RULE_FA_DUTY_THREE_EXTRA,
    RULE_FA_DUTY_TWO_EXTRA,
    RULE_FA_LONG_REST,
    RULE_FA_LONG_REST_REDUCED,
    RULE_FA_REST,
    RULE_FA_REST_REDUCED,
    RULE_REQUIRED_REST,
    Result,
    Rules,
    Status,
    Value,
)
from crew.legality.timeline import (
    Block,
    Proposal,
    RosterIndex,
    from_us,
    hours_us,
    iso,
    merge_in,
    to_us,
    us_hours,
)

_STATUS_RANK: dict[Status, int] = {"ok": 0, "warn": 1, "block": 2}


class Neighbourhood:
    """The duty periods around the proposal, sorted, with the proposal at ``position``.

    It reaches back to every duty whose required rest the proposal can shorten (ending
    up to a full rest, or a compensating rest plus its 24 h start limit, before the
    proposal) and forward over the rests the proposal's own rest depends on.
    """

    __slots__ = ("duties", "earliest_end", "position")

    def __init__(self, index: RosterIndex, x: Proposal, rules: Rules) -> None:
        start_limit = hours_us(rules.fa_compensating_rest_start_hours)
        back = max(
            hours_us(max(rules.fa_rest_hours, rules.fa_long_rest_hours)),
            start_limit
            + hours_us(max(rules.fa_compensating_rest_hours, rules.fa_long_compensating_rest_hours)),
        )
        own: Block = (x.start, x.end)
        duties = index.duties_starting_between(
            x.start - back - index.longest_duty, x.end + start_limit, after=own, at_least=3
        )
        # The proposal sorts after an identical rostered duty, whatever the roster order.
        self.position = bisect_right(duties, own)
        self.duties = [*duties[: self.position], own, *duties[self.position :]]
        self.earliest_end = x.start - back


def duty_length(x: Proposal, rules: Rules) -> Result:
    """135.273(b)(1),(4)-(6): a scheduled duty period of up to 14 h; over 14 h only when
    every flight of the duty carries flight attendants in addition to its minimum
    complement: one up to 16 h ((b)(4)), two up to 18 h ((b)(5)), three up to 20 h with a
    flight taking off or landing outside the 48 contiguous States and the District of
    Columbia ((b)(6)); never over 20 h. A duty without flights carries no extra attendant."""
    length = x.end - x.start
    base = hours_us(rules.fa_duty_hours)
    values: dict[str, Value] = {
        "duty_hours": us_hours(length),
        "limit_hours": us_hours(base),
        "extra_attendants": x.extra_attendants,
    }
    if length <= base:
        return Result(
            RULE_FA_DUTY, "ok", f"Duty period of {us_hours(length)} h; limit {us_hours(base)} h.", values
        )
    bands = [
        (RULE_FA_DUTY_ONE_EXTRA, rules.fa_duty_hours_one_extra, 1),
        (RULE_FA_DUTY_TWO_EXTRA, rules.fa_duty_hours_two_extra, 2),
        (RULE_FA_DUTY_THREE_EXTRA, rules.fa_max_duty_hours, 3),
    ]
    band = next(((rule, hours_us(h), n) for rule, h, n in bands if length <= hours_us(h)), None)
    if band is None:
        values["max_hours"] = us_hours(hours_us(rules.fa_max_duty_hours))
        return Result(
            RULE_FA_DUTY,
            "block",
            f"Duty period of {us_hours(length)} h exceeds the {values['max_hours']} h maximum.",
            values,
        )
    rule, limit, needed = band
    values.update(limit_hours=us_hours(limit), extra_attendants_required=needed)
    problems = []
    if x.extra_attendants < needed:
        problems.append(
            f"{needed} flight attendant(s) in addition to the minimum complement on every flight "
            f"(it carries {x.extra_attendants})"
        )
    if rule == RULE_FA_DUTY_THREE_EXTRA:
        values["beyond_contiguous_us"] = x.beyond_contiguous_us
        if not x.beyond_contiguous_us:
            problems.append("a flight taking off or landing outside the 48 contiguous States and DC")
    said = f"Duty period of {us_hours(length)} h (up to {us_hours(limit)} h)"
    if problems:
        return Result(rule, "block", f"{said} needs " + " and ".join(problems) + ".", values)
    return Result(rule, "ok", f"{said} with {x.extra_attendants} additional flight attendant(s).", values)


def _rest_after(duties: list[Block], i: int, rules: Rules) -> Result | None:
    """Judge the rest after ``duties[i]``; None when no duty follows (the rest is open)."""
    if i < 0 or i + 1 >= len(duties):
        return None
    (a_start, a_end), (b_start, b_end) = duties[i], duties[i + 1]
    rest, duty = b_start - a_end, a_end - a_start
    long = duty > hours_us(rules.fa_duty_hours)
    if long:
        full, reduced = hours_us(rules.fa_long_rest_hours), hours_us(rules.fa_long_reduced_rest_hours)
        compensating = hours_us(rules.fa_long_compensating_rest_hours)
        rule, reduced_rule = RULE_FA_LONG_REST, RULE_FA_LONG_REST_REDUCED
    else:
        full, reduced = hours_us(rules.fa_rest_hours), hours_us(rules.fa_reduced_rest_hours)
        compensating = hours_us(rules.fa_compensating_rest_hours)
        rule, reduced_rule = RULE_FA_REST, RULE_FA_REST_REDUCED
    values: dict[str, Value] = {
        "duty_end": iso(a_end),
        "duty_hours": us_hours(duty),
        "rest_hours": us_hours(max(0, rest)),
        "required_hours": us_hours(full),
        "reduced_hours": us_hours(reduced),
    }
    said = f"Rest of {us_hours(max(0, rest))} h after the {us_hours(duty)} h duty ending {iso(a_end)}"
    if rest >= full:
        return Result(rule, "ok", f"{said}; required {us_hours(full)} h.", values)
    if rest < reduced:
        return Result(
            rule, "block", f"{said}; required {us_hours(full)} h, reducible to {us_hours(reduced)} h.", values
        )
    # A reduced rest: the next rest must compensate, and start soon enough.
    latest_start = a_end + hours_us(rules.fa_compensating_rest_start_hours)
    next_rest = duties[i + 2][0] - b_end if i + 2 < len(duties) else None
    values["compensating_required_hours"] = us_hours(compensating)
    values["compensating_rest_hours"] = None if next_rest is None else us_hours(max(0, next_rest))
    problems = []
    if b_end > latest_start:
        problems.append(f"the next rest starts after {iso(latest_start)}")
    if next_rest is not None and next_rest < compensating:
        problems.append(
            f"the next rest is only {us_hours(max(0, next_rest))} h (needs {us_hours(compensating)} h)"
        )
    if long and any(s < latest_start and e - s > hours_us(rules.fa_duty_hours) for s, e in duties[i + 1 :]):
        problems.append(f"a duty over {us_hours(hours_us(rules.fa_duty_hours))} h starts within 24 h")
    if problems:
        return Result(
            reduced_rule, "block", f"{said} is a reduced rest, but " + "; ".join(problems) + ".", values
        )
    if next_rest is None:
        return Result(
            reduced_rule,
            "warn",
            f"{said} is a reduced rest: the next rest must be at least {us_hours(compensating)} h "
            f"and start by {iso(latest_start)}.",
            values,
        )
    return Result(reduced_rule, "ok", f"{said} is a reduced rest, compensated by the next rest.", values)


def _worst(results: list[Result | None]) -> Result | None:
    worst: Result | None = None
    for result in results:
        if result is not None and (worst is None or _STATUS_RANK[result.status] > _STATUS_RANK[worst.status]):
            worst = result
    return worst


def rest(hood: Neighbourhood, rules: Rules) -> Result:
    """135.273(b)(2),(3),(7)-(10): the rest before the proposed duty (owed to the duty
    before it) and the rest after it (owed to the proposed duty); the worst is reported,
    under the paragraph that applied."""
    p = hood.position
    worst = _worst([_rest_after(hood.duties, p - 1, rules), _rest_after(hood.duties, p, rules)])
    if worst is not None:
        return worst
    return Result(RULE_FA_REST, "ok", "No duty before or after the proposed duty to rest between.", {})


def required_rest(hood: Neighbourhood, rules: Rules) -> Result:
    """135.263(b), 135.273(b)(11): every earlier duty whose required rest the proposal can
    shorten (its compensating rest, or the 24 h after a reduced rest) still gets it.
    A rest already broken there blocks too: nothing may be added to an illegal stretch."""
    earlier = [
        _rest_after(hood.duties, i, rules)
        for i in range(hood.position - 1)
        if hood.duties[i][1] > hood.earliest_end
    ]
    worst = _worst(earlier)
    if worst is None or worst.status == "ok":
        return Result(RULE_REQUIRED_REST, "ok", "No earlier required rest is cut short.", {})
    return Result(RULE_REQUIRED_REST, worst.status, f"{worst.rule}: {worst.detail}", dict(worst.values))


def day_off(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.273(b)(13): 24 consecutive hours free of all duty during any 7 consecutive
    calendar days (in ``Rules.calendar_tz``), or with ``fa_day_off_sliding`` in every
    sliding window of that length."""
    if rules.fa_day_off_sliding:
        return _day_off_sliding(index, x, rules)
    tz = rules.calendar_tz
    days = rules.fa_day_off_window_days
    off = hours_us(rules.fa_day_off_hours)
    first = from_us(x.start).astimezone(tz).date() - timedelta(days=days - 1)
    last = from_us(x.end - 1).astimezone(tz).date()
    worst: tuple[int, int, int] | None = None  # (longest free, window start, window end)
    day = first
    while day <= last:
        lo = to_us(datetime.combine(day, time(), tzinfo=tz))
        hi = to_us(datetime.combine(day + timedelta(days=days), time(), tzinfo=tz))
        free = x.free_within(index, lo, hi)
        if worst is None or free < worst[0]:
            worst = (free, lo, hi)
        day += timedelta(days=1)
    if worst is None:  # unreachable: the proposal's own first day starts a window
        raise AssertionError("no calendar window examined")
    free, lo, hi = worst
    values: dict[str, Value] = {
        "window_start": iso(lo),
        "window_end": iso(hi),
        "longest_free_hours": us_hours(free),
        "day_off_hours": us_hours(off),
        "window_days": days,
    }
    if free < off:
        return Result(
            RULE_FA_DAY_OFF,
            "block",
            f"The {days} calendar days from {iso(lo)} hold at most {us_hours(free)} h free of duty; "
            f"{us_hours(off)} h required.",
            values,
        )
    return Result(
        RULE_FA_DAY_OFF,
        "ok",
        f"Every {days} consecutive calendar days around the duty hold {us_hours(off)} h free "
        f"(the tightest {us_hours(free)} h).",
        values,
    )


def _day_off_sliding(index: RosterIndex, x: Proposal, rules: Rules) -> Result:
    """135.273(b)(13) read as any 7 consecutive days (a sliding window): each must hold
    24 consecutive hours free of duty.

    Every window of that length holds such a rest exactly when no stretch of duty between
    two 24 h rests (roster edges count as rests) is longer than window - 2 x 24 h.
    """
    window = hours_us(rules.fa_day_off_window_days * 24)
    off = hours_us(rules.fa_day_off_hours)
    max_span = window - 2 * off
    blocks, position = merge_in(index.blocks_between(x.start - window, x.end + window), x.start, x.end)
    first = last = position
    while first > 0 and blocks[first][0] - blocks[first - 1][1] < off:
        first -= 1
    while last + 1 < len(blocks) and blocks[last + 1][0] - blocks[last][1] < off:
        last += 1
    # Blocks beyond the fetched range can only lengthen a span that already exceeds the
    # maximum, so the verdict is exact.
    span = blocks[last][1] - blocks[first][0]
    start = blocks[first][0]
    values: dict[str, Value] = {
        "span_start": iso(start),
        "span_hours": us_hours(span),
        "max_span_hours": us_hours(max_span),
        "day_off_hours": us_hours(off),
        "window_days": rules.fa_day_off_window_days,
    }
    if span > max_span:
        return Result(
            RULE_FA_DAY_OFF,
            "block",
            f"{us_hours(span)} h of duty from {iso(start)} without {us_hours(off)} h free: some "
            f"{rules.fa_day_off_window_days} consecutive days hold no {us_hours(off)} h rest.",
            values,
        )
    return Result(
        RULE_FA_DAY_OFF,
        "ok",
        f"Every {rules.fa_day_off_window_days} consecutive days around the duty hold {us_hours(off)} h free.",
        values,
    )
