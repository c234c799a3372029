"""METAR and TAF reports read with avwx-engine (offline: parsing needs no network), reduced
to what planning uses: observation time, wind, visibility, ceiling and the flight category
(VFR / MVFR / IFR / LIFR, as the parser classifies them) now and at a given time
(docs/rules.md#weather-and-notams). No Django, no clock: times come in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CATEGORIES = ("VFR", "MVFR", "IFR", "LIFR")
"""From best to worst; the worst of several applicable forecasts is the one that counts."""

MAX_REPORT_CHARS = 2000


class ReportError(ValueError):
    """A report that is not a METAR/TAF the parser can read (the provider's answer is bad)."""


@dataclass(frozen=True)
class Metar:
    station: str
    raw: str
    observed_at: datetime
    category: str
    wind: str
    visibility: str
    ceiling_ft: int | None


@dataclass(frozen=True)
class TafPeriod:
    start: datetime
    end: datetime
    kind: str
    category: str
    raw: str


@dataclass(frozen=True)
class Taf:
    station: str
    raw: str
    issued_at: datetime | None
    periods: tuple[TafPeriod, ...]

    def category_at(self, at: datetime) -> str | None:
        """The worst category of the forecast lines in force at ``at`` (a TEMPO or PROB line
        counts while it applies: planning takes the worse case), or None outside the TAF."""
        found = [p.category for p in self.periods if p.start <= at < p.end and p.category in CATEGORIES]
        return worst(found) if found else None


def worst(categories: list[str]) -> str:
    return max(categories, key=CATEGORIES.index)


def _check_raw(raw: Any, station: str) -> str:
    if not isinstance(raw, str):
        raise ReportError("The report is not text.")
    text = " ".join(raw.split())
    if not text or len(text) > MAX_REPORT_CHARS:
        raise ReportError("The report is empty or too long.")
    tokens = text.split()
    if station not in tokens[:3]:
        raise ReportError(f"The report is not for {station}.")
    return text


def _ceiling(clouds: list[Any]) -> int | None:
    bases = [c.base * 100 for c in clouds if c.type in ("BKN", "OVC", "VV") and c.base is not None]
    return min(bases) if bases else None


def parse_metar(raw: Any, station: str, issued: date) -> Metar:
    """Read a METAR for ``station`` (its day of month resolved in the month of ``issued``).
    Raises ``ReportError`` for anything the parser cannot read whole."""
    import avwx

    text = _check_raw(raw, station)
    try:
        report = avwx.Metar.from_report(text, issued=issued)
    except Exception as exc:  # noqa: BLE001  (the parser raises many kinds on bad input)
        raise ReportError(f"Unreadable METAR: {exc}") from exc
    data = getattr(report, "data", None) if report is not None else None
    if data is None or data.time is None or data.time.dt is None or data.flight_rules not in CATEGORIES:
        raise ReportError("Unreadable METAR: no time or flight category.")
    units = report.units if report is not None else None
    if units is None:
        raise ReportError("Unreadable METAR: no units.")
    wind = ""
    if data.wind_direction is not None and data.wind_speed is not None:
        gust = f"G{data.wind_gust.repr}" if data.wind_gust is not None else ""
        wind = f"{data.wind_direction.repr}{data.wind_speed.repr}{gust}{units.wind_speed.upper()}"
    return Metar(
        station=station,
        raw=text,
        observed_at=data.time.dt,
        category=data.flight_rules,
        wind=wind,
        visibility=f"{data.visibility.repr} {units.visibility}" if data.visibility is not None else "",
        ceiling_ft=_ceiling(data.clouds),
    )


def parse_taf(raw: Any, station: str, issued: date) -> Taf:
    """Read a TAF for ``station``; each forecast line keeps its validity and category."""
    import avwx

    text = _check_raw(raw, station)
    try:
        report = avwx.Taf.from_report(text, issued=issued)
    except Exception as exc:  # noqa: BLE001  (as above)
        raise ReportError(f"Unreadable TAF: {exc}") from exc
    data = getattr(report, "data", None) if report is not None else None
    if data is None or not data.forecast:
        raise ReportError("Unreadable TAF: no forecast lines.")
    periods = []
    for line in data.forecast:
        if (
            line.start_time is None
            or line.end_time is None
            or line.start_time.dt is None
            or line.end_time.dt is None
        ):
            raise ReportError("Unreadable TAF: a forecast line without its validity.")
        periods.append(
            TafPeriod(line.start_time.dt, line.end_time.dt, line.type, line.flight_rules, line.raw)
        )
    issued_at = data.time.dt if data.time is not None else None
    return Taf(station=station, raw=text, issued_at=issued_at, periods=tuple(periods))
