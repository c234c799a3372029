"""The legality engine's entry point: one proposed duty against one crew member's roster."""

from __future__ import annotations

from collections.abc import Sequence

from crew.legality import attendant, pilot
from crew.legality.model import RULE_OVERLAP, Duty, Qualifications, Result, Rules, Seat
from crew.legality.qualifications import qualification_results
from crew.legality.timeline import Proposal, RosterIndex, iso

_ROLES = ("PIC", "SIC", "FA")


def _overlap(index: RosterIndex, x: Proposal) -> Result:
    """The proposed duty must not overlap a rostered duty (touching is fine)."""
    clashes = index.duties_overlapping(x.start, x.end)
    if clashes:
        start, end = clashes[0]
        return Result(
            RULE_OVERLAP,
            "block",
            f"Overlaps rostered duty {iso(start)} to {iso(end)}.",
            {"overlapping_start": iso(start), "overlapping_end": iso(end), "overlaps": len(clashes)},
        )
    return Result(RULE_OVERLAP, "ok", "No overlapping duty.", {"overlaps": 0})


def evaluate(
    roster: Sequence[Duty] | RosterIndex,
    proposed: Duty,
    role: Seat,
    rules: Rules,
    quals: Qualifications,
) -> list[Result]:
    """Judge ``proposed`` for a crew member acting as ``role``, one ``Result`` per rule.

    ``roster`` is every other duty of the crew member (past and planned), as a sequence or
    a prebuilt ``RosterIndex`` (cheaper when one roster is asked many times). Guarantees:
    the same results, in the same fixed order, whatever the order of the duties and
    legs; no I/O and no clock. Order of results:

    - pilots: overlap, 135.267(a)(1), (a)(2), (a)(3), (b)(1) or (b)(2) (or (c) when enabled
      and met), (d), (e), (f), 135.263(b), then medical, type rating, 135.293, 135.297 and
      135.299 (PIC only), 135.343, 135.247(a)(1) and 61.57(b) (roles in
      ``rules.recency_roles``), 61.57(c) (PIC) or 135.245(a) (SIC);
    - flight attendants: overlap, the duty length paragraph of 135.273(b) ((1), (4), (5) or
      (6)), the binding rest paragraph ((2), (3), (7) or (8)), 135.273(b)(13), 135.263(b),
      135.343.

    Raises ValueError for an unknown role or an index built for another calendar zone.
    """
    if role not in _ROLES:
        raise ValueError(f"role must be one of {_ROLES}, got {role!r}")
    if isinstance(roster, RosterIndex):
        index = roster
        if index.calendar_tz != rules.calendar_tz:
            raise ValueError("the roster index was built for another calendar time zone")
    else:
        index = RosterIndex(roster, calendar_tz=rules.calendar_tz)
    x = Proposal.of(proposed)
    results = [_overlap(index, x)]
    if role == "FA":
        hood = attendant.Neighbourhood(index, x, rules)
        results += [
            attendant.duty_length(x, rules),
            attendant.rest(hood, rules),
            attendant.day_off(index, x, rules),
            attendant.required_rest(hood, rules),
        ]
    else:
        results += [
            *pilot.flight_time_limits(index, x, rules),
            pilot.window_limit(index, x, rules),
            pilot.lookback(index, x, rules),
            pilot.overrun(index, x, rules),
            pilot.quarter_rests(index, x, rules),
            pilot.required_rest(index, x, rules),
        ]
    results += qualification_results(proposed, role, rules, quals)
    return results
