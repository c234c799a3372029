"""Worked examples and properties of crew expiry arithmetic (docs/rules.md#conventions, #qualifications)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crew.expiries import (
    CheckValidity,
    Currency,
    ExperienceEvent,
    InstrumentRecencyRules,
    MedicalRules,
    MedicalValidity,
    RecencyRules,
    age_on,
    check_valid_on,
    check_validity,
    end_of_month_after,
    first_of_month_after,
    instrument_currency,
    landing_currency,
    medical_validity,
)

# -- calendar months ---------------------------------------------------------------------


def test_exam_on_15_may_valid_through_31_may_next_year() -> None:
    assert end_of_month_after(date(2025, 5, 15), 12) == date(2026, 5, 31)


def test_end_of_month_ignores_the_day_of_the_month() -> None:
    assert end_of_month_after(date(2025, 5, 1), 12) == date(2026, 5, 31)
    assert end_of_month_after(date(2025, 5, 31), 12) == date(2026, 5, 31)


def test_end_of_month_handles_february_and_leap_years() -> None:
    assert end_of_month_after(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert end_of_month_after(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert end_of_month_after(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_end_of_month_with_zero_and_negative_months() -> None:
    assert end_of_month_after(date(2025, 5, 15), 0) == date(2025, 5, 31)
    assert end_of_month_after(date(2025, 1, 15), -1) == date(2024, 12, 31)
    assert first_of_month_after(date(2025, 1, 15), -13) == date(2023, 12, 1)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)), st.integers(-600, 600))
def test_end_of_month_after_is_the_last_day_of_the_shifted_month(d: date, months: int) -> None:
    result = end_of_month_after(d, months)
    assert (result + timedelta(days=1)).day == 1
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == calendar.monthrange(result.year, result.month)[1]


# -- age and medical certificates (61.23(d)) ----------------------------------------------


def test_age_counts_whole_years_and_turns_on_the_birthday() -> None:
    assert age_on(date(1984, 5, 15), date(2025, 5, 14)) == 40
    assert age_on(date(1984, 5, 15), date(2025, 5, 15)) == 41


def test_age_of_someone_born_on_29_february() -> None:
    assert age_on(date(1984, 2, 29), date(2025, 2, 28)) == 40
    assert age_on(date(1984, 2, 29), date(2025, 3, 1)) == 41
    assert age_on(date(1984, 2, 29), date(2024, 2, 29)) == 40


def test_age_before_birth_is_rejected() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(date(2000, 1, 1), date(1999, 12, 31))


def test_first_class_exam_at_41_ends_first_class_privileges_on_30_november() -> None:
    validity = medical_validity(1, date(2025, 5, 15), date(1984, 1, 20))

    assert validity == MedicalValidity(
        medical_class=1,
        exam_date=date(2025, 5, 15),
        age_at_exam=41,
        first_class_until=date(2025, 11, 30),
        second_class_until=date(2026, 5, 31),
        third_class_until=date(2027, 5, 31),
    )
    assert validity.is_valid(1, date(2025, 11, 30)) is True
    assert validity.is_valid(1, date(2025, 12, 1)) is False
    assert validity.is_valid(2, date(2025, 12, 1)) is True
    assert validity.is_valid(2, date(2026, 6, 1)) is False
    assert validity.is_valid(3, date(2027, 5, 31)) is True


def test_first_class_exam_under_40_lasts_12_months_and_third_class_60() -> None:
    validity = medical_validity(1, date(2025, 5, 15), date(1986, 1, 20))

    assert validity.age_at_exam == 39
    assert validity.first_class_until == date(2026, 5, 31)
    assert validity.second_class_until == date(2026, 5, 31)
    assert validity.third_class_until == date(2030, 5, 31)


def test_fortieth_birthday_on_the_exam_day_counts_as_40_or_over() -> None:
    validity = medical_validity(1, date(2025, 5, 15), date(1985, 5, 15))

    assert validity.age_at_exam == 40
    assert validity.first_class_until == date(2025, 11, 30)


def test_second_class_exam_gives_no_first_class_privileges() -> None:
    validity = medical_validity(2, date(2025, 3, 1), date(1970, 6, 1))

    assert validity.first_class_until is None
    assert validity.second_class_until == date(2026, 3, 31)
    assert validity.third_class_until == date(2027, 3, 31)
    assert validity.is_valid(1, date(2025, 3, 2)) is False


def test_third_class_exam_under_and_over_40() -> None:
    young = medical_validity(3, date(2025, 3, 1), date(2000, 6, 1))
    older = medical_validity(3, date(2025, 3, 1), date(1970, 6, 1))

    assert (young.second_class_until, young.third_class_until) == (None, date(2030, 3, 31))
    assert older.third_class_until == date(2027, 3, 31)


def test_medical_durations_come_from_the_rules() -> None:
    rules = MedicalRules(age_threshold=60, first_class_months_under=6)

    validity = medical_validity(1, date(2025, 5, 15), date(1984, 1, 20), rules)

    assert validity.first_class_until == date(2025, 11, 30)
    assert validity.third_class_until == date(2030, 5, 31)


def test_medical_is_not_valid_before_the_exam() -> None:
    validity = medical_validity(1, date(2025, 5, 15), date(1984, 1, 20))

    assert validity.is_valid(1, date(2025, 5, 14)) is False


def test_unknown_medical_class_is_rejected() -> None:
    with pytest.raises(ValueError, match="1, 2 or 3"):
        medical_validity(4, date(2025, 5, 15), date(1984, 1, 20))
    with pytest.raises(ValueError, match="1, 2 or 3"):
        medical_validity(1, date(2025, 5, 15), date(1984, 1, 20)).valid_through(0)


# -- recurring checks with grace (135.301(a)) ----------------------------------------------


def test_first_completion_sets_the_base_month() -> None:
    state = check_validity([date(2024, 3, 10)], 12)

    assert state == CheckValidity(
        base_month=date(2024, 3, 1),
        last_completed=date(2024, 3, 10),
        interval_months=12,
        grace_months=1,
        valid_through=date(2025, 3, 31),
    )
    assert (state.due_month, state.window_opens, state.window_closes) == (
        date(2025, 3, 1),
        date(2025, 2, 1),
        date(2025, 4, 30),
    )


def test_check_in_the_month_before_its_due_month_keeps_its_base_month() -> None:
    state = check_validity([date(2024, 3, 10), date(2025, 2, 20)], 12)

    assert state is not None
    assert state.base_month == date(2025, 3, 1)
    assert state.valid_through == date(2026, 3, 31)


def test_check_in_the_month_after_its_due_month_keeps_its_base_month() -> None:
    state = check_validity([date(2024, 3, 10), date(2025, 4, 28)], 12)

    assert state is not None
    assert (state.base_month, state.valid_through) == (date(2025, 3, 1), date(2026, 3, 31))


def test_check_completed_later_than_the_grace_month_sets_a_new_base_month() -> None:
    state = check_validity([date(2024, 3, 10), date(2025, 5, 2)], 12)

    assert state is not None
    assert (state.base_month, state.valid_through) == (date(2025, 5, 1), date(2026, 5, 31))


def test_check_completed_before_the_grace_month_sets_a_new_base_month() -> None:
    state = check_validity([date(2024, 3, 10), date(2025, 1, 31)], 12)

    assert state is not None
    assert (state.base_month, state.valid_through) == (date(2025, 1, 1), date(2026, 1, 31))


def test_repeat_check_never_moves_the_base_month_back() -> None:
    # Early-window completion credited to March 2025, then redone in February again.
    state = check_validity([date(2024, 3, 10), date(2025, 2, 3), date(2025, 2, 25)], 12)

    assert state is not None
    assert state.base_month == date(2025, 3, 1)


def test_check_valid_on_the_last_day_of_its_month_and_not_the_next_day() -> None:
    completions = [date(2024, 3, 10)]

    assert check_valid_on(completions, 12, date(2025, 3, 31)) is True
    assert check_valid_on(completions, 12, date(2025, 4, 1)) is False


def test_late_completion_in_the_grace_month_is_not_retroactive() -> None:
    completions = [date(2024, 3, 10), date(2025, 4, 15)]

    assert check_valid_on(completions, 12, date(2025, 4, 14)) is False
    assert check_valid_on(completions, 12, date(2025, 4, 15)) is True
    assert check_valid_on(completions, 12, date(2026, 3, 31)) is True
    assert check_valid_on(completions, 12, date(2026, 4, 1)) is False


def test_six_month_check_and_no_grace() -> None:
    assert check_validity([date(2025, 1, 5), date(2025, 6, 30)], 6, grace_months=0) == CheckValidity(
        base_month=date(2025, 6, 1),
        last_completed=date(2025, 6, 30),
        interval_months=6,
        grace_months=0,
        valid_through=date(2025, 12, 31),
    )


def test_no_completion_means_no_validity() -> None:
    assert check_validity([], 12) is None
    assert check_validity([date(2025, 5, 1)], 12, as_of=date(2025, 4, 30)) is None
    assert check_valid_on([], 12, date(2025, 1, 1)) is False


def test_check_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="interval_months"):
        check_validity([date(2025, 1, 1)], 0)


@given(st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), min_size=1, max_size=8))
def test_check_validity_does_not_depend_on_input_order(completions: list[date]) -> None:
    forward = check_validity(completions, 12)
    backward = check_validity(list(reversed(completions)), 12)

    assert forward == backward
    assert forward is not None
    assert forward.valid_through >= max(completions)
    assert (forward.valid_through + timedelta(days=1)).day == 1


# -- recency (61.57(a)/(b), 135.247) -------------------------------------------------------


def test_three_takeoffs_and_landings_current_for_90_days() -> None:
    events = [ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=3, landings=3)]

    status = landing_currency(events, "C56X", date(2025, 4, 10))

    assert status == Currency(current=True, valid_through=date(2025, 4, 10))
    assert status.lapses_on == date(2025, 4, 11)
    assert landing_currency(events, "C56X", date(2025, 4, 11)).current is False


def test_currency_counts_back_to_the_oldest_day_still_needed() -> None:
    events = [
        ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=1, landings=2),
        ExperienceEvent(date(2025, 2, 1), "C56X", takeoffs=2, landings=1),
        ExperienceEvent(date(2025, 3, 1), "C56X", takeoffs=1, landings=0),
    ]

    # takeoffs: 1 (Mar 1) + 2 (Feb 1) reach 3 on Feb 1; landings need Jan 10.
    assert landing_currency(events, "C56X", date(2025, 3, 2)) == Currency(
        current=True, valid_through=date(2025, 1, 10) + timedelta(days=90)
    )


def test_currency_is_per_type_and_ignores_later_events() -> None:
    events = [
        ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=3, landings=3),
        ExperienceEvent(date(2025, 1, 10), "CL35", takeoffs=3, landings=3),
        ExperienceEvent(date(2025, 5, 10), "C56X", takeoffs=3, landings=3),
    ]

    assert landing_currency(events, "C56X", date(2025, 4, 20)) == Currency(False, date(2025, 4, 10))
    assert landing_currency(events, "GLF5", date(2025, 4, 20)) == Currency(False, None)
    assert landing_currency(events, "C56X", date(2025, 5, 10)).current is True


def test_night_currency_needs_night_full_stop_landings() -> None:
    events = [
        ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=3, landings=3, night_takeoffs=3, night_landings=2)
    ]

    assert landing_currency(events, "C56X", date(2025, 1, 11), night=True) == Currency(False, None)
    events.append(ExperienceEvent(date(2025, 2, 1), "C56X", night_takeoffs=1, night_landings=1))
    assert landing_currency(events, "C56X", date(2025, 2, 2), night=True) == Currency(True, date(2025, 4, 10))


def test_135_247_a_2_night_takeoffs_and_landings_satisfy_day_recency() -> None:
    night_only = [ExperienceEvent(date(2025, 1, 10), "C56X", night_takeoffs=3, night_landings=3)]
    # Night landings recorded inside the total count once, not twice.
    both = [
        ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=2, landings=2, night_takeoffs=2, night_landings=2)
    ]

    assert landing_currency(night_only, "C56X", date(2025, 4, 10)) == Currency(True, date(2025, 4, 10))
    assert landing_currency(night_only, "C56X", date(2025, 4, 11)) == Currency(False, date(2025, 4, 10))
    assert landing_currency(both, "C56X", date(2025, 1, 11)) == Currency(False, None)


def test_recency_counts_and_days_come_from_the_rules() -> None:
    events = [ExperienceEvent(date(2025, 1, 10), "C56X", takeoffs=1, landings=1)]

    status = landing_currency(
        events, "C56X", date(2025, 1, 20), rules=RecencyRules(takeoffs=1, landings=1, days=30)
    )

    assert status == Currency(True, date(2025, 2, 9))


def test_instrument_currency_six_approaches_good_through_sixth_month_after() -> None:
    events = [ExperienceEvent(date(2025, 1, 20), "SIM", approaches=6, holding=1, intercepting_tracking=1)]

    assert instrument_currency(events, date(2025, 7, 31)) == Currency(True, date(2025, 7, 31))
    assert instrument_currency(events, date(2025, 8, 1)) == Currency(False, date(2025, 7, 31))


def test_instrument_currency_needs_holding_and_tracking_too() -> None:
    events = [
        ExperienceEvent(date(2025, 1, 20), "C56X", approaches=4, intercepting_tracking=1),
        ExperienceEvent(date(2025, 3, 5), "CL35", approaches=2),
    ]

    assert instrument_currency(events, date(2025, 3, 6)) == Currency(False, None)
    events.append(ExperienceEvent(date(2025, 2, 10), "C56X", holding=1))
    assert instrument_currency(events, date(2025, 3, 6)) == Currency(True, date(2025, 7, 31))


def test_instrument_recency_parameters_come_from_the_rules() -> None:
    events = [ExperienceEvent(date(2025, 1, 20), "C56X", approaches=3)]
    rules = InstrumentRecencyRules(approaches=3, holding=0, intercepting_tracking=0, months=3)

    assert instrument_currency(events, date(2025, 2, 1), rules=rules) == Currency(True, date(2025, 4, 30))


def test_negative_experience_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="landings"):
        ExperienceEvent(date(2025, 1, 1), "C56X", landings=-1)
