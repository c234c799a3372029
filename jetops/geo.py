"""Great-circle geometry on a spherical Earth, in nautical miles and decimal degrees.

Pure functions over plain floats: no Django, no I/O. Used by quoting (``flights.pricing``)
and anything else that needs an airport-to-airport distance.
"""

from __future__ import annotations

import math

EARTH_RADIUS_NM = 3440.065
"""Mean Earth radius in nautical miles, the value quoting uses (docs/rules.md#quoting-time-and-price)."""

MAX_DISTANCE_NM = math.pi * EARTH_RADIUS_NM
"""Half the circumference: no great-circle distance is longer (antipodal points)."""


def _check_coordinates(lat: float, lon: float) -> None:
    # Written as "not inside" so that NaN, which fails every comparison, is rejected too.
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat!r} is outside [-90, 90] degrees")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon!r} is outside [-180, 180] degrees")


def great_circle_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in nautical miles between two points.

    Haversine formula on a sphere of radius ``EARTH_RADIUS_NM``; arguments are decimal
    degrees (north and east positive).

    Guarantees: the result is finite, ``0.0 <= result <= MAX_DISTANCE_NM``, exactly ``0.0``
    for identical points, and exactly symmetric (swapping the two points gives the same
    float). Raises ``ValueError`` if a latitude is outside [-90, 90] or a longitude outside
    [-180, 180] (NaN included).
    """
    _check_coordinates(lat1, lon1)
    _check_coordinates(lat2, lon2)
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    # abs() makes the result bit-for-bit symmetric: a - b and b - a differ only in sign.
    half_dphi = abs(phi2 - phi1) / 2.0
    half_dlambda = abs(math.radians(lon2) - math.radians(lon1)) / 2.0
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # Rounding can push h a hair outside [0, 1] near antipodes; asin would then fail.
    h = min(1.0, max(0.0, h))
    return 2.0 * EARTH_RADIUS_NM * math.asin(math.sqrt(h))
