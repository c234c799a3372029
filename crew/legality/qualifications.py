"""Qualification rules: medical, type rating, checks, training and recency.

Each item must be valid on the calendar date (in ``Rules.calendar_tz``) of the last
on-block of the proposed duty, so it holds for every leg. A missing or expired item
blocks; one expiring within ``Rules.expiry_warn_days`` of that date warns.
"""

from __future__ import annotations

from datetime import date

from crew.legality.model import (
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
    RULE_TYPE_RATING_PIC,
    RULE_TYPE_RATING_SIC,
    CrewRole,
    DutyPeriod,
    Qualifications,
    Result,
    Rules,
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


def _medical(role: CrewRole, quals: Qualifications, day: date, rules: Rules) -> Result:
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


def _type_rating(role: CrewRole, quals: Qualifications, types: list[str]) -> Result:
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


def _recency(quals: Qualifications, types: list[str], day: date, rules: Rules) -> Result:
    if not types:
        return Result(
            RULE_RECENCY, "ok", "Only positioning legs: no passengers carried.", {"applicable": False}
        )
    judged = [
        _expiry(
            RULE_RECENCY,
            f"61.57(a) takeoff and landing currency in {t}",
            quals.landing_currency.get(t),
            day,
            rules,
        )
        for t in types
    ]
    rank = {"ok": 0, "warn": 1, "block": 2}
    return max(judged, key=lambda r: rank[r.status])


def qualification_results(
    duty: DutyPeriod, role: CrewRole, rules: Rules, quals: Qualifications
) -> list[Result]:
    """Qualification results for ``role``, in a fixed order; pilots: medical, type rating,
    135.293, 135.297 and 135.299 (PIC), 135.343, recency (roles in ``rules.recency_roles``);
    flight attendants: 135.343."""
    pilot = role != "FA"
    rules_for_role = [RULE_TRAINING]
    if pilot:
        rules_for_role = [
            RULE_MEDICAL,
            RULE_TYPE_RATING_PIC if role == "PIC" else RULE_TYPE_RATING_SIC,
            RULE_COMPETENCY,
            *([RULE_INSTRUMENT_CHECK, RULE_LINE_CHECK] if role == "PIC" else []),
            RULE_TRAINING,
            *([RULE_RECENCY] if role in rules.recency_roles else []),
        ]
    if not duty.flights:
        return [Result(rule, "ok", _NOT_FLYING, {"applicable": False}) for rule in rules_for_role]
    tz = rules.calendar_tz
    day = max(f.on_block for f in duty.flights).astimezone(tz).date()
    training = _expiry(RULE_TRAINING, "recurrent training", quals.checks.get(CHECK_TRAINING), day, rules)
    if not pilot:
        return [training]
    types = sorted({f.aircraft_type for f in duty.flights})
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
        )
        results.append(_expiry(RULE_LINE_CHECK, "line check", quals.checks.get(CHECK_LINE), day, rules))
    results.append(training)
    if role in rules.recency_roles:
        revenue = sorted({f.aircraft_type for f in duty.flights if not f.positioning})
        results.append(_recency(quals, revenue, day, rules))
    return results
