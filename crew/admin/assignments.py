"""Crew assignments (legality-checked by ``crew.services.crew_assign``), recorded duties,
availability, the dated legality rule sets and the expiry alert log.

Assignments, duties and availability are made and removed by services (``ServiceAddAdmin``).
An assignment against a legality violation (an override) needs a reason, the permission to
override crew legality and, as in the API, a fresh two-factor verification: the add form
asks for the current authenticator code, which ``crew.services.crew_assign`` checks
(``jetops.critical``).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join

from crew import adapter, services
from crew.admin.common import ServiceAddAdmin, TypeDesignatorMixin
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewExpiryAlert,
    DutyPeriod,
    LegalityRuleSet,
    rule_parameter_names,
)
from crew.permissions import SET_PILOT_FLYING
from flights.admin import FlightAdmin
from flights.choices import FlightStatus
from jetops.activity import acting_user, request_meta_with_code
from jetops.admin import JetOpsModelAdmin, ReadOnlyAdmin, ServiceForm, authenticator_code_field
from jetops.models import User
from jetops.permissions import user_can

# ---------------------------------------------------------------- assignments


class CrewAssignmentAddForm(ServiceForm):
    otp_code = authenticator_code_field("Required to override: the code your authenticator app shows now.")

    class Meta:
        model = CrewAssignment
        fields = ["flight", "crew_member", "role", "override_reason"]
        help_texts = {
            "override_reason": "Only to assign against a legality violation: why (needs the "
            "permission to override crew legality and your authenticator code)."
        }

    def perform(self, actor: User | None) -> Model:
        # Called once every field is valid: a code works once, so a typo elsewhere does not
        # spend it. Whether the user may override is the service's decision alone (the
        # permission, the network, then the code: ``jetops.critical``), as for the API; its
        # refusal of a missing or wrong code shows on the code field.
        data = self.cleaned_data
        assert self.request is not None  # noqa: S101  (bound by JetOpsModelAdmin.get_form)
        return services.crew_assign(
            flight=data["flight"],
            member=data["crew_member"],
            role=data["role"],
            actor=actor,
            override_reason=data.get("override_reason") or "",
            meta=request_meta_with_code(self.request, data["otp_code"]),
        )


class CrewAssignmentInline(admin.TabularInline):
    """The flight's crew, read-only: assignments are made (legality-checked) and removed on
    the crew assignment screens, linked from below the table."""

    model = CrewAssignment
    template = "admin/crew/flight_crew_inline.html"
    extra = 0
    can_delete = False
    fields = ("crew_member", "role", "pilot_flying", "overridden", "override_reason")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "crew"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CrewAssignment]:
        return super().get_queryset(request).select_related("crew_member")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The flight's page shows its crew: crew adds the inline to the flights admin, which depends
# on nothing of crew (docs/architecture.md, "Dependency direction").
FlightAdmin.inlines = [*FlightAdmin.inlines, CrewAssignmentInline]


@admin.register(CrewAssignment)
class CrewAssignmentAdmin(ServiceAddAdmin):
    """Crew on flights. Added through ``crew_assign`` (legality checked; an override needs a
    reason, the permission and a current authenticator code), removed through
    ``crew_unassign``; never edited."""

    form = CrewAssignmentAddForm
    list_display = ["flight", "crew_member", "role", "pilot_flying", "overridden", "created_at"]
    list_filter = ["role", "overridden", "pilot_flying"]
    search_fields = ["flight__flight_number", "crew_member__name", "crew_member__employee_id"]
    list_select_related = ["flight", "crew_member"]  # also the rows of "delete selected"
    autocomplete_fields = ["flight", "crew_member"]
    date_hierarchy = "created_at"
    actions = ["record_pilot_flying"]

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
            "pilot_flying",
            "created_at",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.flight.status not in (FlightStatus.SCHEDULED, FlightStatus.BOARDING):
            return False
        return super().has_delete_permission(request, obj)

    def remove(self, request: HttpRequest, obj: CrewAssignment) -> None:
        services.crew_unassign(assignment=obj, actor=acting_user(request), reason="removed in the admin")

    def has_set_pilot_flying_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, SET_PILOT_FLYING)

    @admin.action(description="Record as the pilot who flew the leg", permissions=["set_pilot_flying"])
    def record_pilot_flying(self, request: HttpRequest, queryset: QuerySet[CrewAssignment]) -> None:
        """Through ``crew.services.pilot_flying_set``, one assignment at a time (the last of
        two selected on one flight wins)."""
        for assignment in queryset.select_related("flight", "crew_member"):
            self.service_action(
                request,
                str(assignment),
                services.pilot_flying_set,
                assignment=assignment,
                actor=acting_user(request),
                done="recorded as pilot flying.",
            )


# ---------------------------------------------------------------- duties and availability


class BlockTimesField(forms.CharField):
    """The flights of a recorded duty, one per line: block-out and block-in separated by a
    comma, in UTC unless an offset is given; cleaned to the duty's stored shape."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "One flight per line: block-out, block-in (UTC unless an offset is given), "
            "e.g. 2025-03-03 07:05, 2025-03-03 09:40.",
        )
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(
                f"{f.get('block_out')}, {f.get('block_in')}" for f in value if isinstance(f, dict)
            )
        return value

    def clean(self, value: Any) -> list[dict[str, str]]:
        text = super().clean(value) or ""
        flights = []
        for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
            parts = [_utc(part) for part in line.split(",")]
            if len(parts) != 2 or None in parts:
                raise ValidationError(f"Line {number}: give a block-out and a block-in date and time.")
            flights.append({"block_out": str(parts[0]), "block_in": str(parts[1])})
        return flights


def _utc(text: str) -> str | None:
    try:
        parsed = parse_datetime(text.strip())
    except ValueError:
        return None
    if parsed is None:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


class DutyPeriodAddForm(TypeDesignatorMixin, ServiceForm):
    flights = BlockTimesField()

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

    @admin.display(description="Flight minutes")
    def flight_minutes(self, obj: DutyPeriod) -> int:
        return obj.flight_minutes

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
        ).period


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
    is in force on that day (the list marks today's). Parameters are checked against the
    engine's ``Rules``; the change page lists every number the set applies, its own or the
    built-in default. The 135.273 numbers and ``fa_minimum_complement`` are "verify"
    settings: check them against the current regulation text."""

    list_display = ["name", "effective_from", "in_force", "calendar_time_zone", "updated_at"]
    search_fields = ["name", "notes"]
    date_hierarchy = "effective_from"
    readonly_fields = ["in_force", "applied_parameters"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if adapter.ruleset_in_force(timezone.localdate()) is None:
            self.message_user(
                request,
                "No rule set is in force today: the built-in US Part 135 defaults apply.",
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegalityRuleSet]:
        current = LegalityRuleSet.objects.filter(effective_from__lte=timezone.localdate()).order_by(
            "-effective_from"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(current_pk=Subquery(current.values("pk")[:1]))
            .annotate(is_in_force=Q(pk=F("current_pk")))
        )

    @admin.display(description="In force today", boolean=True)
    def in_force(self, obj: LegalityRuleSet) -> bool:
        return bool(getattr(obj, "is_in_force", False))

    @admin.display(description="Numbers applied (bold: set here; others: built-in defaults)")
    def applied_parameters(self, obj: LegalityRuleSet) -> str:
        try:
            rules = obj.as_rules()
        except ValidationError:
            return "—"
        own = set(obj.parameters or {})
        rows = [
            (format_html("<b>{}</b>", name) if name in own else name, _shown(getattr(rules, name)))
            for name in rule_parameter_names()
        ]
        return format_html("<table>{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows))


def _shown(value: Any) -> str:
    return ", ".join(sorted(value)) if isinstance(value, frozenset) else str(value)


@admin.register(CrewExpiryAlert)
class CrewExpiryAlertAdmin(ReadOnlyAdmin, JetOpsModelAdmin):
    """Expiry alerts sent (``crew.tasks.crew_expiry_alerts_task``), one per item, expiry
    date and threshold."""

    list_display = ["sent_at", "crew_member", "label", "expires_on", "days_before"]
    list_filter = ["days_before"]
    search_fields = ["crew_member__name", "crew_member__employee_id", "label"]
    list_select_related = ["crew_member"]
    date_hierarchy = "sent_at"
