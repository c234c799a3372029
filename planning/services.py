"""Planning writes: the aircraft's loading data and stations, computing a flight's plan
(route, fuel, weight and balance, FPL text) and filing it. Each takes ``actor``, checks its
permission through ``jetops.permissions``, and refuses with ``Conflict`` (a limit broken,
data missing, a closed flight) or ``ValidationError`` (bad input), writing nothing then."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
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
from planning.models import AircraftLoading, FlightPlan, LoadingStation
from planning.selectors import PlanInputs, compute, planning_profile

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
