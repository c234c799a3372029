"""Crew in the admin. Django's autodiscovery imports this package; importing the modules below
registers their ModelAdmins.

- ``common``: the traffic light of expiries, rows made and removed by services
  (``ServiceAddAdmin``).
- ``members``: crew members with their qualification rows as inlines.
- ``reports``: the expiring-qualifications and roster pages, URLs of ``CrewMemberAdmin``.
- ``assignments``: assignments (legality-checked, overrides with step-up), duties,
  availability, the dated rule sets and the expiry alert log.

Writes go through ``crew.services``.
"""

from __future__ import annotations

from crew.admin.assignments import (
    CrewAssignmentAdmin,
    CrewAvailabilityAdmin,
    CrewExpiryAlertAdmin,
    DutyPeriodAdmin,
    LegalityRuleSetAdmin,
)
from crew.admin.common import ServiceAddAdmin, traffic_light
from crew.admin.members import CrewMemberAdmin
from crew.admin.reports import HoursAgainstLimit, calendar_periods

__all__ = [
    "CrewAssignmentAdmin",
    "CrewAvailabilityAdmin",
    "CrewExpiryAlertAdmin",
    "CrewMemberAdmin",
    "DutyPeriodAdmin",
    "HoursAgainstLimit",
    "LegalityRuleSetAdmin",
    "ServiceAddAdmin",
    "calendar_periods",
    "traffic_light",
]
