"""Regulatory documents (docs/rules.md#maintenance): the 91.417(a)(2) maintenance records
report of one aircraft, as an inspector asks for it (CSV and PDF), and the Service
Difficulty Report export of reportable squawks (135.415), as CSV. Reads only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fleet.models import Aircraft
from jetops.spreadsheet import csv_safe
from maintenance.models import ComplianceRecord, Part, Squawk, TrackedItem

RECORD_COLUMNS = (
    "section",
    "item",
    "description",
    "last_done",
    "hours_at",
    "cycles_at",
    "since",
    "next_due",
    "status",
)
SDR_COLUMNS = (
    ("aircraft", "Registration"),
    ("make_model", "Make/model"),
    ("date", "Date of occurrence"),
    ("ata", "ATA code"),
    ("nature", "Nature of condition"),
    ("part_name", "Part name"),
    ("part_number", "Part number"),
    ("part_condition", "Part condition"),
    ("stage", "Stage of operation"),
    ("corrective_action", "Corrective action"),
)


def _since(aircraft: Aircraft, item: TrackedItem) -> str:
    parts = []
    if item.last_done_hours is not None:
        parts.append(f"{aircraft.total_hours - item.last_done_hours} h")
    if item.last_done_cycles is not None:
        parts.append(f"{aircraft.total_cycles - item.last_done_cycles} cyc")
    if item.last_done_on is not None:
        parts.append(f"{(timezone.localdate() - item.last_done_on).days} d")
    return ", ".join(parts)


def _due(item: TrackedItem) -> str:
    return ", ".join(
        text
        for text in (
            f"{item.due_hours} h" if item.due_hours is not None else "",
            f"{item.due_cycles} cyc" if item.due_cycles is not None else "",
            str(item.due_on) if item.due_on is not None else "",
        )
        if text
    )


def records_rows(aircraft: Aircraft) -> list[dict[str, Any]]:
    """The 91.417(a)(2) report rows: (ii) current status of life-limited parts, (iii) time
    since last overhaul of items that require it, (iv) current inspection status with the
    time since each inspection of the program, (v) current status of ADs with the method of
    compliance and, for recurring ones, the next due time. Four queries."""
    items = list(
        TrackedItem.objects.filter(aircraft=aircraft).select_related("task__directive").order_by("task__code")
    )
    last_compliance = {
        r.item_id: r
        for r in ComplianceRecord.objects.filter(item__aircraft=aircraft).order_by("item_id", "done_on", "id")
    }
    rows: list[dict[str, Any]] = []
    for part in Part.objects.filter(aircraft=aircraft).exclude(
        life_limit_hours__isnull=True, life_limit_cycles__isnull=True, life_limit_on__isnull=True
    ):
        limits = ", ".join(
            t
            for t in (
                f"{part.life_limit_hours} h" if part.life_limit_hours is not None else "",
                f"{part.life_limit_cycles} cyc" if part.life_limit_cycles is not None else "",
                str(part.life_limit_on) if part.life_limit_on else "",
            )
            if t
        )
        rows.append(
            {
                "section": "life-limited part",
                "item": f"P/N {part.part_number} S/N {part.serial_number}",
                "description": part.description,
                "last_done": "",
                "hours_at": str(part.hours_used),
                "cycles_at": part.cycles_used,
                "since": "",
                "next_due": limits,
                "status": "",
            }
        )
    for item in items:
        task = item.task
        directive = task.directive
        if directive is not None:
            section = "airworthiness directive"
            record = last_compliance.get(item.pk)
            status = "terminated" if item.terminated else ("recurring" if directive.recurring else "open")
            description = (
                f"{directive.subject} — method: {record.method if record else directive.method_of_compliance}"
            )
            label = f"AD {directive.number} {directive.revision}".strip()
        else:
            section = "overhaul" if task.requires_overhaul else "inspection"
            status, description, label = ("", task.title, task.code)
        rows.append(
            {
                "section": section,
                "item": label,
                "description": description,
                "last_done": str(item.last_done_on or ""),
                "hours_at": str(item.last_done_hours if item.last_done_hours is not None else ""),
                "cycles_at": item.last_done_cycles if item.last_done_cycles is not None else "",
                "since": _since(aircraft, item),
                "next_due": "" if item.terminated else _due(item),
                "status": status,
            }
        )
    return rows


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return buffer.getvalue()


def records_csv(aircraft: Aircraft) -> str:
    """The 91.417 report as CSV: one row per item, its section first."""
    return _csv(RECORD_COLUMNS, ([row[c] for c in RECORD_COLUMNS] for row in records_rows(aircraft)))


def records_pdf(aircraft: Aircraft) -> bytes:
    """The 91.417 report as a PDF (A4 landscape): the aircraft and its times, then one table
    per section."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=f"Maintenance records {aircraft.tail_number}", author="JetOps"
    )
    story: list[Any] = [
        Paragraph(f"Maintenance records — {aircraft.tail_number} (14 CFR 91.417(a)(2))", styles["Title"]),
        Paragraph(
            f"{aircraft.manufacturer} {aircraft.model} ({aircraft.aircraft_type}), total time "
            f"{aircraft.total_hours} h, {aircraft.total_cycles} cycles, as of {timezone.localdate()}.",
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = records_rows(aircraft)
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    for section in ("life-limited part", "overhaul", "inspection", "airworthiness directive"):
        chosen = [r for r in rows if r["section"] == section]
        if not chosen:
            continue
        story.append(Paragraph(section.capitalize() + "s", styles["Heading2"]))
        data = [[c.replace("_", " ") for c in RECORD_COLUMNS[1:]]]
        data += [[Paragraph(str(r[c]), small) for c in RECORD_COLUMNS[1:]] for r in chosen]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTSIZE", (0, 0), (-1, 0), 7),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    document.build(story)
    return buffer.getvalue()


def reportable_squawks(queryset: QuerySet[Squawk]) -> QuerySet[Squawk]:
    return queryset.filter(reportable=True).select_related("aircraft").order_by("discovered_on", "id")


def sdr_rows(squawks: Iterable[Squawk]) -> list[dict[str, Any]]:
    """Reportable squawks in the fields of a Service Difficulty Report (135.415)."""
    return [
        {
            "aircraft": s.aircraft.tail_number,
            "make_model": f"{s.aircraft.manufacturer} {s.aircraft.model}",
            "date": str(s.discovered_on),
            "ata": s.ata_chapter,
            "nature": s.description,
            "part_name": s.part_name,
            "part_number": s.part_number,
            "part_condition": s.part_condition,
            "stage": s.stage_of_operation,
            "corrective_action": s.corrective_action,
        }
        for s in squawks
    ]


def sdr_csv(squawks: Iterable[Squawk]) -> str:
    rows = sdr_rows(squawks)
    return _csv([label for _, label in SDR_COLUMNS], ([row[key] for key, _ in SDR_COLUMNS] for row in rows))
