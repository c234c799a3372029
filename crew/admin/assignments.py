"""Crew assignments (legality-checked by ``crew.services.crew_assign``), recorded duties,
availability, the dated legality rule sets and the expiry alert log.

Assignments, duties and availability are made and removed by services (``ServiceAddAdmin``).
An assignment against a legality violation (an override) needs a reason, the permission to
override crew legality and, as in the API, a fresh two-factor verification: the add form
asks for the current authenticator code, which ``crew.services.crew_assign`` checks
(``jetops.critical``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest

from crew import services
from crew.admin.common import ServiceAddAdmin, ServiceAddForm, TypeDesignatorMixin
from crew.models import CrewAssignment, CrewAvailability, CrewExpiryAlert, DutyPeriod, LegalityRuleSet
from flights.choices import FlightStatus
from jetops.activity import acting_user, request_meta_with_code
from jetops.admin import JetOpsModelAdmin, ReadOnlyAdmin, authenticator_code_field
from jetops.api.exceptions import Conflict
from jetops.models import User

# ---------------------------------------------------------------- assignments


class CrewAssignmentAddForm(ServiceAddForm):
    otp_code = authenticator_code_field("Required to override: the code your authenticator app shows now.")

    class Meta:
        model = CrewAssignment
        fields = ["flight", "crew_member", "role", "override_reason"]
        help_texts = {
            "override_reason": "Only to assign against a legality violation: why (needs the "
            "permission to override crew legality and your authenticator code)."
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("override_reason") or "").strip() and not data.get("otp_code"):
            self.add_error("otp_code", "Enter the code of your authenticator app to override.")
        return data

    def perform(self, actor: User | None) -> Model:
        # Called once every field is valid: a code works once, so a typo elsewhere does not
        # spend it. The service checks the override permission before it looks at the code.
        data = self.cleaned_data
        assert self.request is not None  # noqa: S101  (bound by ServiceAddAdminMixin)
        return services.crew_assign(
            flight=data["flight"],
            member=data["crew_member"],
            role=data["role"],
            actor=actor,
            override_reason=data.get("override_reason") or "",
            meta=request_meta_with_code(self.request, data["otp_code"]),
        )


@admin.register(CrewAssignment)
class CrewAssignmentAdmin(ServiceAddAdmin):
    """Crew on flights. Added through ``crew_assign`` (legality checked; an override needs a
    reason, the permission and a current authenticator code), removed through
    ``crew_unassign``; never edited."""

    form = CrewAssignmentAddForm
    list_display = ["flight", "crew_member", "role", "overridden", "created_at"]
    list_filter = ["role", "overridden"]
    search_fields = ["flight__flight_number", "crew_member__name", "crew_member__employee_id"]
    list_select_related = ["flight", "crew_member"]  # also the rows of "delete selected"
    autocomplete_fields = ["flight", "crew_member"]
    date_hierarchy = "created_at"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [*CrewAssignmentAddForm.Meta.fields, "otp_code"]
        return [
            "flight",
            "crew_member",
            "role",
            "assigned_by",
            "overridden",
            "override_reason",
            "violations",
            "warnings",
            "created_at",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
            return False
        return super().has_delete_permission(request, obj)

    def remove(self, request: HttpRequest, obj: CrewAssignment) -> None:
        try:
            services.crew_unassign(assignment=obj, actor=acting_user(request), reason="removed in the admin")
        except Conflict as exc:
            self.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)


# ---------------------------------------------------------------- duties and availability


class DutyPeriodAddForm(TypeDesignatorMixin, ServiceAddForm):
    class Meta:
        model = DutyPeriod
        fields = ["crew_member", *services.DUTY_FIELDS]

    def perform(self, actor: User | None) -> Model:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "crew_member"}
        return services.duty_record(member=self.cleaned_data["crew_member"], actor=actor, **data)


class CrewPeriodAdmin(ServiceAddAdmin):
    """A crew member's periods of one kind or another (duties, availability)."""

    list_filter = ["kind"]
    search_fields = ["crew_member__name", "crew_member__employee_id", "remarks"]
    list_select_related = ["crew_member"]
    autocomplete_fields = ["crew_member"]


@admin.register(DutyPeriod)
class DutyPeriodAdmin(CrewPeriodAdmin):
    """Duties that are not the operator's flights (positioning, standby, training, office,
    flying elsewhere), recorded through ``crew.services.duty_record`` and removed through
    ``duty_remove``."""

    form = DutyPeriodAddForm
    list_display = ["crew_member", "kind", "report_at", "release_at", "flight_minutes", "aircraft_type"]
    date_hierarchy = "report_at"

    def remove(self, request: HttpRequest, obj: DutyPeriod) -> None:
        services.duty_remove(duty=obj, actor=acting_user(request))


class CrewAvailabilityAddForm(ServiceAddForm):
    class Meta:
        model = CrewAvailability
        fields = ["crew_member", "kind", "start", "end", "remarks"]

    def perform(self, actor: User | None) -> Model:
        data = self.cleaned_data
        return services.availability_add(
            member=data["crew_member"],
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            remarks=data.get("remarks") or "",
            actor=actor,
        )


@admin.register(CrewAvailability)
class CrewAvailabilityAdmin(CrewPeriodAdmin):
    """Days off, vacation, sickness and standby, recorded through
    ``crew.services.availability_add`` (no overlaps; no time off over an assigned flight) and
    removed through ``availability_remove``."""

    form = CrewAvailabilityAddForm
    list_display = ["crew_member", "kind", "start", "end", "remarks"]
    date_hierarchy = "start"

    def remove(self, request: HttpRequest, obj: CrewAvailability) -> None:
        services.availability_remove(period=obj, actor=acting_user(request))


# ---------------------------------------------------------------- rules and alerts


@admin.register(LegalityRuleSet)
class LegalityRuleSetAdmin(JetOpsModelAdmin):
    """Dated legality parameters; the set with the latest ``effective_from`` not after a day
    is in force on that day. Parameters are checked against the engine's ``Rules``."""

    list_display = ["name", "effective_from", "calendar_time_zone", "updated_at"]
    search_fields = ["name", "notes"]
    date_hierarchy = "effective_from"


@admin.register(CrewExpiryAlert)
class CrewExpiryAlertAdmin(ReadOnlyAdmin, JetOpsModelAdmin):
    """Expiry alerts sent (``crew.tasks.crew_expiry_alerts_task``), one per item, expiry
    date and threshold."""

    list_display = ["sent_at", "crew_member", "label", "expires_on", "days_before"]
    list_filter = ["days_before"]
    search_fields = ["crew_member__name", "crew_member__employee_id", "label"]
    list_select_related = ["crew_member"]
    date_hierarchy = "sent_at"
