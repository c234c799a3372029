"""Planning writes: the aircraft's loading data and stations, computing a flight's plan
(route, fuel, weight and balance, FPL text) and filing it. Each takes ``actor``, checks its
permission through ``jetops.permissions``, and refuses with ``Conflict`` (a limit broken,
data missing, a closed flight) or ``ValidationError`` (bad input), writing nothing then."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from fleet.models import Aircraft
from flights.choices import FlightStatus
from flights.models import Flight
from jetops.errors import Conflict
from jetops.models import User
from jetops.permissions import user_can
from jetops.writes import apply_fields, save_validated
from planning import permissions as perms
from planning.choices import FlightPlanStatus
from planning.filing import FilingFailed, configured_filer
from planning.models import AircraftLoading, FlightPlan, LoadingStation, WeatherAlert
from planning.selectors import PlanInputs, airport_weather, compute, planning_profile
from planning.weather import CATEGORIES

LOADING_FIELDS = ("weighed_on", "envelope", "burn_profile", "taxi_fuel_lb", "cruise_level_ft")
STATION_FIELDS = ("name", "kind", "position", "arm", "seats", "max_weight_lb", "fuel_arms")
CLOSED_STATUSES = (
    FlightStatus.CANCELLED,
    FlightStatus.COMPLETED,
    FlightStatus.ARRIVED,
    FlightStatus.DIVERTED,
)


def _require(actor: User | None, perm: str, obj: Any, message: str) -> None:
    if actor is not None and not user_can(actor, perm, obj):
        raise PermissionDenied(message)


@transaction.atomic
def aircraft_loading_save(*, aircraft: Aircraft, actor: User | None, **fields: Any) -> AircraftLoading:
    """Create or change an aircraft's loading data (envelope, burn profile, taxi fuel,
    cruise level, weighing date); the envelope and profile are validated as the rules read them."""
    loading = AircraftLoading.objects.select_for_update().filter(aircraft=aircraft).first()
    perm = perms.CHANGE_AIRCRAFTLOADING if loading else perms.ADD_AIRCRAFTLOADING
    _require(actor, perm, loading, "Only operations edit an aircraft's loading data.")
    loading = loading or AircraftLoading(aircraft=aircraft)
    apply_fields(loading, fields, LOADING_FIELDS)
    save_validated(loading, actor)
    return loading


@transaction.atomic
def loading_station_save(
    *, loading: AircraftLoading, actor: User | None, station: LoadingStation | None = None, **fields: Any
) -> LoadingStation:
    """Add or change a station of an aircraft's loading data."""
    _require(actor, perms.CHANGE_AIRCRAFTLOADING, loading, "Only operations edit loading stations.")
    station = station or LoadingStation(loading=loading)
    apply_fields(station, fields, STATION_FIELDS)
    save_validated(station, actor)
    return station


@transaction.atomic
def loading_station_delete(*, station: LoadingStation, actor: User | None) -> None:
    _require(actor, perms.CHANGE_AIRCRAFTLOADING, station.loading, "Only operations edit loading stations.")
    station._history_user = actor  # type: ignore[attr-defined]
    station.delete()


@transaction.atomic
def flight_plan_compute(
    *, flight: Flight, actor: User | None, inputs: PlanInputs | None = None
) -> FlightPlan:
    """Compute ``flight``'s plan now and store it (one plan per flight, replaced).

    Refuses (``Conflict``, nothing stored) a closed flight, an aircraft without the data to
    plan, and any plan that breaks a limit: MZFW, MTOW, MLW, the CG envelope, seats,
    baggage limits or tank capacity — each refusal names the limit and the numbers
    (``violations``). A filed plan that is recomputed goes back to *planned*: the new plan
    has to be filed again.
    """
    _require(actor, perms.CHANGE_FLIGHTPLAN, flight, "Only operations plan flights.")
    flight = (
        Flight.objects.select_for_update()
        .select_related("aircraft", "departure_airport", "arrival_airport")
        .get(pk=flight.pk)
    )
    if flight.status in CLOSED_STATUSES:
        raise Conflict(
            f"Flight {flight.flight_number} is {flight.get_status_display().lower()}: "
            "it is not planned any more.",
            "flight_closed",
        )
    for name in ("alternate", "second_alternate"):
        chosen = getattr(inputs, name, None) if inputs is not None else None
        if chosen is not None and chosen.pk in (flight.arrival_airport_id, flight.departure_airport_id):
            raise ValidationError(
                {name: ["An alternate is an airport other than the departure and destination."]}
            )
    stored = FlightPlan.objects.filter(flight=flight).first()
    computation = compute(flight, inputs, stored)
    refusals = computation.refusals
    if refusals:
        raise Conflict(
            " ".join(r["message"] for r in refusals),
            "planning_limit",
            violations=[
                {"rule": r["rule"], "detail": r["message"], "condition": r["condition"]} for r in refusals
            ],
        )
    profile = planning_profile()
    plan = stored or FlightPlan(flight=flight)
    plan.status = FlightPlanStatus.PLANNED
    plan.filed_at = None
    plan.filed_by = None
    plan.filing_method = ""
    plan.filing_reference = ""
    plan.route = computation.route
    plan.cruise_level_ft = computation.cruise_level_ft
    plan.true_airspeed_kt = computation.true_airspeed_kt
    plan.distance_nm = computation.distance_nm
    plan.ete_minutes = computation.ete_minutes
    plan.alternate = computation.alternate
    plan.second_alternate = computation.second_alternate
    plan.extra_fuel_lb = int(computation.fuel.extra)
    plan.block_fuel_lb = int(computation.fuel.block)
    plan.takeoff_weight_lb = int(computation.weight_balance.takeoff.weight)
    plan.landing_weight_lb = int(computation.weight_balance.landing.weight)
    plan.souls_on_board = computation.souls_on_board
    plan.fuel = computation.fuel_dict()
    plan.weight_balance = computation.weight_balance_dict()
    plan.fpl_text = computation.fpl_text(profile)
    plan.computed_at = timezone.now()
    plan.computed_by = actor
    save_validated(plan, actor, "computed")
    return plan


@transaction.atomic
def flight_plan_file(*, flight: Flight, actor: User | None) -> FlightPlan:
    """File the stored plan through the configured filer (``planning.filing``) and record it.
    Refuses a flight with no plan, a plan already filed, or the filer's refusal."""
    _require(actor, perms.FILE_FLIGHTPLAN, flight, "Only operations file flight plans.")
    plan = FlightPlan.objects.select_for_update().filter(flight=flight).first()
    if plan is None:
        raise Conflict(f"Flight {flight.flight_number} has no plan to file: compute it first.", "no_plan")
    if plan.status == FlightPlanStatus.FILED:
        raise Conflict(
            f"The plan of {flight.flight_number} is already filed ({plan.filing_reference}).", "already_filed"
        )
    try:
        receipt = configured_filer().file(fpl_text=plan.fpl_text, flight_number=flight.flight_number)
    except FilingFailed as exc:
        raise Conflict(f"Filing failed: {exc}", "filing_failed") from exc
    plan.status = FlightPlanStatus.FILED
    plan.filed_at = timezone.now()
    plan.filed_by = actor
    plan.filing_method = receipt.method
    plan.filing_reference = receipt.reference
    save_validated(plan, actor, f"filed ({receipt.method})")
    return plan


ALERT_HORIZON = timedelta(hours=48)


def weather_alerts_send(*, now: datetime | None = None) -> int:
    """Check the destination and planned alternates of every scheduled flight departing in the
    next 48 hours against the operator's minimum (``PlanningProfile.weather_alert_category``)
    at the flight's arrival, and e-mail operations once per flight, airport and category (or
    closure by NOTAM). Returns how many alerts were sent; safe to run any number of times."""
    now = now or timezone.now()
    threshold = planning_profile().weather_alert_category
    flights = (
        Flight.objects.filter(
            status=FlightStatus.SCHEDULED, departure_at__gte=now, departure_at__lt=now + ALERT_HORIZON
        )
        .select_related("arrival_airport", "plan__alternate", "plan__second_alternate")
        .order_by("departure_at", "id")
    )
    sent = 0
    for flight in flights:
        plan = getattr(flight, "plan", None)
        airports = [flight.arrival_airport]
        if plan is not None:
            airports += [a for a in (plan.alternate, plan.second_alternate) if a is not None]
        for airport in airports:
            report = airport_weather(airport, flight.arrival_at)
            findings = []
            if report["category"] is not None and CATEGORIES.index(report["category"]) >= CATEGORIES.index(
                threshold
            ):
                findings.append((report["category"], f"forecast {report['category']}"))
            if report["aerodrome_closed"]:
                findings.append(("CLOSED", "closed by NOTAM"))
            for category, what in findings:
                sent += _weather_alert_send(
                    flight,
                    airport,
                    category,
                    f"{airport.icao} is {what} at {flight.arrival_at:%d %b %H:%MZ}.",
                )
    return sent


def _weather_alert_send(flight: Flight, airport: Any, category: str, detail: str) -> int:
    if WeatherAlert.objects.filter(flight=flight, airport=airport, category=category).exists():
        return 0
    recipients = [settings.OPERATIONS_EMAIL]
    try:
        with transaction.atomic():
            alert = WeatherAlert(
                flight=flight,
                airport=airport,
                category=category,
                forecast_for=flight.arrival_at,
                detail=detail,
                recipients=recipients,
            )
            save_validated(alert, None, "weather check")
            send_mail(
                subject=f"Weather: {flight.flight_number} {detail}",
                message=(
                    f"Flight {flight.flight_number} "
                    f"({flight.departure_airport_id}-{flight.arrival_airport_id}, "
                    f"departing {flight.departure_at:%d %b %Y %H:%MZ}): {detail}\n"
                    "Review the destination and alternates in the flight's briefing, and re-plan "
                    "with another alternate if needed."
                ),
                from_email=None,
                recipient_list=recipients,
            )
    except IntegrityError:
        return 0
    return 1
