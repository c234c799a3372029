"""Choices of the crew app."""

from __future__ import annotations

from django.db import models


class Position(models.TextChoices):
    CAPTAIN = "captain", "Captain"
    FIRST_OFFICER = "first_officer", "First Officer"
    FLIGHT_ATTENDANT = "flight_attendant", "Flight Attendant"


class CrewRole(models.TextChoices):
    PIC = "PIC", "Pilot in command"
    SIC = "SIC", "Second in command"
    FA = "FA", "Flight attendant"


# Which seats each position may take (the type rating then decides PIC or SIC).
POSITION_ROLES: dict[str, tuple[str, ...]] = {
    Position.CAPTAIN: (CrewRole.PIC, CrewRole.SIC),
    Position.FIRST_OFFICER: (CrewRole.PIC, CrewRole.SIC),
    Position.FLIGHT_ATTENDANT: (CrewRole.FA,),
}


class RatingRole(models.TextChoices):
    PIC = "PIC", "Pilot in command"
    SIC = "SIC", "Second in command"


class LicenseKind(models.TextChoices):
    ATP = "atp", "Airline transport pilot"
    COMMERCIAL = "commercial", "Commercial pilot"
    PRIVATE = "private", "Private pilot"
    INSTRUMENT = "instrument", "Instrument rating"
    RADIO = "radio", "Radio operator"
    PASSPORT = "passport", "Crew passport"
    OTHER = "other", "Other"


class TrainingKind(models.TextChoices):
    KNOWLEDGE_TEST = "knowledge_test", "Knowledge test (135.293(a))"
    COMPETENCY_CHECK = "competency_check", "Competency check (135.293(b))"
    INSTRUMENT_PROFICIENCY_CHECK = "instrument_proficiency_check", "Instrument proficiency check (135.297)"
    LINE_CHECK = "line_check", "Line check (135.299)"
    RECURRENT_TRAINING = "recurrent_training", "Recurrent training (135.343)"


class DutyKind(models.TextChoices):
    """Duties recorded directly; flight duties come from crew assignments."""

    POSITIONING = "positioning", "Positioning (deadhead)"
    STANDBY = "standby", "Standby"
    TRAINING = "training", "Training"
    OFFICE = "office", "Office"
    OTHER_COMMERCIAL = "other_commercial", "Other commercial flying"


class AvailabilityKind(models.TextChoices):
    DAY_OFF = "day_off", "Day off"
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick"
    STANDBY = "standby", "Standby"


UNAVAILABLE_KINDS = (AvailabilityKind.DAY_OFF, AvailabilityKind.VACATION, AvailabilityKind.SICK)


class ExperienceSource(models.TextChoices):
    SIMULATOR = "simulator", "Simulator"
    PREVIOUS_EMPLOYER = "previous_employer", "Previous employer"
    OTHER_OPERATOR = "other_operator", "Other operator"
    TRAINING = "training", "Training flight"
    OTHER = "other", "Other"
