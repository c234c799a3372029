"""The ICAO flight plan message (FPL), ICAO Doc 4444 Appendix 2/3: pure text building over
plain data (docs/rules.md#flight-plan).

Items: 7 aircraft identification (the registration), 8 flight rules and type of flight
(``N`` non-scheduled), 9 type and wake turbulence category, 10 equipment, 13 departure and
off-block time, 15 cruising speed, level and route, 16 destination, total EET and alternates,
18 other information, 19 supplementary information (endurance, persons on board).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# Maximum certificated take-off mass per wake category (Doc 4444 4.9.1): L ≤ 7,000 kg,
# M < 136,000 kg, H otherwise. In pounds, as the fleet stores them.
LIGHT_MAX_LB = 15432
MEDIUM_MAX_LB = 299826

_ROUTE = re.compile(r"^[A-Z0-9/ ]{1,400}$")
_LEVEL = re.compile(r"^(F\d{3}|A\d{3}|VFR)$")


@dataclass(frozen=True)
class FplInput:
    registration: str
    flight_rules: str  # "I" or "V"
    aircraft_type: str
    mtow_lb: int | None
    equipment: str  # item 10, e.g. "SDFGRWY/S"
    departure: str
    off_block: datetime
    true_airspeed_kt: int
    level: str  # "F410", "A085" or "VFR"
    route: str
    destination: str
    eet_minutes: int
    alternates: tuple[str, ...]
    endurance_minutes: int
    persons_on_board: int
    operator: str = ""
    remarks: str = ""


def wake_category(mtow_lb: int | None) -> str:
    """L, M or H from the certificated MTOW; an unknown MTOW is reported as M (the cautious
    reading for a business jet)."""
    if mtow_lb is None:
        return "M"
    if mtow_lb <= LIGHT_MAX_LB:
        return "L"
    return "M" if mtow_lb <= MEDIUM_MAX_LB else "H"


def hhmm(minutes: int) -> str:
    """Four digits, hours then minutes (EET and endurance items)."""
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def cruise_level(level_ft: int) -> str:
    """``F410`` for 41,000 ft; below 18,000 ft (the US transition altitude) ``A085``."""
    if level_ft < 18000:
        return f"A{level_ft // 100:03d}"
    return f"F{level_ft // 100:03d}"


def validate_route(route: str) -> str:
    """Normalise a route (upper case, single spaces) and refuse characters an FPL cannot carry."""
    text = " ".join(route.upper().split())
    if not _ROUTE.match(text):
        raise ValueError("A route holds letters, digits, '/' and spaces only (e.g. DCT, or J80 SIE).")
    return text


def _clean(text: str) -> str:
    # Item 18 is free text inside the message: no parentheses or hyphens that would end items.
    return re.sub(r"[^A-Z0-9 /.]", " ", text.upper()).strip()


def fpl_message(data: FplInput) -> str:
    """The FPL message text, one item per line, from ``(FPL`` to ``)``."""
    if data.flight_rules not in ("I", "V"):
        raise ValueError("flight rules are I or V")
    if not _LEVEL.match(data.level):
        raise ValueError("a cruising level is F000, A000 or VFR")
    route = validate_route(data.route)
    off_block = data.off_block.astimezone(UTC)
    item18 = [f"DOF/{off_block:%y%m%d}", f"REG/{data.registration.replace('-', '')}"]
    if data.operator:
        item18.append(f"OPR/{_clean(data.operator)}")
    if data.remarks:
        item18.append(f"RMK/{_clean(data.remarks)}")
    alternates = " ".join(data.alternates[:2])
    lines = [
        f"(FPL-{data.registration.replace('-', '')}-{data.flight_rules}N",
        f"-{data.aircraft_type}/{wake_category(data.mtow_lb)}-{data.equipment}",
        f"-{data.departure}{off_block:%H%M}",
        f"-N{data.true_airspeed_kt:04d}{data.level} {route}",
        f"-{data.destination}{hhmm(data.eet_minutes)}" + (f" {alternates}" if alternates else ""),
        "-" + " ".join(item18),
        f"-E/{hhmm(data.endurance_minutes)} P/{data.persons_on_board:03d})",
    ]
    return "\n".join(lines)
