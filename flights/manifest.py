"""Passenger manifests as documents (CSV and PDF), and the time formatting they share with
client messages.

Who may see full passport numbers and dates of birth is the caller's decision
(``jetops.permissions.user_can(user, VIEW_MANIFEST, flight)`` and ``VIEW_PASSPORT``, from the
apps' ``permissions`` modules): these functions only honour ``show_passports``. Reading the rows
decrypts the passengers' encrypted fields; nothing here writes.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Case, Value, When

from flights.models import Flight
from jetops.spreadsheet import csv_safe

if TYPE_CHECKING:
    from fleet.models import Airport

MASK = "•••••"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("nationality", "Nationality"),
    ("date_of_birth", "Date of birth"),
    ("passport_number", "Passport number"),
    ("passport_expiry", "Passport expiry"),
    ("seat", "Seat"),
    ("weight_kg", "Weight (kg)"),
    ("bags", "Bags"),
)


def airport_zone(airport: Airport) -> ZoneInfo:
    """The airport's IANA zone (UTC if the reference data holds an unknown name)."""
    try:
        return ZoneInfo(airport.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time_text(at: datetime, airport: Airport) -> str:
    """``Mon 15 Jun 2026 09:30 EDT``: ``at`` on the airport's wall clock."""
    local = at.astimezone(airport_zone(airport))
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


def utc_time_text(at: datetime) -> str:
    """``15 Jun 2026 13:30 UTC``."""
    return f"{at.astimezone(UTC):%d %b %Y %H:%M} UTC"


def mask_passport(number: str | None) -> str:
    """``•••••1234``; a number of four characters or fewer is masked whole."""
    if not number:
        return ""
    return MASK + number[-4:] if len(number) > 4 else MASK


def _weight(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"


def manifest_rows(flight: Flight, *, show_passports: bool) -> list[dict[str, Any]]:
    """One dict per passenger on the manifest, by seat (unseated passengers last, as added).

    Keys: ``name``, ``nationality``, ``date_of_birth`` (only when ``show_passports``),
    ``passport_number`` (masked ``•••••1234`` unless ``show_passports``), ``passport_expiry``
    (ISO date), ``seat``, ``weight_kg`` (the manifest's weight, else the passenger's) and
    ``bags``. Missing values are empty strings.
    """
    rows: list[dict[str, Any]] = []
    # Seated passengers first, by seat; unseated ones after, as added.
    unseated_last = Case(When(seat="", then=Value(1)), default=Value(0))
    entries = flight.manifest.select_related("passenger").order_by(unseated_last, "seat", "id")
    for entry in entries:
        passenger = entry.passenger
        row: dict[str, Any] = {
            "name": f"{passenger.first_name} {passenger.last_name}".strip(),
            "nationality": passenger.nationality,
        }
        if show_passports:
            row["date_of_birth"] = passenger.date_of_birth.isoformat() if passenger.date_of_birth else ""
        number = passenger.passport_number or ""
        row["passport_number"] = number if show_passports else mask_passport(number)
        row["passport_expiry"] = passenger.passport_expiry.isoformat() if passenger.passport_expiry else ""
        row["seat"] = entry.seat
        row["weight_kg"] = _weight(entry.weight_kg if entry.weight_kg is not None else passenger.weight_kg)
        row["bags"] = entry.bags
        rows.append(row)
    return rows


def _columns(show_passports: bool) -> list[tuple[str, str]]:
    return [(key, label) for key, label in COLUMNS if show_passports or key != "date_of_birth"]


def manifest_csv(flight: Flight, show_passports: bool) -> str:
    """The manifest as CSV text (header row of labels, one row per passenger). Cells that a
    spreadsheet would run as a formula are prefixed with ``'``."""
    columns = _columns(show_passports)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in columns])
    for row in manifest_rows(flight, show_passports=show_passports):
        writer.writerow([csv_safe(row[key]) for key, _ in columns])
    return buffer.getvalue()


def _flight_for_document(flight: Flight) -> Flight:
    return Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport").get(pk=flight.pk)


def manifest_pdf(flight: Flight, show_passports: bool) -> bytes:
    """The manifest as a PDF (A4 landscape): flight number, tail, route and departure time
    (UTC and local at the departure airport) above the passenger table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import Flowable

    flight = _flight_for_document(flight)
    dep, arr = flight.departure_airport, flight.arrival_airport
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Passenger manifest {flight.flight_number}",
        author="JetOps",
    )
    header = [
        [
            "Flight",
            flight.flight_number,
            "Aircraft",
            f"{flight.aircraft.tail_number} ({flight.aircraft.manufacturer} {flight.aircraft.model})",
        ],
        ["From", f"{dep.icao} {dep.name}", "To", f"{arr.icao} {arr.name}"],
        [
            "Departure (UTC)",
            utc_time_text(flight.departure_at),
            "Departure (local)",
            local_time_text(flight.departure_at, dep),
        ],
        [
            "Arrival (UTC)",
            utc_time_text(flight.arrival_at),
            "Arrival (local)",
            local_time_text(flight.arrival_at, arr),
        ],
    ]
    header_table = Table(header, hAlign="LEFT", colWidths=[35 * mm, 95 * mm, 35 * mm, 95 * mm])
    header_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("FONTNAME", (2, 0), (2, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    columns = _columns(show_passports)
    rows = manifest_rows(flight, show_passports=show_passports)
    # Cells are plain strings, never Paragraph markup: a name cannot inject formatting.
    data = [[label for _, label in columns]]
    data += [[str(row[key]) for key, _ in columns] for row in rows]
    if not rows:
        data.append(["No passengers on the manifest."] + [""] * (len(columns) - 1))
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f2d3d")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f4f7")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph("Passenger manifest", styles["Title"]),
        header_table,
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            f"{len(rows)} passenger(s). Generated {utc_time_text(datetime.now(UTC))}."
            + ("" if show_passports else " Passport numbers masked."),
            styles["Normal"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
