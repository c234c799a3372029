"""Great-circle distance: worked examples, refusals, and the properties of a metric."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jetops.geo import EARTH_RADIUS_NM, MAX_DISTANCE_NM, great_circle_nm

TETERBORO = (40.850102, -74.060833)
PALM_BEACH = (26.683162, -80.095592)
LUTON = (51.8747, -0.36833)
LE_BOURGET = (48.9694, 2.44139)

latitudes = st.floats(min_value=-90.0, max_value=90.0, allow_nan=False)
longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
points = st.tuples(latitudes, longitudes)


def test_earth_radius_is_the_quoting_value():
    assert EARTH_RADIUS_NM == 3440.065
    assert math.pi * 3440.065 == MAX_DISTANCE_NM


def test_teterboro_to_palm_beach():
    # Haversine by hand: dlat = 14.166940 deg, dlon = 6.034759 deg,
    # h = sin^2(7.083470 deg) + cos(40.850102 deg) cos(26.683162 deg) sin^2(3.017380 deg)
    #   = 0.0152066 + 0.756423 x 0.893503 x 0.00277085 = 0.0170794
    # 2 asin(sqrt h) = 0.262126 rad, x 3440.065 NM = 901.73 NM.
    assert great_circle_nm(*TETERBORO, *PALM_BEACH) == pytest.approx(901.73, abs=0.01)


def test_luton_to_le_bourget():
    assert great_circle_nm(*LUTON, *LE_BOURGET) == pytest.approx(204.85, abs=0.01)


def test_one_degree_along_the_equator_is_60_04_nm():
    # 2 pi R / 360 = 21614.5658 / 360 = 60.0405 NM.
    assert great_circle_nm(0.0, 0.0, 0.0, 1.0) == pytest.approx(60.0405, abs=1e-4)
    assert great_circle_nm(0.0, 0.0, 0.0, 1.0) == pytest.approx(2 * math.pi * EARTH_RADIUS_NM / 360)


def test_one_degree_along_a_meridian_is_60_04_nm():
    assert great_circle_nm(10.0, 30.0, 11.0, 30.0) == pytest.approx(2 * math.pi * EARTH_RADIUS_NM / 360)


def test_antipodes_are_half_a_circumference_apart():
    assert great_circle_nm(0.0, 0.0, 0.0, 180.0) == math.pi * EARTH_RADIUS_NM
    assert great_circle_nm(90.0, 0.0, -90.0, 0.0) == math.pi * EARTH_RADIUS_NM
    # Haversine loses a little precision next to the antipode (asin near 1): 1e-3 NM is 2 m.
    assert great_circle_nm(10.0, 20.0, -10.0, -160.0) == pytest.approx(math.pi * EARTH_RADIUS_NM, abs=1e-3)


def test_identical_points_are_zero_apart():
    assert great_circle_nm(*TETERBORO, *TETERBORO) == 0.0


def test_one_place_written_two_ways_is_zero_apart():
    assert great_circle_nm(0.0, 180.0, 0.0, -180.0) == pytest.approx(0.0, abs=1e-9)
    assert great_circle_nm(90.0, 0.0, 90.0, 120.0) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2"),
    [
        (90.5, 0.0, 0.0, 0.0),
        (-90.000001, 0.0, 0.0, 0.0),
        (0.0, 180.5, 0.0, 0.0),
        (0.0, 0.0, 0.0, -181.0),
        (0.0, 0.0, 91.0, 0.0),
        (math.nan, 0.0, 0.0, 0.0),
        (0.0, math.nan, 0.0, 0.0),
        (0.0, 0.0, math.inf, 0.0),
        (0.0, 0.0, 0.0, -math.inf),
    ],
)
def test_refuses_invalid_coordinates(lat1: float, lon1: float, lat2: float, lon2: float):
    with pytest.raises(ValueError, match="outside"):
        great_circle_nm(lat1, lon1, lat2, lon2)


@given(points, points)
def test_is_exactly_symmetric(a: tuple[float, float], b: tuple[float, float]):
    assert great_circle_nm(*a, *b) == great_circle_nm(*b, *a)


@given(points, points)
def test_stays_within_zero_and_half_a_circumference(a: tuple[float, float], b: tuple[float, float]):
    distance = great_circle_nm(*a, *b)
    assert math.isfinite(distance)
    assert 0.0 <= distance <= MAX_DISTANCE_NM


@given(points)
def test_a_point_is_zero_from_itself(a: tuple[float, float]):
    assert great_circle_nm(*a, *a) == 0.0


@given(points, points, points)
def test_triangle_inequality(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]):
    direct = great_circle_nm(*a, *c)
    via_b = great_circle_nm(*a, *b) + great_circle_nm(*b, *c)
    # Slack for the float error of haversine close to antipodes (see above).
    assert direct <= via_b + 1e-3
