"""Demo market data (``finance/data/market_demo.json``): regions with their peak calendars,
example market rules and aircraft operating costs, created idempotently by ``seed_demo``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from finance import services
from finance.models import AircraftOperatingCost, PeakPeriod, PricingRegion, PricingRule
from fleet.models import Aircraft

DEMO_FILE = Path(__file__).parent / "data" / "market_demo.json"


def seed_market() -> list[str]:
    """Create what the demo file lists and is missing; never changes existing rows."""
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text())
    regions: dict[str, PricingRegion] = {}
    for entry in data["regions"]:
        region = PricingRegion.objects.filter(name=entry["name"]).first()
        if region is None:
            region = services.pricing_row_save(
                row=PricingRegion(
                    name=entry["name"],
                    airports=entry.get("airports", []),
                    countries=entry.get("countries", []),
                    subdivisions=entry.get("subdivisions", []),
                ),
                actor=None,
                reason="demo data",
            )
        regions[region.name] = region
        for name, first, last in entry.get("peaks", []):
            first_day = date.fromisoformat(first)
            if not PeakPeriod.objects.filter(region=region, name=name, first_day=first_day).exists():
                period = PeakPeriod(
                    region=region, name=name, first_day=first_day, last_day=date.fromisoformat(last)
                )
                services.pricing_row_save(row=period, actor=None, reason="demo data")
    for entry in data["rules"]:
        if PricingRule.objects.filter(name=entry["name"]).exists():
            continue
        fields = {key: value for key, value in entry.items() if key not in ("region", "to_region")}
        for key in ("percent", "threshold_percent"):
            if key in fields:
                fields[key] = Decimal(fields[key])
        for key in ("valid_from", "valid_to"):
            if key in fields:
                fields[key] = date.fromisoformat(fields[key])
        services.pricing_rule_create(
            actor=None,
            region=regions.get(entry.get("region", "")),
            to_region=regions.get(entry.get("to_region", "")),
            valid_from=fields.pop("valid_from", date(2026, 1, 1)),
            **fields,
        )
    share = Decimal(data["operating_cost_share_of_hourly_rate"])
    for aircraft in Aircraft.objects.filter(operating_cost__isnull=True):
        cost = AircraftOperatingCost(
            aircraft=aircraft,
            cost_per_block_hour=(aircraft.hourly_rate * share).quantize(Decimal("0.01")),
            source=f"demo: {share} x the hourly rate",
        )
        services.pricing_row_save(row=cost, actor=None, reason="demo data")
    return [
        f"  finance: {PricingRule.objects.count()} pricing rules, {PricingRegion.objects.count()} regions, "
        f"{PeakPeriod.objects.count()} peak periods"
    ]
