"""The crew list's two report pages, URLs of ``CrewMemberAdmin`` (``CrewReportsMixin``):
qualifications expiring soon (``admin:crew_crewmember_expiring``) and the roster of flights
and hours against the flight-time limits (``admin:crew_crewmember_roster``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from crew import adapter
from crew.admin.common import LIGHTS, traffic_light
from crew.legality.timeline import from_us, quarter_bounds, quarter_of, to_us
from crew.models import CrewMember
from crew.qualifications import AMBER_DAYS, ExpiryItem
from crew.roster import flight_hours, totals

ROSTER_DEFAULT_DAYS = 30
ROSTER_MAX_DAYS = 92


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
    """Start and end of the calendar quarter and year of ``now`` in ``tz`` (the legality
    engine's own quarter arithmetic), and the quarter's name."""
    quarter = quarter_of(to_us(now), tz)
    quarter_start, quarter_end = (from_us(bound) for bound in quarter_bounds(quarter, tz))
    year_start = datetime(quarter[0], 1, 1, tzinfo=tz)
    year_end = datetime(quarter[0] + 1, 1, 1, tzinfo=tz)
    return quarter_start, quarter_end, year_start, year_end, f"Q{quarter[1]} {quarter[0]}"


class CrewReportsMixin(admin.ModelAdmin):
    """The report pages of the crew member admin, under its URL prefix and its view
    permission (``CrewMemberAdmin`` mixes this in before ``JetOpsModelAdmin``)."""

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
        members = list(adapter.crew_queryset().filter(is_active=True))
        expiries = adapter.expiries_by_member(members, today)
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
        rules = adapter.rules_in_force(today)
        quarter_start, quarter_end, year_start, year_end, quarter_name = calendar_periods(
            timezone.now(), rules.calendar_tz
        )
        members = list(CrewMember.objects.filter(is_active=True).select_related("home_base"))
        rosters = adapter.rosters([m.pk for m in members], min(start, year_start), max(end, year_end))
        duty_settings = adapter.duty_settings()
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
            period_totals = totals(roster, start, end, duty_settings)
            rows.append(
                RosterRow(
                    member=member,
                    flights=period_totals.flights,
                    flight_hours=period_totals.flight_hours,
                    duty_hours=period_totals.duty_hours,
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
