"""JSON bodies nested deeper than ``API_MAX_JSON_DEPTH`` are a 400 in the error shape, never a
500: neither the card-data guard nor the API's parser recurses into them."""

from __future__ import annotations

import io

import pytest
from rest_framework.exceptions import ParseError

from flights.models import Quote
from jetops.jsondepth import JSONDepthParser, json_depth_exceeds
from tests.builders import bearer

pytestmark = pytest.mark.django_db


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [5_000, 100_000])
@pytest.mark.parametrize("shape", [nested_lists, nested_objects])
def test_deeply_nested_body_is_a_400(client_a_user, client_a, depth, shape):
    response = bearer(client_a_user).post(
        "/api/v1/flights/quote", shape(depth), content_type="application/json"
    )

    assert response.status_code == 400, response.content[:200]
    assert response.json() == {
        "code": "json_too_deep",
        "detail": "The JSON body is nested deeper than 64 levels.",
        "errors": {},
    }
    assert not Quote.objects.exists()


def test_deep_body_is_refused_before_authentication(anon):
    response = anon.post("/api/v1/auth/login", nested_lists(5_000), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


def test_depth_at_the_limit_reaches_the_view(client_a_user, client_a, settings):
    settings.API_MAX_JSON_DEPTH = 3
    body = '{"legs": [{"departure_airport": "KTEB"}]}'  # three levels

    response = bearer(client_a_user).post("/api/v1/flights/quote", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # the serializer's answer, not the guard's
    assert "legs" in response.json()["errors"]


def test_brackets_inside_strings_do_not_count(client_a_user, client_a):
    body = '{"notes": "' + "[{" * 5_000 + '\\"]", "legs": []}'

    response = bearer(client_a_user).post("/api/v1/flights/quote", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] != "json_too_deep"


@pytest.mark.parametrize(
    ("text", "limit", "exceeds"),
    [
        ("[]", 1, False),
        ("[[]]", 1, True),
        ('{"a": [1, {"b": 2}]}', 3, False),
        ('{"a": [1, {"b": 2}]}', 2, True),
        ('["[[[[", "\\\\", "]]"]', 1, False),
        ('"\\"[[[["', 0, False),
        ("[1, 2, [3], [4], [5]]", 2, False),
        (nested_lists(100_000), 64, True),
    ],
)
def test_json_depth_exceeds(text, limit, exceeds):
    assert json_depth_exceeds(text.encode(), limit) is exceeds


def test_parser_refuses_deep_json_without_recursing(settings):
    settings.API_MAX_JSON_DEPTH = 64

    with pytest.raises(ParseError, match="nested deeper than 64 levels"):
        JSONDepthParser().parse(io.BytesIO(nested_lists(100_000).encode()), "application/json")

    assert JSONDepthParser().parse(io.BytesIO(b'{"a": [1]}'), "application/json") == {"a": [1]}
