from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination

# A filtered list counts its rows exactly up to this many; beyond, the count is the planner's
# estimate (docs/architecture.md#pagination).
EXACT_COUNT_LIMIT = 1000


class JetOpsPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=&page_size=`` (max 200)."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


def planner_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (``EXPLAIN``, nothing is run),
    or None on another database."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPage(Page):
    """A page that knows whether another follows from one extra row read, not from the count."""

    def __init__(self, rows: Sequence[Any], number: int, paginator: Paginator, more: bool) -> None:
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1


class EstimatedCountPaginator(Paginator):
    """Counts at most ``EXACT_COUNT_LIMIT + 1`` rows (a bounded scan, whatever the table's
    size); a larger result's count is PostgreSQL's estimate. Pages are read with one extra
    row, so ``next`` is exact even when the count is not."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        bounded = rows.order_by().values("pk")[: EXACT_COUNT_LIMIT + 1].count()
        if bounded <= EXACT_COUNT_LIMIT:
            return bounded, True
        estimate = planner_rows(rows)
        if estimate is None:  # no planner to ask (SQLite): count them all
            return rows.count(), True
        return max(estimate, bounded), False

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number: Any) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError) as exc:
            raise EmptyPage("That page number is not an integer") from exc
        if value < 1:
            raise EmptyPage("That page number is less than 1")
        return value

    def page(self, number: Any) -> EstimatedCountPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return EstimatedCountPage(rows[: self.per_page], number, self, len(rows) > self.per_page)


class EstimatedCountPagination(JetOpsPagination):
    """For the long lists (flights, the activity log): the same shape, plus
    ``count_is_exact``; ``count`` is exact up to ``EXACT_COUNT_LIMIT`` rows and PostgreSQL's
    estimate beyond, so no page counts the whole table."""

    django_paginator_class = EstimatedCountPaginator
    last_page_strings: tuple[str, ...] = ()

    def get_paginated_response(self, data: Any) -> Any:
        response = super().get_paginated_response(data)
        response.data["count_is_exact"] = self.page.paginator.count_is_exact  # type: ignore[union-attr]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"Exact up to {EXACT_COUNT_LIMIT} rows; beyond, the database's estimate (see count_is_exact)."
        )
        answer["properties"]["count_is_exact"] = {"type": "boolean", "example": True}
        answer["required"] = [*answer.get("required", []), "count_is_exact"]
        return answer
