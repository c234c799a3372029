"""Qualification rules: medical, type rating, checks, training and recency.

Each item must be valid on the calendar date (in ``Rules.calendar_tz``) of the last
on-block of the proposed duty, so it holds for every leg. A missing or expired item
blocks; one expiring within ``Rules.expiry_warn_days`` of that date warns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from crew.legality.model import (
    CHECK_COMPETENCY,
    CHECK_INSTRUMENT,
    CHECK_LINE,
    CHECK_TRAINING,
    RULE_COMPETENCY,
    RULE_INSTRUMENT_CHECK,
    RULE_INSTRUMENT_RECENCY,
    RULE_LINE_CHECK,
    RULE_MEDICAL,
    RULE_NIGHT_RECENCY,
    RULE_RECENCY,
    RULE_SIC_INSTRUMENT_RECENCY,
    RULE_TRAINING,
    RULE_TYPE_RATING_PIC,
    RULE_TYPE_RATING_SIC,
    Duty,
    Qualifications,
    Result,
    Rules,
    Seat,
    Status,
    Value,
)

_NOT_FLYING = "No flights in the proposed duty."


def _expiry(rule: str, what: str, until: date | None, day: date, rules: Rules) -> Result:
    if until is None:
        return Result(rule, "block", f"No {what} on record.", {"flight_date": day.isoformat()})
    left = (until - day).days
    values: dict[str, Value] = {
        "valid_through": until.isoformat(),
        "flight_date": day.isoformat(),
        "days_left": left,
    }
    if left < 0:
        return Result(
            rule,
            "block",
            f"{what[0].upper()}{what[1:]} valid through {until}; the duty flies on {day}.",
            values,
        )
    status: Status = "warn" if left <= rules.expiry_warn_days else "ok"
    return Result(
        rule, status, f"{what[0].upper()}{what[1:]} valid through {until} ({left} days after {day}).", values
    )


def _medical(role: Seat, quals: Qualifications, day: date, rules: Rules) -> Result:
    needed = rules.medical_class_pic if role == "PIC" else rules.medical_class_sic
    what = f"medical certificate with class {needed} privileges"
    medical = quals.medical
    if medical is None:
        return _expiry(RULE_MEDICAL, what, None, day, rules)
    if medical.exam_date > day:
        return Result(
            RULE_MEDICAL,
            "block",
            f"The medical examination on {medical.exam_date} is after the flight on {day}.",
            {"exam_date": medical.exam_date.isoformat(), "flight_date": day.isoformat()},
        )
    return _expiry(RULE_MEDICAL, what, medical.valid_through(needed), day, rules)


def _type_rating(role: Seat, quals: Qualifications, types: list[str]) -> Result:
    rule = RULE_TYPE_RATING_PIC if role == "PIC" else RULE_TYPE_RATING_SIC
    missing = [
        t for t in types if not (quals.type_ratings.get(t) == "PIC" or quals.type_ratings.get(t) == role)
    ]
    if missing:
        return Result(
            rule,
            "block",
            f"No {role} type rating for {', '.join(missing)}.",
            {"missing": ", ".join(missing), "role": role},
        )
    return Result(rule, "ok", f"{role} type rating held for {', '.join(types)}.", {"types": ", ".join(types)})


def _not_applicable(rule: str, detail: str) -> Result:
    return Result(rule, "ok", detail, {"applicable": False})


def _worst(judged: list[Result]) -> Result:
    rank = {"ok": 0, "warn": 1, "block": 2}
    return max(judged, key=lambda r: rank[r.status])


def _recency(
    rule: str, what: str, currency: Mapping[str, date], types: list[str], day: date, rules: Rules
) -> Result:
    """The worst of the currency ``what`` in each type of ``types``."""
    return _worst([_expiry(rule, f"{what} in {t}", currency.get(t), day, rules) for t in types])


def qualification_results(duty: Duty, role: Seat, rules: Rules, quals: Qualifications) -> list[Result]:
    """Qualification results for ``role``, in a fixed order; pilots: medical, type rating,
    135.293, 135.297 (PIC of an IFR flight) and 135.299 (PIC), 135.343, 135.247(a)(1) and
    61.57(b) (roles in ``rules.recency_roles``), 61.57(c) (PIC) or 135.245(a) (SIC) for IFR
    flights; flight attendants: 135.343.

    Passengers are carried on revenue legs: day and night recency judge only those (a
    ferry needs neither); 61.57(c) binds every IFR leg. Night recency is needed when any
    moment of a revenue leg falls in the night period (``FlightEvent.night``).
    """
    pilot = role != "FA"
    rules_for_role = [RULE_TRAINING]
    recency = role in rules.recency_roles
    if pilot:
        rules_for_role = [
            RULE_MEDICAL,
            RULE_TYPE_RATING_PIC if role == "PIC" else RULE_TYPE_RATING_SIC,
            RULE_COMPETENCY,
            *([RULE_INSTRUMENT_CHECK, RULE_LINE_CHECK] if role == "PIC" else []),
            RULE_TRAINING,
            *([RULE_RECENCY, RULE_NIGHT_RECENCY] if recency else []),
            RULE_INSTRUMENT_RECENCY if role == "PIC" else RULE_SIC_INSTRUMENT_RECENCY,
        ]
    if not duty.flights:
        return [_not_applicable(rule, _NOT_FLYING) for rule in rules_for_role]
    tz = rules.calendar_tz
    day = max(f.on_block for f in duty.flights).astimezone(tz).date()
    training = _expiry(RULE_TRAINING, "recurrent training", quals.checks.get(CHECK_TRAINING), day, rules)
    if not pilot:
        return [training]
    types = sorted({f.aircraft_type for f in duty.flights})
    ifr = any(f.ifr for f in duty.flights)
    results = [
        _medical(role, quals, day, rules),
        _type_rating(role, quals, types),
        _expiry(RULE_COMPETENCY, "competency check", quals.checks.get(CHECK_COMPETENCY), day, rules),
    ]
    if role == "PIC":
        results.append(
            _expiry(
                RULE_INSTRUMENT_CHECK,
                "instrument proficiency check",
                quals.checks.get(CHECK_INSTRUMENT),
                day,
                rules,
            )
            if ifr
            else _not_applicable(
                RULE_INSTRUMENT_CHECK, "No IFR flight: no instrument proficiency check needed."
            )
        )
        results.append(_expiry(RULE_LINE_CHECK, "line check", quals.checks.get(CHECK_LINE), day, rules))
    results.append(training)
    if recency:
        revenue = sorted({f.aircraft_type for f in duty.flights if not f.positioning})
        night = sorted({f.aircraft_type for f in duty.flights if not f.positioning and f.night})
        results.append(
            _recency(
                RULE_RECENCY,
                "61.57(a) takeoff and landing currency",
                quals.landing_currency,
                revenue,
                day,
                rules,
            )
            if revenue
            else _not_applicable(RULE_RECENCY, "Only positioning legs: no passengers carried.")
        )
        results.append(
            _recency(
                RULE_NIGHT_RECENCY,
                "61.57(b) night takeoff and landing currency",
                quals.night_currency,
                night,
                day,
                rules,
            )
            if night
            else _not_applicable(RULE_NIGHT_RECENCY, "No passengers carried in the night period.")
        )
    instrument_rule = RULE_INSTRUMENT_RECENCY if role == "PIC" else RULE_SIC_INSTRUMENT_RECENCY
    results.append(
        _expiry(instrument_rule, "61.57(c) instrument currency", quals.instrument_currency, day, rules)
        if ifr
        else _not_applicable(instrument_rule, "No IFR flight: no instrument currency needed.")
    )
    return results
