"""Crew in the admin: members with their qualification rows, the expiring-qualifications and
roster reports, assignments (legality-checked by ``crew.services.crew_assign``), recorded
duties, availability, the dated rule sets and the expiry alert log.

Writes go through ``crew.services``. A service may refuse a write with a 409 (an illegal
assignment, an overlapping period), and Django calls ``save_model`` only once the form is
accepted: too late to show the refusal on the form. So the add forms of rows a service makes
(``ServiceAddForm``) call the service as the last step of their validation, inside the
transaction of the admin's add view, and ``save_model`` adopts the row it made. Those rows
are never edited in place (there is no update service): change views are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from crew import selectors, services
from crew.choices import OVERRIDE_LEGALITY, Position
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewExpiryAlert,
    CrewMember,
    DutyPeriod,
    ExperienceRecord,
    LegalityRuleSet,
    License,
    MedicalCertificate,
    TrainingRecord,
    TypeRating,
)
from crew.qualifications import AMBER_DAYS, ExpiryItem, expiry_state
from crew.roster import duty_intervals, flight_hours, hours_within
from flights.choices import FlightStatus
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin, ReadOnlyAdmin
from jetops.api.exceptions import Conflict
from jetops.models import User
from jetops.permissions import user_can
from jetops.roles import Role

# Colours of the traffic light (``crew.qualifications.expiry_state``).
LIGHTS = {
    "red": ("#dc2626", "expired, missing or within 7 days"),
    "amber": ("#d97706", "within 60 days"),
    "green": ("#16a34a", "valid"),
}
EXPIRY_ITEMS_ATTR = "_admin_expiry_items"

ROSTER_DEFAULT_DAYS = 30
ROSTER_MAX_DAYS = 92


def traffic_light(item: ExpiryItem | None, today: date) -> str:
    """A coloured dot, the item and its last valid day (``—`` when nothing expires)."""
    if item is None:
        return "—"
    colour, title = LIGHTS[expiry_state(item.days_left(today))]
    until = item.valid_through.isoformat() if item.valid_through else "never recorded"
    return format_html(
        '<span title="{}" style="color:{}">●</span> {} <span class="quiet">{}</span>',
        title,
        colour,
        item.label,
        until,
    )


def conflict_messages(exc: Conflict) -> list[str]:
    """What a service's 409 says, one line per legality violation (rule: detail)."""
    violations = exc.extra.get("violations") or []
    if violations:
        return [
            "Refused: the assignment breaks these rules (an override needs a reason and the "
            "permission to override crew legality).",
            *(f"{v['rule']}: {v['detail']}" for v in violations),
        ]
    lines = [str(exc.detail)]
    if exc.extra.get("flights"):
        lines.append(f"Flights: {', '.join(str(f) for f in exc.extra['flights'])}.")
    return lines


def crew_role_users() -> QuerySet[User]:
    """Users who may be linked to a crew record (the rule of ``services._member_user_check``)."""
    crew = int(Role.CREW)
    return User.objects.annotate(crew_bit=F("level").bitand(crew)).filter(crew_bit=crew).order_by("username")


# ---------------------------------------------------------------- service-made rows


class ServiceAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """An add form whose row is made by a service at the end of validation (module docstring):
    a 409 or a validation error from the service becomes a form error."""

    request: HttpRequest | None = None  # bound per request by ``ServiceAddAdmin.get_form``
    saved: Model | None = None

    def perform(self, actor: User | None) -> Model:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # not in django-stubs
        if self.errors or self.instance.pk:
            return
        try:
            self.saved = self.perform(acting_user(self.request) if self.request else None)
        except Conflict as exc:
            self.add_error(None, conflict_messages(exc))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc.messages)
                return
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class ServiceAddAdmin(JetOpsModelAdmin):
    """Rows made by a service through a ``ServiceAddForm``; read-only once made."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        saved = getattr(form, "saved", None)
        return saved if saved is not None else super().save_form(request, form, change)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service while the form was validated (``ServiceAddForm``)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: these models have no many-to-many fields and no inlines."""


# ---------------------------------------------------------------- crew members


class TypeDesignatorMixin:
    def clean_aircraft_type(self) -> str:
        return str(self.cleaned_data.get("aircraft_type") or "").strip().upper()  # type: ignore[attr-defined]


class NotInFutureMixin:
    date_field = ""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        day = data.get(self.date_field)
        if day and day > timezone.localdate():
            self.add_error(self.date_field, "Cannot be in the future.")  # type: ignore[attr-defined]
        return data


def _kept(formset: BaseInlineFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class LicenseInline(admin.TabularInline):  # type: ignore[type-arg]
    model = License
    extra = 0
    fields = ["kind", "number", "authority", "issued_on", "expires_on"]


class RatingForm(TypeDesignatorMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TypeRating
        fields = ["aircraft_type", "role"]


class RatingFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        if self.instance.position == Position.FLIGHT_ATTENDANT and _kept(self):
            raise ValidationError("Flight attendants hold no type ratings.")


class TypeRatingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TypeRating
    form = RatingForm
    formset = RatingFormSet
    extra = 0


class MedicalForm(NotInFutureMixin, forms.ModelForm):  # type: ignore[type-arg]
    date_field = "exam_date"

    class Meta:
        model = MedicalCertificate
        fields = ["medical_class", "exam_date"]


class MedicalFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        born = self.instance.date_of_birth
        if born and any(row.get("exam_date") and row["exam_date"] < born for row in _kept(self)):
            raise ValidationError("A medical exam cannot be before the date of birth.")


class MedicalInline(admin.TabularInline):  # type: ignore[type-arg]
    """Every exam is kept; the most recent one is the crew member's medical."""

    model = MedicalCertificate
    form = MedicalForm
    formset = MedicalFormSet
    extra = 0


class TrainingForm(NotInFutureMixin, forms.ModelForm):  # type: ignore[type-arg]
    date_field = "completed_on"

    class Meta:
        model = TrainingRecord
        fields = ["kind", "completed_on"]


class TrainingInline(admin.TabularInline):  # type: ignore[type-arg]
    """Checks and training completed; validity is computed from every completion."""

    model = TrainingRecord
    form = TrainingForm
    extra = 0


class ExperienceForm(TypeDesignatorMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ExperienceRecord
        fields = [
            "date",
            "aircraft_type",
            "takeoffs",
            "landings",
            "night_takeoffs",
            "night_landings",
            "approaches",
            "source",
            "remarks",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counts = ("takeoffs", "landings", "night_takeoffs", "night_landings", "approaches")
        if not data.get("DELETE") and not any(data.get(name) for name in counts):
            raise ValidationError("Record at least one takeoff, landing or approach.")
        return data


class ExperienceInline(admin.TabularInline):  # type: ignore[type-arg]
    """Flying done elsewhere in the last year (older rows no longer count toward recency)."""

    model = ExperienceRecord
    form = ExperienceForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExperienceRecord]:
        since = timezone.localdate() - timedelta(days=365)
        return super().get_queryset(request).filter(date__gte=since)


class CrewMemberAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    emergency_contact = forms.JSONField(required=False, help_text='{"name", "phone", "relation"}')

    class Meta:
        model = CrewMember
        fields = list(services.MEMBER_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = crew_role_users()  # type: ignore[attr-defined]
            self.fields["user"].help_text = "The Crew Member login that may read this record."


class ExpiringDaysForm(forms.Form):
    days = forms.IntegerField(min_value=0, max_value=3650, initial=AMBER_DAYS, label="Within (days)")


class RosterRangeForm(forms.Form):
    date_from = forms.DateField(label="From", widget=AdminDateWidget)
    date_to = forms.DateField(label="To (inclusive)", widget=AdminDateWidget)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise ValidationError("The range ends before it starts.")
            if (end - start).days > ROSTER_MAX_DAYS:
                raise ValidationError(f"At most {ROSTER_MAX_DAYS} days at a time.")
        return data


@dataclass(frozen=True)
class ExpiringRow:
    member: CrewMember
    item: ExpiryItem
    days_left: int | None
    light: str


@dataclass(frozen=True)
class HoursAgainstLimit:
    hours: float
    limit: float
    warn_ratio: float

    @property
    def colour(self) -> str:
        if self.limit and self.hours > self.limit:
            return LIGHTS["red"][0]
        if self.limit and self.hours > self.limit * self.warn_ratio:
            return LIGHTS["amber"][0]
        return ""

    def __str__(self) -> str:
        return f"{self.hours:.1f} / {self.limit:g} h"


@dataclass(frozen=True)
class RosterRow:
    member: CrewMember
    flights: int
    flight_hours: float
    duty_hours: float
    quarter: HoursAgainstLimit | None  # None: flight-time limits bind pilots only
    year: HoursAgainstLimit | None


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_periods(now: datetime, tz: Any) -> tuple[datetime, datetime, datetime, datetime, str]:
    """Start and end of the calendar quarter and year of ``now`` in ``tz``, and the quarter's name."""
    local = now.astimezone(tz)
    first_month = 3 * ((local.month - 1) // 3) + 1
    quarter_start = datetime(local.year, first_month, 1, tzinfo=tz)
    quarter_end = (
        datetime(local.year + 1, 1, 1, tzinfo=tz)
        if first_month == 10
        else datetime(local.year, first_month + 3, 1, tzinfo=tz)
    )
    year_start = datetime(local.year, 1, 1, tzinfo=tz)
    year_end = datetime(local.year + 1, 1, 1, tzinfo=tz)
    return quarter_start, quarter_end, year_start, year_end, f"Q{(first_month + 2) // 3} {local.year}"


@admin.register(CrewMember)
class CrewMemberAdmin(JetOpsModelAdmin):
    """Crew with their qualification rows; the list shows each one's nearest expiry. No
    deletion (assignments and history refer to the record): clear "active" instead."""

    form = CrewMemberAdminForm
    list_display = ["name", "employee_id", "position", "home_base", "is_active", "nearest_expiry"]
    list_filter = ["position", "is_active", ("home_base", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "employee_id"]
    autocomplete_fields = ["home_base"]
    readonly_fields = ["qualification_status", "created_at", "updated_at"]
    inlines = [LicenseInline, TypeRatingInline, MedicalInline, TrainingInline, ExperienceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "employee_id",
                    "name",
                    "position",
                    "date_of_birth",
                    "home_base",
                    "user",
                    "is_active",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_info", "emergency_contact"]}),
        ("Qualifications (computed from the rows below)", {"fields": ["qualification_status"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CrewMember]:
        queryset = selectors.crew_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """Expiries of the whole page at once (a fixed number of queries for any page size)."""
        changelist = super().get_changelist_instance(request)
        members = list(changelist.result_list)  # evaluated once: the rows rendered next
        expiries = selectors.expiries_by_member(members)
        for member in members:
            setattr(member, EXPIRY_ITEMS_ATTR, expiries[member.pk])
        return changelist

    @admin.display(description="Nearest expiry")
    def nearest_expiry(self, member: CrewMember) -> str:
        items: list[ExpiryItem] | None = getattr(member, EXPIRY_ITEMS_ATTR, None)
        return traffic_light(items[0] if items else None, timezone.localdate())

    @admin.display(description="Expiries")
    def qualification_status(self, member: CrewMember) -> str:
        if not member.pk:
            return "—"
        today = timezone.localdate()
        items = selectors.expiries_by_member([member], today)[member.pk]
        if not items:
            return "—"
        return format_html(
            "<ul style='margin:0;padding:0'>{}</ul>",
            format_html_join(
                "",
                "<li style='list-style:none'>{} <span class='quiet'>({})</span></li>",
                ((traffic_light(item, today), item.rule) for item in items),
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CrewMember, form: Any, change: bool) -> None:
        actor = acting_user(request)
        data = form.cleaned_data
        if not change:
            fields = {name: data[name] for name in services.MEMBER_FIELDS if name in data}
            saved = services.crew_member_create(actor=actor, **fields)
            obj.pk = saved.pk
            obj.calendar_token = saved.calendar_token
            obj._state.adding = False
            return
        fields = {name: data[name] for name in form.changed_data if name in services.MEMBER_FIELDS}
        if fields:
            services.crew_member_update(member=obj, actor=actor, **fields)

    # -- reports -----------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        reports = [
            path(
                "expiring/",
                self.admin_site.admin_view(self.expiring_view),
                name="{}_{}_expiring".format(*info),
            ),
            path("roster/", self.admin_site.admin_view(self.roster_view), name="{}_{}_roster".format(*info)),
        ]
        return reports + super().get_urls()

    def _report(self, request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def expiring_view(self, request: HttpRequest) -> HttpResponse:
        """Every active crew member's items expired, never recorded or expiring within N days
        (``?days=``, default 60), soonest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExpiringDaysForm(request.GET if "days" in request.GET else None)
        days = form.cleaned_data["days"] if form.is_bound and form.is_valid() else AMBER_DAYS
        today = timezone.localdate()
        members = list(selectors.crew_queryset().filter(is_active=True))
        expiries = selectors.expiries_by_member(members, today)
        rows = [
            ExpiringRow(member, item, item.days_left(today), traffic_light(item, today))
            for member in members
            for item in expiries[member.pk]
            if item.valid_through is None or (item.days_left(today) or 0) <= days
        ]
        rows.sort(key=lambda r: (r.days_left is not None, r.days_left or 0, r.member.name, r.item.key))
        return self._report(
            request,
            "admin/crew/crewmember/expiring.html",
            "Expiring qualifications",
            form=form,
            days=days,
            today=today,
            rows=rows,
        )

    def roster_view(self, request: HttpRequest) -> HttpResponse:
        """For each active crew member: flights, flight and duty hours in a date range, and
        pilots' flight hours of the calendar quarter and year (flown and planned) against the
        limits of 14 CFR 135.267(a) in force. Five queries whatever the size of the crew."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        default = {"date_from": today, "date_to": today + timedelta(days=ROSTER_DEFAULT_DAYS)}
        form = RosterRangeForm(request.GET if request.GET else None, initial=default)
        period = form.cleaned_data if form.is_bound and form.is_valid() else default
        start, end = _midnight(period["date_from"]), _midnight(period["date_to"] + timedelta(days=1))
        rules = selectors.rules_in_force(today)
        quarter_start, quarter_end, year_start, year_end, quarter_name = calendar_periods(
            timezone.now(), rules.calendar_tz
        )
        members = list(CrewMember.objects.filter(is_active=True).select_related("home_base"))
        rosters = selectors.rosters([m.pk for m in members], min(start, year_start), max(end, year_end))
        duty_settings = selectors.duty_settings()
        rows = []
        for member in members:
            roster = rosters[member.pk]
            quarter = year = None
            if member.is_pilot:
                quarter = HoursAgainstLimit(
                    flight_hours(roster, quarter_start, quarter_end),
                    rules.quarter_flight_hours,
                    rules.limit_warn_ratio,
                )
                year = HoursAgainstLimit(
                    flight_hours(roster, year_start, year_end),
                    rules.year_flight_hours,
                    rules.limit_warn_ratio,
                )
            rows.append(
                RosterRow(
                    member=member,
                    flights=sum(1 for leg in roster.legs if leg.off_block < end and leg.on_block > start),
                    flight_hours=flight_hours(roster, start, end),
                    duty_hours=hours_within(duty_intervals(roster, duty_settings), start, end),
                    quarter=quarter,
                    year=year,
                )
            )
        return self._report(
            request,
            "admin/crew/crewmember/roster.html",
            "Roster",
            form=form,
            date_from=period["date_from"],
            date_to=period["date_to"],
            quarter_name=quarter_name,
            year=year_start.year,
            warn_percent=round(rules.limit_warn_ratio * 100),
            rows=rows,
        )


# ---------------------------------------------------------------- assignments


class CrewAssignmentAddForm(ServiceAddForm):
    class Meta:
        model = CrewAssignment
        fields = ["flight", "crew_member", "role", "override_reason"]
        help_texts = {
            "override_reason": "Only to assign against a legality violation: why (needs the "
            "permission to override crew legality)."
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = (data.get("override_reason") or "").strip()
        user = self.request.user if self.request else None
        if reason and not user_can(user, OVERRIDE_LEGALITY):
            self.add_error("override_reason", "You may not override crew legality: leave the reason empty.")
        return data

    def perform(self, actor: User | None) -> Model:
        data = self.cleaned_data
        return services.crew_assign(
            flight=data["flight"],
            member=data["crew_member"],
            role=data["role"],
            actor=actor,
            override_reason=data.get("override_reason") or "",
        )


@admin.register(CrewAssignment)
class CrewAssignmentAdmin(ServiceAddAdmin):
    """Crew on flights. Added through ``crew_assign`` (legality checked; an override needs a
    reason and the permission), removed through ``crew_unassign``; never edited."""

    form = CrewAssignmentAddForm
    list_display = ["flight", "crew_member", "role", "overridden", "created_at"]
    list_filter = ["role", "overridden"]
    search_fields = ["flight__flight_number", "crew_member__name", "crew_member__employee_id"]
    list_select_related = ["flight", "crew_member"]
    autocomplete_fields = ["flight", "crew_member"]
    date_hierarchy = "created_at"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return CrewAssignmentAddForm.Meta.fields
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

    def _unassign(self, request: HttpRequest, assignment: CrewAssignment) -> None:
        try:
            services.crew_unassign(
                assignment=assignment, actor=acting_user(request), reason="removed in the admin"
            )
        except Conflict as exc:
            self.message_user(request, f"{assignment}: {exc.detail}", messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: CrewAssignment) -> None:
        self._unassign(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CrewAssignment]) -> None:
        for assignment in queryset.select_related("flight", "crew_member"):
            self._unassign(request, assignment)


# ---------------------------------------------------------------- duties and availability


class DutyPeriodAddForm(TypeDesignatorMixin, ServiceAddForm):
    class Meta:
        model = DutyPeriod
        fields = [
            "crew_member",
            "kind",
            "report_at",
            "release_at",
            "flight_minutes",
            "aircraft_type",
            "overrun_minutes",
            "remarks",
        ]

    def perform(self, actor: User | None) -> Model:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "crew_member"}
        return services.duty_record(member=self.cleaned_data["crew_member"], actor=actor, **data)


def _delete_with_history(request: HttpRequest, obj: Model) -> None:
    obj._history_user = acting_user(request)  # type: ignore[attr-defined]
    obj.delete()


@admin.register(DutyPeriod)
class DutyPeriodAdmin(ServiceAddAdmin):
    """Duties that are not the operator's flights (positioning, standby, training, office,
    flying elsewhere), recorded through ``crew.services.duty_record``."""

    form = DutyPeriodAddForm
    list_display = ["crew_member", "kind", "report_at", "release_at", "flight_minutes", "aircraft_type"]
    list_filter = ["kind"]
    search_fields = ["crew_member__name", "crew_member__employee_id", "remarks"]
    list_select_related = ["crew_member"]
    autocomplete_fields = ["crew_member"]
    date_hierarchy = "report_at"

    def delete_model(self, request: HttpRequest, obj: DutyPeriod) -> None:
        _delete_with_history(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DutyPeriod]) -> None:
        for duty in queryset:
            _delete_with_history(request, duty)


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
class CrewAvailabilityAdmin(ServiceAddAdmin):
    """Days off, vacation, sickness and standby, recorded through
    ``crew.services.availability_add`` (no overlaps; no time off over an assigned flight)."""

    form = CrewAvailabilityAddForm
    list_display = ["crew_member", "kind", "start", "end", "remarks"]
    list_filter = ["kind"]
    search_fields = ["crew_member__name", "crew_member__employee_id", "remarks"]
    list_select_related = ["crew_member"]
    autocomplete_fields = ["crew_member"]
    date_hierarchy = "start"

    def delete_model(self, request: HttpRequest, obj: CrewAvailability) -> None:
        _delete_with_history(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CrewAvailability]) -> None:
        for period in queryset:
            _delete_with_history(request, period)


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
