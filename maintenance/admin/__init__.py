"""Maintenance in the admin: every write goes through ``maintenance.services`` via the admin
adapter (``jetops.admin``); the due list with traffic lights, per aircraft or fleet-wide."""

from __future__ import annotations

from maintenance.admin.records import (
    ComplianceRecordAdmin,
    DirectiveAdmin,
    MaintenanceAlertAdmin,
    PartAdmin,
    ProgramAdmin,
    TaskAdmin,
    TimeCorrectionAdmin,
    VendorAdmin,
)
from maintenance.admin.work import SquawkAdmin, TrackedItemAdmin, WorkOrderAdmin

__all__ = [
    "ComplianceRecordAdmin",
    "DirectiveAdmin",
    "MaintenanceAlertAdmin",
    "PartAdmin",
    "ProgramAdmin",
    "SquawkAdmin",
    "TaskAdmin",
    "TimeCorrectionAdmin",
    "TrackedItemAdmin",
    "VendorAdmin",
    "WorkOrderAdmin",
]
