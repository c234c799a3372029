"""Crew assignments (legality-checked by ``crew.services.crew_assign``), recorded duties,
availability, the dated legality rule sets and the expiry alert log.

Assignments, duties and availability are made and removed by services (``ServiceAddAdmin``).
An assignment against a legality violation (an override) needs a reason, the permission to
override crew legality and, as in the API, a fresh two-factor verification: the add form
asks for the current authenticator code (``step_up_verify``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest

from crew import services
from crew.admin.common import ServiceAddAdmin, TypeDesignatorMixin
from crew.choices import OVERRIDE_LEGALITY
from crew.models import CrewAssignment, CrewAvailability, CrewExpiryAlert, DutyPeriod, LegalityRuleSet
from flights.choices import FlightStatus
from jetops.activity import acting_user, activity_record, request_meta
from jetops.admin import JetOpsModelAdmin, ReadOnlyAdmin, ServiceForm
from jetops.auth.otp import otp_verify
from jetops.models import ActivityAction, ActivityOutcome, User
from jetops.permissions import user_can

# ---------------------------------------------------------------- assignments


def step_up_verify(request: HttpRequest | None, code: str) -> None:
    """The admin's step-up: raise a ``ValidationError`` on ``otp_code`` unless ``code`` is a
    valid, unused TOTP code of the request user's confirmed device (``jetops.auth.otp.otp_verify``,
    which also refuses a code used before, e.g. at login). Each attempt is in the activity
    log, like ``POST /api/v1/auth/step-up``."""
    user = acting_user(request) if request is not None else None
    # The OTP admin site admits only sessions verified with a device, so ``user`` has one.
    verified = user is not None and otp_verify(user, code, allow_recovery=False)
    activity_record(
        action=ActivityAction.STEP_UP,
        outcome=ActivityOutcome.SUCCESS if verified else ActivityOutcome.FAILURE,
        user=user,
        meta=request_meta(request) if request is not None else None,
        detail={"via": "admin"},
    )
    if not verified:
        raise ValidationError({"otp_code": "The code is wrong or was already used."})


class CrewAssignmentAddForm(ServiceForm):
    otp_code = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=16,
        strip=True,
        help_text="Required to override: the code your authenticator app shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    class Meta:
        model = CrewAssignment
        fields = ["flight", "crew_member", "role", "override_reason"]
        help_texts = {
            "override_reason": "Only to assign against a legality violation: why (needs the "
            "permission to override crew legality and your authenticator code)."
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = (data.get("override_reason") or "").strip()
        user = self.request.user if self.request else None
        if reason and not user_can(user, OVERRIDE_LEGALITY):
            self.add_error("override_reason", "You may not override crew legality: leave the reason empty.")
        elif reason and not data.get("otp_code"):
            self.add_error("otp_code", "Enter the code of your authenticator app to override.")
        elif reason and not self.errors:
            # Checked last, once every field is valid: a code works once, so a typo elsewhere
            # does not spend it. A refusal by the service (a taken seat) does, as in the API,
            # where the step-up also comes before the call. Checked while validating, so a
            # failed attempt stays in the activity log whatever happens next.
            step_up_verify(self.request, data["otp_code"])
        return data

    def perform(self, actor: User | None) -> Model:
        data = self.cleaned_data
        return services.crew_assign(
            flight=data["flight"],
            member=data["crew_member"],
            role=data["role"],
            actor=actor,
            override_reason=(data.get("override_reason") or "").strip(),
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
        services.crew_unassign(assignment=obj, actor=acting_user(request), reason="removed in the admin")


# ---------------------------------------------------------------- duties and availability


class DutyPeriodAddForm(TypeDesignatorMixin, ServiceForm):
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


class CrewAvailabilityAddForm(ServiceForm):
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
