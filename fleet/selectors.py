"""Reads of the fleet used by several screens (API, admin, quoting): availability, aircraft
near an airport, an aircraft's schedule and maintenance overview, document expiry states."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import cached_property
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from fleet.airworthiness import overview_sections
from fleet.choices import (
    MAINTENANCE_BLACKOUT_KINDS,
    UNAVAILABLE_STATUSES,
    AircraftDocumentKind,
    AircraftStatus,
    BlackoutKind,
)
from fleet.models import (
    Aircraft,
    AircraftDocument,
    AircraftQuerySet,
    AircraftStatusChange,
    Airport,
    Blackout,
    unknown_airport_message,
)
from fleet.occupancy import (
    Exclude,
    OccupancyEntry,
    busy_sources,
    occupancy_entries,
    occupancy_neighbours,
)
from jetops.geo import EARTH_RADIUS_NM, great_circle_nm


def blackout_overlaps(
    *,
    aircraft: Aircraft,
    start: datetime,
    end: datetime,
    kind: str | None = None,
    exclude_kind: str | None = None,
    touching: bool = False,
    exclude_pk: int | None = None,
) -> list[Blackout]:
    """The aircraft's blackouts overlapping ``[start, end)`` (or touching it, when
    ``touching``), optionally only of ``kind`` or of any kind but ``exclude_kind``."""
    if touching:
        queryset = Blackout.objects.filter(aircraft=aircraft, start__lte=end, end__gte=start)
    else:
        queryset = Blackout.objects.filter(aircraft=aircraft, start__lt=end, end__gt=start)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if exclude_kind is not None:
        queryset = queryset.exclude(kind=exclude_kind)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.order_by("start", "id"))


def aircraft_available(queryset: QuerySet[Aircraft], start: datetime, end: datetime) -> QuerySet[Aircraft]:
    """``queryset`` without the aircraft that cannot fly in ``[start, end)``: not in service
    (maintenance, AOG, inactive), blacked out at some time in the window, or reported busy by
    an occupancy provider (``fleet.occupancy``; flights register one, turnaround and
    positioning legs included). The same truth as ``FleetOccupancy.conflicts``, in SQL.

    One SQL query when providers return querysets (they become subqueries).
    """
    queryset = cast(AircraftQuerySet, queryset).in_service()
    blacked_out = Blackout.objects.filter(start__lt=end, end__gt=start).values("aircraft_id")
    queryset = queryset.exclude(pk__in=blacked_out)
    for busy in busy_sources(start, end):
        queryset = queryset.exclude(pk__in=busy)
    return queryset


def _overlaps(start: datetime, end: datetime | None, window_start: datetime, window_end: datetime) -> bool:
    return start < window_end and (end is None or end > window_start)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class FleetOccupancy:
    """What occupies some aircraft in ``[start, end)`` and where they are: the one answer to
    "is this aircraft free, and where is it at time t" that quoting, booking checks, the 409's
    alternatives and the schedule share. Built by ``aircraft_occupancy`` in a fixed number of
    queries, whatever the number of aircraft; its methods run no query (but the first
    ``position_at`` / ``next_departure``, which loads the providers' neighbours once).

    Times given to the methods lie inside the window it was built for.
    """

    def __init__(
        self,
        aircraft: dict[int, Aircraft],
        start: datetime,
        end: datetime,
        *,
        blackouts: dict[int, list[Blackout]],
        entries: dict[int, list[OccupancyEntry]],
        exclude: Exclude | None,
    ) -> None:
        self.aircraft = aircraft
        self.start = start
        self.end = end
        self._blackouts = blackouts
        self._entries = entries
        self._exclude = exclude

    @cached_property
    def _moves(self) -> dict[int, list[OccupancyEntry]]:
        """Blocking entries that take each aircraft somewhere, in the window and just around it."""
        moves: dict[int, list[OccupancyEntry]] = defaultdict(list)
        seen: set[tuple[str, Any]] = set()
        around = occupancy_neighbours(list(self.aircraft), self.start, self.end, exclude=self._exclude)
        for entry in [*(e for rows in self._entries.values() for e in rows), *around]:
            key = (entry.kind, entry.ref)
            if entry.blocks and entry.destination is not None and key not in seen:
                seen.add(key)
                moves[entry.aircraft_id].append(entry)
        for rows in moves.values():
            rows.sort(key=lambda e: e.start)
        return moves

    def conflicts(self, aircraft_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Everything that stops the aircraft from being used in ``[start, end)``: its status,
        blocking periods (flights with their turnaround, positioning legs…), blackouts."""
        aircraft = self.aircraft[aircraft_id]
        found: list[dict[str, Any]] = []
        if not aircraft.in_service:
            found.append(
                {
                    "type": "aircraft_status",
                    "detail": f"{aircraft.tail_number} is {aircraft.get_status_display().lower()}.",
                    "status": aircraft.status,
                }
            )
        for entry in self._entries.get(aircraft_id, []):
            if entry.blocks and _overlaps(entry.start, entry.end, start, end):
                found.append(
                    {
                        **entry.detail,
                        "type": entry.kind,
                        "detail": f"{aircraft.tail_number} is busy then: {entry.title}.",
                        "id": entry.ref,
                        "start": _iso(entry.start),
                        "end": _iso(entry.end),
                    }
                )
        for blackout in self._blackouts.get(aircraft_id, []):
            if _overlaps(blackout.start, blackout.end, start, end):
                found.append(
                    {
                        "type": "blackout",
                        "detail": f"{aircraft.tail_number} is blacked out "
                        f"({blackout.get_kind_display().lower()}).",
                        "blackout": blackout.pk,
                        "kind": blackout.kind,
                        "start": _iso(blackout.start),
                        "end": _iso(blackout.end),
                    }
                )
        return found

    def position_at(self, aircraft_id: int, when: datetime) -> Airport:
        """Where the aircraft will be at ``when``: where the last period that moves it and
        starts before then leaves it (a flight's arrival, or its diversion), else its current
        location."""
        before = [e for e in self._moves.get(aircraft_id, []) if e.start < when]
        if before and before[-1].destination is not None:
            return before[-1].destination
        return self.aircraft[aircraft_id].current_location

    def next_departure(self, aircraft_id: int, after: datetime) -> OccupancyEntry | None:
        """The first period that moves the aircraft starting at or after ``after``."""
        return next((e for e in self._moves.get(aircraft_id, []) if e.start >= after), None)

    def schedule(self, aircraft_id: int) -> list[dict[str, Any]]:
        """The aircraft's blackouts and providers' periods in the window, each typed by
        ``kind``: ``{"kind", "id", "start", "end", "title", "detail"}`` with ISO 8601 times."""
        rows: list[dict[str, Any]] = []
        for blackout in self._blackouts.get(aircraft_id, []):
            label = BlackoutKind(blackout.kind).label
            rows.append(
                {
                    "kind": "blackout",
                    "id": blackout.pk,
                    "start": _iso(blackout.start),
                    "end": _iso(blackout.end),
                    "title": f"{label}: {blackout.reason}" if blackout.reason else label,
                    "detail": {"blackout_kind": blackout.kind, "reason": blackout.reason},
                }
            )
        for entry in self._entries.get(aircraft_id, []):
            rows.append(
                {
                    "kind": entry.kind,
                    "id": entry.ref,
                    "start": _iso(entry.start),
                    "end": _iso(entry.end),
                    "title": entry.title,
                    "detail": dict(entry.detail),
                }
            )
        return rows


def aircraft_occupancy(
    aircraft: Iterable[Aircraft], start: datetime, end: datetime, *, exclude: Exclude | None = None
) -> FleetOccupancy:
    """The ``FleetOccupancy`` of ``aircraft`` in ``[start, end)``: their blackouts and every
    occupancy provider's periods, in one query each; ``exclude`` leaves records out by
    provider (``{"flights": {flight_id}}``: a flight being rescheduled is not in its own way).
    Positions fall back on ``current_location``: select it with the aircraft."""
    by_id = {a.pk: a for a in aircraft}
    blackouts: dict[int, list[Blackout]] = defaultdict(list)
    entries: dict[int, list[OccupancyEntry]] = defaultdict(list)
    if by_id:
        for blackout in Blackout.objects.filter(
            aircraft_id__in=list(by_id), start__lt=end, end__gt=start
        ).order_by("start", "id"):
            blackouts[blackout.aircraft_id].append(blackout)
        for entry in occupancy_entries(list(by_id), start, end, exclude=exclude):
            if entry.aircraft_id in by_id:
                entries[entry.aircraft_id].append(entry)
        for rows in entries.values():
            rows.sort(key=lambda e: e.start)
    return FleetOccupancy(by_id, start, end, blackouts=blackouts, entries=entries, exclude=exclude)


def airport_get(code: object, *, field: str) -> Airport:
    """The airport a person means by ``code`` (``AirportQuerySet.resolve``); a
    ``ValidationError`` naming ``field`` if there is none."""
    airport = Airport.objects.resolve(code)
    if airport is None:
        raise ValidationError({field: [unknown_airport_message(code)]})
    return airport


def _bounding_box(lat: float, lon: float, radius_nm: float) -> Q:
    """A latitude/longitude box containing every point within ``radius_nm`` of (lat, lon),
    as a filter on the aircraft's current airport (handles the poles and the antimeridian)."""
    angular = radius_nm / EARTH_RADIUS_NM
    lat_min = lat - math.degrees(angular)
    lat_max = lat + math.degrees(angular)
    box = Q(
        current_location__latitude__gte=max(lat_min, -90.0),
        current_location__latitude__lte=min(lat_max, 90.0),
    )
    if lat_min <= -90.0 or lat_max >= 90.0 or angular >= math.pi / 2:
        return box  # a pole is inside the circle: every longitude
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    lon_min, lon_max = lon - dlon, lon + dlon
    if lon_min < -180.0:
        return box & (
            Q(current_location__longitude__gte=lon_min + 360.0) | Q(current_location__longitude__lte=lon_max)
        )
    if lon_max > 180.0:
        return box & (
            Q(current_location__longitude__gte=lon_min) | Q(current_location__longitude__lte=lon_max - 360.0)
        )
    return box & Q(current_location__longitude__gte=lon_min, current_location__longitude__lte=lon_max)


def aircraft_near(queryset: QuerySet[Aircraft], icao: str | Airport, radius_nm: float) -> QuerySet[Aircraft]:
    """Aircraft of ``queryset`` whose current airport is within ``radius_nm`` great-circle
    nautical miles of the airport ``icao``, nearest first, annotated with ``distance_nm``.

    A bounding box on the airports' coordinates narrows the candidates in SQL; the exact
    distance (``jetops.geo.great_circle_nm``) is computed in Python for those only. The result
    stays a queryset (paginated and filtered like any other). ``icao`` is a code or an
    ``Airport``; an unknown code is a ``ValidationError`` on ``near``.
    """
    origin = icao if isinstance(icao, Airport) else airport_get(icao, field="near")
    candidates = queryset.filter(_bounding_box(origin.latitude, origin.longitude, radius_nm)).values_list(
        "pk", "current_location__latitude", "current_location__longitude"
    )
    distances = {
        pk: round(great_circle_nm(origin.latitude, origin.longitude, lat, lon), 1)
        for pk, lat, lon in candidates
    }
    within = {pk: d for pk, d in distances.items() if d <= radius_nm}
    if not within:
        return queryset.none().annotate(distance_nm=Value(None, output_field=FloatField()))
    distance = Case(*(When(pk=pk, then=Value(d)) for pk, d in within.items()), output_field=FloatField())
    return (
        queryset.filter(pk__in=list(within))
        .annotate(distance_nm=distance)
        .order_by("distance_nm", "tail_number")
    )


def _status_periods(aircraft: Aircraft, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Periods in which the aircraft was grounded or inactive, from its status timeline."""
    changes = AircraftStatusChange.objects.filter(aircraft=aircraft)
    opening = changes.filter(at__lte=start).order_by("-at", "-id").first()
    timeline = ([opening] if opening else []) + list(
        changes.filter(at__gt=start, at__lt=end).order_by("at", "id")
    )
    periods = []
    for index, change in enumerate(timeline):
        if change.to_status not in UNAVAILABLE_STATUSES:
            continue
        following = timeline[index + 1] if index + 1 < len(timeline) else None
        period_end = following.at if following else None
        if period_end is not None and period_end <= start:
            continue
        periods.append(
            {
                "kind": "status",
                "id": change.pk,
                "start": _iso(change.at),
                "end": _iso(period_end),
                "title": AircraftStatus(change.to_status).label
                + (f": {change.reason}" if change.reason else ""),
                "detail": {"status": change.to_status, "reason": change.reason},
            }
        )
    return periods


def aircraft_schedule(aircraft: Aircraft, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Everything that occupies ``aircraft`` in ``[start, end)``, by start time: flights and
    positioning legs (with their turnaround), blackouts, grounded/inactive status periods,
    and any other occupancy provider's periods (``FleetOccupancy.schedule``).

    Each entry: ``{"kind", "id", "start", "end", "title", "detail"}`` with ISO 8601 times
    (``end`` None: still going on).
    """
    entries = aircraft_occupancy([aircraft], start, end).schedule(aircraft.pk)
    entries.extend(_status_periods(aircraft, start, end))
    entries.sort(key=lambda e: datetime.fromisoformat(e["start"]))
    return entries


def document_expiry_state(expires_on: date | None, today: date | None = None) -> str:
    """``expired``, ``critical`` (≤ 7 days), ``warning`` (≤ 60 days), ``ok``, or ``none``
    (does not expire): the traffic light of admin lists and the maintenance view."""
    if expires_on is None:
        return "none"
    days = (expires_on - (today or timezone.localdate())).days
    if days < 0:
        return "expired"
    if days <= 7:
        return "critical"
    if days <= 60:
        return "warning"
    return "ok"


def aircraft_next_expiry(aircraft: Aircraft) -> date | None:
    """The nearest of the aircraft's current certificates' expiry dates (no query)."""
    dates = [
        d
        for d in (
            aircraft.registration_expires_on,
            aircraft.insurance_expires_on,
            aircraft.airworthiness_expires_on,
        )
        if d is not None
    ]
    return min(dates) if dates else None


def aircraft_documents_overview(aircraft: Aircraft, today: date | None = None) -> list[dict[str, Any]]:
    """The aircraft's documents with days to expiry, traffic-light state, and whether a
    later document of the same kind supersedes it."""
    today = today or timezone.localdate()
    documents = list(
        AircraftDocument.objects.filter(aircraft=aircraft).order_by("kind", "-expires_on", "-id")
    )
    latest: dict[str, date] = {}
    for document in documents:
        if document.expires_on is not None and document.kind != AircraftDocumentKind.OTHER:
            latest[document.kind] = max(latest.get(document.kind, document.expires_on), document.expires_on)
    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "number": d.number,
            "issued_on": d.issued_on.isoformat() if d.issued_on else None,
            "expires_on": d.expires_on.isoformat() if d.expires_on else None,
            "days_to_expiry": d.days_to_expiry(today),
            "state": document_expiry_state(d.expires_on, today),
            "superseded": d.expires_on is not None and d.kind in latest and d.expires_on < latest[d.kind],
        }
        for d in documents
    ]


def aircraft_maintenance_overview(aircraft: Aircraft, *, history_limit: int = 100) -> dict[str, Any]:
    """The maintenance view of an aircraft: its status, maintenance and AOG blackouts, the
    status timeline (latest first), its documents with their expiry states, and the sections
    other apps register (``fleet.airworthiness``: the maintenance app's due list…)."""
    blackouts = Blackout.objects.filter(aircraft=aircraft, kind__in=MAINTENANCE_BLACKOUT_KINDS).order_by(
        "-start"
    )
    changes = (
        AircraftStatusChange.objects.filter(aircraft=aircraft)
        .select_related("actor")
        .order_by("-at", "-id")[:history_limit]
    )
    next_expiry = aircraft_next_expiry(aircraft)
    return {
        "aircraft": aircraft.pk,
        "tail_number": aircraft.tail_number,
        "status": aircraft.status,
        "total_hours": str(aircraft.total_hours),
        "total_cycles": aircraft.total_cycles,
        "certificates": {
            "registration_expires_on": _date(aircraft.registration_expires_on),
            "insurance_expires_on": _date(aircraft.insurance_expires_on),
            "airworthiness_expires_on": _date(aircraft.airworthiness_expires_on),
            "next_expiry": _date(next_expiry),
            "state": document_expiry_state(next_expiry),
        },
        "blackouts": [
            {
                "id": b.pk,
                "kind": b.kind,
                "start": _iso(b.start),
                "end": _iso(b.end),
                "reason": b.reason,
            }
            for b in blackouts
        ],
        "status_history": [
            {
                "id": c.pk,
                "from": c.from_status,
                "to": c.to_status,
                "reason": c.reason,
                "at": _iso(c.at),
                "actor": c.actor.username if c.actor else None,
            }
            for c in changes
        ],
        "documents": aircraft_documents_overview(aircraft),
        **overview_sections(aircraft),
    }


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
