"""Where US air transportation is taxable: the outline of the United States as data.

Pure geometry over plain coordinates (no Django, no I/O): the caller builds a ``Territory``
once from boundary lines (the shipped data set is loaded by ``flights.tax_territory``) and
passes it in the ``PricingTable``. Distances are statute miles on the sphere of
``jetops.geo`` (3,440.065 NM).

Two questions of 26 U.S.C. 4262 are answered here:

- the **225-mile zone** (4262(c)(2), 26 CFR 49.4262(a)-1(a)(1)): the part of Canada and
  Mexico not more than 225 miles from the nearest point in the continental United States.
  For a point outside it, the nearest point of the continental United States lies on its
  outline: the Canadian and Mexican boundaries (through the Great Lakes and boundary rivers,
  whose US half is part of the States) and the coast. ``continental_distance_mi()`` is the
  distance to the nearest vertex of that outline, densified to ``step_mi``; for a point
  225 miles away the error of measuring to vertices rather than to the line is below
  0.01 mile.
- the **exclusion of 4262(b)** (26 CFR 49.4262(b)-1(a)): a portion of the flight outside
  the United States, from the point where the route leaves it (crossing the boundary with
  Canada or Mexico, or three nautical miles (3.45 statute miles) off the coast) to the point
  where it enters it again, or to or from a station in the 225-mile zone, is not taxable
  when the direct line passes over a point not within 225 miles of the United States.
  ``excluded_fraction()`` finds such points on the great-circle route (sampled every
  ``step_mi``), and for each one the crossings of the US outline before and after it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from jetops.geo import EARTH_RADIUS_NM

EARTH_RADIUS_MI = EARTH_RADIUS_NM * 1852.0 / 1609.344
"""The same sphere in statute miles (1 NM = 1,852 m, 1 statute mile = 1,609.344 m)."""

TERRITORIAL_SEA_MI = 3.45
"""Three nautical miles off the low-tide coast line, where a route leaves or enters the
United States over water (26 CFR 49.4262(b)-1(a)), in statute miles."""

Region = Literal["continental", "alaska", "hawaii"]
LineKind = Literal["border", "coast"]
Vector = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class BoundaryLine:
    """One line of the US outline: a land or water ``border`` with Canada or Mexico, or a
    ``coast`` (an island's coast is a closed line). ``points`` are (lat, lon) in degrees.

    Guarantees: at least two points, each within range. Otherwise ``ValueError``.
    """

    name: str
    region: Region
    kind: LineKind
    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if len(self.points) < 2:
            raise ValueError(f"boundary line {self.name!r} needs at least two points")
        for lat, lon in self.points:
            if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
                raise ValueError(f"boundary line {self.name!r}: ({lat}, {lon}) out of range")


def _vector(lat: float, lon: float) -> Vector:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(a: Vector) -> Vector:
    norm = math.sqrt(_dot(a, a))
    return (a[0] / norm, a[1] / norm, a[2] / norm)


def _miles(cosine: float) -> float:
    return EARTH_RADIUS_MI * math.acos(max(-1.0, min(1.0, cosine)))


def _densify(points: Sequence[tuple[float, float]], step_mi: float) -> list[tuple[float, float]]:
    """Insert points so that no two in a row are more than about ``step_mi`` apart, by
    straight interpolation in latitude and longitude (boundaries along a parallel, such as
    the 49th, are drawn that way)."""
    out = [points[0]]
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:], strict=False):
        parts = max(1, math.ceil(_miles(_dot(_vector(lat1, lon1), _vector(lat2, lon2))) / step_mi))
        out.extend(
            (lat1 + (lat2 - lat1) * k / parts, lon1 + (lon2 - lon1) * k / parts) for k in range(1, parts + 1)
        )
    return out


def _inside(lat: float, lon: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Ray casting in latitude/longitude (fine for the deep-inland points it is asked about)."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (lat1 > lat) != (lat2 > lat) and lon < lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1):
            inside = not inside
    return inside


class Territory:
    """The outline of the United States for the excise tax on air transportation.

    ``lines``: the boundaries and coasts (see ``BoundaryLine``); those of the
    ``"continental"`` region outline the continental United States (the District of
    Columbia and the States other than Alaska and Hawaii, 26 U.S.C. 4262(c)(1)).
    ``mainlands``: closed, coarse outlines of the continental United States and of mainland
    Alaska, used only to tell whether a point far from every line is inland. ``source``
    says where the data comes from (recorded with each quote).

    Answers are cached per point and per route: build one ``Territory`` per process.
    """

    def __init__(
        self,
        lines: Sequence[BoundaryLine],
        mainlands: Sequence[Sequence[tuple[float, float]]],
        *,
        source: str,
        step_mi: float = 3.0,
    ) -> None:
        if not any(line.region == "continental" for line in lines):
            raise ValueError("a territory needs the outline of the continental United States")
        self.source = source
        self.step_mi = step_mi
        self._mainlands = [tuple(ring) for ring in mainlands]
        self._continental: list[Vector] = []
        self._grid: dict[tuple[int, int], list[Vector]] = {}
        self._segments: list[tuple[Vector, Vector, bool]] = []
        for line in lines:
            points = _densify(line.points, step_mi)
            vectors = [_vector(lat, lon) for lat, lon in points]
            if line.region == "continental":
                self._continental.extend(vectors)
            for (lat, lon), vector in zip(points, vectors, strict=True):
                self._grid.setdefault((math.floor(lat), math.floor(lon)), []).append(vector)
            coast = line.kind == "coast"
            self._segments.extend((p, q, coast) for p, q in zip(vectors, vectors[1:], strict=False))
        self._distances: dict[tuple[float, float], float] = {}
        self._exclusions: dict[tuple[float, float, float, float, float], float] = {}

    def continental_distance_mi(self, lat: float, lon: float) -> float:
        """Statute miles from (lat, lon) to the nearest point of the continental United
        States' outline (0 for a point on it; meaningful for points outside it)."""
        key = (lat, lon)
        distance = self._distances.get(key)
        if distance is None:
            point = _vector(lat, lon)
            distance = _miles(max(_dot(point, vertex) for vertex in self._continental))
            self._distances[key] = distance
        return distance

    def excluded_fraction(
        self, start: tuple[float, float], end: tuple[float, float], limit_mi: float
    ) -> float:
        """The fraction of the great-circle route from ``start`` to ``end`` (lat, lon) that
        26 U.S.C. 4262(b) excludes from taxable transportation: each stretch outside the
        United States that passes over a point more than ``limit_mi`` from it, from where
        the route leaves the United States (or from a start outside it) to where it enters
        it again (or to an end outside it). 0.0 when the route never goes that far."""
        key = (*start, *end, limit_mi)
        fraction = self._exclusions.get(key)
        if fraction is None:
            fraction = self._excluded(_vector(*start), _vector(*end), limit_mi)
            self._exclusions[key] = fraction
        return fraction

    def _excluded(self, a: Vector, b: Vector, limit_mi: float) -> float:
        angle = math.acos(max(-1.0, min(1.0, _dot(a, b))))
        length = angle * EARTH_RADIUS_MI
        if length <= self.step_mi:
            return 0.0
        normal = _unit(_cross(a, b))
        toward = _cross(normal, a)
        samples = math.ceil(length / self.step_mi)
        far = [self._far(_point_at(a, toward, angle * k / samples), limit_mi) for k in range(samples + 1)]
        if not any(far):
            return 0.0
        crossings = sorted(self._crossings(a, toward, normal, angle))
        sea = TERRITORIAL_SEA_MI / length
        excluded: list[tuple[float, float]] = []
        k = 0
        while k <= samples:
            if not far[k]:
                k += 1
                continue
            first = k
            while k <= samples and far[k]:
                k += 1
            t_first, t_last = first / samples, (k - 1) / samples
            before = [(t, coast) for t, coast in crossings if t < t_first]
            after = [(t, coast) for t, coast in crossings if t > t_last]
            low = before[-1][0] + (sea if before[-1][1] else 0.0) if before else 0.0
            high = after[0][0] - (sea if after[0][1] else 0.0) if after else 1.0
            if excluded and low <= excluded[-1][1]:
                low = excluded.pop()[0]
            excluded.append((low, max(low, high)))
        return min(1.0, sum(high - low for low, high in excluded))

    def _far(self, point: tuple[float, float, float], limit_mi: float) -> bool:
        """Whether ``point`` (x, y, z) is outside the United States and more than
        ``limit_mi`` from it."""
        lat = math.degrees(math.asin(max(-1.0, min(1.0, point[2]))))
        lon = math.degrees(math.atan2(point[1], point[0]))
        reach = limit_mi / EARTH_RADIUS_MI
        threshold = math.cos(reach)
        span_lat = math.degrees(reach) + 1.0
        cos_lat = math.cos(math.radians(min(89.0, abs(lat) + span_lat)))
        span_lon = min(180.0, span_lat / max(cos_lat, 1e-6))
        for cell_lat in range(math.floor(lat - span_lat), math.floor(lat + span_lat) + 1):
            for offset in range(math.floor(-span_lon), math.floor(span_lon) + 2):
                cell_lon = (math.floor(lon) + offset + 180) % 360 - 180
                for vertex in self._grid.get((cell_lat, cell_lon), ()):
                    if _dot(point, vertex) >= threshold:
                        return False
        return not any(_inside(lat, lon, ring) for ring in self._mainlands)

    def _crossings(self, a: Vector, toward: Vector, normal: Vector, angle: float) -> list[tuple[float, bool]]:
        """Where the route crosses a line of the outline: (fraction of the route, coast?)."""
        found: list[tuple[float, bool]] = []
        for p, q, coast in self._segments:
            side_p, side_q = _dot(normal, p), _dot(normal, q)
            if (side_p > 0.0) == (side_q > 0.0):
                continue
            share = side_p / (side_p - side_q)
            x = (p[0] + (q[0] - p[0]) * share, p[1] + (q[1] - p[1]) * share, p[2] + (q[2] - p[2]) * share)
            along = math.atan2(_dot(x, toward), _dot(x, a))
            if 0.0 <= along <= angle:
                found.append((along / angle, coast))
        return found


def _point_at(a: Vector, toward: Vector, along: float) -> Vector:
    c, s = math.cos(along), math.sin(along)
    return (a[0] * c + toward[0] * s, a[1] * c + toward[1] * s, a[2] * c + toward[2] * s)
