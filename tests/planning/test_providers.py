"""Weather and NOTAM providers and parsing: real report samples, malformed answers, the HTTP
client's timeouts and retries (the network is stood in for by httpx's mock transport)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from fleet.models import Airport
from planning.notams import NotamError, parse_notam
from planning.providers import HttpWeatherProvider, OfflineWeatherProvider, ProviderError, RawWeather, render
from planning.selectors import airport_weather
from planning.weather import ReportError, parse_metar, parse_taf

DAY = date(2026, 12, 2)
METAR = "KTEB 021451Z 31012G20KT 10SM FEW045 BKN250 04/M07 A3012 RMK AO2 SLP199 T00391067"
TAF = (
    "TAF KTEB 021130Z 0212/0312 31012G22KT P6SM SCT050 FM021800 32010KT P6SM BKN040 "
    "TEMPO 0220/0224 3SM -SN BKN015 FM030200 33008KT 4SM -SN OVC008"
)


def test_a_real_metar_is_read() -> None:
    metar = parse_metar(METAR, "KTEB", DAY)
    assert metar.observed_at == datetime(2026, 12, 2, 14, 51, tzinfo=UTC)
    assert metar.category == "VFR"
    assert metar.wind == "31012G20KT"
    assert metar.ceiling_ft == 25000
    low = parse_metar("KASE 021453Z 15006KT 1/2SM SN FZFG VV003 M06/M07 A3004", "KASE", DAY)
    assert (low.category, low.ceiling_ft) == ("LIFR", 300)


def test_a_real_taf_gives_the_worst_category_in_force() -> None:
    taf = parse_taf(TAF, "KTEB", DAY)
    assert [p.kind for p in taf.periods] == ["FROM", "FROM", "TEMPO", "FROM"]
    assert taf.category_at(datetime(2026, 12, 2, 19, tzinfo=UTC)) == "VFR"
    assert taf.category_at(datetime(2026, 12, 2, 21, tzinfo=UTC)) == "MVFR"  # TEMPO 3SM BKN015
    assert taf.category_at(datetime(2026, 12, 3, 3, tzinfo=UTC)) == "IFR"
    assert taf.category_at(datetime(2026, 12, 3, 12, tzinfo=UTC)) is None  # after its validity


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "KTEB",
        "KTEB garbage here",
        "EGLL 021450Z 24010KT CAVOK 10/05 Q1012",
        None,
        12,
        "KTEB " + "X" * 3000,
    ],
)
def test_malformed_metars_are_refused(raw: Any) -> None:
    with pytest.raises(ReportError):
        parse_metar(raw, "KTEB", DAY)


@pytest.mark.parametrize("raw", ["TAF KTEB", "TAF KDJT 021130Z 0212/0312 09010KT P6SM", "<html>error</html>"])
def test_malformed_tafs_are_refused(raw: str) -> None:
    with pytest.raises(ReportError):
        parse_taf(raw, "KTEB", DAY)


def test_notams_flag_closures() -> None:
    runway = parse_notam(
        "A1234/26 NOTAMN\nQ) KZNY/QMRLC/IV/NBO/A/000/999/4051N07404W005\n"
        "A) KTEB B) 2612010600 C) 2612152200\nE) RWY 01/19 CLSD FOR MAINT"
    )
    assert (runway.number, runway.location, runway.flag) == ("A1234/26", "KTEB", "runway closed")
    assert runway.in_force(datetime(2026, 12, 15, 21, tzinfo=UTC), datetime(2026, 12, 15, 23, tzinfo=UTC))
    assert not runway.in_force(datetime(2026, 12, 16, tzinfo=UTC), datetime(2026, 12, 16, 1, tzinfo=UTC))
    closed = parse_notam("B0002/26 NOTAMN A) KASE B) 2612010000 C) PERM E) AD CLSD TO NON-PPR TFC")
    assert (closed.flag, closed.ends_at) == ("aerodrome closed", None)
    assert parse_notam("B0003/26 NOTAMN A) KASE B) 2612010000 C) PERM E) TWY A CLSD").flag == ""


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "hello",
        "A1234/26 NOTAMN A) KTEB E) RWY CLSD",
        "A1234/26 NOTAMN A) KTEB B) 26999 E) X",
        "A1/26 NOTAMN",
        5,
    ],
)
def test_malformed_notams_are_refused(raw: Any) -> None:
    with pytest.raises(NotamError):
        parse_notam(raw)


def test_offline_reports_are_replayed_at_the_time_asked() -> None:
    at = datetime(2026, 7, 4, 17, 25, tzinfo=UTC)
    assert (
        render("KXXX {h-1}51Z TAF {h+0}/{h+24} B) {n+2}00", at) == "KXXX 041651Z TAF 0417/0517 B) 2607041900"
    )
    raw = OfflineWeatherProvider().weather("KTEB", at)
    assert raw.metar is not None
    metar = parse_metar(raw.metar, "KTEB", at.date())
    assert metar.observed_at == datetime(2026, 7, 4, 16, 51, tzinfo=UTC)
    assert OfflineWeatherProvider().weather("EGLL", at) == RawWeather(None, None, "offline")


def _http(handler: Any, settings: Any, retries: int = 2) -> HttpWeatherProvider:
    settings.PLANNING_WEATHER_URL = "https://weather.invalid/api/data"
    settings.PLANNING_PROVIDER_RETRIES = retries
    return HttpWeatherProvider(transport=httpx.MockTransport(handler))


def test_http_provider_reads_raw_reports(settings: Any) -> None:
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append((request.url.path, dict(request.url.params)))
        body = METAR + "\n" if request.url.path.endswith("/metar") else TAF.replace(" FM", "\n  FM")
        return httpx.Response(200, text=body)

    raw = _http(handler, settings).weather("KTEB", datetime(2026, 12, 2, 15, tzinfo=UTC))
    assert raw.metar == METAR
    assert raw.taf == TAF
    assert asked == [
        ("/api/data/metar", {"ids": "KTEB", "format": "raw"}),
        ("/api/data/taf", {"ids": "KTEB", "format": "raw"}),
    ]


def test_http_provider_retries_server_errors_then_gives_up(settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("planning.providers.time.sleep", lambda seconds: None)
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectTimeout("timed out", request=request)
        if len(calls) == 2:
            return httpx.Response(503)
        return httpx.Response(200, text=METAR)

    assert _http(flaky, settings).weather("KTEB", datetime(2026, 12, 2, tzinfo=UTC)).metar == METAR

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502)

    with pytest.raises(ProviderError, match="did not answer"):
        _http(down, settings, retries=1).weather("KTEB", datetime(2026, 12, 2, tzinfo=UTC))


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (200, "<html><body>Service page</body></html>", "not raw report text"),
        (200, '{"error": "x"}', "not raw report text"),
        (200, "KJFK 021451Z 31012KT 10SM CLR 04/M07 A3012", "not about KTEB"),
        (404, "", "refused"),
    ],
)
def test_http_provider_refuses_bad_answers(settings: Any, status: int, body: str, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=body)

    with pytest.raises(ProviderError, match=message):
        _http(handler, settings).weather("KTEB", datetime(2026, 12, 2, tzinfo=UTC))


class GarbageProvider:
    """A provider whose answers are malformed (as a broken service would send)."""

    def weather(self, icao: str, at: datetime) -> RawWeather:
        return RawWeather(metar=f"{icao} 99999Z ???", taf="TAF nonsense", source="test")

    def notams(self, icao: str, at: datetime) -> list[str]:
        return ["not a notam"]


class DownProvider:
    def weather(self, icao: str, at: datetime) -> RawWeather:
        raise ProviderError("connection refused")

    def notams(self, icao: str, at: datetime) -> list[str]:
        raise ProviderError("connection refused")


@pytest.mark.django_db
def test_bad_provider_answers_are_reported_not_raised(settings: Any) -> None:
    settings.PLANNING_WEATHER_PROVIDER = "tests.planning.test_providers.GarbageProvider"
    settings.PLANNING_NOTAM_PROVIDER = "tests.planning.test_providers.GarbageProvider"
    report = airport_weather(Airport.objects.get(icao="KTEB"), datetime(2026, 12, 2, 15, tzinfo=UTC))
    assert (report["metar"], report["taf"], report["category"], report["notams"]) == (None, None, None, [])
    assert [e.split(":")[0] for e in report["errors"]] == ["METAR", "TAF", "NOTAM"]
    settings.PLANNING_WEATHER_PROVIDER = "tests.planning.test_providers.DownProvider"
    settings.PLANNING_NOTAM_PROVIDER = "tests.planning.test_providers.DownProvider"
    report = airport_weather(Airport.objects.get(icao="KTEB"), datetime(2026, 12, 2, 15, tzinfo=UTC))
    assert report["errors"] == [
        "Weather unavailable: connection refused",
        "NOTAMs unavailable: connection refused",
    ]


@pytest.mark.django_db
def test_weather_endpoint_with_a_broken_provider_is_still_200(settings: Any, ops_user: Any) -> None:
    from tests.builders import bearer

    settings.PLANNING_WEATHER_PROVIDER = "tests.planning.test_providers.GarbageProvider"
    response = bearer(ops_user).get("/api/v1/airports/KTEB/weather")
    assert response.status_code == 200
    assert response.json()["errors"][0].startswith("METAR: ")
