"""Flights permission names, referenced through these constants (never scattered strings)."""

from __future__ import annotations

VIEW_FLIGHT = "flights.view_flight"
CHANGE_FLIGHT_STATUS = "flights.change_flight_status"
# Manifests with passport numbers (``flights.manifest``).
VIEW_MANIFEST = "flights.view_manifest"
CHANGE_FLIGHTPASSENGER = "flights.change_flightpassenger"
VIEW_QUOTE = "flights.view_quote"
ADD_QUOTE = "flights.add_quote"
SEND_QUOTE = "flights.send_quote"
# Accepting books the quote; declining it needs the same permission.
ACCEPT_QUOTE = "flights.accept_quote"
OVERRIDE_QUOTE = "flights.override_quote"
ADD_TRIP = "flights.add_trip"
VIEW_CONCIERGEREQUEST = "flights.view_conciergerequest"
ADD_CONCIERGEREQUEST = "flights.add_conciergerequest"
VIEW_SPECIALSERVICE = "flights.view_specialservice"
ADD_SPECIALSERVICE = "flights.add_specialservice"
CHANGE_SPECIALSERVICE = "flights.change_specialservice"
VIEW_FEEDBACK = "flights.view_feedback"
CHANGE_FEEDBACK = "flights.change_feedback"
