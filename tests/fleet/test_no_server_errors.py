"""Bad input is a 400 (or 404), never a 500: every writable field and query parameter of the
fleet API fed with wrong types, out-of-range numbers and dates."""

from __future__ import annotations

import pytest

from fleet import services
from tests.builders import bearer

pytestmark = pytest.mark.django_db

BAD_VALUES = [None, "", "x" * 600, 10**20, -1, 1.5, [], {}, True, "1e400", "NaN", {"amount": "1e30"}]
AIRCRAFT_FIELDS = [*services.AIRCRAFT_FIELDS, "status"]
EXTREME_DATES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2030-13-01"]


def _server_errors(client, method, path, bodies):
    return [
        (path, body, r.status_code)
        for body in bodies
        if (r := getattr(client, method)(path, body)).status_code >= 500
    ]


def test_aircraft_fields(ops_user, aircraft):
    client = bearer(ops_user)
    bodies = [{field: value} for field in AIRCRAFT_FIELDS for value in BAD_VALUES]
    assert _server_errors(client, "patch", f"/api/v1/aircraft/{aircraft.pk}", bodies) == []


def test_availability_and_documents(ops_user, aircraft):
    client = bearer(ops_user)
    period = {"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z", "kind": "other"}
    bodies = [{**period, field: value} for field in period for value in BAD_VALUES + EXTREME_DATES]
    bodies += [{"status": value, "reason": "x"} for value in BAD_VALUES] + [{"status": "aog", "reason": 5}]
    assert _server_errors(client, "post", f"/api/v1/aircraft/{aircraft.pk}/availability", bodies) == []
    document_fields = ["kind", "number", "issued_on", "expires_on", "notes"]
    bodies = [
        {"kind": "other", field: value} for field in document_fields for value in BAD_VALUES + EXTREME_DATES
    ]
    assert _server_errors(client, "post", f"/api/v1/aircraft/{aircraft.pk}/documents", bodies) == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/aircraft/{pk}/schedule?from=9999-12-31T23:00:00Z",
        "/api/v1/aircraft/{pk}/schedule?from=0001-01-01T00:00:00Z",
        "/api/v1/aircraft/{pk}/schedule?to=0001-01-01T00:00:00Z",
        "/api/v1/aircraft/{pk}/schedule?from=1e10",
        "/api/v1/aircraft?available_from=0001-01-01T00:00:00Z&available_to=0001-01-02T00:00:00Z",
        "/api/v1/aircraft?available_from=9999-12-30T00:00:00Z&available_to=9999-12-31T00:00:00Z",
        "/api/v1/aircraft?near=KTEB&radius_nm=1e300",
        "/api/v1/aircraft?near=KTEB&radius_nm=NaN",
        "/api/v1/aircraft?near=%00",
        "/api/v1/aircraft?search=%00",
        "/api/v1/aircraft?ordering=distance_nm",
        "/api/v1/aircraft?page_size=-1",
        "/api/v1/aircraft?min_seats=99999999999999999999",
        "/api/v1/aircraft?current_location=%00",
        "/api/v1/aircraft?near=KTEB&radius_nm=10800",
    ],
)
def test_query_parameters(ops_user, aircraft, path):
    assert bearer(ops_user).get(path.format(pk=aircraft.pk)).status_code < 500
