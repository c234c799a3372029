"""The scale dataset behind ``manage.py seed_scale``: years of operations at a given number
of flights a month, for measuring the application at production size.

Month by month, every aircraft's timeline is planned (``jetops.scale.plan``), each trip
becomes an accepted quote with its option and price lines, a booked trip, its flights with
their statuses by date (flown and cancelled before ``now``, scheduled after), manifests,
special services and timeline events; the flown duties get a captain and a first officer;
staff sign-ins fill the activity log. Each month is written in one transaction.

Rows are written in bulk with no history (``jetops.scale.writer``), so the dataset is fast
to make and says nothing about who changed what.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction

from clients.models import Client
from crew.choices import CrewRole
from crew.legality.model import Rules
from crew.models import CrewAssignment
from finance.models import PricingProfile
from fleet.models import Aircraft, Airport
from flights.choices import (
    FlightStatus,
    LegType,
    QuoteStatus,
    ServiceKind,
    ServiceStatus,
    TripEventKind,
    TripStatus,
)
from flights.models import (
    Flight,
    FlightPassenger,
    Quote,
    QuoteLine,
    QuoteOption,
    SpecialService,
    Trip,
    TripEvent,
)
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, User
from jetops.scale import plan
from jetops.scale.reference import (
    BASES,
    FLIGHT_PREFIX,
    MARKERS,
    NETWORK,
    QUOTE_PREFIX,
    TRIP_PREFIX,
    USERNAME_PREFIX,
    ClientAccount,
    FleetMember,
    clients_add,
    fleet_add,
    pilots_add,
    staff_add,
)
from jetops.scale.writer import BulkWriter, Ids

MONTH = timedelta(days=365.25 / 12)
CUT_HOUR_UTC = 9
"""The data is written month by month, cut at this hour, when no crew is on duty anywhere in
the network (its airports are in the Americas, where flying stops by 19:00 local time)."""
FUTURE_SHARE = 0.1
FUTURE_MAX = timedelta(days=60)
"""The dataset runs this share of its span past ``now`` (scheduled flights), at most 60 days."""
CANCEL_SHARE = 0.03
LOST_QUOTE_SHARE = 0.25
"""Besides each trip's accepted quote, this share of trips had another quote that was
declined or expired."""
FBOS = ("Signature", "Atlantic", "Jet Aviation", "Million Air", "Sheltair", "Modern Aviation")
SEAT_LETTERS = "AB"
CENT = Decimal("0.01")
# Activity: (action, outcome, reason, share)
ACTIVITY_MIX = (
    (ActivityAction.LOGIN, ActivityOutcome.SUCCESS, "", 70),
    (ActivityAction.LOGOUT, ActivityOutcome.SUCCESS, "", 15),
    (ActivityAction.TOKEN_REFRESH, ActivityOutcome.SUCCESS, "", 10),
    (ActivityAction.LOGIN, ActivityOutcome.FAILURE, "bad_credentials", 4),
    (ActivityAction.DENIED, ActivityOutcome.DENIED, "permission", 1),
)
SCALE_TABLES: tuple[type[models.Model], ...] = (
    ActivityLog,
    TripEvent,
    SpecialService,
    CrewAssignment,
    FlightPassenger,
    Flight,
    Trip,
    QuoteLine,
    QuoteOption,
    Quote,
)
"""Tables the dataset fills besides the master data of ``jetops.scale.reference``."""


@dataclass(frozen=True)
class ScaleOptions:
    years: float
    flights_per_month: int
    seed: int
    now: datetime
    aircraft: int = 60
    crew: int = 200
    clients: int = 2000
    passengers: int = 10000

    def problems(self) -> list[str]:
        found = []
        if not 0 < self.years <= 10:
            found.append("--years must be above 0 and at most 10.")
        if self.flights_per_month < 1:
            found.append("--flights-per-month must be at least 1.")
        if not 1 <= self.aircraft <= 299:
            found.append("--aircraft must be between 1 and 299.")
        if self.crew < 3 * self.aircraft:
            found.append("--crew must be at least three pilots per aircraft.")
        if self.clients < 1 or self.passengers < self.clients:
            found.append("--clients must be at least 1 and --passengers at least one per client.")
        return found


@dataclass
class ScaleReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    open_seats: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def scale_data_state() -> tuple[bool, bool]:
    """(scale data present, other domain data present)."""
    scale = any(model._default_manager.filter(marker).exists() for model, marker in MARKERS.items())
    other = any(model._default_manager.exclude(marker).exists() for model, marker in MARKERS.items())
    return scale, other


def scale_flush() -> None:
    """Empty every table the dataset fills (on PostgreSQL, with the tables that refer to
    them) and remove the scale staff logins. The caller has checked that no one else's
    data is there, or was told to go ahead."""
    tables = {m._meta.db_table for m in (*SCALE_TABLES, *_master_models())}
    with transaction.atomic():
        # PostgreSQL refuses to truncate a table with foreign-key checks still pending in
        # the transaction (when the caller's transaction wrote to it): run them now.
        connection.check_constraints()
        statements = connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=True)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        User.objects.filter(username__startswith=USERNAME_PREFIX).delete()


def _master_models() -> tuple[type[models.Model], ...]:
    from clients.models import Passenger
    from crew.models import (
        CrewMember,
        ExperienceRecord,
        License,
        MedicalCertificate,
        TrainingRecord,
        TypeRating,
    )

    return (
        Aircraft,
        Client,
        Passenger,
        CrewMember,
        License,
        TypeRating,
        MedicalCertificate,
        TrainingRecord,
        ExperienceRecord,
    )


def _chunks(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Calendar months, cut at ``CUT_HOUR_UTC``."""
    at = start
    while at < end:
        year, month = (at.year + 1, 1) if at.month == 12 else (at.year, at.month + 1)
        cut = at.replace(year=year, month=month, day=1, hour=CUT_HOUR_UTC, minute=0, second=0, microsecond=0)
        yield at, min(cut, end)
        at = cut


def _share(total: int, parts: int, offset: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers, the remainder rotated."""
    base, extra = divmod(total, parts)
    return [base + (1 if (n - offset) % parts < extra else 0) for n in range(parts)]


def scale_seed(options: ScaleOptions, *, progress: Callable[[str], None] = lambda _line: None) -> ScaleReport:
    """Write the dataset; see the module docstring. Deterministic for a given ``options``
    (seed and ``now`` included) on an empty database."""
    return _Seeder(options, progress).run()


class _Seeder:
    def __init__(self, options: ScaleOptions, progress: Callable[[str], None]) -> None:
        self.options = options
        self.progress = progress
        self.rng = random.Random(options.seed)  # noqa: S311  (reproducible test data, not secrets)
        self.writer = BulkWriter()
        self.ids = Ids()
        self.now = options.now
        self.numbers: dict[tuple[str, int], int] = {}
        span = timedelta(days=365.25 * options.years)
        self.end = self.now + min(FUTURE_MAX, span * FUTURE_SHARE)
        self.start = (self.end - span).replace(hour=CUT_HOUR_UTC, minute=0, second=0, microsecond=0)
        rules = Rules()
        self.limits = plan.DutyLimits(
            report=timedelta(minutes=settings.CREW_REPORT_MINUTES),
            release=timedelta(minutes=settings.CREW_RELEASE_MINUTES),
            max_duty=timedelta(hours=rules.regular_duty_max_hours),
            min_rest=timedelta(hours=rules.lookback_rest_hours),
            window=timedelta(hours=rules.window_hours),
            window_flight_minutes=round(rules.two_pilot_flight_hours * 60),
            quarter_flight_minutes=round(rules.quarter_flight_hours * 60),
            year_flight_minutes=round(rules.year_flight_hours * 60),
        )
        self.client_hours: dict[int, list[Any]] = {}
        self.flights_of: dict[int, tuple[int, datetime]] = {}  # id(leg) → (flight id, booked at)
        self.waiting: list[tuple[int, plan.PlannedLeg]] = []
        self.aircraft_flown: dict[int, list[Any]] = {}

    # ------------------------------------------------------------------ master data
    def _master(self) -> None:
        opts, rng = self.options, self.rng
        present = set(Airport.objects.filter(icao__in=NETWORK).values_list("icao", flat=True))
        places = [
            plan.Place(a.icao, a.latitude, a.longitude)
            for a in Airport.objects.filter(icao__in=present).order_by("icao")
        ]
        self.network = plan.Network(places)
        self.fbo = {p.icao: rng.choice(FBOS) for p in places}
        bases = [b for b in BASES if b in present]
        self.profile = PricingProfile.objects.filter(is_active=True).first() or PricingProfile.objects.create(
            name="Scale dataset pricing", is_active=True
        )
        today = self.now.date()
        at = self.start - timedelta(days=365)
        self.fleet: list[FleetMember] = fleet_add(
            self.writer, self.ids, rng, count=opts.aircraft, bases=bases, today=today, at=at
        )
        pilots = pilots_add(self.writer, self.ids, rng, count=opts.crew, fleet=self.fleet, today=today, at=at)
        self.accounts: list[ClientAccount] = clients_add(
            self.writer, self.ids, rng, count=opts.clients, passengers=opts.passengers, today=today, at=at
        )
        self.client_weights = list(accumulate(1 / (rank + 5) ** 0.8 for rank in range(len(self.accounts))))
        self.staff = staff_add(self.writer, self.ids, at=at)
        self.roster = plan.Roster(
            [
                plan.Pilot(
                    index=pid, captain=captain, aircraft_type=t, available_at=self.start - timedelta(days=1)
                )
                for pid, captain, t in pilots
            ],
            self.limits,
        )
        turnaround = timedelta(minutes=self.profile.turnaround_minutes)
        limits = self.limits
        day = plan.FlyingDay(
            span=limits.max_duty - limits.report - limits.release, flight_minutes=limits.window_flight_minutes
        )
        self.timelines = [
            plan.AircraftTimeline(
                index=n,
                performance=member.performance,
                home=member.home,
                network=self.network,
                rng=rng,
                start=self.start + timedelta(minutes=rng.randint(0, 720)),
                turnaround=turnaround,
                day=day,
                cancel_share=CANCEL_SHARE,
            )
            for n, member in enumerate(self.fleet)
        ]
        self.types = [member.spec.icao_type for member in self.fleet]

    # ------------------------------------------------------------------ the run
    def run(self) -> ScaleReport:
        started = time.perf_counter()
        with transaction.atomic():
            self._master()
            self.writer.flush()
        span = (self.end - self.start).total_seconds()
        total_legs = round(self.options.flights_per_month * span / MONTH.total_seconds())
        done = 0
        for number, (chunk_start, chunk_end) in enumerate(_chunks(self.start, self.end)):
            wanted = round(total_legs * (chunk_end - self.start).total_seconds() / span) - done
            done += wanted
            tick = time.perf_counter()
            written_before = sum(self.writer.written.values())
            trips: list[plan.PlannedTrip] = []
            for timeline, legs in zip(
                self.timelines, _share(wanted, len(self.timelines), number), strict=True
            ):
                # Nothing departs before this month's duties can report after last month's.
                trips.extend(timeline.plan(chunk_start + self.limits.report, chunk_end, legs))
            trips.sort(key=lambda t: (t.legs[0].departure_at, t.aircraft))
            with transaction.atomic():
                for trip in trips:
                    self._trip(trip)
                # Duties reporting after this month (its last trips run over) are cut again
                # with the next month's legs, so a day's flying stays one duty.
                last = chunk_end >= self.end
                flown = [*self.waiting, *plan.flown_legs(trips)]
                self.waiting = []
                for duty in plan.duties(flown, self.types, self.limits):
                    if duty.report_at < chunk_end or last:
                        self._crew(duty)
                    else:
                        self.waiting.extend((duty.aircraft, leg) for leg in duty.legs)
                self._activity(chunk_start, chunk_end)
                self.writer.flush()
            rows = sum(self.writer.written.values()) - written_before
            seconds = time.perf_counter() - tick
            self.progress(
                f"{chunk_start:%Y-%m-%d}: {sum(len(t.legs) for t in trips):,} flights, {rows:,} rows "
                f"in {seconds:.1f} s ({rows / max(seconds, 1e-6):,.0f} rows/s)"
            )
        with transaction.atomic():
            self._totals()
            self.writer.reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in self.writer.written:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return ScaleReport(
            rows={m._meta.label: n for m, n in self.writer.written.items()},
            seconds=time.perf_counter() - started,
            open_seats=self.roster.open_seats,
        )

    def _number(self, prefix: str, at: datetime) -> str:
        key = (prefix, at.year)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        separator = "" if prefix == FLIGHT_PREFIX else "-"
        return f"{prefix}{separator}{at.year}-{self.numbers[key]:06d}"

    def _user(self, group: str) -> int:
        return self.rng.choice(self.staff[group])[0]

    # ------------------------------------------------------------------ one trip
    def _trip(self, trip: plan.PlannedTrip) -> None:
        rng, now, add, ids = self.rng, self.now, self.writer.add, self.ids
        aircraft = self.fleet[trip.aircraft]
        account = self.accounts[rng.choices(range(len(self.accounts)), cum_weights=self.client_weights)[0]]
        first = trip.legs[0].departure_at
        booked_at = first - timedelta(hours=2 + rng.expovariate(1 / 120))
        if booked_at > now:
            booked_at = now - timedelta(minutes=rng.uniform(5, 4320))
        revenue = [leg for leg in trip.legs if not leg.positioning]
        size = min(aircraft.spec.seats, len(account.passengers), 1 + int(rng.expovariate(1 / 2)))
        passengers = rng.sample(account.passengers, size)
        ops_user = self._user("ops")
        services_user = self._user("services")

        lines = self._price(aircraft, trip.legs)
        subtotal, taxes = _split(lines)
        total = subtotal + taxes
        requested = [
            {
                "departure_airport": leg.departure,
                "arrival_airport": leg.arrival,
                "departure_datetime": leg.departure_at.isoformat(),
                "passengers": size,
            }
            for leg in revenue
        ]
        quote_at = booked_at - timedelta(hours=rng.uniform(1, 48))
        quote_id, option_id = self._quote(aircraft, trip.legs, lines, size, quote_at)
        add(
            Quote,
            id=quote_id,
            number=self._number(QUOTE_PREFIX, quote_at),
            client_id=account.id,
            status=QuoteStatus.ACCEPTED,
            legs=requested,
            currency="USD",
            valid_until=quote_at + timedelta(hours=self.profile.validity_hours),
            pricing_profile_id=self.profile.pk,
            created_by_id=services_user,
            sent_at=quote_at + timedelta(minutes=10),
            decided_at=booked_at,
            created_at=quote_at,
        )
        if rng.random() < LOST_QUOTE_SHARE:
            self._lost_quote(account.id, aircraft, trip.legs, requested, lines, size, quote_at)

        statuses = [self._status(trip, leg) for leg in trip.legs]
        if trip.cancelled:
            trip_status = TripStatus.CANCELLED
        elif all(s == FlightStatus.COMPLETED for s in statuses):
            trip_status = TripStatus.COMPLETED
        elif all(s == FlightStatus.SCHEDULED for s in statuses):
            trip_status = TripStatus.BOOKED
        else:
            trip_status = TripStatus.IN_PROGRESS
        trip_id = ids.take(Trip)
        add(
            Trip,
            id=trip_id,
            number=self._number(TRIP_PREFIX, booked_at),
            client_id=account.id,
            quote_id=quote_id,
            quote_option_id=option_id,
            status=trip_status,
            total=total,
            cancel_reason="Cancelled by the client" if trip.cancelled else "",
            created_by_id=ops_user,
            created_at=booked_at,
        )
        add(
            TripEvent,
            id=ids.take(TripEvent),
            trip_id=trip_id,
            kind=TripEventKind.BOOKED,
            at=booked_at,
            actor_id=ops_user,
            created_at=booked_at,
        )
        if trip.cancelled:
            cancelled_at = min(now, first - timedelta(hours=rng.uniform(2, 72)))
            cancelled_at = max(cancelled_at, booked_at)
            add(
                TripEvent,
                id=ids.take(TripEvent),
                trip_id=trip_id,
                kind=TripEventKind.CANCELLED,
                at=cancelled_at,
                actor_id=ops_user,
                created_at=cancelled_at,
            )
        else:
            self._account_totals(account.id, revenue, total)
        for sequence, (leg, status) in enumerate(zip(trip.legs, statuses, strict=True), start=1):
            self._flight(trip_id, account.id, aircraft, sequence, leg, status, size, passengers, booked_at)

    def _status(self, trip: plan.PlannedTrip, leg: plan.PlannedLeg) -> str:
        if trip.cancelled:
            return FlightStatus.CANCELLED
        if leg.arrival_at <= self.now:
            return FlightStatus.COMPLETED
        if leg.departure_at <= self.now:
            return FlightStatus.DEPARTED
        return FlightStatus.SCHEDULED

    def _price(
        self, aircraft: FleetMember, legs: tuple[plan.PlannedLeg, ...]
    ) -> list[tuple[str, str, Decimal]]:
        """(kind, description, amount) lines, the FET last: flight time at the hourly rate,
        positioning at its rate, landing and handling per leg, the excise tax on the lot."""
        revenue_minutes = sum(leg.block_minutes for leg in legs if not leg.positioning)
        positioning_minutes = sum(leg.block_minutes for leg in legs if leg.positioning)
        profile = self.profile
        lines = [
            (
                "flight_time",
                f"{revenue_minutes} block minutes",
                (aircraft.hourly_rate * revenue_minutes / 60).quantize(CENT),
            ),
        ]
        if positioning_minutes:
            lines.append(
                (
                    "positioning",
                    f"{positioning_minutes} block minutes positioning",
                    (aircraft.positioning_rate * positioning_minutes / 60).quantize(CENT),
                )
            )
        lines.append(("landing_fees", f"{len(legs)} landings", profile.landing_fee * len(legs)))
        lines.append(("handling_fees", f"{len(legs)} turnarounds", profile.handling_fee * len(legs)))
        subtotal = sum((amount for _k, _d, amount in lines), Decimal("0"))
        lines.append(("fet", "Federal excise tax", (subtotal * profile.fet_rate).quantize(CENT)))
        return lines

    def _quote(
        self,
        aircraft: FleetMember,
        legs: tuple[plan.PlannedLeg, ...],
        lines: list[tuple[str, str, Decimal]],
        passengers: int,
        at: datetime,
    ) -> tuple[int, int]:
        """A quote's option and price lines (the quote row is the caller's); returns the
        quote and option ids."""
        subtotal, taxes = _split(lines)
        add, ids = self.writer.add, self.ids
        quote_id, option_id = ids.take(Quote), ids.take(QuoteOption)
        planned = [
            {
                "kind": "positioning" if leg.positioning else "revenue",
                "departure_airport": leg.departure,
                "arrival_airport": leg.arrival,
                "departure_datetime": leg.departure_at.isoformat(),
                "arrival_datetime": leg.arrival_at.isoformat(),
                "passengers": 0 if leg.positioning else passengers,
                "distance_nm": leg.distance_nm,
                "block_minutes": leg.block_minutes,
            }
            for leg in legs
        ]
        add(
            QuoteOption,
            id=option_id,
            quote_id=quote_id,
            aircraft_id=aircraft.id,
            planned_legs=planned,
            subtotal=subtotal,
            taxes=taxes,
            total=subtotal + taxes,
            currency="USD",
            method="scale dataset",
            created_at=at,
        )
        for position, (kind, description, amount) in enumerate(lines):
            add(
                QuoteLine,
                id=ids.take(QuoteLine),
                option_id=option_id,
                position=position,
                kind=kind,
                description=description,
                amount=amount,
                created_at=at,
            )
        return quote_id, option_id

    def _lost_quote(
        self,
        client_id: int,
        aircraft: FleetMember,
        legs: tuple[plan.PlannedLeg, ...],
        requested: list[dict[str, Any]],
        lines: list[tuple[str, str, Decimal]],
        passengers: int,
        accepted_at: datetime,
    ) -> None:
        """An earlier quote for the same itinerary, priced higher, that the client let lapse
        or declined (or has not answered yet, while it is valid)."""
        rng = self.rng
        at = accepted_at - timedelta(hours=rng.uniform(24, 240))
        scale = Decimal(str(round(rng.uniform(1.05, 1.3), 2)))
        dearer = [(kind, text, (amount * scale).quantize(CENT)) for kind, text, amount in lines]
        quote_id, _option = self._quote(aircraft, legs, dearer, passengers, at)
        valid_until = at + timedelta(hours=self.profile.validity_hours)
        if valid_until > self.now:
            status, decided = QuoteStatus.SENT, None
        elif rng.random() < 0.5:
            status, decided = QuoteStatus.DECLINED, at + timedelta(hours=rng.uniform(1, 48))
        else:
            status, decided = QuoteStatus.EXPIRED, None
        self.writer.add(
            Quote,
            id=quote_id,
            number=self._number(QUOTE_PREFIX, at),
            client_id=client_id,
            status=status,
            legs=requested,
            currency="USD",
            valid_until=valid_until,
            pricing_profile_id=self.profile.pk,
            created_by_id=self._user("services"),
            sent_at=at + timedelta(minutes=10),
            decided_at=decided,
            created_at=at,
        )

    def _flight(
        self,
        trip_id: int,
        client_id: int,
        aircraft: FleetMember,
        sequence: int,
        leg: plan.PlannedLeg,
        status: str,
        size: int,
        passengers: list[int],
        booked_at: datetime,
    ) -> None:
        rng, add, ids = self.rng, self.writer.add, self.ids
        flight_id = ids.take(Flight)
        if status != FlightStatus.CANCELLED:
            self.flights_of[id(leg)] = (flight_id, booked_at)
        off_block = on_block = None
        if status in (FlightStatus.COMPLETED, FlightStatus.DEPARTED):
            off_block = leg.departure_at + timedelta(minutes=rng.randint(-3, 12))
        if status == FlightStatus.COMPLETED:
            on_block = min(leg.busy_until, leg.arrival_at + timedelta(minutes=rng.randint(-5, 15)))
            self._aircraft_totals(aircraft.id, leg)
        add(
            Flight,
            id=flight_id,
            flight_number=self._number(FLIGHT_PREFIX, booked_at),
            trip_id=trip_id,
            client_id=client_id,
            aircraft_id=aircraft.id,
            sequence=sequence,
            leg_type=LegType.POSITIONING if leg.positioning else LegType.REVENUE,
            departure_airport_id=leg.departure,
            arrival_airport_id=leg.arrival,
            departure_at=leg.departure_at,
            arrival_at=leg.arrival_at,
            busy_until=leg.busy_until,
            departure_fbo=self.fbo[leg.departure],
            arrival_fbo=self.fbo[leg.arrival],
            distance_nm=leg.distance_nm,
            estimated_block_minutes=leg.block_minutes,
            passenger_count=0 if leg.positioning else size,
            status=status,
            actual_off_block=off_block,
            actual_on_block=on_block,
            landings=1 if on_block else 0,
            cancel_reason="Cancelled by the client" if status == FlightStatus.CANCELLED else "",
            created_at=booked_at,
        )
        if leg.positioning:
            return
        for seat, passenger_id in enumerate(passengers):
            add(
                FlightPassenger,
                id=ids.take(FlightPassenger),
                flight_id=flight_id,
                passenger_id=passenger_id,
                seat=f"{seat // 2 + 1}{SEAT_LETTERS[seat % 2]}",
                bags=rng.randint(0, 3),
                created_at=booked_at,
            )
        for kind, share, vendor in (
            (ServiceKind.CATERING, 0.25, "Air Culinaire"),
            (ServiceKind.GROUND_TRANSPORT, 0.1, "Blacklane"),
        ):
            if rng.random() < share:
                add(
                    SpecialService,
                    id=ids.take(SpecialService),
                    flight_id=flight_id,
                    kind=kind,
                    description=f"{kind.label} for {size}",
                    vendor=vendor,
                    status=_service_status(status),
                    cost=Decimal(rng.randint(150, 1500)),
                    created_at=booked_at,
                )

    def _crew(self, duty: plan.Duty) -> None:
        pic, sic = self.roster.staff(duty)
        assigner = self._user("ops")
        for leg in duty.legs:
            flight_id, booked_at = self.flights_of.pop(id(leg))
            for pilot, role in ((pic, CrewRole.PIC), (sic, CrewRole.SIC)):
                if pilot is not None:
                    self.writer.add(
                        CrewAssignment,
                        id=self.ids.take(CrewAssignment),
                        flight_id=flight_id,
                        crew_member_id=pilot.index,
                        role=role,
                        assigned_by_id=assigner,
                        created_at=booked_at,
                    )

    def _activity(self, start: datetime, end: datetime) -> None:
        """Staff sign-ins, sign-outs, refreshes, a few failures and denials: half as many
        rows as flights, up to ``now``."""
        rng = self.rng
        end = min(end, self.now)
        if end <= start:
            return
        count = round(self.options.flights_per_month / 2 * (end - start) / MONTH)
        seconds = (end - start).total_seconds()
        people = [person for group in self.staff.values() for person in group]
        weights = list(accumulate(share for *_rest, share in ACTIVITY_MIX))
        for offset in sorted(rng.uniform(0, seconds) for _ in range(count)):
            user_id, username = rng.choice(people)
            action, outcome, reason, _share = rng.choices(ACTIVITY_MIX, cum_weights=weights)[0]
            path = {
                ActivityAction.LOGOUT: "/api/v1/auth/logout",
                ActivityAction.TOKEN_REFRESH: "/api/v1/auth/refresh-token",
                ActivityAction.DENIED: "/api/v1/invoices",
            }.get(action, "/api/v1/auth/login")
            self.writer.add(
                ActivityLog,
                id=self.ids.take(ActivityLog),
                created_at=start + timedelta(seconds=offset),
                user_id=user_id,
                username=username,
                action=action,
                outcome=outcome,
                reason=reason,
                ip=f"198.51.100.{rng.randint(1, 254)}",
                user_agent="JetOps back office",
                method="GET" if action == ActivityAction.DENIED else "POST",
                path=path,
            )

    # ------------------------------------------------------------------ running totals
    def _account_totals(self, client_id: int, revenue: list[plan.PlannedLeg], total: Decimal) -> None:
        flown = [leg for leg in revenue if leg.arrival_at <= self.now]
        if not flown:
            return
        entry = self.client_hours.setdefault(client_id, [0, 0, Decimal("0")])
        entry[0] += len(flown)
        entry[1] += sum(leg.block_minutes for leg in flown)
        entry[2] += total

    def _aircraft_totals(self, aircraft_id: int, leg: plan.PlannedLeg) -> None:
        entry = self.aircraft_flown.setdefault(aircraft_id, [0, 0, None])
        entry[0] += leg.block_minutes
        entry[1] += 1
        entry[2] = leg.arrival

    def _totals(self) -> None:
        """Where each aircraft is now and its hours and cycles; each client's flights,
        hours and spend."""
        aircraft = list(Aircraft.objects.filter(pk__in=self.aircraft_flown))
        for plane in aircraft:
            minutes, cycles, where = self.aircraft_flown[plane.pk]
            plane.total_hours += (Decimal(minutes) / 60).quantize(Decimal("0.1"))
            plane.total_cycles += cycles
            plane.current_location_id = where
        Aircraft.objects.bulk_update(
            aircraft, ["total_hours", "total_cycles", "current_location"], batch_size=200
        )
        clients = list(Client.objects.filter(pk__in=self.client_hours))
        for account in clients:
            count, minutes, spend = self.client_hours[account.pk]
            account.flights_count = count
            account.flight_hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
            account.total_spend = spend
        Client.objects.bulk_update(clients, ["flights_count", "flight_hours", "total_spend"], batch_size=500)


def _split(lines: list[tuple[str, str, Decimal]]) -> tuple[Decimal, Decimal]:
    """(subtotal, taxes) of price lines whose last line is the tax."""
    return sum((amount for _kind, _text, amount in lines[:-1]), Decimal("0")), lines[-1][2]


def _service_status(flight_status: str) -> str:
    if flight_status == FlightStatus.CANCELLED:
        return ServiceStatus.CANCELLED
    if flight_status == FlightStatus.COMPLETED:
        return ServiceStatus.DELIVERED
    return ServiceStatus.CONFIRMED
