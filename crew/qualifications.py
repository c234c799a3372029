"""From a crew member's stored records to computed validity: the legality engine's
``Qualifications`` and the list of expiring items (alerts, crew list, admin traffic light).

Pure: takes plain records (the ORM rows' fields, read by ``crew.selectors``) and dates; no
queries and no clock. Intervals are DOMAIN.md's ("Pilot currency and checks").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from crew.choices import Position, TrainingKind
from crew.expiries import (
    ExperienceEvent,
    MedicalValidity,
    RecencyRules,
    check_validity,
    landing_currency,
    medical_validity,
)
from crew.legality import (
    CHECK_COMPETENCY,
    CHECK_INSTRUMENT,
    CHECK_LINE,
    CHECK_TRAINING,
    RULE_COMPETENCY,
    RULE_INSTRUMENT_CHECK,
    RULE_LINE_CHECK,
    RULE_MEDICAL,
    RULE_RECENCY,
    RULE_TRAINING,
    PilotRole,
    Qualifications,
    Result,
    Rules,
    Status,
)

RULE_NIGHT_RECENCY = "14 CFR 61.57(b)"

# Calendar months each check stays valid (grace ±1 month: crew.expiries.check_validity).
CHECK_INTERVAL_MONTHS: dict[str, int] = {
    TrainingKind.KNOWLEDGE_TEST: 12,
    TrainingKind.COMPETENCY_CHECK: 12,
    TrainingKind.INSTRUMENT_PROFICIENCY_CHECK: 6,
    TrainingKind.LINE_CHECK: 12,
    TrainingKind.RECURRENT_TRAINING: 12,
}
CHECK_GRACE_MONTHS = 1

# The engine's check keys; 135.293 needs both the knowledge test and the competency check.
ENGINE_CHECK: dict[str, str] = {
    TrainingKind.KNOWLEDGE_TEST: CHECK_COMPETENCY,
    TrainingKind.COMPETENCY_CHECK: CHECK_COMPETENCY,
    TrainingKind.INSTRUMENT_PROFICIENCY_CHECK: CHECK_INSTRUMENT,
    TrainingKind.LINE_CHECK: CHECK_LINE,
    TrainingKind.RECURRENT_TRAINING: CHECK_TRAINING,
}
CHECK_RULE: dict[str, str] = {
    TrainingKind.KNOWLEDGE_TEST: RULE_COMPETENCY,
    TrainingKind.COMPETENCY_CHECK: RULE_COMPETENCY,
    TrainingKind.INSTRUMENT_PROFICIENCY_CHECK: RULE_INSTRUMENT_CHECK,
    TrainingKind.LINE_CHECK: RULE_LINE_CHECK,
    TrainingKind.RECURRENT_TRAINING: RULE_TRAINING,
}

# Checks each position must hold (PIC-only checks for captains; attendants train only).
POSITION_CHECKS: dict[str, tuple[str, ...]] = {
    Position.CAPTAIN: tuple(CHECK_INTERVAL_MONTHS),
    Position.FIRST_OFFICER: (
        TrainingKind.KNOWLEDGE_TEST,
        TrainingKind.COMPETENCY_CHECK,
        TrainingKind.RECURRENT_TRAINING,
    ),
    Position.FLIGHT_ATTENDANT: (TrainingKind.RECURRENT_TRAINING,),
}


@dataclass(frozen=True, slots=True)
class Record:
    """What ``qualifications_of`` needs of one crew member."""

    position: str
    date_of_birth: date
    medicals: Sequence[tuple[int, date]]  # (class, exam date)
    ratings: Sequence[tuple[str, PilotRole]]  # (aircraft type, role)
    training: Sequence[tuple[str, date]]  # (kind, completed on)
    licenses: Sequence[tuple[str, str, date | None]]  # (kind label, number, expires on)
    experience: Sequence[ExperienceEvent]


@dataclass(frozen=True, slots=True)
class ExpiryItem:
    """One item that expires: a stable key (alerts), a label, the rule and its last day."""

    key: str
    label: str
    rule: str
    valid_through: date | None

    def days_left(self, today: date) -> int | None:
        return None if self.valid_through is None else (self.valid_through - today).days


# Traffic light of an expiry (API and admin): red when expired, never recorded or within the
# last alert tier, amber within the first tier, green otherwise.
RED_DAYS = 7
AMBER_DAYS = 60


def expiry_state(days_left: int | None) -> str:
    if days_left is None or days_left <= RED_DAYS:
        return "red"
    return "amber" if days_left <= AMBER_DAYS else "green"


def current_medical(record: Record) -> MedicalValidity | None:
    if not record.medicals:
        return None
    medical_class, exam_date = max(record.medicals, key=lambda m: m[1])
    if exam_date < record.date_of_birth:
        return None
    return medical_validity(medical_class, exam_date, record.date_of_birth)


def check_dates(record: Record, as_of: date) -> dict[str, date | None]:
    """Valid-through date of each check kind (None: never completed)."""
    by_kind: dict[str, list[date]] = {kind: [] for kind in CHECK_INTERVAL_MONTHS}
    for kind, completed in record.training:
        by_kind.setdefault(kind, []).append(completed)
    result: dict[str, date | None] = {}
    for kind, months in CHECK_INTERVAL_MONTHS.items():
        validity = check_validity(by_kind[kind], months, grace_months=CHECK_GRACE_MONTHS, as_of=as_of)
        result[kind] = validity.valid_through if validity else None
    return result


def recency_dates(record: Record, as_of: date, rules: RecencyRules) -> dict[str, date]:
    """Last day of day-landing currency per rated type, from experience up to ``as_of``."""
    result: dict[str, date] = {}
    for aircraft_type, _role in record.ratings:
        currency = landing_currency(record.experience, aircraft_type, as_of, rules=rules)
        if currency.valid_through is not None:
            result[aircraft_type] = currency.valid_through
    return result


def night_recency_dates(record: Record, as_of: date) -> dict[str, date]:
    """Last day of night takeoff and landing currency (61.57(b)) per rated type."""
    result: dict[str, date] = {}
    for aircraft_type, _role in record.ratings:
        currency = landing_currency(record.experience, aircraft_type, as_of, night=True, rules=RecencyRules())
        if currency.valid_through is not None:
            result[aircraft_type] = currency.valid_through
    return result


def night_recency_result(
    night_types: Sequence[str], currency: dict[str, date], day: date, warn_days: int
) -> Result:
    """61.57(b): carrying passengers in the night period needs three night takeoffs and
    full-stop landings in the type within the preceding 90 days. ``night_types`` are the
    types of the revenue legs that take off or land in that period on ``day``."""
    if not night_types:
        return Result(
            RULE_NIGHT_RECENCY,
            "ok",
            "No revenue takeoff or landing in the night period.",
            {"applicable": False},
        )
    judged: list[Result] = []
    for aircraft_type in sorted(set(night_types)):
        until = currency.get(aircraft_type)
        values: dict[str, str | int | None] = {
            "aircraft_type": aircraft_type,
            "flight_date": day.isoformat(),
            "valid_through": until.isoformat() if until else None,
        }
        if until is None or until < day:
            detail = (
                f"No night takeoff and landing currency in {aircraft_type} on record."
                if until is None
                else f"Night currency in {aircraft_type} valid through {until}; the flight is on {day}."
            )
            return Result(RULE_NIGHT_RECENCY, "block", detail, values)
        left = (until - day).days
        status: Status = "warn" if left <= warn_days else "ok"
        judged.append(
            Result(
                RULE_NIGHT_RECENCY,
                status,
                f"Night currency in {aircraft_type} valid through {until}.",
                values,
            )
        )
    return next((r for r in judged if r.status == "warn"), judged[0])


def qualifications_of(record: Record, as_of: date) -> Qualifications:
    """The engine's view of what the crew member holds, computed as of ``as_of``."""
    checks: dict[str, date] = {}
    missing: set[str] = set()
    for kind, until in check_dates(record, as_of).items():
        key = ENGINE_CHECK[kind]
        if until is None:
            missing.add(key)
        elif key not in checks or until < checks[key]:
            checks[key] = until
    for key in missing:  # both halves of 135.293 are needed: a missing one is no check
        checks.pop(key, None)
    return Qualifications(
        medical=current_medical(record),
        type_ratings=dict(record.ratings),
        checks=checks,
        landing_currency=recency_dates(record, as_of, RecencyRules()),
    )


def expiry_items(record: Record, as_of: date, rules: Rules) -> list[ExpiryItem]:
    """Every item the crew member's position needs, with its last valid day, soonest first
    (None — never recorded — sorts first)."""
    items: list[ExpiryItem] = []
    pilot = record.position != Position.FLIGHT_ATTENDANT
    if pilot:
        needed = rules.medical_class_pic if record.position == Position.CAPTAIN else rules.medical_class_sic
        medical = current_medical(record)
        items.append(
            ExpiryItem(
                "medical",
                f"Class {needed} medical privileges",
                RULE_MEDICAL,
                medical.valid_through(needed) if medical else None,
            )
        )
    checks = check_dates(record, as_of)
    for kind in POSITION_CHECKS[record.position]:
        items.append(ExpiryItem(f"check:{kind}", TrainingKind(kind).label, CHECK_RULE[kind], checks[kind]))
    usual_role = "PIC" if record.position == Position.CAPTAIN else "SIC"
    if pilot and usual_role in rules.recency_roles:
        current = recency_dates(record, as_of, RecencyRules())
        for aircraft_type, _role in record.ratings:
            items.append(
                ExpiryItem(
                    f"recency:{aircraft_type}",
                    f"Takeoff and landing recency on {aircraft_type}",
                    RULE_RECENCY,
                    current.get(aircraft_type),
                )
            )
    for label, number, expires_on in record.licenses:
        if expires_on is not None:
            items.append(ExpiryItem(f"license:{number}", f"{label} {number}", "licence", expires_on))
    return sorted(items, key=lambda i: (i.valid_through is not None, i.valid_through or date.min, i.key))
