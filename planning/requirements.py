"""Airport requirements met by a leg, as warnings (docs/rules.md#airport-requirements). Pure:
plain times in, sentences out; the caller converts instants to the airport's wall clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Requirement:
    icao: str
    slot_coordinated: bool = False
    ppr_required: bool = False
    curfew: tuple[time, time] | None = None
    customs: tuple[time, time] | None = None


def within(moment: time, start: time, end: time) -> bool:
    """Is ``moment`` in [start, end), a window that may run over midnight (22:00–06:00)?"""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def leg_warnings(req: Requirement, *, local: time, movement: str, international: bool) -> list[str]:
    """Warnings for a ``movement`` ("departure" or "arrival") at ``req``'s airport at the local
    wall-clock time ``local``: slot and PPR to request, inside the curfew, and, for an
    international leg, outside customs hours."""
    warnings = []
    if req.slot_coordinated:
        warnings.append(f"{req.icao} is slot-coordinated: request a slot for the {movement}.")
    if req.ppr_required:
        warnings.append(f"{req.icao} requires prior permission (PPR) for the {movement}.")
    if req.curfew is not None and within(local, *req.curfew):
        warnings.append(
            f"{req.icao}: the {movement} at {local:%H:%M} local falls in the curfew "
            f"{req.curfew[0]:%H:%M}-{req.curfew[1]:%H:%M}."
        )
    if international and req.customs is not None and not within(local, *req.customs):
        warnings.append(
            f"{req.icao}: the {movement} at {local:%H:%M} local is outside customs hours "
            f"{req.customs[0]:%H:%M}-{req.customs[1]:%H:%M}."
        )
    return warnings
