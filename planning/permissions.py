"""Planning permission names, referenced through these constants (never scattered strings).
Role defaults (``jetops.roles``): Operations and the Super Admin hold every planning
permission; Crew view the plan, briefing, weight and balance and weather of their own flights."""

from __future__ import annotations

VIEW_FLIGHTPLAN = "planning.view_flightplan"
CHANGE_FLIGHTPLAN = "planning.change_flightplan"
FILE_FLIGHTPLAN = "planning.file_flightplan"
VIEW_BRIEFING = "planning.view_briefing"
VIEW_WEIGHT_BALANCE = "planning.view_weight_balance"
VIEW_WEATHER = "planning.view_weather"
CHANGE_AIRCRAFTLOADING = "planning.change_aircraftloading"
ADD_AIRCRAFTLOADING = "planning.add_aircraftloading"
