from __future__ import annotations

from django.apps import AppConfig


class CrewConfig(AppConfig):
    name = "crew"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Flights cannot import crew (crew depends on flights): a change of a flight's schedule,
        # aircraft or crew-rule fields reaches crew through this hook (``flights.hooks``).
        from crew.services import flight_changed
        from flights.hooks import register_flight_change

        register_flight_change("crew", flight_changed)
