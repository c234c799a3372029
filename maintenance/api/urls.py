"""Maintenance routes, mounted under ``/api/v1/`` by ``jetops.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from maintenance.api import views

router = SimpleRouter(trailing_slash=False)
router.register("maintenance/programs", views.ProgramViewSet, basename="maintenance-program")
router.register("maintenance/tasks", views.TaskViewSet, basename="maintenance-task")
router.register("maintenance/directives", views.DirectiveViewSet, basename="maintenance-directive")
router.register("maintenance/items", views.TrackedItemViewSet, basename="maintenance-item")
router.register("maintenance/work-orders", views.WorkOrderViewSet, basename="maintenance-work-order")
router.register("maintenance/squawks", views.SquawkViewSet, basename="maintenance-squawk")
router.register("maintenance/vendors", views.VendorViewSet, basename="maintenance-vendor")
router.register("maintenance/parts", views.PartViewSet, basename="maintenance-part")
router.register("maintenance/time-corrections", views.TimeCorrectionViewSet, basename="maintenance-time")
router.register("maintenance/compliance", views.ComplianceRecordViewSet, basename="maintenance-compliance")
router.register("maintenance/records", views.MaintenanceRecordsViewSet, basename="maintenance-records")
urlpatterns = router.urls
