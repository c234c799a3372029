"""The shipped outline of the United States for the air transportation excise tax.

Loads ``flights/pricing/data/us_tax_boundaries.json`` once per process into a
``pricing.Territory`` (which then caches its answers per airport and per route).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flights.pricing.territory import BoundaryLine, Territory

DATA = Path(__file__).resolve().parent / "pricing" / "data" / "us_tax_boundaries.json"


@cache
def us_territory() -> Territory:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    lines = [
        BoundaryLine(
            name=line["name"],
            region=line["region"],
            kind=line["kind"],
            points=tuple((lat, lon) for lat, lon in line["points"]),
        )
        for line in document["lines"]
    ]
    mainlands = [[(lat, lon) for lat, lon in ring["points"]] for ring in document["mainlands"]]
    return Territory(lines, mainlands, source=document["source"])
