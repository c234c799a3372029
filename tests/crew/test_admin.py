"""Crew in the admin: the list's traffic light at a fixed query count, the expiring and roster
reports, legality-checked assignment through the service (overrides with step-up), the
models' row rules on the add and change pages, inline rows with history, removal through
services."""

from __future__ import annotations

import ipaddress
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP

from crew import services
from crew.adapter import rules_in_force
from crew.admin.reports import HoursAgainstLimit, calendar_periods
from crew.expiries import end_of_month_after, first_of_month_after
from crew.models import (
    CrewAssignment,
    CrewAvailability,
    CrewExpiryAlert,
    CrewMember,
    DutyPeriod,
    LegalityRuleSet,
    License,
)
from flights.models import TripEvent
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, EncryptedTOTPDevice, RoleGroup
from jetops.roles import Role
from tests.builders import admin_login, book, future, make_crew, next_code, qualified

pytestmark = pytest.mark.django_db

INLINES = ("licenses", "ratings", "medicals", "training", "experience")


@pytest.fixture
def admin_client(client, admin_user):
    return admin_login(client, admin_user)


@pytest.fixture
def ops_client(client, ops_user):
    return admin_login(client, ops_user)


@pytest.fixture
def flight(client_a, jet):
    return book(client_a, jet)


def expiring_captain(employee_id: str = "E9", name: str = "Expiring Medical") -> CrewMember:
    """A captain under 40 whose first-class medical (12 months) ends this month."""
    today = timezone.localdate()
    exam = first_of_month_after(today, -12)
    return make_crew(
        employee_id,
        name=name,
        date_of_birth=date(today.year - 30, 1, 1),
        qualifications=qualified() | {"medical": {"medical_class": 1, "exam_date": exam}},
    )


def management(prefix: str, initial: int = 0, total: int | None = None) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(initial if total is None else total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def member_form(**overrides) -> dict[str, str]:
    data = {
        "employee_id": "E500",
        "name": "Ada Airline",
        "position": "captain",
        "date_of_birth": "1980-04-02",
        "home_base": "KTEB",
        "user": "",
        "is_active": "on",
        "contact_info": '{"email": "ada@crew.example"}',
        "emergency_contact": '{"name": "Sam", "phone": "+12125550111"}',
        "notes": "",
    }
    for prefix in INLINES:
        data.update(management(prefix))
    data.update(overrides)
    return data


# ---------------------------------------------------------------- pages


def day_off(member: CrewMember, start) -> CrewAvailability:
    return services.availability_add(
        member=member, kind="day_off", start=start, end=start + timedelta(days=1), actor=None
    ).period


@pytest.mark.parametrize(
    "path",
    [
        "/admin/crew/crewmember/",
        "/admin/crew/crewmember/?position__exact=captain&is_active__exact=1&home_base__icao__exact=KTEB",
        "/admin/crew/crewmember/?q=E1",
        "/admin/crew/crewmember/add/",
        "/admin/crew/crewmember/{member}/change/",
        "/admin/crew/crewmember/{member}/history/",
        "/admin/crew/crewmember/expiring/",
        "/admin/crew/crewmember/expiring/?days=400",
        "/admin/crew/crewmember/expiring/?days=nonsense",
        "/admin/crew/crewmember/roster/",
        "/admin/crew/crewmember/roster/?date_from=2026-01-01&date_to=2026-02-01",
        "/admin/crew/crewmember/roster/?date_from=2026-01-01&date_to=2026-12-31",
        "/admin/crew/crewassignment/",
        "/admin/crew/crewassignment/?role__exact=PIC&overridden__exact=0",
        "/admin/crew/crewassignment/add/",
        "/admin/crew/crewassignment/{assignment}/change/",
        "/admin/crew/crewassignment/{assignment}/delete/",
        "/admin/crew/dutyperiod/",
        "/admin/crew/dutyperiod/add/",
        "/admin/crew/dutyperiod/{duty}/change/",
        "/admin/crew/crewavailability/",
        "/admin/crew/crewavailability/add/",
        "/admin/crew/crewavailability/{period}/change/",
        "/admin/crew/legalityruleset/",
        "/admin/crew/legalityruleset/add/",
        "/admin/crew/legalityruleset/{ruleset}/change/",
        "/admin/crew/crewexpiryalert/",
        "/admin/crew/crewexpiryalert/{alert}/change/",
        "/admin/flights/flight/{flight}/change/",
        "/admin/autocomplete/?app_label=crew&model_name=crewassignment&field_name=crew_member&term=crew",
    ],
)
def test_admin_pages_load(admin_client, flight, path):
    member = make_crew("E1")
    assignment = services.crew_assign(flight=flight, member=member, role="PIC", actor=None)
    start = future(20, 0)
    duty = services.duty_record(
        member=member, actor=None, kind="office", report_at=start, release_at=start + timedelta(hours=8)
    )
    period = day_off(member, start + timedelta(days=2))
    ruleset = LegalityRuleSet.objects.create(name="Company", effective_from=date(2026, 1, 1))
    alert = CrewExpiryAlert.objects.create(
        crew_member=member, item="medical", label="Medical", expires_on=date(2027, 1, 31), days_before=60
    )
    url = path.format(
        member=member.pk,
        assignment=assignment.pk,
        flight=flight.pk,
        duty=duty.pk,
        period=period.pk,
        ruleset=ruleset.pk,
        alert=alert.pk,
    )
    response = admin_client.get(url)
    assert response.status_code == 200, url


def test_roster_range_is_limited(admin_client):
    response = admin_client.get("/admin/crew/crewmember/roster/?date_from=2026-01-01&date_to=2026-06-01")
    assert response.status_code == 200
    assert "At most 92 days at a time." in response.content.decode()


def test_crew_user_cannot_open_the_reports(client, crew_user):
    client.force_login(crew_user)
    for url in ["/admin/crew/crewmember/expiring/", "/admin/crew/crewmember/roster/"]:
        assert client.get(url).status_code == 302  # to the admin login: not staff


# ---------------------------------------------------------------- the crew list


@pytest.mark.parametrize("count", [5, 20])
def test_crew_list_traffic_light_at_a_fixed_query_count(admin_client, count, django_assert_max_num_queries):
    # given: healthy crew, and one captain whose medical ends this month
    for i in range(count - 1):
        make_crew(f"E{i:02d}")
    expiring_captain()
    # when
    with django_assert_max_num_queries(17):
        response = admin_client.get("/admin/crew/crewmember/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("●") == count
    assert "#dc2626" in page or "#d97706" in page  # red or amber: the expiring medical
    assert "#16a34a" in page  # green: the others
    assert "Class 1 medical privileges" in page
    assert "Expiring qualifications" in page
    assert "/admin/crew/crewmember/roster/" in page


def test_expiring_view_lists_the_expiring_medical(admin_client):
    member = expiring_captain()
    make_crew("E1", name="Healthy Crew")
    inactive = expiring_captain("E2", name="Gone Crew")
    services.crew_member_update(member=inactive, actor=None, is_active=False)
    response = admin_client.get("/admin/crew/crewmember/expiring/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.member.pk, r.item.key) for r in rows] == [(member.pk, "medical")]
    today = timezone.localdate()
    assert rows[0].days_left == (end_of_month_after(today, 0) - today).days
    page = response.content.decode()
    assert "Expiring Medical" in page
    assert "14 CFR 61.23(d)" in page
    assert "Healthy Crew" not in page
    assert "Gone Crew" not in page


def test_expiring_view_days_parameter(admin_client):
    make_crew("E1", name="Healthy Crew")
    rows = admin_client.get("/admin/crew/crewmember/expiring/?days=400").context["rows"]
    assert {r.item.key for r in rows} >= {"medical", "check:instrument_proficiency_check", "recency:C25B"}
    assert [r.days_left for r in rows] == sorted(r.days_left for r in rows)


# ---------------------------------------------------------------- roster


def test_roster_totals_an_assigned_flight(admin_client, flight, django_assert_max_num_queries):
    captain = make_crew("E1", name="Rostered Captain")
    make_crew("E2", name="Idle Captain")
    attendant = make_crew("E3", position="flight_attendant", recent_landings=None)
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    hours = round((flight.arrival_at - flight.departure_at).total_seconds() / 3600, 2)

    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/crew/crewmember/roster/")

    assert response.status_code == 200
    rows = {row.member.pk: row for row in response.context["rows"]}
    row = rows[captain.pk]
    assert (row.flights, row.flight_hours) == (1, hours)
    assert row.duty_hours == round(hours + 1.5, 2)  # reported 60 min before, released 30 after
    quarter_start, quarter_end, year_start, year_end, _name = calendar_periods(
        timezone.now(), rules_in_force(timezone.localdate()).calendar_tz
    )
    assert row.quarter.hours == (hours if quarter_start <= flight.departure_at < quarter_end else 0)
    assert row.year.hours == (hours if year_start <= flight.departure_at < year_end else 0)
    assert str(row.quarter).endswith(" / 500 h")
    assert str(row.year).endswith(" / 1400 h")
    idle = rows[next(pk for pk in rows if pk not in (captain.pk, attendant.pk))]
    assert (idle.flights, idle.flight_hours, idle.duty_hours) == (0, 0, 0)
    assert idle.quarter is not None
    assert idle.quarter.hours == 0
    assert (rows[attendant.pk].quarter, rows[attendant.pk].year) == (None, None)  # pilots' limits
    assert f"{hours:.1f}" in response.content.decode()


@pytest.mark.parametrize("count", [3, 15])
def test_roster_query_count_does_not_grow(admin_client, client_a, jet, count, django_assert_max_num_queries):
    members = [make_crew(f"E{i:02d}") for i in range(count)]
    for day, member in enumerate(members[:3], start=2):
        dep, arr = ("KTEB", "KDJT") if day % 2 == 0 else ("KDJT", "KTEB")
        flight = book(client_a, jet, days=day, dep=dep, arr=arr)
        services.crew_assign(flight=flight, member=member, role="PIC", actor=None)
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/crew/crewmember/roster/")
    assert len(response.context["rows"]) == count
    assert sum(row.flights for row in response.context["rows"]) == 3


def test_roster_colours_hours_near_the_limit(admin_client):
    assert HoursAgainstLimit(449.0, 500, 0.9).colour == ""
    assert HoursAgainstLimit(451.0, 500, 0.9).colour == "#d97706"
    assert HoursAgainstLimit(501.0, 500, 0.9).colour == "#dc2626"
    assert str(HoursAgainstLimit(123.44, 500, 0.9)) == "123.4 / 500 h"


# ---------------------------------------------------------------- assignments


def assign(client, flight, member, role="PIC", override_reason="", otp_code="", **extra):
    return client.post(
        "/admin/crew/crewassignment/add/",
        {
            "flight": flight.pk,
            "crew_member": member.pk,
            "role": role,
            "override_reason": override_reason,
            "otp_code": otp_code,
        },
        **extra,
    )


REASON = "Medical renewed, paper on file"


def override(client, flight, member, otp_code: str):
    return assign(client, flight, member, override_reason=REASON, otp_code=otp_code)


def spent_code(user) -> str:
    """The code of the last time step the user's device accepted (at login)."""
    device = EncryptedTOTPDevice.objects.get(user=user)
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = device.t0 + device.last_t * device.step
    return f"{generator.token():0{device.digits}d}"


def unqualified_captain(employee_id: str = "E1") -> CrewMember:
    return make_crew(employee_id, qualifications={k: v for k, v in qualified().items() if k != "medical"})


def step_ups(outcome: str) -> int:
    return ActivityLog.objects.filter(action=ActivityAction.STEP_UP, outcome=outcome).count()


def test_add_form_assigns_a_legal_crew_member(ops_client, ops_user, flight):
    captain = make_crew("E1")
    response = assign(ops_client, flight, captain)
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = CrewAssignment.objects.get()
    assert (assignment.crew_member, assignment.role, assignment.overridden) == (captain, "PIC", False)
    assert assignment.assigned_by == ops_user
    assert assignment.history.latest().history_user == ops_user
    assert TripEvent.objects.get(kind="crew").detail["action"] == "assigned"


def test_add_form_shows_the_rule_an_illegal_assignment_breaks(ops_client, flight):
    unrated = make_crew(
        "E1", position="first_officer", qualifications=qualified(aircraft_type="GLF6", rating="SIC")
    )
    no_medical = make_crew("E2", qualifications={k: v for k, v in qualified().items() if k != "medical"})

    first = assign(ops_client, flight, unrated, role="SIC")
    second = assign(ops_client, flight, no_medical, role="PIC")

    assert first.status_code == 200
    assert "14 CFR 61.55(a)" in first.content.decode()
    assert "Refused: these rules are broken." in first.content.decode()
    assert second.status_code == 200
    assert "14 CFR 61.23(d)" in second.content.decode()
    assert not CrewAssignment.objects.exists()


def test_override_reason_needs_the_override_permission(ops_client, ops_user, flight):
    group = RoleGroup.objects.get(bit=int(Role.OPERATIONS_MANAGER)).group
    group.permissions.remove(Permission.objects.get(codename="override_legality"))
    no_medical = unqualified_captain()

    response = override(ops_client, flight, no_medical, next_code(ops_user))

    assert response.status_code == 200
    assert "You may not override crew legality" in response.content.decode()
    assert not CrewAssignment.objects.exists()
    assert not TripEvent.objects.filter(kind="crew").exists()
    assert step_ups(ActivityOutcome.SUCCESS) == step_ups(ActivityOutcome.FAILURE) == 0  # code not spent


def test_without_the_permission_no_code_is_asked_for(ops_client, ops_user, flight):
    """Whether a user may override is the service's decision alone (as for the API): without
    the permission the refusal says so, whatever the code field holds."""
    group = RoleGroup.objects.get(bit=int(Role.OPERATIONS_MANAGER)).group
    group.permissions.remove(Permission.objects.get(codename="override_legality"))

    response = override(ops_client, flight, unqualified_captain(), "")

    assert response.status_code == 200
    page = response.content.decode()
    assert "You may not override crew legality" in page
    assert "two-factor verification" not in page
    assert not CrewAssignment.objects.exists()


def test_override_with_the_permission_records_the_violations(ops_client, ops_user, flight):
    no_medical = unqualified_captain()
    response = override(ops_client, flight, no_medical, next_code(ops_user))
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = CrewAssignment.objects.get()
    assert assignment.overridden is True
    assert assignment.override_reason == REASON
    assert "14 CFR 61.23(d)" in [v["rule"] for v in assignment.violations]
    assert assignment.history.latest().history_user == ops_user
    step_up = ActivityLog.objects.get(action=ActivityAction.STEP_UP)
    assert (step_up.user, step_up.outcome, step_up.detail) == (
        ops_user,
        ActivityOutcome.SUCCESS,
        {"via": "admin"},
    )


@override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
def test_override_from_outside_the_allow_list_is_refused(ops_client, ops_user, flight):
    response = assign(
        ops_client,
        flight,
        unqualified_captain(),
        override_reason=REASON,
        otp_code=next_code(ops_user),
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200
    assert "You may not override crew legality from your network" in response.content.decode()
    assert not CrewAssignment.objects.exists()
    assert step_ups(ActivityOutcome.SUCCESS) == step_ups(ActivityOutcome.FAILURE) == 0  # code not spent


def test_override_is_recorded_with_the_address(ops_client, ops_user, flight):
    override(ops_client, flight, unqualified_captain(), next_code(ops_user))
    row = ActivityLog.objects.get(action=ActivityAction.LEGALITY_OVERRIDE)
    assert (row.user, row.ip, row.subject_id) == (ops_user, "127.0.0.1", str(CrewAssignment.objects.get().pk))


def test_add_page_asks_for_the_authenticator_code(ops_client):
    page = ops_client.get("/admin/crew/crewassignment/add/").content.decode()
    assert 'name="otp_code"' in page
    assert "Authenticator code" in page


@pytest.mark.parametrize("code", ["", "wrong", "login"])
def test_override_without_a_valid_code_is_refused(ops_client, ops_user, flight, code):
    # given: no code, a wrong one, or the one spent logging in
    otp_code = {
        "": "",
        "wrong": f"{(int(next_code(ops_user)) + 1) % 10**6:06d}",
        "login": spent_code(ops_user),
    }[code]
    # when
    response = override(ops_client, flight, unqualified_captain(), otp_code)
    # then
    assert response.status_code == 200
    page = response.content.decode()
    if code:
        assert "The code is wrong or was already used." in page
        assert step_ups(ActivityOutcome.FAILURE) == 1
    else:  # the service's step-up refuses, on the code field
        assert "This operation needs a two-factor verification" in page
        assert not ActivityLog.objects.filter(action=ActivityAction.STEP_UP).exists()
    assert not CrewAssignment.objects.exists()
    assert not TripEvent.objects.filter(kind="crew").exists()


def test_an_override_code_works_once(ops_client, ops_user, client_a, jet):
    first_flight = book(client_a, jet)
    second_flight = book(client_a, jet, days=12, dep="KDJT", arr="KTEB")
    member = unqualified_captain()
    code = next_code(ops_user)

    first = override(ops_client, first_flight, member, code)
    second = override(ops_client, second_flight, member, code)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "The code is wrong or was already used." in second.content.decode()
    assert list(CrewAssignment.objects.values_list("flight", flat=True)) == [first_flight.pk]


def test_assignments_are_not_edited_and_are_removed_through_the_service(ops_client, ops_user, flight):
    assignment = services.crew_assign(flight=flight, member=make_crew("E1"), role="PIC", actor=None)
    url = f"/admin/crew/crewassignment/{assignment.pk}/"
    assert ops_client.post(url + "change/", {"role": "SIC"}).status_code == 403
    response = ops_client.post(url + "delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CrewAssignment.objects.exists()
    removed = TripEvent.objects.get(kind="crew", detail__action="removed")
    assert removed.actor == ops_user
    assert CrewAssignment.history.filter(history_type="-").get().history_user == ops_user


def test_flight_page_shows_its_crew_and_an_assign_link(ops_client, flight):
    captain = make_crew("E1", name="Flight Deck Captain")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    page = ops_client.get(f"/admin/flights/flight/{flight.pk}/change/").content.decode()
    assert "Flight Deck Captain" in page
    assert f"/admin/crew/crewassignment/add/?flight={flight.pk}" in page
    add_page = ops_client.get(f"/admin/crew/crewassignment/add/?flight={flight.pk}").content.decode()
    assert flight.flight_number in add_page


# ---------------------------------------------------------------- crew members


def test_add_crew_member_with_inline_rows_records_the_admin_user(admin_client, admin_user):
    data = member_form(
        **management("licenses", total=1),
        **{"licenses-0-kind": "atp", "licenses-0-number": "3104101", "licenses-0-authority": "FAA"},
        **management("ratings", total=1),
        **{"ratings-0-aircraft_type": "c25b", "ratings-0-role": "PIC"},
    )
    response = admin_client.post("/admin/crew/crewmember/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    member = CrewMember.objects.get(employee_id="E500")
    assert member.emergency_contact == {"name": "Sam", "phone": "+12125550111"}
    assert member.history.latest().history_user == admin_user
    assert [(r.aircraft_type, r.role) for r in member.ratings.all()] == [("C25B", "PIC")]
    assert License.history.get().history_user == admin_user


def change_form(member: CrewMember, **overrides) -> dict[str, str]:
    """The change form of ``member`` as posted unchanged, then ``overrides``."""
    data = member_form(employee_id=member.employee_id)
    for prefix in INLINES:
        rows = getattr(member, prefix).all()
        data.update(management(prefix, initial=len(rows)))
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = str(row.pk)
            data[f"{prefix}-{index}-crew_member"] = str(member.pk)
            for field in row._meta.concrete_fields:
                if field.name in ("id", "crew_member", "created_at", "updated_at"):
                    continue
                value = getattr(row, field.attname)
                data[f"{prefix}-{index}-{field.name}"] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_change_crew_member_goes_through_the_service(admin_client, admin_user, crew_user):
    member = make_crew("E1")
    data = change_form(member, name="Renamed", user=str(crew_user.pk))
    response = admin_client.post(f"/admin/crew/crewmember/{member.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:4000]
    member.refresh_from_db()
    assert (member.name, member.user) == ("Renamed", crew_user)
    assert member.history.latest().history_user == admin_user
    assert member.training.count() == 5


def test_user_must_hold_the_crew_role(admin_client, ops_user):
    response = admin_client.post("/admin/crew/crewmember/add/", member_form(user=str(ops_user.pk)))
    assert response.status_code == 200
    assert not CrewMember.objects.exists()


def test_flight_attendants_hold_no_ratings(admin_client):
    data = member_form(
        position="flight_attendant",
        **management("ratings", total=1),
        **{"ratings-0-aircraft_type": "C25B", "ratings-0-role": "SIC"},
    )
    response = admin_client.post("/admin/crew/crewmember/add/", data)
    assert response.status_code == 200
    assert "Flight attendants hold no type ratings." in response.content.decode()
    assert not CrewMember.objects.exists()


# The rules of qualification rows are the models' clean(). On the add page the rows are
# validated before the member exists, so the checks that need the member are the formset's
# (crew.admin.members.AddPageFormSet); on the change page the models make them.


def new_row(prefix: str, **fields: str) -> dict[str, str]:
    """One new inline row on a form whose ``prefix`` rows are otherwise empty."""
    return {**management(prefix, total=1), **{f"{prefix}-0-{name}": value for name, value in fields.items()}}


def added_row(member: CrewMember, prefix: str, **fields: str) -> dict[str, str]:
    """One new inline row after ``member``'s existing ``prefix`` rows on its change form."""
    initial = getattr(member, prefix).count()
    data = {f"{prefix}-{initial}-{name}": value for name, value in fields.items()}
    return data | {f"{prefix}-TOTAL_FORMS": str(initial + 1)}


def post_change(client, member: CrewMember, **overrides: str):
    return client.post(f"/admin/crew/crewmember/{member.pk}/change/", change_form(member, **overrides))


def test_a_flight_attendant_with_ratings_is_refused_on_the_change_page(admin_client):
    # given: a captain with a rating, changed into a flight attendant on the same form
    member = make_crew("E1")
    # when
    response = post_change(admin_client, member, position="flight_attendant")
    # then: TypeRating.clean saw the posted position
    assert response.status_code == 200
    assert response.content.decode().count("Flight attendants hold no type ratings.") == 1
    member.refresh_from_db()
    assert member.position == "captain"


def test_a_flight_attendant_may_drop_the_ratings_while_changing_position(admin_client):
    member = make_crew("E1")
    response = post_change(admin_client, member, position="flight_attendant", **{"ratings-0-DELETE": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert (member.position, member.ratings.count()) == ("flight_attendant", 0)


def test_a_medical_before_the_date_of_birth_is_refused_on_the_add_page(admin_client):
    data = member_form(**new_row("medicals", medical_class="1", exam_date="1979-12-31"))
    response = admin_client.post("/admin/crew/crewmember/add/", data)
    assert response.status_code == 200
    assert "The medical exam is before the date of birth." in response.content.decode()
    assert not CrewMember.objects.exists()


@pytest.mark.parametrize("change", ["date_of_birth", "exam_date"])
def test_a_medical_before_the_date_of_birth_is_refused_on_the_change_page(admin_client, change):
    # given: a member born in 1980 whose medical is 20 days old
    member = make_crew("E1")
    exam = member.medicals.get()
    # when: the date of birth moves after the exam, or an earlier exam is added
    overrides = (
        {"date_of_birth": (exam.exam_date + timedelta(days=1)).isoformat()}
        if change == "date_of_birth"
        else added_row(member, "medicals", medical_class="1", exam_date="1979-12-31")
    )
    response = post_change(admin_client, member, **overrides)
    # then
    assert response.status_code == 200
    assert response.content.decode().count("The medical exam is before the date of birth.") == 1
    member.refresh_from_db()
    assert (member.date_of_birth, member.medicals.count()) == (date(1980, 6, 1), 1)


FUTURE_ROWS = {
    "medicals": ({"medical_class": "1"}, "exam_date", "An exam date cannot be in the future."),
    "training": ({"kind": "line_check"}, "completed_on", "A completion cannot be in the future."),
    "experience": (
        {"aircraft_type": "C25B", "landings": "1", "takeoffs": "0", "night_takeoffs": "0"}
        | {"night_landings": "0", "approaches": "0", "source": "simulator"},
        "date",
        "Experience cannot be recorded for a future date.",
    ),
}


@pytest.mark.parametrize("page", ["add", "change"])
@pytest.mark.parametrize("prefix", list(FUTURE_ROWS))
def test_future_dates_are_refused(admin_client, page, prefix):
    fields, date_field, message = FUTURE_ROWS[prefix]
    row = fields | {date_field: (timezone.localdate() + timedelta(days=1)).isoformat()}
    if page == "add":
        response = admin_client.post("/admin/crew/crewmember/add/", member_form(**new_row(prefix, **row)))
    else:
        member = make_crew("E1")
        before = getattr(member, prefix).count()
        response = post_change(admin_client, member, **added_row(member, prefix, **row))
        assert getattr(member, prefix).count() == before
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CrewMember.objects.filter(employee_id="E500").exists() is False


@pytest.mark.parametrize("page", ["add", "change"])
def test_experience_must_count_something(admin_client, page):
    row = {"date": timezone.localdate().isoformat(), "aircraft_type": "C25B", "source": "simulator"}
    row |= dict.fromkeys(("takeoffs", "landings", "night_takeoffs", "night_landings", "approaches"), "0")
    if page == "add":
        response = admin_client.post(
            "/admin/crew/crewmember/add/", member_form(**new_row("experience", **row))
        )
    else:
        member = make_crew("E1")
        response = post_change(admin_client, member, **added_row(member, "experience", **row))
        assert member.experience.count() == 1
    assert response.status_code == 200
    assert "Record at least one takeoff, landing or instrument task." in response.content.decode()
    assert not CrewMember.objects.filter(employee_id="E500").exists()


def test_crew_members_are_not_deleted(admin_client):
    member = make_crew("E1")
    assert admin_client.get(f"/admin/crew/crewmember/{member.pk}/delete/").status_code == 403


# ---------------------------------------------------------------- duties, availability, rules


def test_availability_conflict_is_a_form_error(ops_client, ops_user):
    member = make_crew("E1")
    start = future(5, 0)
    services.availability_add(
        member=member, kind="vacation", start=start, end=start + timedelta(days=3), actor=None
    )
    later = start + timedelta(days=1)
    data = {
        "crew_member": member.pk,
        "kind": "day_off",
        "start_0": later.date().isoformat(),
        "start_1": "00:00:00",
        "end_0": (later + timedelta(days=1)).date().isoformat(),
        "end_1": "00:00:00",
        "remarks": "",
    }
    response = ops_client.post("/admin/crew/crewavailability/add/", data)
    assert response.status_code == 200
    assert "Overlaps vacation" in response.content.decode()
    assert CrewAvailability.objects.count() == 1

    data.update({"start_0": future(20).date().isoformat(), "end_0": future(21).date().isoformat()})
    assert ops_client.post("/admin/crew/crewavailability/add/", data).status_code == 302
    added = CrewAvailability.objects.get(kind="day_off")
    assert added.history.latest().history_user == ops_user


def test_duty_is_recorded_through_the_service(ops_client, ops_user):
    member = make_crew("E1")
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    data = {
        "crew_member": member.pk,
        "kind": "other_commercial",
        "report_at_0": day,
        "report_at_1": "08:00:00",
        "release_at_0": day,
        "release_at_1": "14:00:00",
        "flights": f"{day} 09:00, {day} 11:00\n{day}T12:00:00+01:00, {day} 12:00",
        "aircraft_type": "c25b",
        "overrun_minutes": "0",
        "remarks": "Flying for another operator",
    }
    assert ops_client.post("/admin/crew/dutyperiod/add/", data).status_code == 302
    duty = DutyPeriod.objects.get()
    assert (duty.aircraft_type, duty.flight_minutes) == ("C25B", 180)
    assert duty.flights == [
        {"block_out": f"{day}T09:00:00+00:00", "block_in": f"{day}T11:00:00+00:00"},
        {"block_out": f"{day}T11:00:00+00:00", "block_in": f"{day}T12:00:00+00:00"},
    ]
    assert duty.history.latest().history_user == ops_user
    overlapping = ops_client.post("/admin/crew/dutyperiod/add/", data | {"report_at_1": "09:00:00"})
    assert overlapping.status_code == 200
    assert "Overlaps another recorded duty." in overlapping.content.decode()
    garbled = ops_client.post("/admin/crew/dutyperiod/add/", data | {"flights": f"{day} 09:00"})
    assert "Line 1: give a block-out and a block-in date and time." in garbled.content.decode()
    outside = ops_client.post(
        "/admin/crew/dutyperiod/add/", data | {"report_at_0": day, "flights": f"{day} 07:00, {day} 09:00"}
    )
    assert "Every flight lies inside the duty, from report to release." in outside.content.decode()
    assert DutyPeriod.objects.count() == 1


def test_rule_set_parameters_are_validated(admin_client):
    data = {
        "name": "Company 2027",
        "effective_from": "2027-01-01",
        "parameters": '{"quarter_flight_hours": 450, "no_such_rule": 1}',
        "calendar_time_zone": "America/New_York",
        "notes": "",
    }
    response = admin_client.post("/admin/crew/legalityruleset/add/", data)
    assert response.status_code == 200
    assert "Unknown parameters: no_such_rule." in response.content.decode()
    data["parameters"] = '{"quarter_flight_hours": 450}'
    assert admin_client.post("/admin/crew/legalityruleset/add/", data).status_code == 302
    assert rules_in_force(date(2027, 2, 1)).quarter_flight_hours == 450
    assert LegalityRuleSet.objects.get().history.count() == 1


def test_duties_and_availability_are_removed_through_the_services(ops_client, ops_user, monkeypatch):
    # given
    member = make_crew("E1")
    start = future(20, 0)
    duties = [
        services.duty_record(
            member=member, actor=None, kind="office", report_at=at, release_at=at + timedelta(hours=8)
        )
        for at in (start, start + timedelta(days=1))
    ]
    period = day_off(member, start + timedelta(days=2))
    calls = []
    for name in ("duty_remove", "availability_remove"):
        original = getattr(services, name)
        monkeypatch.setattr(
            services, name, lambda original=original, name=name, **kw: calls.append(name) or original(**kw)
        )
    # when: one period from its delete page, both duties with the "delete selected" action
    one = ops_client.post(f"/admin/crew/crewavailability/{period.pk}/delete/", {"post": "yes"})
    selected = ops_client.post(
        "/admin/crew/dutyperiod/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in duties], "post": "yes"},
    )
    # then
    assert (one.status_code, selected.status_code) == (302, 302)
    assert sorted(calls) == ["availability_remove", "duty_remove", "duty_remove"]
    assert not DutyPeriod.objects.exists()
    assert not CrewAvailability.objects.exists()
    removed = [
        *DutyPeriod.history.filter(history_type="-"),
        *CrewAvailability.history.filter(history_type="-"),
    ]
    assert [h.history_user for h in removed] == [ops_user] * 3


def test_rule_sets_show_the_one_in_force_and_every_number_they_apply(admin_client):
    today = timezone.localdate()
    older = LegalityRuleSet.objects.create(name="Older", effective_from=today - timedelta(days=400))
    current = LegalityRuleSet.objects.create(
        name="Current", effective_from=today - timedelta(days=10), parameters={"line_check_months": 6}
    )
    LegalityRuleSet.objects.create(name="Next year", effective_from=today + timedelta(days=300))

    listing = admin_client.get("/admin/crew/legalityruleset/")
    page = admin_client.get(f"/admin/crew/legalityruleset/{current.pk}/change/").content.decode()

    in_force = {row.name: row.is_in_force for row in listing.context["cl"].result_list}
    assert in_force == {"Next year": False, "Current": True, "Older": False}
    assert "<b>line_check_months</b></td><td>6</td>" in page
    assert "<tr><td>medical_first_class_months_under</td><td>12</td></tr>" in page
    assert "<tr><td>recency_days</td><td>90</td></tr>" in page
    assert rules_in_force(today).line_check_months == 6
    assert older.as_rules().line_check_months == 12


def test_rule_set_without_a_set_in_force_says_the_defaults_apply(admin_client):
    response = admin_client.get("/admin/crew/legalityruleset/", follow=True)

    assert "the built-in US Part 135 defaults apply" in response.content.decode()


def test_rule_set_numbers_of_counts_must_be_whole(admin_client):
    data = {
        "name": "Company",
        "effective_from": "2027-01-01",
        "parameters": '{"recency_days": 90.5}',
        "calendar_time_zone": "UTC",
        "notes": "",
    }
    response = admin_client.post("/admin/crew/legalityruleset/add/", data)

    assert "recency_days must be a whole number." in response.content.decode()
    assert not LegalityRuleSet.objects.exists()


def test_pilot_flying_is_recorded_with_an_admin_action(ops_client, ops_user, flight):
    captain, first_officer = make_crew("E1"), make_crew("E2", position="first_officer")
    services.crew_assign(flight=flight, member=captain, role="PIC", actor=None)
    sic = services.crew_assign(flight=flight, member=first_officer, role="SIC", actor=None)
    action = {"action": "record_pilot_flying", "_selected_action": [sic.pk]}

    refused = ops_client.post("/admin/crew/crewassignment/", action, follow=True)
    type(flight).objects.filter(pk=flight.pk).update(status="completed")
    done = ops_client.post("/admin/crew/crewassignment/", action, follow=True)

    assert "recorded once the flight has flown" in refused.content.decode()
    assert "recorded as pilot flying." in done.content.decode()
    sic.refresh_from_db()
    assert sic.pilot_flying is True
    assert sic.history.latest().history_user == ops_user
    assert TripEvent.objects.filter(flight=flight, detail__action="pilot_flying").count() == 1
