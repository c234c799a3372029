"""The 61.57(b) night: from 1 h after sunset to 1 h before sunrise (sun times from astral)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jetops.sun import is_night_for_currency, night_along_route

TETERBORO = (40.85, -74.06)  # 21 June 2026: sunrise 09:25 UTC, sunset 00:31 UTC (22 June)
LONGYEARBYEN = (78.25, 15.47)


@pytest.mark.parametrize(
    ("instant", "night"),
    [
        (datetime(2026, 6, 21, 16, 0, tzinfo=UTC), False),  # midday
        (datetime(2026, 6, 22, 1, 0, tzinfo=UTC), False),  # 29 min after sunset: not yet
        (datetime(2026, 6, 22, 1, 35, tzinfo=UTC), True),  # 64 min after sunset
        (datetime(2026, 6, 22, 3, 0, tzinfo=UTC), True),  # 23:00 EDT
        (datetime(2026, 6, 22, 8, 20, tzinfo=UTC), True),  # 65 min before sunrise
        (datetime(2026, 6, 22, 8, 30, tzinfo=UTC), False),  # 55 min before sunrise: no longer
    ],
)
def test_night_is_one_hour_after_sunset_to_one_hour_before_sunrise(instant, night):
    assert is_night_for_currency(instant, *TETERBORO) is night


def test_polar_night_and_midnight_sun():
    assert is_night_for_currency(datetime(2026, 12, 21, 12, 0, tzinfo=UTC), *LONGYEARBYEN) is True
    assert is_night_for_currency(datetime(2026, 6, 21, 0, 0, tzinfo=UTC), *LONGYEARBYEN) is False


def test_naive_instant_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_night_for_currency(datetime(2026, 6, 21, 12, 0), *TETERBORO)  # noqa: DTZ001


KJFK = (40.639928, -73.778692)
EDDF = (50.0264, 8.54313)


def test_61_57_b_overnight_transatlantic_leg_is_in_the_night_even_with_both_ends_in_daylight():
    # 21 June: off-block at JFK 23:00 UTC (19:00 EDT, before sunset), on-block at Frankfurt
    # 06:30 UTC (08:30 CEST, three hours after sunrise); mid-Atlantic it is the middle of
    # the night.
    off, on = datetime(2026, 6, 21, 23, 0, tzinfo=UTC), datetime(2026, 6, 22, 6, 30, tzinfo=UTC)

    assert (is_night_for_currency(off, *KJFK), is_night_for_currency(on, *EDDF)) == (False, False)
    assert night_along_route(off, on, (*KJFK, *EDDF)) is True


def test_61_57_b_winter_departure_from_jfk_at_2300_utc_is_in_the_night():
    off, on = datetime(2026, 1, 15, 23, 0, tzinfo=UTC), datetime(2026, 1, 16, 6, 30, tzinfo=UTC)

    assert night_along_route(off, on, (*KJFK, *EDDF)) is True


def test_61_57_b_daytime_leg_is_not_in_the_night():
    # Teterboro to Palm Beach, late morning in June.
    off, on = datetime(2026, 6, 21, 14, 0, tzinfo=UTC), datetime(2026, 6, 21, 16, 45, tzinfo=UTC)

    assert night_along_route(off, on, (*TETERBORO, 26.68, -80.10)) is False


def test_61_57_b_night_along_the_route_starts_one_hour_after_sunset_at_the_end():
    # Sunset at Teterboro on 21 June 2026 is 00:31 UTC: a short hop landing there is in the
    # night period from about 01:31 UTC on.
    start = datetime(2026, 6, 22, 0, 0, tzinfo=UTC)
    route = (40.78, -73.87, *TETERBORO)  # La Guardia to Teterboro

    assert night_along_route(start, datetime(2026, 6, 22, 1, 25, tzinfo=UTC), route) is False
    assert night_along_route(start, datetime(2026, 6, 22, 1, 35, tzinfo=UTC), route) is True
