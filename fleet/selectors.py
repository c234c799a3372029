"""Reads of the fleet used by several screens (API, admin, quoting): availability, aircraft
near an airport, an aircraft's schedule and maintenance overview, document expiry states."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from fleet.choices import (
    MAINTENANCE_BLACKOUT_KINDS,
    UNAVAILABLE_STATUSES,
    AircraftDocumentKind,
    AircraftStatus,
    BlackoutKind,
)
from fleet.models import Aircraft, AircraftDocument, AircraftStatusChange, Airport, Blackout
from fleet.occupancy import busy_sources, occupancy_entries
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
    """``queryset`` without the aircraft that cannot fly in ``[start, end)``: grounded or
    inactive now (maintenance, AOG, inactive), blacked out at some time in the window, or
    reported busy by an occupancy provider (``fleet.occupancy``; flights register one).

    One SQL query when providers return querysets (they become subqueries).
    """
    queryset = queryset.filter(is_active=True).exclude(status__in=UNAVAILABLE_STATUSES)
    blacked_out = Blackout.objects.filter(start__lt=end, end__gt=start).values("aircraft_id")
    queryset = queryset.exclude(pk__in=blacked_out)
    for busy in busy_sources(start, end):
        queryset = queryset.exclude(pk__in=busy)
    return queryset


def airport_resolve(code: str) -> Airport | None:
    """The airport a person means by ``code`` (any case): its ICAO code; else its IATA code
    (3 letters); else, for a US ``K`` code the data no longer has, the airport whose IATA code
    is the rest (FAA convention: KPBI is PBI, listed as KDJT since the 2025 renaming)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    airport = Airport.objects.filter(icao=code).first()
    if airport is None and len(code) == 3:
        airport = Airport.objects.filter(iata=code).order_by("icao").first()
    if airport is None and len(code) == 4 and code.startswith("K"):
        airport = Airport.objects.filter(iata=code[1:], country="US").first()
    return airport


def airport_get(icao: str, *, field: str = "icao") -> Airport:
    """The airport for ``icao`` (see ``airport_resolve``); ``ValidationError`` naming ``field``."""
    airport = airport_resolve(icao)
    if airport is None:
        raise ValidationError({field: [f"Unknown airport code {(icao or '').strip().upper()!r}."]})
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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


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
    """Everything that occupies ``aircraft`` in ``[start, end)``, by start time: blackouts,
    grounded/inactive status periods, and the entries of every occupancy provider (flights…).

    Each entry: ``{"kind", "id", "start", "end", "title", "detail"}`` with ISO 8601 times
    (``end`` None: still going on).
    """
    entries: list[dict[str, Any]] = []
    for blackout in Blackout.objects.filter(aircraft=aircraft, start__lt=end, end__gt=start).order_by(
        "start"
    ):
        label = BlackoutKind(blackout.kind).label
        entries.append(
            {
                "kind": "blackout",
                "id": blackout.pk,
                "start": _iso(blackout.start),
                "end": _iso(blackout.end),
                "title": f"{label}: {blackout.reason}" if blackout.reason else label,
                "detail": {"blackout_kind": blackout.kind, "reason": blackout.reason},
            }
        )
    entries.extend(_status_periods(aircraft, start, end))
    for item in occupancy_entries([aircraft.pk], start, end):
        if item.aircraft_id != aircraft.pk:
            continue
        entries.append(
            {
                "kind": item.kind,
                "id": item.ref,
                "start": _iso(item.start),
                "end": _iso(item.end),
                "title": item.title,
                "detail": dict(item.detail),
            }
        )
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
    status timeline (latest first), and its documents with their expiry states."""
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
    }


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
