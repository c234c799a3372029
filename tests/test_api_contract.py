"""The OpenAPI schema is the API contract: it must generate without warnings or errors, and
every seed endpoint must be in it with exactly its path."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

SEED_PATHS = [
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/refresh-token",
    "/api/v1/auth/me",
    "/api/v1/auth/change-password",
    "/api/v1/auth/captcha/{uid}",
    "/api/v1/clients",
    "/api/v1/clients/{id}",
    "/api/v1/clients/{id}/bookings",
    "/api/v1/clients/{id}/preferences",
    "/api/v1/aircraft",
    "/api/v1/aircraft/{id}",
    "/api/v1/aircraft/{id}/schedule",
    "/api/v1/aircraft/{id}/maintenance",
    "/api/v1/aircraft/{id}/availability",
    "/api/v1/flights",
    "/api/v1/flights/{id}",
    "/api/v1/flights/quote",
    "/api/v1/flights/{id}/manifest",
    "/api/v1/flights/{id}/status",
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--file", str(path), "--fail-on-warn", "--validate")
    return yaml.safe_load(path.read_text())


def test_schema_generates_cleanly_with_seed_paths(schema):
    assert schema["info"]["title"] == "JetOps API"
    missing = [p for p in SEED_PATHS if p not in schema["paths"]]
    assert missing == []
