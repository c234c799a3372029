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
    directive_save,
    item_sign_off,
    program_apply,
    program_preset_91_409,
    program_save,
    task_save,
    time_correct,
)
from maintenance.services.work import (
    part_save,
    part_use,
    squawk_close,
    squawk_defer,
    squawk_raise,
    squawk_update,
    vendor_save,
    work_order_close,
    work_order_create,
    work_order_update,
)

__all__ = [
    "program_save",
    "task_save",
    "program_preset_91_409",
    "Done",
    "program_apply",
    "directive_save",
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
    "vendor_save",
    "part_save",
    "maintenance_alerts_send",
]
