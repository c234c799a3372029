"""The crew briefing of a flight, as data and as a PDF (docs/rules.md#briefing): itinerary in
UTC and local times, aircraft, crew, passengers (names, seats, bags: no passport data),
services, weather and NOTAMs at departure, destination and alternates, the fuel plan and the
weight-and-balance summary. Reads only; who may read it is the caller's decision."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from crew.models import CrewAssignment
from flights.manifest import local_time_text, utc_time_text
from flights.models import Flight
from jetops.errors import Conflict
from planning.models import FlightPlan
from planning.selectors import airport_weather, compute, requirement_warnings

POOR_CATEGORIES = ("IFR", "LIFR")


def flight_briefing(flight: Flight) -> dict[str, Any]:
    flight = Flight.objects.select_related("aircraft", "departure_airport", "arrival_airport").get(
        pk=flight.pk
    )
    dep, arr, aircraft = flight.departure_airport, flight.arrival_airport, flight.aircraft
    plan = FlightPlan.objects.select_related("alternate", "second_alternate").filter(flight=flight).first()
    warnings: list[str] = requirement_warnings(flight)
    fuel: dict[str, Any] | None = None
    weight_balance: dict[str, Any] | None = None
    alternates = []
    if plan is not None:
        fuel, weight_balance = plan.fuel, plan.weight_balance
        alternates = [a for a in (plan.alternate, plan.second_alternate) if a is not None]
    else:
        warnings.append("No flight plan stored yet: fuel and weight and balance are computed now.")
        try:
            computation = compute(flight)
            fuel, weight_balance = computation.fuel_dict(), computation.weight_balance_dict()
        except Conflict as exc:
            warnings.append(exc.detail)
    if weight_balance is not None and not weight_balance.get("ok", False):
        warnings.extend(c["message"] for c in weight_balance["checks"] if c["status"] == "block")
    weather: dict[str, Any] = {
        "departure": airport_weather(dep, flight.departure_at),
        "destination": airport_weather(arr, flight.arrival_at),
        "alternates": [airport_weather(a, flight.arrival_at) for a in alternates],
    }
    for report in [weather["departure"], weather["destination"], *weather["alternates"]]:
        if report["category"] in POOR_CATEGORIES:
            warnings.append(f"{report['airport']}: {report['category']} expected at {report['at'][11:16]}Z.")
        if report["aerodrome_closed"]:
            warnings.append(f"{report['airport']}: aerodrome closed by NOTAM.")
        elif report["runway_closed"]:
            warnings.append(f"{report['airport']}: a runway is closed by NOTAM.")
    crew = CrewAssignment.objects.filter(flight=flight).select_related("crew_member").order_by("role", "id")
    manifest = flight.manifest.select_related("passenger").order_by("seat", "id")
    return {
        "flight": flight.flight_number,
        "status": flight.status,
        "flight_rules": "IFR" if flight.ifr else "VFR",
        "itinerary": {
            "departure": {
                "airport": dep.icao,
                "name": dep.name,
                "fbo": flight.departure_fbo,
                "utc": utc_time_text(flight.departure_at),
                "local": local_time_text(flight.departure_at, dep),
            },
            "arrival": {
                "airport": arr.icao,
                "name": arr.name,
                "fbo": flight.arrival_fbo,
                "utc": utc_time_text(flight.arrival_at),
                "local": local_time_text(flight.arrival_at, arr),
            },
            "alternates": [a.icao for a in alternates],
        },
        "aircraft": {
            "tail_number": aircraft.tail_number,
            "type": aircraft.aircraft_type,
            "model": f"{aircraft.manufacturer} {aircraft.model}",
        },
        "plan": None
        if plan is None
        else {
            "status": plan.status,
            "route": plan.route,
            "cruise_level_ft": plan.cruise_level_ft,
            "distance_nm": plan.distance_nm,
            "ete_minutes": plan.ete_minutes,
            "souls_on_board": plan.souls_on_board,
            "fpl_text": plan.fpl_text,
            "filed_at": plan.filed_at.isoformat() if plan.filed_at else None,
        },
        "crew": [{"role": a.role, "name": a.crew_member.name} for a in crew],
        "passengers": [
            {
                "name": f"{row.passenger.first_name} {row.passenger.last_name}".strip(),
                "seat": row.seat,
                "bags": row.bags,
            }
            for row in manifest
        ],
        "services": [
            {
                "kind": s.get_kind_display(),
                "description": s.description,
                "vendor": s.vendor,
                "status": s.get_status_display(),
            }
            for s in flight.special_services.order_by("kind", "id")
        ],
        "weather": weather,
        "fuel": fuel,
        "weight_balance": weight_balance,
        "warnings": warnings,
    }


def _minutes(value: Any) -> str:
    return "" if value is None else f"{int(value) // 60}:{int(value) % 60:02d}"


def briefing_pdf(briefing: dict[str, Any]) -> bytes:
    """The briefing as an A4 PDF. Cells are plain strings, never markup, so no name or
    report text can inject formatting."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Preformatted, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import Flowable

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Crew briefing {briefing['flight']}",
        author="JetOps",
    )
    grid = TableStyle(
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f2d3d")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
        made = Table([[str(c) for c in row] for row in rows], colWidths=widths, hAlign="LEFT", repeatRows=1)
        made.setStyle(grid)
        return made

    def heading(text: str) -> Paragraph:
        return Paragraph(text, styles["Heading3"])

    itinerary = briefing["itinerary"]
    dep, arr = itinerary["departure"], itinerary["arrival"]
    aircraft = briefing["aircraft"]
    story: list[Flowable] = [
        Paragraph(f"Crew briefing {briefing['flight']}", styles["Title"]),
        table(
            [
                ["", "Airport", "UTC", "Local", "FBO"],
                ["Departure", f"{dep['airport']} {dep['name']}", dep["utc"], dep["local"], dep["fbo"]],
                ["Arrival", f"{arr['airport']} {arr['name']}", arr["utc"], arr["local"], arr["fbo"]],
            ],
            [20 * mm, 55 * mm, 35 * mm, 40 * mm, 32 * mm],
        ),
        Spacer(1, 3 * mm),
        table(
            [
                ["Aircraft", "Type", "Rules", "Alternates"],
                [
                    f"{aircraft['tail_number']} ({aircraft['model']})",
                    aircraft["type"],
                    briefing["flight_rules"],
                    ", ".join(itinerary["alternates"]) or "none",
                ],
            ]
        ),
    ]
    if briefing["warnings"]:
        story += [
            heading("Warnings"),
            *(Paragraph(_escape(w), styles["Normal"]) for w in briefing["warnings"]),
        ]
    story += [
        heading("Crew"),
        table(
            [["Role", "Name"], *([c["role"], c["name"]] for c in briefing["crew"])]
            if briefing["crew"]
            else [["Crew"], ["Not assigned yet."]]
        ),
    ]
    passengers = briefing["passengers"]
    story += [
        heading(f"Passengers ({len(passengers)})"),
        table([["Name", "Seat", "Bags"], *([p["name"], p["seat"], p["bags"]] for p in passengers)])
        if passengers
        else Paragraph("No passengers on the manifest.", styles["Normal"]),
    ]
    if briefing["services"]:
        story += [
            heading("Services"),
            table(
                [
                    ["Service", "Details", "Vendor", "Status"],
                    *([s["kind"], s["description"], s["vendor"], s["status"]] for s in briefing["services"]),
                ]
            ),
        ]
    plan, fuel = briefing["plan"], briefing["fuel"]
    if fuel is not None:
        story += [
            heading("Fuel (lb)"),
            table(
                [
                    [
                        "Trip",
                        "Contingency",
                        "Alternate",
                        "Final reserve",
                        "Extra",
                        "Taxi",
                        "Block",
                        "Endurance",
                    ],
                    [
                        fuel["trip_lb"],
                        fuel["contingency_lb"],
                        fuel["alternate_lb"],
                        f"{fuel['final_reserve_lb']} ({fuel['final_reserve_minutes']} min)",
                        fuel["extra_lb"],
                        fuel["taxi_lb"],
                        fuel["block_lb"],
                        _minutes(fuel["endurance_minutes"]),
                    ],
                ]
            ),
        ]
    wb = briefing["weight_balance"]
    if wb is not None:
        conditions = wb["conditions"]
        story += [
            heading("Weight and balance" + ("" if wb["ok"] else " — LIMITS EXCEEDED")),
            table(
                [
                    ["Condition", "Weight (lb)", "CG (in)"],
                    *(
                        [name.replace("_", " ").capitalize(), c["weight_lb"], c["cg_in"]]
                        for name, c in conditions.items()
                    ),
                ]
            ),
            Paragraph(
                _escape(
                    f"{wb['crew']} crew, {wb['passengers']} passengers ({wb['weights']} weights), "
                    f"{wb['bags']} bags."
                ),
                styles["Normal"],
            ),
        ]
    weather = briefing["weather"]
    story.append(heading("Weather and NOTAMs"))
    for label, report in [("Departure", weather["departure"]), ("Destination", weather["destination"])] + [
        ("Alternate", w) for w in weather["alternates"]
    ]:
        lines = [f"{label} {report['airport']}: {report['category'] or 'no forecast for that time'}"]
        if report["metar"]:
            lines.append(report["metar"]["raw"])
        if report["taf"]:
            lines.append(report["taf"]["raw"])
        lines += [
            f"NOTAM {n['number']}{' [' + n['flag'] + ']' if n['flag'] else ''}"
            f"{'' if n['in_force'] else ' (not in force then)'}: {n['text']}"
            for n in report["notams"]
        ]
        lines += report["errors"]
        story.append(Preformatted("\n".join(_wrap(line) for line in lines), styles["Code"]))
        story.append(Spacer(1, 2 * mm))
    if plan is not None:
        story += [
            heading(f"ICAO flight plan ({plan['status']})"),
            Preformatted(plan["fpl_text"], styles["Code"]),
        ]
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(f"Generated {utc_time_text(datetime.now(UTC))}.", styles["Normal"]))
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(line: str, width: int = 100) -> str:
    words, out, current = line.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)
