"""Crew members in the admin, with their qualification rows as inlines; the list shows each
member's nearest expiry and links the reports (``crew.admin.reports``).

The rules of the rows (no ratings for flight attendants, no exam before the date of birth,
no future dates, experience that counts something) are the models' ``clean()``, which the
inline forms run. One gap is filled here: see ``AddPageFormSet``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from crew import adapter, selectors, services
from crew.admin.common import TypeDesignatorMixin, traffic_light
from crew.admin.reports import CrewReportsMixin
from crew.choices import Position
from crew.models import (
    CrewMember,
    ExperienceRecord,
    License,
    MedicalCertificate,
    TrainingRecord,
    TypeRating,
)
from crew.qualifications import ExpiryItem
from jetops.activity import acting_user
from jetops.admin import JetOpsModelAdmin
from jetops.jsondepth import DepthBoundJSONFormField

EXPIRY_ITEMS_ATTR = "_admin_expiry_items"


class AddPageFormSet(BaseInlineFormSet):
    """Checks of a new crew member's rows that its models cannot make yet.

    On the add page the crew member is saved only after every form is valid, so while its
    inline rows are validated their ``crew_member_id`` is None, and the model checks that
    need the member (``TypeRating.clean``, the date-of-birth part of
    ``MedicalCertificate.clean``) skip themselves. This formset runs those checks against
    the member being added. On the change page the rows point at the member (with the values
    just posted) and the models check each row, so this does nothing there.
    """

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is not None:
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        if rows:
            self.check_new_member(self.instance, rows)

    # Each subclass defines ``check_new_member(member, rows)``: raise ValidationError when the
    # rows posted with a new member break the rule its model checks only for saved members.
    check_new_member: Callable[[CrewMember, list[dict[str, Any]]], None]


class RatingFormSet(AddPageFormSet):
    def check_new_member(self, member: CrewMember, rows: list[dict[str, Any]]) -> None:
        if member.position == Position.FLIGHT_ATTENDANT:
            raise ValidationError("Flight attendants hold no type ratings.")  # TypeRating.clean


class MedicalFormSet(AddPageFormSet):
    def check_new_member(self, member: CrewMember, rows: list[dict[str, Any]]) -> None:
        born = member.date_of_birth
        if born and any(row.get("exam_date") and row["exam_date"] < born for row in rows):
            # The message of MedicalCertificate.clean.
            raise ValidationError("The medical exam is before the date of birth.")


class LicenseInline(admin.TabularInline):
    model = License
    extra = 0
    fields = ["kind", "number", "authority", "issued_on", "expires_on"]


class RatingForm(TypeDesignatorMixin, forms.ModelForm):
    class Meta:
        model = TypeRating
        fields = ["aircraft_type", "role"]


class TypeRatingInline(admin.TabularInline):
    model = TypeRating
    form = RatingForm
    formset = RatingFormSet
    extra = 0


class MedicalInline(admin.TabularInline):
    """Every exam is kept; the most recent one is the crew member's medical."""

    model = MedicalCertificate
    formset = MedicalFormSet
    fields = ["medical_class", "exam_date"]
    extra = 0


class TrainingInline(admin.TabularInline):
    """Checks and training completed; validity is computed from every completion."""

    model = TrainingRecord
    fields = ["kind", "completed_on"]
    extra = 0


class ExperienceForm(TypeDesignatorMixin, forms.ModelForm):
    class Meta:
        model = ExperienceRecord
        fields = list(services.EXPERIENCE_FIELDS)


class ExperienceInline(admin.TabularInline):
    """Flying done elsewhere in the last year (older rows no longer count toward recency)."""

    model = ExperienceRecord
    form = ExperienceForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExperienceRecord]:
        since = timezone.localdate() - timedelta(days=365)
        return super().get_queryset(request).filter(date__gte=since)


class CrewMemberAdminForm(forms.ModelForm):
    emergency_contact = DepthBoundJSONFormField(
        required=False, help_text='{"name", "relationship", "phone", "email"}'
    )

    class Meta:
        model = CrewMember
        fields = list(services.MEMBER_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = selectors.crew_login_candidates()  # type: ignore[attr-defined]
            self.fields["user"].help_text = "The Crew Member login that may read this record."


@admin.register(CrewMember)
class CrewMemberAdmin(CrewReportsMixin, JetOpsModelAdmin):
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
        queryset = adapter.crew_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """Expiries of the whole page at once (a fixed number of queries for any page size)."""
        changelist = super().get_changelist_instance(request)
        members = list(changelist.result_list)  # evaluated once: the rows rendered next
        expiries = adapter.expiries_by_member(members)
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
        items = adapter.expiries_by_member([member], today)[member.pk]
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
