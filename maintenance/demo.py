"""Demo maintenance for the quick start (idempotent): N101JA (Citation CJ3+) on the 91.409
annual + 100-hour preset, N402JA (Gulfstream IV) on an approved inspection program of 360
tasks across the ATA chapters, two recurring airworthiness directives, a deferred MEL item on
N201JA, a repair station and a few parts (one below its minimum stock).

Task intervals and ADs are illustrative, shaped like real ones, not copied from any program.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fleet.models import Aircraft
from maintenance import services
from maintenance.models import Program, Squawk, Task
from maintenance.services import Done

APPROVED = "G-IV approved inspection program (135.419)"

# (ATA chapter, system) the approved program's tasks are spread over.
CHAPTERS = (
    ("05", "Time limits"),
    ("21", "Air conditioning"),
    ("24", "Electrical power"),
    ("25", "Equipment and furnishings"),
    ("26", "Fire protection"),
    ("27", "Flight controls"),
    ("28", "Fuel"),
    ("29", "Hydraulic power"),
    ("30", "Ice and rain protection"),
    ("32", "Landing gear"),
    ("34", "Navigation"),
    ("35", "Oxygen"),
    ("36", "Pneumatic"),
    ("49", "Auxiliary power unit"),
    ("52", "Doors"),
    ("53", "Fuselage"),
    ("57", "Wings"),
    ("71", "Power plant"),
)
# (verb, interval kind, values): cycled to give each chapter's tasks varied limits.
PATTERNS = (
    ("Inspect", {"interval_hours": Decimal("300")}),
    ("Functional check of", {"interval_months": 12}),
    ("Lubricate", {"interval_hours": Decimal("600"), "interval_months": 24}),
    ("Detailed inspection of", {"interval_cycles": 1200, "interval_months": 36}),
    ("Operational check of", {"interval_days": 90}),
    ("Overhaul", {"interval_hours": Decimal("5000"), "interval_months": 72}),
    ("Replace filter of", {"interval_hours": Decimal("1200")}),
    ("Borescope", {"interval_cycles": 2000}),
)
TASKS_PER_CHAPTER = 20


def _approved_program() -> Program:
    program = services.program_save(actor=None, name=APPROVED, kind="approved", aircraft_type="GLF4")
    for chapter, system in CHAPTERS:
        for n in range(TASKS_PER_CHAPTER):
            verb, limits = PATTERNS[(n + int(chapter)) % len(PATTERNS)]
            services.task_save(
                actor=None,
                program=program,
                code=f"{chapter}-{10 + n // 5:02d}-{n % 5 + 1:02d}",
                title=f"{verb} {system.lower()} item {n + 1}",
                requires_overhaul=verb == "Overhaul",
                **limits,
            )
    return program


def _directives(light: Aircraft, large: Aircraft) -> None:
    today = timezone.localdate()
    cj3 = services.directive_save(
        actor=None,
        number="2025-14-09",
        revision="R1",
        revision_date=date(2025, 9, 2),
        effective_on=date(2025, 8, 1),
        subject="Horizontal stabilizer trim actuator inspection",
        applicability=["C25B"],
        method_of_compliance="Inspect the actuator attach fittings per the service bulletin; "
        "replace cracked fittings.",
        recurring=True,
        terminating_action="Install the improved attach fittings.",
        limits={"interval_hours": Decimal("300"), "interval_months": 12, "warn_hours": Decimal("25")},
    )
    g4 = services.directive_save(
        actor=None,
        number="2024-22-11",
        revision_date=date(2024, 11, 4),
        effective_on=date(2024, 12, 9),
        subject="Main landing gear side brace fatigue cracking",
        applicability=["GLF4"],
        method_of_compliance="Eddy-current inspection of the side brace lugs.",
        recurring=True,
        limits={"interval_cycles": 800, "interval_months": 24, "warn_cycles": 50},
    )
    services.directive_apply(
        directive=cj3,
        aircraft=light,
        actor=None,
        done=Done(today - timedelta(days=200), light.total_hours - Decimal("180"), light.total_cycles - 150),
    )
    services.directive_apply(
        directive=g4,
        aircraft=large,
        actor=None,
        done=Done(today - timedelta(days=400), large.total_hours - Decimal("900"), large.total_cycles - 620),
    )


@transaction.atomic
def seed_maintenance() -> list[str]:
    """Create the demo maintenance (once) and return the lines to print."""
    if Program.objects.filter(name=APPROVED).exists():
        return ["  maintenance: demo programs already present"]
    light = Aircraft.objects.filter(tail_number="N101JA").first()
    large = Aircraft.objects.filter(tail_number="N402JA").first()
    mid = Aircraft.objects.filter(tail_number="N201JA").first()
    if light is None or large is None or mid is None:
        return ["  maintenance: demo fleet missing, nothing seeded"]
    today = timezone.localdate()
    preset = services.program_preset_91_409(actor=None)
    annual, hundred = Task.objects.filter(program=preset).order_by("code")
    services.program_apply(
        program=preset,
        aircraft=light,
        actor=None,
        done={
            annual.pk: Done(
                today - timedelta(days=320), light.total_hours - Decimal("70"), light.total_cycles - 60
            ),
            hundred.pk: Done(
                today - timedelta(days=40), light.total_hours - Decimal("88"), light.total_cycles - 70
            ),
        },
    )
    program = _approved_program()
    services.program_apply(
        program=program, aircraft=large, actor=None, baseline_on=today - timedelta(days=60)
    )
    _directives(light, large)
    squawk = services.squawk_raise(
        aircraft=mid,
        actor=None,
        description="Right-hand cabin reading light inoperative.",
        severity="deferrable",
        ata_chapter="33",
        discovered_on=today - timedelta(days=4),
    )
    services.squawk_defer(squawk=squawk, actor=None, mel_item="33-20-01", mel_category="C")
    vendor = services.vendor_save(
        actor=None,
        name="Teterboro Jet Services",
        certificate_number="T3JR123K",
        certificate_expires_on=today + timedelta(days=25),
        approvals="Part 145: airframe class 3, powerplant class 2",
        contact_name="Dana Hangar",
        email="service@tjs.example",
    )
    services.part_save(
        actor=None,
        part_number="CH48108-1",
        description="Engine oil filter element",
        location="KTEB stores",
        quantity=2,
        minimum_quantity=6,
        unit_cost=Decimal("186.00"),
    )
    services.part_save(
        actor=None,
        part_number="2-1574-1",
        description="Main landing gear tire",
        location="KTEB stores",
        quantity=8,
        minimum_quantity=4,
        unit_cost=Decimal("1240.00"),
    )
    deferred = Squawk.objects.filter(status="deferred").count()
    return [
        f"  maintenance: {light.tail_number} on the 91.409 preset (100-hour due in 12 h), "
        f"{large.tail_number} on a {program.tasks.count()}-task approved program, 2 recurring ADs, "
        f"{deferred} MEL deferral, vendor {vendor.name}",
    ]
