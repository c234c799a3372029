"""From a crew member's stored records to computed validity: the legality engine's
``Qualifications`` and the list of expiring items (alerts, crew list, admin traffic light).

Pure: takes plain records (the ORM rows' fields, read by ``crew.selectors``) and dates; no
queries and no clock. Every interval, duration and count comes from the rules in force
(``Rules``: medical durations, check intervals, recency counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from crew.choices import Position, TrainingKind
from crew.expiries import (
    ExperienceEvent,
    MedicalValidity,
    check_validity,
    end_of_month_after,
    instrument_currency,
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
    Rules,
)


def check_months(rules: Rules) -> dict[str, int]:
    """Calendar months each check stays valid (grace: ``Rules.check_grace_months``)."""
    return {
        TrainingKind.KNOWLEDGE_TEST: rules.knowledge_test_months,
        TrainingKind.COMPETENCY_CHECK: rules.competency_check_months,
        TrainingKind.INSTRUMENT_PROFICIENCY_CHECK: rules.instrument_check_months,
        TrainingKind.LINE_CHECK: rules.line_check_months,
        TrainingKind.RECURRENT_TRAINING: rules.recurrent_training_months,
    }


# Checks whose completions also count as another check: 135.293(b) lets a 135.297
# instrument proficiency check stand for the competency check.
ALSO_COUNTS_AS: dict[str, str] = {
    TrainingKind.INSTRUMENT_PROFICIENCY_CHECK: TrainingKind.COMPETENCY_CHECK,
}

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
    Position.CAPTAIN: tuple(ENGINE_CHECK),
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


def current_medical(record: Record, rules: Rules) -> MedicalValidity | None:
    if not record.medicals:
        return None
    medical_class, exam_date = max(record.medicals, key=lambda m: m[1])
    if exam_date < record.date_of_birth:
        return None
    return medical_validity(medical_class, exam_date, record.date_of_birth, rules.medical)


def _completions(record: Record) -> dict[str, list[date]]:
    by_kind: dict[str, list[date]] = {kind: [] for kind in ENGINE_CHECK}
    for kind, completed in record.training:
        by_kind.setdefault(kind, []).append(completed)
        if kind in ALSO_COUNTS_AS:
            by_kind[ALSO_COUNTS_AS[kind]].append(completed)
    return by_kind


def check_dates(record: Record, as_of: date, rules: Rules) -> dict[str, date | None]:
    """Valid-through date of each check kind (None: never completed)."""
    by_kind = _completions(record)
    result: dict[str, date | None] = {}
    for kind, months in check_months(rules).items():
        validity = check_validity(by_kind[kind], months, grace_months=rules.check_grace_months, as_of=as_of)
        result[kind] = validity.valid_through if validity else None
    return result


def recency_dates(record: Record, as_of: date, rules: Rules, *, night: bool = False) -> dict[str, date]:
    """Last day of takeoff and landing currency (61.57(a), or (b) if ``night``) per rated
    type, from experience up to ``as_of``."""
    counts = rules.night_recency if night else rules.recency
    result: dict[str, date] = {}
    for aircraft_type, _role in record.ratings:
        currency = landing_currency(record.experience, aircraft_type, as_of, night=night, rules=counts)
        if currency.valid_through is not None:
            result[aircraft_type] = currency.valid_through
    return result


def instrument_currency_date(record: Record, as_of: date, rules: Rules) -> date | None:
    """Last day of 61.57(c) instrument currency: from the instrument tasks logged, or the
    6 calendar months after the month of an instrument proficiency check (61.57(d); a
    135.297 check is one), whichever runs later. None when neither was ever met."""
    tasks = instrument_currency(record.experience, as_of, rules=rules.instrument_recency).valid_through
    checks = [d for kind, d in record.training if kind == TrainingKind.INSTRUMENT_PROFICIENCY_CHECK]
    checked = [d for d in checks if d <= as_of]
    by_check = end_of_month_after(max(checked), rules.instrument_months) if checked else None
    return max((d for d in (tasks, by_check) if d is not None), default=None)


def qualifications_of(record: Record, as_of: date, rules: Rules) -> Qualifications:
    """The engine's view of what the crew member holds, computed as of ``as_of``."""
    checks: dict[str, date] = {}
    missing: set[str] = set()
    for kind, until in check_dates(record, as_of, rules).items():
        key = ENGINE_CHECK[kind]
        if until is None:
            missing.add(key)
        elif key not in checks or until < checks[key]:
            checks[key] = until
    for key in missing:  # both halves of 135.293 are needed: a missing one is no check
        checks.pop(key, None)
    return Qualifications(
        medical=current_medical(record, rules),
        type_ratings=dict(record.ratings),
        checks=checks,
        landing_currency=recency_dates(record, as_of, rules),
        night_currency=recency_dates(record, as_of, rules, night=True),
        instrument_currency=instrument_currency_date(record, as_of, rules),
    )


def expiry_items(record: Record, as_of: date, rules: Rules) -> list[ExpiryItem]:
    """Every item the crew member's position needs, with its last valid day, soonest first
    (None — never recorded — sorts first)."""
    items: list[ExpiryItem] = []
    pilot = record.position != Position.FLIGHT_ATTENDANT
    if pilot:
        needed = rules.medical_class_pic if record.position == Position.CAPTAIN else rules.medical_class_sic
        medical = current_medical(record, rules)
        items.append(
            ExpiryItem(
                "medical",
                f"Class {needed} medical privileges",
                RULE_MEDICAL,
                medical.valid_through(needed) if medical else None,
            )
        )
    checks = check_dates(record, as_of, rules)
    for kind in POSITION_CHECKS[record.position]:
        items.append(ExpiryItem(f"check:{kind}", TrainingKind(kind).label, CHECK_RULE[kind], checks[kind]))
    usual_role = "PIC" if record.position == Position.CAPTAIN else "SIC"
    if pilot and usual_role in rules.recency_roles:
        current = recency_dates(record, as_of, rules)
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
