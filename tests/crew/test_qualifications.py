"""Expiry items follow the position and the rules in force (pure: no database)."""

from __future__ import annotations

from datetime import date

from crew.expiries import ExperienceEvent
from crew.legality import CHECK_COMPETENCY, CHECK_LINE, DEFAULT_RULES, Rules
from crew.qualifications import Record, expiry_items, qualifications_of

TODAY = date(2026, 6, 15)


def record(position: str) -> Record:
    return Record(
        position=position,
        date_of_birth=date(1985, 1, 1),
        medicals=[(1, date(2026, 5, 2))],
        ratings=[("C25B", "PIC" if position == "captain" else "SIC")],
        training=[],
        licenses=[],
        experience=[ExperienceEvent(on=date(2026, 6, 1), aircraft_type="C25B", takeoffs=3, landings=3)],
    )


def recency_keys(position: str, rules: Rules) -> list[str]:
    return [i.key for i in expiry_items(record(position), TODAY, rules) if i.key.startswith("recency:")]


def test_recency_is_tracked_for_the_roles_the_rules_bind():
    assert recency_keys("captain", DEFAULT_RULES) == ["recency:C25B"]
    assert recency_keys("first_officer", DEFAULT_RULES) == []
    both = Rules(recency_roles=frozenset({"PIC", "SIC"}))
    assert recency_keys("first_officer", both) == ["recency:C25B"]
    assert recency_keys("captain", Rules(recency_roles=frozenset({"SIC"}))) == []


def test_recency_runs_90_days_from_the_third_landing():
    (item,) = [i for i in expiry_items(record("captain"), TODAY, DEFAULT_RULES) if i.key == "recency:C25B"]
    assert item.valid_through == date(2026, 8, 30)


def pilot(training: list[tuple[str, date]], experience: list[ExperienceEvent] | None = None) -> Record:
    return Record(
        position="captain",
        date_of_birth=date(1985, 1, 1),
        medicals=[(1, date(2026, 5, 2))],
        ratings=[("C25B", "PIC")],
        training=training,
        licenses=[],
        experience=experience or [],
    )


def test_135_293_b_instrument_proficiency_check_satisfies_the_competency_check():
    knowledge = ("knowledge_test", date(2026, 3, 10))
    competency_only = pilot([knowledge, ("competency_check", date(2025, 3, 10))])
    with_ipc = pilot(
        [
            knowledge,
            ("competency_check", date(2025, 3, 10)),
            ("instrument_proficiency_check", date(2026, 4, 20)),
        ]
    )
    ipc_instead = pilot([knowledge, ("instrument_proficiency_check", date(2026, 4, 20))])

    assert qualifications_of(competency_only, TODAY, DEFAULT_RULES).checks[CHECK_COMPETENCY] == date(
        2026, 3, 31
    )
    assert qualifications_of(with_ipc, TODAY, DEFAULT_RULES).checks[CHECK_COMPETENCY] == date(2027, 3, 31)
    assert qualifications_of(ipc_instead, TODAY, DEFAULT_RULES).checks[CHECK_COMPETENCY] == date(2027, 3, 31)


def test_61_57_c_instrument_currency_from_tasks_or_an_instrument_proficiency_check():
    tasks = [ExperienceEvent(date(2026, 2, 3), "C25B", approaches=6, holding=1, intercepting_tracking=1)]

    assert qualifications_of(pilot([]), TODAY, DEFAULT_RULES).instrument_currency is None
    assert qualifications_of(pilot([], tasks), TODAY, DEFAULT_RULES).instrument_currency == date(2026, 8, 31)
    by_check = pilot([("instrument_proficiency_check", date(2026, 4, 20))], tasks)
    assert qualifications_of(by_check, TODAY, DEFAULT_RULES).instrument_currency == date(2026, 10, 31)


def test_medical_durations_check_intervals_and_recency_counts_come_from_the_rule_set():
    record = pilot(
        [("line_check", date(2026, 1, 15))],
        [ExperienceEvent(date(2026, 6, 1), "C25B", takeoffs=2, landings=2)],
    )
    company = Rules(
        medical_first_class_months_over=3,
        line_check_months=6,
        check_grace_months=0,
        recency_takeoffs=2,
        recency_landings=2,
        recency_days=60,
    )

    default = qualifications_of(record, TODAY, DEFAULT_RULES)
    edited = qualifications_of(record, TODAY, company)

    # A first-class exam at 41 in May 2026.
    assert default.medical is not None
    assert edited.medical is not None
    assert (default.medical.first_class_until, edited.medical.first_class_until) == (
        date(2026, 11, 30),
        date(2026, 8, 31),
    )
    assert (default.checks[CHECK_LINE], edited.checks[CHECK_LINE]) == (date(2027, 1, 31), date(2026, 7, 31))
    assert "C25B" not in default.landing_currency
    assert edited.landing_currency["C25B"] == date(2026, 7, 31)
