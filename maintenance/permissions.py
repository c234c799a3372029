"""Maintenance permission names, referenced through these constants (never scattered strings).

Maintenance managers hold every maintenance permission ("maintenance.*"), operations the view
permissions ("maintenance.view_*"); the Crew role holds only ``ADD_SQUAWK``, scoped by the
service to aircraft the crew member is assigned to; clients hold none (jetops/roles.py)."""

from __future__ import annotations

VIEW_PROGRAM = "maintenance.view_program"
ADD_PROGRAM = "maintenance.add_program"
VIEW_TRACKEDITEM = "maintenance.view_trackeditem"
CHANGE_TRACKEDITEM = "maintenance.change_trackeditem"
ADD_SQUAWK = "maintenance.add_squawk"
CHANGE_SQUAWK = "maintenance.change_squawk"
ADD_WORKORDER = "maintenance.add_workorder"
CHANGE_WORKORDER = "maintenance.change_workorder"
SIGN_OFF = "maintenance.sign_off_trackeditem"
CORRECT_TIMES = "maintenance.add_timecorrection"
VIEW_REPORTS = "maintenance.view_maintenance_reports"
