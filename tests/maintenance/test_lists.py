"""Query-count guards: each maintenance list (and the aircraft's maintenance view) answers in
the same number of queries for a few rows and for many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from maintenance import services
from tests.builders import bearer, future, make_aircraft

pytestmark = pytest.mark.django_db


_names = count()


def _program_with(n: int, aircraft: Any = None) -> Any:
    program = services.program_save(actor=None, name=f"Program {next(_names)}")
    for i in range(n):
        services.task_save(
            actor=None, program=program, code=f"T-{i:03d}", title=f"Task {i}", interval_hours=Decimal(100 + i)
        )
    if aircraft is not None:
        services.program_apply(program=program, aircraft=aircraft, actor=None)
    return program


def programs(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        services.program_save(actor=None, name=f"P{i}")
    return "/api/v1/maintenance/programs"


def tasks(n: int, ctx: dict[str, Any]) -> str:
    _program_with(n)
    return "/api/v1/maintenance/tasks"


def directives(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        services.directive_save(
            actor=None,
            number=f"2026-0{i}-0{i}",
            revision_date=date(2026, 1, 1),
            effective_on=date(2026, 2, 1),
            subject="Inspection",
            method_of_compliance="Inspect.",
            limits={"interval_hours": Decimal("500")},
        )
    return "/api/v1/maintenance/directives"


def items(n: int, ctx: dict[str, Any]) -> str:
    _program_with(n, ctx["aircraft"])
    return "/api/v1/maintenance/items"


def due(n: int, ctx: dict[str, Any]) -> str:
    for _ in range(n):
        aircraft = make_aircraft(total_hours=Decimal("90"))
        _program_with(1, aircraft)  # due at 190 h
        services.time_correct(aircraft=aircraft, actor=None, hours_delta=Decimal("60"), reason="audit")
    return "/api/v1/maintenance/items/due?hours=50"


def work_orders(n: int, ctx: dict[str, Any]) -> str:
    program = _program_with(2, ctx["aircraft"])
    for i in range(n):
        services.work_order_create(
            aircraft=ctx["aircraft"],
            actor=None,
            title=f"WO {i}",
            planned_start=future(20 + i, 8),
            planned_end=future(20 + i, 16),
            items=list(ctx["aircraft"].tracked_items.filter(task__program=program)),
        )
    return "/api/v1/maintenance/work-orders"


def squawks(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        services.squawk_raise(
            aircraft=ctx["aircraft"], actor=None, description=f"S{i}", severity="deferrable"
        )
    return "/api/v1/maintenance/squawks"


def vendors(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        services.vendor_save(actor=None, name=f"Vendor {i}")
    return "/api/v1/maintenance/vendors"


def parts(n: int, ctx: dict[str, Any]) -> str:
    for i in range(n):
        services.part_save(actor=None, part_number=f"PN-{i}", description="Filter", location="KTEB")
    return "/api/v1/maintenance/parts"


def time_corrections(n: int, ctx: dict[str, Any]) -> str:
    for _ in range(n):
        services.time_correct(
            aircraft=ctx["aircraft"], actor=None, hours_delta=Decimal("0.1"), reason="audit"
        )
    return "/api/v1/maintenance/time-corrections"


def compliance(n: int, ctx: dict[str, Any]) -> str:
    _program_with(n, ctx["aircraft"])
    for item in ctx["aircraft"].tracked_items.all():
        services.item_sign_off(item=item, actor=None, signer_name="M", certificate_number="A&P 1")
    return "/api/v1/maintenance/compliance"


def aircraft_view(n: int, ctx: dict[str, Any]) -> str:
    aircraft = ctx["aircraft"]
    _program_with(n, aircraft)
    for i in range(n):
        services.squawk_raise(aircraft=aircraft, actor=None, description=f"S{i}", severity="deferrable")
        services.work_order_create(
            aircraft=aircraft,
            actor=None,
            title=f"WO {i}",
            planned_start=future(20 + i, 8),
            planned_end=future(20 + i, 16),
        )
    for item in list(aircraft.tracked_items.all())[:n]:
        services.item_sign_off(
            item=item, actor=None, signer_name="M", certificate_number="A&P 1", done_on=timezone.localdate()
        )
    return f"/api/v1/aircraft/{aircraft.pk}/maintenance"


LISTS: list[tuple[Callable[[int, dict[str, Any]], str], int]] = [
    (programs, 5),
    (tasks, 5),
    (directives, 5),
    (items, 5),
    (due, 8),
    (work_orders, 7),
    (squawks, 5),
    (vendors, 5),
    (parts, 5),
    (time_corrections, 5),
    (compliance, 5),
    (aircraft_view, 20),
]


@pytest.mark.parametrize("count", [2, 7])
@pytest.mark.parametrize(("build", "limit"), LISTS, ids=[b.__name__ for b, _ in LISTS])
def test_list_query_count(maintenance_user, django_assert_max_num_queries, build, limit, count):
    url = build(count, {"aircraft": make_aircraft(total_hours=Decimal("1000"))})
    api = bearer(maintenance_user)
    with django_assert_max_num_queries(limit):
        response = api.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body.get("results", body.get("due_list")) if isinstance(body, dict) else body
    assert len(rows) >= count
