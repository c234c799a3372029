"""The role × endpoint matrix runner every API area shares.

A row is ``(method, path, body, {persona: expected status})``: personas missing from a row
get the row's ``"*"`` status, or 403 (authenticated, not allowed). Path placeholders are
filled from the test's objects; ``body`` may be a function of (persona, objects) for bodies
that need them. Each persona is a fresh user with one role (``PERSONAS``), and each row runs
on a fresh database, so writes do not clash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jetops.models import User
from jetops.roles import SUPER_ADMIN_LEVEL, Role
from tests.builders import bearer, make_user

PERSONAS: dict[str, int] = {
    "admin": SUPER_ADMIN_LEVEL,
    "ops": int(Role.OPERATIONS_MANAGER),
    "finance": int(Role.FINANCE_MANAGER),
    "maintenance": int(Role.MAINTENANCE_MANAGER),
    "client_services": int(Role.CLIENT_SERVICES),
    "crew": int(Role.CREW),
    "client": int(Role.CLIENT),
}
STAFF = ("admin", "ops", "finance", "maintenance", "client_services")

Row = tuple[str, str, Any, dict[str, int]]


def role_matrix(rows: list[Row]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Parametrize a test over ``rows`` × ``PERSONAS`` (arguments ``row`` and ``persona``)."""

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        ids = [f"{method} {path}" for method, path, _, _ in rows]
        by_row = pytest.mark.parametrize("row", rows, ids=ids)
        return pytest.mark.parametrize("persona", list(PERSONAS))(by_row(test))

    return decorate


def matrix_check(
    row: Row, persona: str, objects: dict[str, Any], *, prepare: Callable[[str, User], None] | None = None
) -> None:
    """Call ``row``'s endpoint as a fresh ``persona`` and assert the expected status.
    ``prepare`` links the user to the test's objects first (e.g. the client's portal user)."""
    method, path, body, allowed = row
    user = make_user(f"matrix-{persona}", PERSONAS[persona])
    if prepare is not None:
        prepare(persona, user)
    if callable(body):
        body = body(persona, objects)
    response = getattr(bearer(user), method)(path.format(**objects), body, format="json")
    assert response.status_code == allowed.get(persona, allowed.get("*", 403)), response.content
