"""Fleet permission names, referenced through these constants (never scattered strings)."""

from __future__ import annotations

VIEW_AIRCRAFT = "fleet.view_aircraft"
ADD_AIRCRAFT = "fleet.add_aircraft"
CHANGE_AIRCRAFT = "fleet.change_aircraft"
# Schedules, maintenance view and documents: staff only. Staff roles get it through their
# "fleet.*" / "fleet.view_*" defaults; the portal roles (Client, Crew) hold only view_aircraft.
VIEW_AIRCRAFT_OPERATIONS = "fleet.view_aircraft_operations"
ADD_BLACKOUT = "fleet.add_blackout"
VIEW_AIRCRAFTDOCUMENT = "fleet.view_aircraftdocument"
ADD_AIRCRAFTDOCUMENT = "fleet.add_aircraftdocument"
