"""Data carried across the crew migrations: recorded flight minutes become block times where
they used to be counted, and existing rule sets keep the numbers they applied."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("crew", "0001_initial")]
AFTER = [("crew", "0002_block_times_pilot_flying_instrument_tasks")]


def migrated_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_flight_minutes_become_block_times_and_rule_sets_keep_their_numbers():
    old = migrated_to(BEFORE)
    try:
        member = old.get_model("crew", "CrewMember").objects.create(
            employee_id="E1",
            name="Crew E1",
            position="captain",
            date_of_birth=date(1980, 1, 1),
            home_base_id="KTEB",
            calendar_token="token-e1",
        )
        report = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
        old.get_model("crew", "DutyPeriod").objects.create(
            crew_member=member,
            kind="other_commercial",
            report_at=report,
            release_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
            flight_minutes=90,
            aircraft_type="C25B",
        )
        old.get_model("crew", "LegalityRuleSet").objects.create(
            name="Company", effective_from=date(2026, 1, 1), parameters={"quarter_flight_hours": 450}
        )

        new = migrated_to(AFTER)

        duty = new.get_model("crew", "DutyPeriod").objects.get()
        ruleset = new.get_model("crew", "LegalityRuleSet").objects.get()
        assert duty.flights == [
            {"block_out": "2026-03-03T06:00:00+00:00", "block_in": "2026-03-03T07:30:00+00:00"}
        ]
        assert ruleset.parameters["quarter_flight_hours"] == 450
        assert (ruleset.parameters["instrument_check_months"], ruleset.parameters["recency_days"]) == (6, 90)

        back = migrated_to(BEFORE)
        assert back.get_model("crew", "DutyPeriod").objects.get().flight_minutes == 90
        assert back.get_model("crew", "LegalityRuleSet").objects.get().parameters == {
            "quarter_flight_hours": 450
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
