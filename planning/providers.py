"""Weather and NOTAM providers, pluggable and offline by default (docs/rules.md#weather-and-notams).

``settings.PLANNING_WEATHER_PROVIDER`` and ``PLANNING_NOTAM_PROVIDER`` name the classes
(dotted paths). The offline providers read the reports shipped in ``planning/data/`` and
replay them around the time asked about (their time markers ``{h±N}`` / ``{n±N}`` become the
day-hour groups N hours from it, ``render``), so the quick start and the tests always have weather and
nothing is fetched. ``HttpWeatherProvider`` asks an aviation-weather service for raw METAR
and TAF text (timeouts, a bounded number of retries on transport errors and 5xx answers,
strict checks of what comes back); providers only return raw text, parsing is
``planning.weather`` / ``planning.notams``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DATA = Path(__file__).resolve().parent / "data"
_TIME_MARKER = re.compile(r"\{([hn])([+-]\d{1,3})\}")
_ICAO = re.compile(r"^[A-Z0-9]{4}$")
MAX_ANSWER_CHARS = 20000


class ProviderError(Exception):
    """The provider could not answer (unreachable, timed out, refused, or a bad answer)."""


@dataclass(frozen=True)
class RawWeather:
    metar: str | None
    taf: str | None
    source: str


class WeatherProvider(Protocol):
    def weather(self, icao: str, at: datetime) -> RawWeather: ...


class NotamProvider(Protocol):
    def notams(self, icao: str, at: datetime) -> list[str]: ...


def render(template: str, at: datetime) -> str:
    """Fill ``{h±N}`` with the ``ddhh`` group and ``{n±N}`` with ``yymmddhh``, N hours from
    ``at`` floored to the hour."""
    base = at.replace(minute=0, second=0, microsecond=0)

    def group(match: re.Match[str]) -> str:
        moment = base + timedelta(hours=int(match.group(2)))
        return f"{moment:%d%H}" if match.group(1) == "h" else f"{moment:%y%m%d%H}"

    return _TIME_MARKER.sub(group, template)


@cache
def _stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


class OfflineWeatherProvider:
    """The reports stored with the app (``planning/data/weather.json``), replayed at ``at``."""

    def weather(self, icao: str, at: datetime) -> RawWeather:
        entry = _stored("weather.json").get(icao) or {}
        metar, taf = entry.get("metar"), entry.get("taf")
        return RawWeather(
            metar=render(metar, at) if metar else None, taf=render(taf, at) if taf else None, source="offline"
        )


class OfflineNotamProvider:
    """The NOTAMs stored with the app (``planning/data/notams.json``), replayed at ``at``."""

    def notams(self, icao: str, at: datetime) -> list[str]:
        return [render(text, at) for text in _stored("notams.json").get(icao, [])]


class HttpWeatherProvider:
    """Raw METAR and TAF from ``PLANNING_WEATHER_URL`` (``{url}/metar?ids=KTEB&format=raw``
    and ``/taf``), the layout of the public aviation-weather data API. ``transport`` lets a
    test stand in for the network."""

    def __init__(self, transport: Any = None) -> None:
        if not settings.PLANNING_WEATHER_URL:
            raise ImproperlyConfigured("PLANNING_WEATHER_URL is required by HttpWeatherProvider.")
        self.url = settings.PLANNING_WEATHER_URL.rstrip("/")
        self.timeout = settings.PLANNING_PROVIDER_TIMEOUT_SECONDS
        self.retries = settings.PLANNING_PROVIDER_RETRIES
        self.transport = transport

    def weather(self, icao: str, at: datetime) -> RawWeather:
        if not _ICAO.match(icao):
            raise ProviderError(f"{icao!r} is not an ICAO code.")
        return RawWeather(metar=self._get("metar", icao), taf=self._get("taf", icao), source="http")

    def _get(self, kind: str, icao: str) -> str | None:
        import httpx

        last: Exception | None = None
        with httpx.Client(timeout=self.timeout, transport=self.transport, follow_redirects=False) as client:
            for attempt in range(self.retries + 1):
                if attempt:
                    time.sleep(min(2.0, 0.25 * 2**attempt))
                try:
                    response = client.get(f"{self.url}/{kind}", params={"ids": icao, "format": "raw"})
                except httpx.HTTPError as exc:
                    last = exc
                    continue
                if response.status_code >= 500:
                    last = ProviderError(f"{kind} answered {response.status_code}")
                    continue
                if response.status_code == 204:
                    return None
                if response.status_code != 200:
                    raise ProviderError(
                        f"The weather service refused the {kind} request ({response.status_code})."
                    )
                return _checked_text(response.text, kind, icao)
        raise ProviderError(f"The weather service did not answer the {kind} request: {last}")


def _checked_text(text: str, kind: str, icao: str) -> str | None:
    """The first report in the answer, if the answer is plain report text about ``icao``."""
    if len(text) > MAX_ANSWER_CHARS or "<" in text or "{" in text:
        raise ProviderError(f"The {kind} answer is not raw report text.")
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if kind == "taf":
        # A TAF continues over several lines; its first line names the station.
        report = " ".join(lines)
        head = report.split()[:3]
    else:
        report = lines[0]
        head = report.split()[:2]
    if icao not in head:
        raise ProviderError(f"The {kind} answer is not about {icao}.")
    return report


def weather_provider() -> WeatherProvider:
    provider: WeatherProvider = import_string(settings.PLANNING_WEATHER_PROVIDER)()
    return provider


def notam_provider() -> NotamProvider:
    provider: NotamProvider = import_string(settings.PLANNING_NOTAM_PROVIDER)()
    return provider
