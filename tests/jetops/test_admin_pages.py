"""Every admin page a super admin can reach answers without a server error: the changelist,
the add page, and an empty add form posted back (a refusal, never a 500). A change that a
service refuses, posted to each admin that has a service, is shown on the page (form error or
message) and changes nothing."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib import admin
from django.forms import inlineformset_factory
from django.urls import reverse

from clients import services as client_services
from clients.models import Client, Passenger
from crew import services as crew_services
from crew.admin.assignments import CrewAssignmentAdmin
from fleet import services as fleet_services
from fleet.models import Aircraft
from flights.models import Flight, Quote
from flights.services.manifest import manifest_set
from flights.services.quotes import quote_create, quote_decline
from flights.services.status import flight_status_change
from jetops.admin import Refusal, RefusedFormSet
from jetops.critical import operator_context
from jetops.models import ActivityLog, User
from jetops.permissions import user_can
from jetops.roles import Role
from tests.admin_forms import shown
from tests.builders import (
    admin_login,
    book,
    future,
    make_aircraft,
    make_crew,
    make_user,
    next_code,
    qualified,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry  # type: ignore[attr-defined]
)


#: Records the system writes (alerts, status changes, the security log, airports loaded from
#: their package, feedback clients submit, authenticators users enrol): no add page, even for
#: a role that holds the permission.
NO_ADD_PAGE = {
    # records written by a service from another screen (an invoice's "record payment", an
    # aircraft's time correction, a sign-off) or by the system (alerts, reminders, webhooks)
    ("finance", "dunningreminder"),
    ("finance", "gatewayevent"),
    ("finance", "payment"),
    ("maintenance", "compliancerecord"),
    ("maintenance", "maintenancealert"),
    ("maintenance", "timecorrection"),
    ("maintenance", "trackeditem"),
    ("planning", "flightplan"),
    ("planning", "weatheralert"),
    ("crew", "crewexpiryalert"),
    ("fleet", "aircraftdocumentalert"),
    ("fleet", "aircraftstatuschange"),
    ("fleet", "airport"),
    ("flights", "feedback"),
    ("jetops", "activitylog"),
    ("jetops", "encryptedtotpdevice"),
}


@pytest.fixture
def root_client(client, admin_user):
    return admin_login(client, admin_user)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_admin_pages_answer(root_client, admin_user, app_label, model_name):
    # given: what the super admin's role grants (none of an app no role grants: token blacklist)
    may_view = user_can(admin_user, f"{app_label}.view_{model_name}") or user_can(
        admin_user, f"{app_label}.change_{model_name}"
    )
    may_add = (
        user_can(admin_user, f"{app_label}.add_{model_name}") and (app_label, model_name) not in NO_ADD_PAGE
    )
    # when
    changelist = root_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add_url = reverse(f"admin:{app_label}_{model_name}_add")
    add = root_client.get(add_url)
    # then: a 403 only where the role lacks the permission (or the admin offers no add page)
    assert changelist.status_code == (200 if may_view else 403)
    assert add.status_code == (200 if may_add else 403)
    if may_add:
        posted = root_client.post(add_url, {})
        assert posted.status_code in (200, 302)


# ---------------------------------------------------------------- a service refuses


def table_counts() -> dict[str, int]:
    """Rows in every table (history and the admin log included), but the security log, which
    records refused attempts too (a wrong authenticator code, a critical operation refused)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in django_apps.get_models()
        if model is not ActivityLog
    }


def erased_client() -> Client:
    client = client_services.client_create(actor=None, contact_person="Erin Erased", email="erin@example.com")
    return client_services.client_erase(client=client, actor=None, meta=operator_context("tests"))


def booked(**kwargs: Any) -> Flight:
    client = client_services.client_create(actor=None, contact_person="Bo Booked", email="bo@example.com")
    return book(client, make_aircraft(current_location="KTEB"), **kwargs)


def case_client_change_on_an_erased_account(root):
    client = erased_client()
    url = f"/admin/clients/client/{client.pk}/change/"
    return url, {**shown(root.get(url)), "vip_status": "vip"}


def case_client_passenger_row_on_a_manifest_deleted(root):
    flight = booked()
    passenger = client_services.passenger_create(
        client=flight.client, actor=None, first_name="Mo", last_name="Manifest"
    )
    manifest_set(flight=flight, entries=[{"passenger": passenger.pk}], actor=None)
    url = f"/admin/clients/client/{flight.client.pk}/change/"
    return url, {**shown(root.get(url)), "passengers-0-DELETE": "on"}


def case_client_erase_action_under_legal_hold(root):
    client = client_services.client_create(
        actor=None, contact_person="Hal Hold", email="hal@example.com", legal_hold=True
    )
    return "/admin/clients/client/", {
        "action": "erase_personal_data",
        "_selected_action": [client.pk],
        "erase_confirmed": "yes",
        "otp_code": next_code(User.objects.get(username="root")),
    }


def case_passenger_added_to_an_erased_account(root):
    client = erased_client()
    return "/admin/clients/passenger/add/", {
        **shown(root.get("/admin/clients/passenger/add/")),
        "client": client.pk,
        "first_name": "Pat",
        "last_name": "Late",
    }


def _blackout(aircraft: Aircraft) -> None:
    fleet_services.blackout_add(
        aircraft=aircraft,
        start=datetime(2030, 1, 1, tzinfo=UTC),
        end=datetime(2030, 1, 5, tzinfo=UTC),
        kind="aog",
        actor=None,
    )


def case_aircraft_blackout_row_over_another_kind(root):
    aircraft = make_aircraft()
    _blackout(aircraft)
    url = f"/admin/fleet/aircraft/{aircraft.pk}/change/"
    data = shown(root.get(url))
    return url, {
        **data,
        "blackouts-TOTAL_FORMS": str(int(data["blackouts-TOTAL_FORMS"]) + 1),
        "blackouts-1-kind": "owner_use",
        "blackouts-1-start_0": "2030-01-02",
        "blackouts-1-start_1": "00:00:00",
        "blackouts-1-end_0": "2030-01-03",
        "blackouts-1-end_1": "00:00:00",
        "blackouts-1-aircraft": str(aircraft.pk),
    }


def case_blackout_over_another_kind(root):
    aircraft = make_aircraft()
    _blackout(aircraft)
    return "/admin/fleet/blackout/add/", {
        "aircraft": aircraft.pk,
        "kind": "owner_use",
        "start_0": "2030-01-02",
        "start_1": "00:00:00",
        "end_0": "2030-01-03",
        "end_1": "00:00:00",
        "reason": "",
    }


def case_quote_of_an_unknown_airport(root):
    client = client_services.client_create(actor=None, contact_person="Quinn", email="q@example.com")
    make_aircraft(current_location="KTEB")
    at = future(10, 14)
    return "/admin/flights/quote/add/", {
        "client": client.pk,
        "leg1_from": "KTEB",
        "leg1_to": "ZZZZ",
        "leg1_departure_0": at.date().isoformat(),
        "leg1_departure_1": "14:00:00",
        "leg1_passengers": "2",
    }


def _quote() -> Quote:
    client = client_services.client_create(actor=None, contact_person="Quinn", email="q@example.com")
    make_aircraft(current_location="KTEB")
    leg = {
        "departure_airport": "KTEB",
        "arrival_airport": "KBOS",
        "departure_datetime": future(10),
        "passengers": 2,
    }
    quote, _ = quote_create(client=client, legs=[leg], actor=None)
    return quote


def case_quote_send_action_on_a_declined_quote(root):
    quote = quote_decline(quote=_quote(), actor=None)
    return "/admin/flights/quote/", {"action": "send_quotes", "_selected_action": [quote.pk]}


def case_quote_accept_action_on_a_declined_quote(root):
    quote = quote_decline(quote=_quote(), actor=None)
    return "/admin/flights/quote/", {"action": "accept_quotes", "_selected_action": [quote.pk]}


def case_quote_line_override_on_a_declined_quote(root):
    quote = quote_decline(quote=_quote(), actor=None)
    option = quote.options.get()
    url = f"/admin/flights/quoteoption/{option.pk}/change/"
    return url, {**shown(root.get(url)), "lines-0-amount": "1.00", "lines-0-override_reason": "goodwill"}


def case_flight_change_after_it_flew(root):
    flight = booked(at=future(10, 14))
    with time_machine.travel(flight.departure_at + timedelta(hours=2), tick=False):  # flown by then
        for status in ("departed", "arrived"):
            at = flight.departure_at + (timedelta(hours=2) if status == "arrived" else timedelta())
            flight = flight_status_change(flight=flight, status=status, at=at, actor=None)
    url = f"/admin/flights/flight/{flight.pk}/change/"
    return url, {**shown(root.get(url)), "departure_fbo": "Jet Aviation"}


def case_flight_completed_before_it_left(root):
    flight = booked()
    return "/admin/flights/flight/", {"action": "mark_completed", "_selected_action": [flight.pk]}


def case_flight_arrived_beyond_its_endurance(root):
    """Departed three days ago and never marked arrived: "arrived" now is not a block time."""
    flight = booked(at=future(-3, 14))
    with time_machine.travel(flight.departure_at, tick=False):
        flight_status_change(flight=flight, status="departed", at=flight.departure_at, actor=None)
    return "/admin/flights/flight/", {"action": "mark_arrived", "_selected_action": [flight.pk]}


def case_crew_assignment_without_a_rating(root):
    flight = booked()
    member = make_crew("R1", qualifications=qualified(aircraft_type="GLF6"))
    return "/admin/crew/crewassignment/add/", {
        "flight": flight.pk,
        "crew_member": member.pk,
        "role": "PIC",
        "override_reason": "",
        "otp_code": "",
    }


def case_crew_override_with_a_wrong_code(root):
    flight = booked()
    member = make_crew("R1", qualifications=qualified(aircraft_type="GLF6"))
    code = next_code(User.objects.get(username="root"))
    return "/admin/crew/crewassignment/add/", {
        "flight": flight.pk,
        "crew_member": member.pk,
        "role": "PIC",
        "override_reason": "Type rating checked by phone",
        "otp_code": f"{(int(code) + 1) % 10**6:06d}",
    }


def case_pilot_flying_on_a_flight_not_flown(root):
    flight = booked()
    assignment = crew_services.crew_assign(flight=flight, member=make_crew("P1"), role="PIC", actor=None)
    return "/admin/crew/crewassignment/", {
        "action": "record_pilot_flying",
        "_selected_action": [assignment.pk],
    }


def case_role_change_without_a_code(root):
    user = make_user("ops2", int(Role.OPERATIONS_MANAGER))
    url = f"/admin/jetops/user/{user.pk}/change/"
    return url, {**shown(root.get(url)), "roles": [str(int(Role.FINANCE_MANAGER))], "otp_code": ""}


def case_duty_over_another_duty(root):
    member = make_crew("D1")
    start = future(3, 8)
    crew_services.duty_record(
        member=member, actor=None, kind="office", report_at=start, release_at=start + timedelta(hours=4)
    )
    return "/admin/crew/dutyperiod/add/", {
        **shown(root.get("/admin/crew/dutyperiod/add/")),
        "crew_member": member.pk,
        "kind": "office",
        "report_at_0": start.date().isoformat(),
        "report_at_1": "09:00:00",
        "release_at_0": start.date().isoformat(),
        "release_at_1": "10:00:00",
        "flight_minutes": "0",
        "remarks": "",
    }


def case_time_off_over_time_off(root):
    member = make_crew("A1")
    start = future(5, 0)
    crew_services.availability_add(
        member=member, kind="vacation", start=start, end=start + timedelta(days=3), actor=None
    )
    return "/admin/crew/crewavailability/add/", {
        "crew_member": member.pk,
        "kind": "day_off",
        "start_0": (start + timedelta(days=1)).date().isoformat(),
        "start_1": "00:00:00",
        "end_0": (start + timedelta(days=2)).date().isoformat(),
        "end_1": "00:00:00",
        "remarks": "",
    }


REFUSED = [
    (case_client_change_on_an_erased_account, "personal data was erased"),
    # Django's inline formset refuses first (the manifest row protects the passenger).
    (case_client_passenger_row_on_a_manifest_deleted, "would require deleting the following protected"),
    (case_client_erase_action_under_legal_hold, "A legal hold is set on this client"),
    (case_passenger_added_to_an_erased_account, "personal data was erased"),
    (case_aircraft_blackout_row_over_another_kind, "overlaps blackouts of another kind"),
    (case_blackout_over_another_kind, "overlaps blackouts of another kind"),
    (case_quote_of_an_unknown_airport, "ZZZZ"),
    (case_quote_send_action_on_a_declined_quote, "A declined quote cannot be sent."),
    (case_quote_accept_action_on_a_declined_quote, "This quote is declined: it cannot be accepted."),
    (case_quote_line_override_on_a_declined_quote, "A declined quote cannot be changed."),
    (case_flight_change_after_it_flew, "A arrived flight cannot be changed."),
    (case_flight_completed_before_it_left, "A scheduled flight cannot become completed."),
    (case_flight_arrived_beyond_its_endurance, "is beyond N"),
    (case_crew_assignment_without_a_rating, "Refused: these rules are broken."),
    (case_crew_override_with_a_wrong_code, "The code is wrong or was already used."),
    (case_pilot_flying_on_a_flight_not_flown, "The pilot flying is recorded once the flight has flown."),
    (case_role_change_without_a_code, "needs a two-factor verification"),
    (case_duty_over_another_duty, "Overlaps another recorded duty."),
    (case_time_off_over_time_off, "Overlaps"),
]


@pytest.mark.parametrize(("case", "message"), REFUSED, ids=[case.__name__[5:] for case, _ in REFUSED])
def test_a_refused_change_is_shown_and_changes_nothing(root_client, case, message):
    url, data = case(root_client)
    before = table_counts()

    response = root_client.post(url, data, follow=True)

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert table_counts() == before


def test_a_refused_deletion_of_an_inline_row_shows_above_the_rows(client_a):
    # Rows marked for deletion are not validated, so the refusal of one cannot sit on the
    # row: it must still make the formset invalid, or the second pass would save it all.
    passenger = client_services.passenger_create(
        client=client_a, actor=None, first_name="Di", last_name="Del"
    )
    formset_class = inlineformset_factory(
        Client, Passenger, fields=["first_name", "last_name"], can_delete=True
    )
    refusal = Refusal({None: ["On a manifest: deactivate instead."]}, row=("passengers", 0))
    refused = type("Refused", (RefusedFormSet, formset_class), {"refusal": refusal})
    data = {
        "passengers-TOTAL_FORMS": "1",
        "passengers-INITIAL_FORMS": "1",
        "passengers-0-id": str(passenger.pk),
        "passengers-0-client": str(client_a.pk),
        "passengers-0-first_name": "Di",
        "passengers-0-last_name": "Del",
        "passengers-0-DELETE": "on",
    }

    formset = refused(data, instance=client_a, prefix="passengers")

    assert formset_class(data, instance=client_a, prefix="passengers").is_valid()
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Di Del: On a manifest: deactivate instead."]


def test_a_refused_deletion_is_a_message_and_deletes_nothing(root_client, monkeypatch):
    """The delete view goes through ``remove`` and the adapter: were the crew admin to offer
    the deletion of a departed flight's crew (it does not), the service's refusal is a
    message on the row's page, never a 500, and nothing is deleted."""
    flight = booked(at=future(-1, 14))
    assignment = crew_services.crew_assign(flight=flight, member=make_crew("X1"), role="PIC", actor=None)
    with time_machine.travel(flight.departure_at, tick=False):
        flight_status_change(flight=flight, status="departed", at=flight.departure_at, actor=None)
    monkeypatch.setattr(CrewAssignmentAdmin, "has_delete_permission", admin.ModelAdmin.has_delete_permission)
    before = table_counts()

    response = root_client.post(f"/admin/crew/crewassignment/{assignment.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/crew/crewassignment/{assignment.pk}/change/"
    page = root_client.get(response["Location"]).content.decode()
    assert html.escape(f"{assignment}: The flight is departed.") in page
    assert table_counts() == before
