"""Maintenance writes (docs/rules.md#maintenance): programs and tasks, directives, tracked
items and their sign-off, time corrections, work orders, squawks and MEL deferrals, vendors,
parts and the daily alerts. Each takes ``actor``, runs in one transaction, records history
with the actor, and refuses with ``Conflict`` (the state forbids it), ``ValidationError``
(bad input) or ``PermissionDenied``. Every write that changes a due point stores the new one
(computed by the pure ``maintenance.due``), so the due list and the availability truth read
stored values only.
"""

from __future__ import annotations

from maintenance.services.alerts import (
    maintenance_alerts_send,
)
from maintenance.services.programs import (
    Done,
    directive_apply,
    directivesave_fields,
    item_sign_off,
    program_apply,
    program_preset_91_409,
    programsave_fields,
    tasksave_fields,
    time_correct,
)
from maintenance.services.work import (
    part_use,
    partsave_fields,
    squawk_close,
    squawk_defer,
    squawk_raise,
    squawk_update,
    vendorsave_fields,
    work_order_close,
    work_order_create,
    work_order_update,
)

__all__ = [
    "programsave_fields",
    "tasksave_fields",
    "program_preset_91_409",
    "Done",
    "program_apply",
    "directivesave_fields",
    "directive_apply",
    "item_sign_off",
    "time_correct",
    "work_order_create",
    "work_order_update",
    "work_order_close",
    "part_use",
    "squawk_raise",
    "squawk_update",
    "squawk_defer",
    "squawk_close",
    "vendorsave_fields",
    "partsave_fields",
    "maintenance_alerts_send",
]
