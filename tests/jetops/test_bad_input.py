"""Malformed ids and out-of-range numbers are a 404 or a 400 in the error shape, never a 500
(cases found by fuzzing the OpenAPI schema)."""

from __future__ import annotations

import pytest

from tests.builders import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/users/%5E%0F"),
        ("put", "/api/v1/users/abc"),
        ("get", "/api/v1/clients/null/export"),
        ("put", "/api/v1/clients/x%15y"),
        ("post", "/api/v1/clients/false/users"),
        ("post", "/api/v1/clients/null/data-requests"),
        ("delete", "/api/v1/clients/null/payment-methods/0085"),
        ("get", "/api/v1/clients/99999999999999999999999/passengers"),
        ("get", "/api/v1/aircraft/99999999999999999999999"),
        ("get", "/api/v1/flights/1e9/crew"),
    ],
)
def test_malformed_ids_are_not_found(admin_user, method, path):
    response = getattr(bearer(admin_user), method)(path, {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/trips?client=-1.0352592378188885e%2B144",
        "/api/v1/flights?aircraft=99999999999999999999999",
        "/api/v1/quotes?client=1.5",
    ],
)
def test_out_of_range_filters_are_a_400(admin_user, query):
    response = bearer(admin_user).get(query)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("ip", ["not-an-ip", "10.0.0.300", "::g"])
def test_activity_filter_by_a_malformed_ip_is_a_400(admin_user, ip):
    response = bearer(admin_user).get("/api/v1/activity", {"ip": ip})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["ip"]


def test_activity_filter_by_ip(admin_user):
    from jetops.activity import RequestMeta, activity_record
    from jetops.models import ActivityAction, ActivityOutcome

    for ip in ("10.1.2.3", "10.1.2.4"):
        activity_record(
            action=ActivityAction.LOGIN,
            outcome=ActivityOutcome.FAILURE,
            username="x",
            meta=RequestMeta(ip=ip),
        )
    response = bearer(admin_user).get("/api/v1/activity", {"ip": "10.1.2.3"})
    assert response.status_code == 200
    assert [row["ip"] for row in response.json()["results"]] == ["10.1.2.3"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/flights", "airport"),
        ("/api/v1/aircraft", "current_location"),
        ("/api/v1/aircraft", "home_base"),
        ("/api/v1/aircraft", "near"),
        ("/api/v1/crew", "base"),
    ],
)
def test_unknown_airport_with_a_percent_sign_is_a_400(admin_user, path, field):
    """Found by fuzzing: the code was %-formatted into the message and ``%`` broke it (500)."""
    response = bearer(admin_user).get(path, {field: "%d%s%"})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field] == ["Unknown airport code '%D%S%'."]
