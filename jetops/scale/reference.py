"""The scale dataset's master data: the fleet (types from the demo fleet's specs), pilots
with their licences, ratings, medicals and checks, client accounts with their passengers,
and the staff logins that act in the generated records.

Everything is marked as scale data (``MARKERS``) so ``seed_scale`` can tell it from data it
did not make. Rows go through ``BulkWriter``; keys come from ``Ids``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Model, Q

from clients.choices import ClientType, VipStatus
from clients.models import Client, Passenger
from crew.choices import ExperienceSource, LicenseKind, Position, RatingRole, TrainingKind
from crew.models import CrewMember, ExperienceRecord, License, MedicalCertificate, TrainingRecord, TypeRating
from fleet.choices import AircraftStatus
from fleet.demo import DEMO_FLEET, DemoAircraft
from fleet.models import Aircraft
from flights.models import Flight, Quote, Trip
from jetops.models import User
from jetops.roles import Role
from jetops.scale.plan import Performance
from jetops.scale.writer import BulkWriter, Ids

DOMAIN = "scale.jetops.example"
USERNAME_PREFIX = "scale-"
AIRCRAFT_MARK = "SCALE-"
EMPLOYEE_PREFIX = "SC-"
QUOTE_PREFIX = "SQ-"
TRIP_PREFIX = "ST-"
FLIGHT_PREFIX = "SX"

MARKERS: dict[type[Model], Q] = {
    Aircraft: Q(insurance_policy__startswith=AIRCRAFT_MARK),
    Client: Q(email__endswith=f"@{DOMAIN}"),
    Passenger: Q(client__email__endswith=f"@{DOMAIN}"),
    CrewMember: Q(employee_id__startswith=EMPLOYEE_PREFIX),
    Quote: Q(number__startswith=QUOTE_PREFIX),
    Trip: Q(number__startswith=TRIP_PREFIX),
    Flight: Q(flight_number__startswith=FLIGHT_PREFIX),
}
"""How each domain table's scale rows are recognised; any other row is someone else's data."""

# Business-aviation airports the fleet flies between (ICAO; those missing from the airport
# table are skipped) and the bases aircraft are kept at, in order of fleet size.
NETWORK = (
    "KTEB", "KHPN", "KBED", "KBOS", "KIAD", "KPHL", "KBWI", "KMMU", "KACK", "KMVY", "KDJT", "KFLL",
    "KMIA", "KOPF", "KTPA", "KAPF", "KORL", "KPDK", "KCLT", "KBNA", "KMSY", "KHOU", "KDAL", "KAUS",
    "KSAT", "KAPA", "KASE", "KEGE", "KJAC", "KSUN", "KBZN", "KSLC", "KLAS", "KSDL", "KSAN", "KSNA",
    "KVNY", "KBUR", "KSJC", "KOAK", "KBFI", "KPDX", "KMDW", "KPWK", "KMSP", "KDTW", "KCLE", "KPIT",
    "KSTL", "KMKC", "KTRM", "KSBA", "KMRY", "KFXE", "KBCT", "KSRQ", "KCHS", "KSAV", "KRDU", "KDCA",
    "KTUS", "KABQ", "KSAF", "KOKC", "KTUL", "KOMA", "KMKE", "KIND", "KCMH", "KSDF", "KMEM", "KBHM",
    "CYYZ", "CYUL", "MMUN", "MMSD", "MYNN", "TNCM", "TJSJ",
)  # fmt: skip
BASES = ("KTEB", "KVNY", "KDJT", "KHPN", "KDAL", "KLAS", "KOPF", "KBED", "KAPA", "KSDL", "KMDW", "KBNA")

FIRST_NAMES = (
    "Ava", "Liam", "Olivia", "Noah", "Emma", "James", "Sophia", "Lucas", "Mia", "Ethan", "Isabella",
    "Mason", "Amelia", "Logan", "Harper", "Elijah", "Evelyn", "Oliver", "Abigail", "Aiden", "Emily",
    "Daniel", "Ella", "Henry", "Grace", "Samuel", "Chloe", "Jack", "Nora", "Owen", "Lily", "Wyatt",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
)  # fmt: skip
COMPANY_SUFFIXES = ("Holdings", "Capital", "Partners", "Group", "Industries", "Ventures", "Energy", "Media")
STAFF = (
    ("ops", Role.OPERATIONS_MANAGER, 6),
    ("services", Role.CLIENT_SERVICES, 6),
    ("finance", Role.FINANCE_MANAGER, 4),
    ("maintenance", Role.MAINTENANCE_MANAGER, 4),
)


@dataclass(frozen=True)
class FleetMember:
    id: int
    tail: str
    spec: DemoAircraft
    home: str
    performance: Performance
    hourly_rate: Decimal
    positioning_rate: Decimal


@dataclass(frozen=True)
class ClientAccount:
    id: int
    passengers: tuple[int, ...]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def fleet_add(
    writer: BulkWriter,
    ids: Ids,
    rng: random.Random,
    *,
    count: int,
    bases: list[str],
    today: date,
    at: datetime,
) -> list[FleetMember]:
    """``count`` aircraft cycling through the demo fleet's types (one type per five aircraft,
    at most one per demo type), kept at the bases in turn."""
    types = DEMO_FLEET[: max(1, min(len(DEMO_FLEET), count // 5))]
    fleet = []
    for n in range(count):
        spec = types[n % len(types)]
        tail = f"N{700 + n}SJ"
        mtow, mlw, mzfw, bew = spec.weights
        member = FleetMember(
            id=ids.take(Aircraft),
            tail=tail,
            spec=spec,
            home=bases[n % len(bases)],
            performance=Performance(
                cruise_knots=spec.cruise_kt, taxi_minutes=12, routing_factor=1.05, range_nm=spec.range_nm
            ),
            hourly_rate=Decimal(spec.hourly),
            positioning_rate=Decimal(spec.positioning),
        )
        writer.add(
            Aircraft,
            id=member.id,
            tail_number=tail,
            aircraft_type=spec.icao_type,
            manufacturer=spec.manufacturer,
            model=spec.model,
            year=spec.year,
            category=spec.category,
            seating_capacity=spec.seats,
            range_nautical_miles=spec.range_nm,
            cruise_speed=spec.cruise_kt,
            current_location_id=member.home,
            home_base_id=member.home,
            hourly_rate=member.hourly_rate,
            positioning_rate=member.positioning_rate,
            daily_minimum_hours=Decimal("2.0"),
            status=AircraftStatus.AVAILABLE,
            amenities=list(spec.amenities),
            interior_config={"seats": spec.seats},
            insurance_info={"insurer": "Global Aerospace", "liability_usd": 100_000_000},
            fuel_burn_per_hour=spec.fuel_burn,
            mtow=mtow,
            mlw=mlw,
            mzfw=mzfw,
            basic_empty_weight=bew,
            registration_expires_on=today + timedelta(days=rng.randint(200, 2000)),
            insurance_policy=f"{AIRCRAFT_MARK}{n + 1:04d}",
            insurance_expires_on=today + timedelta(days=rng.randint(20, 365)),
            airworthiness_expires_on=today + timedelta(days=rng.randint(60, 900)),
            total_hours=Decimal(spec.hours),
            total_cycles=spec.cycles,
            min_crew=spec.min_crew,
            created_at=at,
        )
        fleet.append(member)
    return fleet


def pilots_add(
    writer: BulkWriter,
    ids: Ids,
    rng: random.Random,
    *,
    count: int,
    fleet: list[FleetMember],
    today: date,
    at: datetime,
) -> list[tuple[int, bool, str]]:
    """``count`` pilots shared out over the fleet's types in proportion to the aircraft of
    each type, half captains (rated PIC) and half first officers (rated SIC), every check
    and medical current (a few nearing expiry). Returns (id, captain, type) per pilot."""
    per_type: dict[str, list[FleetMember]] = {}
    for member in fleet:
        per_type.setdefault(member.spec.icao_type, []).append(member)
    shares = [(t, round(count * len(members) / len(fleet))) for t, members in per_type.items()]
    shares[0] = (shares[0][0], shares[0][1] + count - sum(n for _t, n in shares))
    pilots = []
    number = 0
    for aircraft_type, size in shares:
        base = per_type[aircraft_type][0].home
        for k in range(size):
            number += 1
            captain = k < (size + 1) // 2
            pilot_id = ids.take(CrewMember)
            name = person(rng)
            born = today - timedelta(days=rng.randint(28 * 365, 60 * 365))
            writer.add(
                CrewMember,
                id=pilot_id,
                employee_id=f"{EMPLOYEE_PREFIX}{number:04d}",
                name=name,
                position=Position.CAPTAIN if captain else Position.FIRST_OFFICER,
                date_of_birth=born,
                home_base_id=base,
                contact_info={
                    "email": f"crew{number:04d}@{DOMAIN}",
                    "phone": f"+1212555{number % 10000:04d}",
                },
                emergency_contact={"name": person(rng), "phone": f"+1646555{number % 10000:04d}"},
                calendar_token=f"{rng.getrandbits(192):048x}",
                created_at=at,
            )
            _qualifications_add(writer, ids, rng, pilot_id, number, captain, aircraft_type, born, today, at)
            pilots.append((pilot_id, captain, aircraft_type))
    return pilots


def _qualifications_add(
    writer: BulkWriter,
    ids: Ids,
    rng: random.Random,
    pilot_id: int,
    number: int,
    captain: bool,
    aircraft_type: str,
    born: date,
    today: date,
    at: datetime,
) -> None:
    common: dict[str, Any] = {"crew_member_id": pilot_id, "created_at": at}
    writer.add(
        License,
        id=ids.take(License),
        kind=LicenseKind.ATP if captain else LicenseKind.COMMERCIAL,
        number=f"{3_500_000 + number}",
        issued_on=date(born.year + 24, 6, 1),
        **common,
    )
    writer.add(
        TypeRating,
        id=ids.take(TypeRating),
        aircraft_type=aircraft_type,
        role=RatingRole.PIC if captain else RatingRole.SIC,
        **common,
    )
    for years_back in (1, 0):
        writer.add(
            MedicalCertificate,
            id=ids.take(MedicalCertificate),
            medical_class=1 if captain else 2,
            exam_date=today - timedelta(days=rng.randint(10, 150) + 182 * years_back),
            **common,
        )
    # Most checks well inside their validity; one pilot in twenty has one running out soon.
    nearing = rng.random() < 0.05
    for kind in TrainingKind:
        days_ago = (
            rng.randint(165, 175) if nearing and kind == TrainingKind.INSTRUMENT_PROFICIENCY_CHECK else 0
        )
        writer.add(
            TrainingRecord,
            id=ids.take(TrainingRecord),
            kind=kind,
            completed_on=today - timedelta(days=days_ago or rng.randint(5, 150)),
            **common,
        )
    writer.add(
        ExperienceRecord,
        id=ids.take(ExperienceRecord),
        date=today - timedelta(days=rng.randint(10, 60)),
        aircraft_type=aircraft_type,
        takeoffs=3,
        landings=3,
        night_takeoffs=3,
        night_landings=3,
        source=ExperienceSource.SIMULATOR,
        remarks="Recurrent simulator session",
        **common,
    )


def clients_add(
    writer: BulkWriter,
    ids: Ids,
    rng: random.Random,
    *,
    count: int,
    passengers: int,
    today: date,
    at: datetime,
) -> list[ClientAccount]:
    """``count`` client accounts (three in ten corporate) sharing ``passengers`` passengers:
    one each, the rest to a few busy accounts more than to the others."""
    weights = [1 / (rank + 3) for rank in range(count)]
    extra = rng.choices(range(count), weights=weights, k=passengers - count)
    sizes = [1] * count
    for n in extra:
        sizes[n] += 1
    accounts = []
    passenger_number = 0
    for n in range(count):
        client_id = ids.take(Client)
        contact = person(rng)
        corporate = rng.random() < 0.3
        writer.add(
            Client,
            id=client_id,
            client_type=ClientType.CORPORATE if corporate else ClientType.INDIVIDUAL,
            company_name=f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANY_SUFFIXES)}" if corporate else "",
            contact_person=contact,
            email=f"client{n + 1:05d}@{DOMAIN}",
            phone=f"+1212555{n % 10000:04d}",
            billing_address={
                "line1": f"{rng.randint(1, 999)} Park Avenue",
                "city": "New York",
                "country": "US",
            },
            vip_status=rng.choices(list(VipStatus), weights=(85, 12, 3))[0],
            emergency_contacts=[{"name": person(rng), "phone": "+16465550100"}]
            if rng.random() < 0.1
            else None,
            discount_percent=Decimal(rng.choice((0, 0, 0, 5, 10))),
            credit_limit=Decimal(rng.choice((0, 50_000, 250_000))),
            created_at=at,
        )
        members = []
        for _ in range(sizes[n]):
            passenger_number += 1
            passenger_id = ids.take(Passenger)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            writer.add(
                Passenger,
                id=passenger_id,
                client_id=client_id,
                first_name=first,
                last_name=last,
                date_of_birth=today - timedelta(days=rng.randint(8 * 365, 80 * 365)),
                nationality="US",
                passport_number=f"{rng.randint(100_000_000, 999_999_999)}",
                passport_expiry=today + timedelta(days=rng.randint(-60, 3600)),
                passport_country="US",
                email=f"pax{passenger_number:06d}@{DOMAIN}",
                created_at=at,
            )
            members.append(passenger_id)
        accounts.append(ClientAccount(id=client_id, passengers=tuple(members)))
    return accounts


def staff_add(writer: BulkWriter, ids: Ids, *, at: datetime) -> dict[str, list[tuple[int, str]]]:
    """The staff logins named in generated records (quotes created by, crew assigned by,
    activity). They have no usable password: these are records, not accounts to sign in
    with. Returns (id, username) per role group."""
    staff: dict[str, list[tuple[int, str]]] = {}
    for group, role, size in STAFF:
        for n in range(1, size + 1):
            username = f"{USERNAME_PREFIX}{group}-{n:02d}"
            user_id = ids.take(User)
            writer.add(
                User,
                id=user_id,
                username=username,
                name=f"Scale {group.title()} {n}",
                email=f"{username}@{DOMAIN}",
                level=int(role),
                password=f"{UNUSABLE_PASSWORD_PREFIX}scale",
                created_at=at,
                updated_at=at,
            )
            staff.setdefault(group, []).append((user_id, username))
    return staff
