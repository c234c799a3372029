"""Expiry items follow the position and the rules in force (pure: no database)."""

from __future__ import annotations

from datetime import date

from crew.expiries import ExperienceEvent
from crew.legality import DEFAULT_RULES, Rules
from crew.qualifications import Record, expiry_items

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
