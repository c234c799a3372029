"""The crew briefing (JSON and PDF) and the airport weather endpoint, as operations and crew
read them; clients read neither."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.builders import bearer

pytestmark = pytest.mark.django_db


def test_crew_read_the_briefing_of_their_flight(
    crew_user: Any, crew_on_flight: Any, flight: Any, ops_user: Any
) -> None:
    bearer(ops_user).post(f"/api/v1/flights/{flight.pk}/plan", {"alternate": "KFLL"}, format="json")
    response = bearer(crew_user).get(f"/api/v1/flights/{flight.pk}/briefing")
    assert response.status_code == 200
    body = response.json()
    assert body["flight"] == flight.flight_number
    assert body["itinerary"]["departure"]["airport"] == "KTEB"
    assert body["itinerary"]["departure"]["utc"].endswith("14:00 UTC")
    assert body["itinerary"]["departure"]["local"].endswith(("EST", "EDT"))
    assert body["itinerary"]["alternates"] == ["KFLL"]
    assert body["crew"] == [{"role": "PIC", "name": "Crew PL1"}]
    assert len(body["passengers"]) == 4
    assert "passport_number" not in body["passengers"][0]
    assert body["fuel"]["final_reserve_minutes"] == 45
    assert body["weight_balance"]["ok"] is True
    # The shipped reports, replayed at the departure time: a METAR and a TAF for Teterboro.
    departure = body["weather"]["departure"]
    assert departure["metar"]["raw"].startswith("KTEB ")
    assert departure["category"] == "VFR"
    assert departure["errors"] == []
    assert body["weather"]["alternates"][0]["airport"] == "KFLL"
    assert body["plan"]["fpl_text"].startswith("(FPL-")


def test_briefing_pdf_renders_a_page_that_is_not_blank(ops_user: Any, flight: Any, tmp_path: Path) -> None:
    bearer(ops_user).post(f"/api/v1/flights/{flight.pk}/plan", {}, format="json")
    response = bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/briefing?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF")
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) renders the page: .ci/run installs it"
    (tmp_path / "briefing.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603  (a fixed program on a file the test wrote)
        [
            pdftoppm,
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "briefing.pdf"),
            str(tmp_path / "page"),
        ],  # noqa: S607
        check=True,
        timeout=60,
    )
    (page,) = list(tmp_path.glob("page*.png"))
    image = Image.open(page).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > image.width * image.height * 0.01  # text and tables, not a blank page


def test_briefing_is_not_for_clients_or_other_crew(
    client_a_user: Any, client_b_user: Any, crew_user: Any, flight: Any
) -> None:
    assert bearer(client_a_user).get(f"/api/v1/flights/{flight.pk}/briefing").status_code == 403
    assert bearer(client_b_user).get(f"/api/v1/flights/{flight.pk}/briefing").status_code == 404
    assert bearer(crew_user).get(f"/api/v1/flights/{flight.pk}/briefing").status_code == 404


def test_briefing_without_a_plan_warns_and_computes(ops_user: Any, flight: Any) -> None:
    body = bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/briefing").json()
    assert body["plan"] is None
    assert body["warnings"][0].startswith("No flight plan stored yet")
    assert body["fuel"]["block_lb"] > 0


def test_airport_weather_with_category_and_closed_runway(
    ops_user: Any, crew_user: Any, client_a_user: Any
) -> None:
    response = bearer(ops_user).get("/api/v1/airports/vny/weather?at=2026-03-10T12:00:00Z")
    assert response.status_code == 200
    body = response.json()
    assert body["airport"] == "KVNY"
    assert body["category"] == "IFR"  # 2SM BR OVC006 for the first four hours
    assert body["runway_closed"] is True
    assert body["aerodrome_closed"] is False
    assert body["notams"][0]["flag"] == "runway closed"
    later = bearer(crew_user).get("/api/v1/airports/KVNY/weather?at=2026-03-10T12:00:00Z").json()
    assert later["taf"]["periods"][-1]["category"] == "VFR"
    assert bearer(client_a_user).get("/api/v1/airports/KVNY/weather").status_code == 403
    assert bearer(ops_user).get("/api/v1/airports/ZZZZ/weather").status_code == 404
    assert bearer(ops_user).get("/api/v1/airports/KVNY/weather?at=soon").status_code == 400


def test_briefing_warns_of_the_airport_requirements(ops_user: Any, flight: Any) -> None:
    from datetime import time

    from planning.models import AirportRequirement

    AirportRequirement.objects.create(airport_id="KDJT", slot_coordinated=True)
    AirportRequirement.objects.create(airport_id="KTEB", curfew_start=time(8, 0), curfew_end=time(12, 0))
    warnings = bearer(ops_user).get(f"/api/v1/flights/{flight.pk}/briefing").json()["warnings"]
    # the flight leaves Teterboro at 14:00 UTC: 09:00 or 10:00 local, inside the curfew
    assert warnings[0] == "KTEB: the departure at " + warnings[0].split(" at ")[1].split(" ")[0] + (
        " local falls in the curfew 08:00-12:00."
    )
    assert "KDJT is slot-coordinated: request a slot for the arrival." in warnings
