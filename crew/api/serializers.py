"""Crew API shapes. ``qualifications`` reads and writes with exactly the seed's four keys
(``licenses``, ``ratings``, ``medical``, ``recurrent_training``); validity dates are computed,
never written."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from crew.adapter import record_of
from crew.choices import AvailabilityKind, CrewRole, DutyKind, TrainingKind
from crew.legality import DEFAULT_RULES
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewMember,
    DutyPeriod,
    ExperienceRecord,
    License,
    TypeRating,
)
from crew.qualifications import ExpiryItem, current_medical, expiry_state
from crew.services import DUTY_FIELDS, EXPERIENCE_FIELDS, MEMBER_FIELDS
from fleet.api.serializers import AirportCodeField
from fleet.models import type_designator_validator
from jetops.api.serializers import (
    EmergencyContactSerializer,
    ShapedJSONField,
    StrictModelSerializer,
    StrictSerializer,
)
from jetops.models import User


class LicenseSerializer(StrictModelSerializer):
    class Meta:
        model = License
        fields = ["kind", "number", "authority", "issued_on", "expires_on"]


class TypeDesignatorField(serializers.CharField):
    """An ICAO aircraft type designator, upper-cased before validation (``c25b`` → ``C25B``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=4, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).strip().upper()
        if not value:  # a blank one where the field allows it (a duty with no flying)
            return value
        try:
            type_designator_validator(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class RatingSerializer(StrictModelSerializer):
    aircraft_type = TypeDesignatorField()

    class Meta:
        model = TypeRating
        fields = ["aircraft_type", "role"]
        validators: list[Any] = []  # the pair's uniqueness is checked over the whole list


class MedicalSerializer(StrictSerializer):
    locals()["class"] = serializers.ChoiceField(choices=[1, 2, 3], source="medical_class")
    exam_date = serializers.DateField()  # not in the future, not before birth: MedicalCertificate.clean


class TrainingSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    completed_on = serializers.DateField()  # not in the future: TrainingRecord.clean


class QualificationsSerializer(StrictSerializer):
    licenses = LicenseSerializer(many=True, required=False)
    ratings = RatingSerializer(many=True, required=False)
    medical = MedicalSerializer(required=False, allow_null=True)
    recurrent_training = TrainingSerializer(many=True, required=False)


class ContactInfoSerializer(StrictSerializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if "phone" in value:
            value["phone"] = str(value["phone"] or "")
        return value


class UpcomingSerializer(serializers.Serializer):
    """A period of a member's ``availability``, for the schema (``POST /crew/availability``
    records them)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AvailabilityKind.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    remarks = serializers.CharField()


def expiry_json(item: ExpiryItem, today: date) -> dict[str, Any]:
    left = item.days_left(today)
    return {
        "key": item.key,
        "label": item.label,
        "rule": item.rule,
        "valid_through": item.valid_through,
        "days_left": left,
        "state": expiry_state(left),
    }


class CrewMemberSerializer(StrictModelSerializer):
    """A crew member with qualifications; ``expiries`` and ``nearest_expiry`` need the
    ``expiries`` map (member id → items) in the context, computed once per page."""

    home_base = AirportCodeField()
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    qualifications = QualificationsSerializer(required=False)
    contact_info = ShapedJSONField(ContactInfoSerializer, required=False)
    emergency_contact = ShapedJSONField(EmergencyContactSerializer, required=False, allow_null=True)
    expiries = serializers.SerializerMethodField()
    nearest_expiry = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = CrewMember
        fields = [
            "id",
            *MEMBER_FIELDS,
            "qualifications",
            "expiries",
            "nearest_expiry",
            "availability",
            "calendar_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_representation(self, instance: CrewMember) -> dict[str, Any]:
        data = super().to_representation(instance)
        medical = max(instance.medicals.all(), key=lambda m: m.exam_date, default=None)
        # Plain values (what the two serializers would give): a page builds no serializer per member.
        data["qualifications"] = {
            "licenses": [
                {
                    "kind": lic.kind,
                    "number": lic.number,
                    "authority": lic.authority,
                    "issued_on": lic.issued_on.isoformat() if lic.issued_on else None,
                    "expires_on": lic.expires_on.isoformat() if lic.expires_on else None,
                }
                for lic in instance.licenses.all()
            ],
            "ratings": [{"aircraft_type": r.aircraft_type, "role": r.role} for r in instance.ratings.all()],
            "medical": (
                {"class": medical.medical_class, "exam_date": medical.exam_date.isoformat()}
                if medical
                else None
            ),
            "recurrent_training": [
                {"kind": t.kind, "completed_on": t.completed_on.isoformat()} for t in instance.training.all()
            ],
        }
        validity = current_medical(record_of(instance, []), self.context.get("rules", DEFAULT_RULES))
        if validity is not None and data["qualifications"]["medical"] is not None:
            data["qualifications"]["medical"]["valid_through"] = {
                "first_class": validity.first_class_until,
                "second_class": validity.second_class_until,
                "third_class": validity.third_class_until,
            }
        return data

    def _items(self, member: CrewMember) -> list[dict[str, Any]]:
        today = timezone.localdate()
        return [expiry_json(i, today) for i in self.context.get("expiries", {}).get(member.pk, [])]

    def get_expiries(self, member: CrewMember) -> list[dict[str, Any]]:
        return self._items(member)

    def get_nearest_expiry(self, member: CrewMember) -> dict[str, Any] | None:
        items = self._items(member)
        return items[0] if items else None

    @extend_schema_field(UpcomingSerializer(many=True))
    def get_availability(self, member: CrewMember) -> list[dict[str, Any]]:
        """Upcoming days off, vacation, sickness and standby (prefetched as ``upcoming``)."""
        return [
            {"id": a.pk, "kind": a.kind, "start": a.start, "end": a.end, "remarks": a.remarks}
            for a in getattr(member, "upcoming", [])
        ]

    def get_calendar_url(self, member: CrewMember) -> str | None:
        request = self.context.get("request")
        if request is None:
            return None
        return request.build_absolute_uri(f"/api/v1/crew/calendar/{member.calendar_token}.ics")


class ExperienceSerializer(StrictModelSerializer):
    aircraft_type = TypeDesignatorField()

    class Meta:
        model = ExperienceRecord
        fields = ["id", *EXPERIENCE_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]


class BlockTimesSerializer(StrictSerializer):
    block_out = serializers.DateTimeField()
    block_in = serializers.DateTimeField()  # after block_out, inside the duty: DutyPeriod.clean


class DutySerializer(StrictModelSerializer):
    """A recorded duty; ``flights`` are the flights flown in it, block-out to block-in, so
    the flight-time limits see them when they were flown."""

    kind = serializers.ChoiceField(choices=DutyKind.choices)
    aircraft_type = TypeDesignatorField(required=False, allow_blank=True)
    flights = BlockTimesSerializer(many=True, required=False)
    flight_minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = DutyPeriod
        fields = ["id", *DUTY_FIELDS, "flight_minutes"]
        read_only_fields = ["id", "flight_minutes"]

    def to_representation(self, instance: DutyPeriod) -> dict[str, Any]:
        data = super().to_representation(instance)
        times = [{"block_out": off, "block_in": on} for off, on in instance.flight_times]
        data["flights"] = BlockTimesSerializer(times, many=True).data
        return data


class AvailabilitySerializer(StrictModelSerializer):
    crew_member = serializers.PrimaryKeyRelatedField(queryset=CrewMember.objects.all())
    kind = serializers.ChoiceField(choices=AvailabilityKind.choices)
    affected_flights = serializers.SerializerMethodField(
        help_text="On creation of a sickness: the assigned flights to re-crew (operations are told)."
    )

    class Meta:
        model = CrewAvailability
        fields = ["id", "crew_member", "kind", "start", "end", "remarks", "affected_flights", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_affected_flights(self, period: CrewAvailability) -> list[str]:
        return list(self.context.get("affected_flights", []))


class AssignmentSerializer(serializers.ModelSerializer):
    flight_number = serializers.CharField(source="flight.flight_number", read_only=True)
    crew_member_name = serializers.CharField(source="crew_member.name", read_only=True)
    departure_at = serializers.DateTimeField(source="flight.departure_at", read_only=True)
    arrival_at = serializers.DateTimeField(source="flight.arrival_at", read_only=True)

    class Meta:
        model = CrewAssignment
        fields = [
            "id",
            "flight",
            "flight_number",
            "crew_member",
            "crew_member_name",
            "role",
            "departure_at",
            "arrival_at",
            "overridden",
            "override_reason",
            "violations",
            "warnings",
            "overrun_minutes",
            "overrun_reason",
            "pilot_flying",
            "assigned_by",
            "created_at",
        ]
        read_only_fields = fields


class AssignRequestSerializer(StrictSerializer):
    crew_member = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=CrewRole.choices)
    override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OverrunRequestSerializer(StrictSerializer):
    overrun_minutes = serializers.IntegerField(min_value=0, max_value=24 * 60)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class UnassignRequestSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LegalityRequestSerializer(StrictSerializer):
    flights = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=50)
    role = serializers.ChoiceField(choices=CrewRole.choices)


class ResultSerializer(serializers.Serializer):
    rule = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "warn", "block"])
    detail = serializers.CharField()
    values = serializers.DictField()


class LegalityResponseSerializer(serializers.Serializer):
    legal = serializers.BooleanField()
    results = ResultSerializer(many=True)
