"""The due rules (docs/rules.md#maintenance): worked examples for each limit kind and
combination, the 91.409 overfly tolerance, the MEL categories, and properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maintenance.due import (
    DUE_SOON,
    OK,
    OVERDUE,
    DuePoint,
    Interval,
    Outlook,
    Point,
    add_calendar_months,
    evaluate,
    exceeded_by,
    mel_expiry,
    next_due,
)

D = Decimal
HUNDRED_HOUR = Interval(hours=D("100"), tolerance_hours=D("10"), warn_hours=D("10"))
ANNUAL = Interval(months=12, warn_days=30)


def test_calendar_months_end_at_the_end_of_the_month():
    # 91.409(a): done 15 March 2026, the annual is valid through 31 March 2027.
    assert next_due(ANNUAL, Point(date(2026, 3, 15), D("0"), 0)).on == date(2027, 3, 31)
    # from a month's end into a shorter month, and across a leap day
    assert add_calendar_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_calendar_months(date(2027, 2, 1), 12) == date(2028, 2, 29)
    assert add_calendar_months(date(2026, 12, 1), 1) == date(2027, 1, 31)


def test_calendar_days_count_from_the_day_done():
    interval = Interval(days=30)
    assert next_due(interval, Point(date(2026, 1, 1), D("0"), 0)).on == date(2026, 1, 31)


def test_hours_and_cycles_count_from_the_times_done():
    interval = Interval(hours=D("600"), cycles=500)
    point = next_due(interval, Point(date(2026, 1, 1), D("1234.5"), 900))
    assert (point.hours, point.cycles, point.on) == (D("1834.5"), 1400, None)


def test_100_hour_overfly_counts_toward_the_next_interval():
    # due at 1,200 h; done at 1,206 h (6 h of the 10-hour tolerance): next due 1,300 h, not 1,306 h
    previous = DuePoint(hours=D("1200"))
    assert next_due(HUNDRED_HOUR, Point(date(2026, 5, 1), D("1206"), 0), previous).hours == D("1300")
    # exactly at the tolerance's edge still counts from the due point
    assert next_due(HUNDRED_HOUR, Point(date(2026, 5, 1), D("1210"), 0), previous).hours == D("1300")


def test_done_early_or_past_the_tolerance_counts_from_when_done():
    previous = DuePoint(hours=D("1200"))
    assert next_due(HUNDRED_HOUR, Point(date(2026, 5, 1), D("1180"), 0), previous).hours == D("1280")
    assert next_due(HUNDRED_HOUR, Point(date(2026, 5, 1), D("1215"), 0), previous).hours == D("1315")


def test_whichever_first_and_whichever_later():
    done = Point(date(2026, 1, 10), D("500"), 100)
    first = Interval(hours=D("100"), months=12, warn_hours=D("10"), warn_days=30)
    later = Interval(hours=D("100"), months=12, whichever_later=True, warn_hours=D("10"), warn_days=30)
    point = next_due(first, done)
    assert point == DuePoint(hours=D("600"), on=date(2027, 1, 31))
    # on 1 June 2026 at 601 h: the hours passed, the date not
    outlook = Outlook(today=date(2026, 6, 1), hours=D("601"), cycles=150)
    assert evaluate(first, point, outlook).status == OVERDUE
    assert evaluate(later, point, outlook).status == OK
    # with whichever later, overdue once the date passes too
    assert (
        evaluate(later, point, Outlook(today=date(2027, 2, 1), hours=D("601"), cycles=150)).status == OVERDUE
    )
    # a calendar pair in one task: the earlier date first, the later date with whichever later
    days_and_months = Interval(days=300, months=12)
    assert next_due(days_and_months, done).on == date(2026, 11, 6)
    later_pair = Interval(days=300, months=12, whichever_later=True)
    assert next_due(later_pair, done).on == date(2027, 1, 31)


def test_status_and_remaining_at_the_boundaries():
    point = DuePoint(hours=D("1200"), on=date(2026, 6, 30))
    interval = Interval(hours=D("100"), months=12, warn_hours=D("10"), warn_days=30)
    assert evaluate(interval, point, Outlook(today=date(2026, 5, 1), hours=D("1180"), cycles=0)).status == OK
    soon = evaluate(interval, point, Outlook(today=date(2026, 5, 1), hours=D("1190"), cycles=0))
    assert (soon.status, soon.remaining_hours, soon.remaining_days) == (DUE_SOON, D("10"), 60)
    # the due point itself is not overdue; the day after the due date is
    assert (
        evaluate(interval, point, Outlook(today=date(2026, 6, 30), hours=D("1200"), cycles=0)).status
        == DUE_SOON
    )
    assert (
        evaluate(interval, point, Outlook(today=date(2026, 7, 1), hours=D("1100"), cycles=0)).status
        == OVERDUE
    )


def test_forecast_from_utilisation_and_scheduled_flights():
    interval = Interval(hours=D("100"))
    point = DuePoint(hours=D("1200"))
    today = date(2026, 5, 1)
    # 40 h left at 2 h a day: 20 days
    by_rate = evaluate(interval, point, Outlook(today=today, hours=D("1160"), cycles=0, hours_per_day=2.0))
    assert by_rate.forecast == date(2026, 5, 21)
    # scheduled flights reach it sooner: 25 h on 3 May, 20 h more on 5 May
    scheduled = Outlook(
        today=today,
        hours=D("1160"),
        cycles=0,
        hours_per_day=2.0,
        flight_days=[date(2026, 5, 3), date(2026, 5, 5)],
        cumulative_hours=[25.0, 45.0],
        cumulative_cycles=[1.0, 2.0],
    )
    assert evaluate(interval, point, scheduled).forecast == date(2026, 5, 5)
    # no use at all: no forecast from hours
    assert evaluate(interval, point, Outlook(today=today, hours=D("1160"), cycles=0)).forecast is None


def test_a_leg_may_reach_the_due_point_but_not_pass_it():
    point = DuePoint(hours=D("1200"), on=date(2026, 6, 30))
    interval = Interval(hours=D("100"), months=12)
    assert not exceeded_by(interval, point, D("1200"), 0, date(2026, 6, 30))
    assert exceeded_by(interval, point, D("1200.1"), 0, date(2026, 6, 30))
    assert exceeded_by(interval, point, D("1000"), 0, date(2026, 7, 1))
    later = Interval(hours=D("100"), months=12, whichever_later=True)
    assert not exceeded_by(later, point, D("1300"), 0, date(2026, 6, 30))
    assert exceeded_by(later, point, D("1300"), 0, date(2026, 7, 1))


@pytest.mark.parametrize(
    ("category", "interval", "last_day"),
    [
        ("B", None, date(2026, 3, 4)),  # found 1 March: 2, 3, 4 March
        ("C", None, date(2026, 3, 11)),
        ("D", None, date(2026, 6, 29)),
        ("A", 5, date(2026, 3, 6)),
    ],
)
def test_mel_deferral_excludes_the_day_of_discovery(category, interval, last_day):
    assert mel_expiry(category, date(2026, 3, 1), interval) == last_day


def test_category_a_needs_its_interval():
    with pytest.raises(ValueError, match="interval"):
        mel_expiry("A", date(2026, 3, 1))


@given(
    remaining=st.integers(min_value=1, max_value=5000),
    rate=st.floats(min_value=0.0, max_value=24.0, allow_nan=False),
    lower=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    flights=st.lists(st.tuples(st.integers(0, 400), st.floats(0.1, 15.0)), max_size=20),
    drop=st.integers(min_value=0, max_value=20),
)
def test_the_forecast_never_moves_earlier_when_usage_drops(remaining, rate, lower, flights, drop):
    today = date(2026, 1, 1)
    interval = Interval(hours=D("5000"), cycles=4000)
    point = DuePoint(hours=D("10000") + remaining, cycles=4000 + remaining)

    def outlook(per_day: float, legs: list[tuple[int, float]]) -> Outlook:
        legs = sorted(legs)
        running, cumulative = 0.0, []
        for _, hours in legs:
            running += hours
            cumulative.append(running)
        return Outlook(
            today=today,
            hours=D("10000"),
            cycles=4000,
            hours_per_day=per_day,
            cycles_per_day=per_day / 2,
            flight_days=[today + timedelta(days=d) for d, _ in legs],
            cumulative_hours=cumulative,
            cumulative_cycles=[float(n) for n in range(1, len(legs) + 1)],
        )

    busy = evaluate(interval, point, outlook(rate, flights)).forecast
    quiet = evaluate(interval, point, outlook(rate * lower, flights[drop:])).forecast
    assert busy is None or quiet is None or quiet >= busy
    if busy is None:
        assert quiet is None


@given(
    done_hours=st.decimals(min_value=0, max_value=20000, places=1),
    extra=st.decimals(min_value=0, max_value=50, places=1),
    due_hours=st.decimals(min_value=0, max_value=20000, places=1),
)
def test_the_next_due_point_never_moves_earlier_when_done_later(done_hours, extra, due_hours):
    previous = DuePoint(hours=due_hours)
    sooner = next_due(HUNDRED_HOUR, Point(date(2026, 1, 1), done_hours, 0), previous)
    later = next_due(HUNDRED_HOUR, Point(date(2026, 1, 1), done_hours + extra, 0), previous)
    assert later.hours >= sooner.hours  # type: ignore[operator]
