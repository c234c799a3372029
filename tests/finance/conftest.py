"""Finance test fixtures: the flights ones (an active pricing profile, a light jet)."""

from __future__ import annotations

from tests.flights.conftest import jet, profile  # noqa: F401  (fixtures)
