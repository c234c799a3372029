"""Crew permission names, referenced through these constants (never scattered strings)."""

from __future__ import annotations

VIEW_CREWMEMBER = "crew.view_crewmember"
VIEW_CREWASSIGNMENT = "crew.view_crewassignment"
# Assigning crew; the legality check and the suggestions for open seats come with it.
ADD_CREWASSIGNMENT = "crew.add_crewassignment"
# A critical operation (reason and step-up, ``jetops.critical``), checked by ``crew.services``.
OVERRIDE_LEGALITY = "crew.override_legality"
SET_PILOT_FLYING = "crew.set_pilot_flying"
RESET_CALENDAR = "crew.reset_calendar"
VIEW_EXPERIENCERECORD = "crew.view_experiencerecord"
ADD_EXPERIENCERECORD = "crew.add_experiencerecord"
VIEW_DUTYPERIOD = "crew.view_dutyperiod"
ADD_DUTYPERIOD = "crew.add_dutyperiod"
ADD_CREWAVAILABILITY = "crew.add_crewavailability"
