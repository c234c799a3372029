"""NOTAMs in the ICAO format, read into what a briefing needs: number, location, validity,
text, and whether it closes a runway or the aerodrome (docs/rules.md#weather-and-notams).
Pure: no Django, no clock, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_NUMBER = re.compile(r"^\s*([A-Z]\d{4}/\d{2})\s+NOTAM[NRC]\b")
_ITEM = re.compile(r"\b([ABCE])\)\s*(.*?)(?=\s+[A-G]\)\s|\Z)", re.S)
_Q = re.compile(r"\bQ\)\s*[A-Z]{4}/Q([A-Z]{4})/")
_TIME = re.compile(r"^(\d{10})(?:\s*(EST))?$")
_RUNWAY_CLOSED = re.compile(r"\bRWY\s+\d{2}[LRC]?(?:/\d{2}[LRC]?)?\b.*\bCLSD\b")
_AERODROME_CLOSED = re.compile(r"^\s*(?:AD|AERODROME|AIRPORT)\s+CLSD\b")


class NotamError(ValueError):
    """Text that is not an ICAO-format NOTAM with its A), B) and E) items."""


@dataclass(frozen=True)
class Notam:
    number: str
    location: str
    starts_at: datetime
    ends_at: datetime | None  # None: permanent
    text: str
    runway_closed: bool
    aerodrome_closed: bool

    def in_force(self, start: datetime, end: datetime) -> bool:
        """Does it apply at any moment of [start, end]?"""
        return self.starts_at <= end and (self.ends_at is None or self.ends_at >= start)

    @property
    def flag(self) -> str:
        return "aerodrome closed" if self.aerodrome_closed else "runway closed" if self.runway_closed else ""


def _time(value: str, item: str) -> datetime | None:
    value = value.strip()
    if item == "C" and value == "PERM":
        return None
    match = _TIME.match(value)
    if not match:
        raise NotamError(f"Item {item}) is not a yymmddhhmm time: {value[:20]!r}.")
    try:
        return datetime.strptime(match.group(1), "%y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError as exc:
        raise NotamError(f"Item {item}) is not a valid time: {value[:20]!r}.") from exc


def parse_notam(raw: object) -> Notam:
    """Read one NOTAM. Closures are recognised from the Q-code (``QMRLC`` runway closed,
    ``QFALC`` aerodrome closed) or from item E) (``RWY 04/22 CLSD``, ``AD CLSD``)."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 4000:
        raise NotamError("A NOTAM is non-empty text.")
    text = raw.replace("\r", "")
    number = _NUMBER.match(text)
    if not number:
        raise NotamError("A NOTAM starts with its series and number, e.g. A1234/26 NOTAMN.")
    items = {key: " ".join(value.split()) for key, value in _ITEM.findall(text)}
    missing = [key for key in "ABE" if not items.get(key)]
    if missing:
        raise NotamError(f"A NOTAM needs items {', '.join(m + ')' for m in missing)}.")
    location = items["A"].split()[0]
    if not re.fullmatch(r"[A-Z]{4}", location):
        raise NotamError(f"Item A) is not an ICAO location: {location[:10]!r}.")
    starts = _time(items["B"], "B")
    ends = _time(items["C"], "C") if items.get("C") else None
    if starts is None:
        raise NotamError("Item B) is required.")
    body = items["E"].upper()
    q = _Q.search(text)
    qcode = q.group(1) if q else ""
    return Notam(
        number=number.group(1),
        location=location,
        starts_at=starts,
        ends_at=ends,
        text=items["E"],
        runway_closed=qcode == "MRLC" or bool(_RUNWAY_CLOSED.search(body)),
        aerodrome_closed=qcode == "FALC" or bool(_AERODROME_CLOSED.search(body)),
    )
