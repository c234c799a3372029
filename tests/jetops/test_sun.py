"""The 61.57(b) night: from 1 h after sunset to 1 h before sunrise (sun times from astral)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jetops.sun import is_night_for_currency

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
