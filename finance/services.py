"""Writes on the operator's pricing data. Admin and API call these, so validation, history
and the actor are the same whichever screen makes the change."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from finance.models import PricingRule
from jetops.models import BaseModel, User
from jetops.writes import apply_fields, delete_recorded, save_validated

RULE_FIELDS = (
    "name",
    "kind",
    "is_enabled",
    "priority",
    "valid_from",
    "valid_to",
    "percent",
    "category",
    "region",
    "to_region",
    "both_ways",
    "threshold_percent",
    "min_lead_hours",
    "max_lead_hours",
)
"""What a pricing rule's writer may set."""

Row = TypeVar("Row", bound=BaseModel)


@transaction.atomic
def pricing_row_save(*, row: Row, actor: User | None, reason: str | None = None) -> Row:
    """Validate and save one row of the pricing data (a region, a peak period, an operating
    cost, a rule), recording ``actor`` (and ``reason``) in its history. Raises
    ``ValidationError`` (field → messages) and writes nothing when the row is invalid."""
    save_validated(row, actor, reason)
    return row


@transaction.atomic
def pricing_row_delete(*, row: BaseModel, actor: User | None) -> None:
    """Delete one row of the pricing data, the history naming ``actor``. A region still used
    by a rule is protected (``ProtectedError``): switch the rule off or point it elsewhere."""
    delete_recorded(row, actor)


def pricing_rule_create(*, actor: User | None, **data: Any) -> PricingRule:
    """Add a market rule (docs/rules.md#dynamic-pricing-market-rules); it applies to quotes
    made from then on, in force from ``valid_from``. Unknown fields are a ``ValidationError``."""
    rule = PricingRule()
    apply_fields(rule, data, RULE_FIELDS)
    return pricing_row_save(row=rule, actor=actor, reason="Rule added")


def pricing_rule_update(*, rule: PricingRule, actor: User | None, **data: Any) -> PricingRule:
    """Change a market rule (``is_enabled=False`` switches it off). Quotes already made keep
    their lines; the rule's history keeps every earlier version."""
    apply_fields(rule, data, RULE_FIELDS)
    return pricing_row_save(row=rule, actor=actor)
