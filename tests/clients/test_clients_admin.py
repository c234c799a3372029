"""Client screens in the admin: lists, search, inlines, the GDPR action and register."""

from __future__ import annotations

import ipaddress
from datetime import date

import pytest
from django.test import override_settings

from clients import services
from clients.models import Client, DataRequest
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, User
from jetops.roles import SUPER_ADMIN_LEVEL
from tests.admin_forms import shown
from tests.builders import admin_login, make_user, next_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return admin_login(client, make_user("root", SUPER_ADMIN_LEVEL))


def test_client_admin_pages_load(admin_client, client_a):
    services.passenger_create(client=client_a, actor=None, first_name="Pax", last_name="One")
    services.payment_method_add(
        client=client_a,
        actor=None,
        provider="stripe",
        token="tok_x",
        last4="4242",
        exp_month=1,
        exp_year=2035,
    )
    services.data_request_create(client=client_a, kind="access", actor=None)
    for url in [
        "/admin/clients/client/",
        "/admin/clients/client/?q=alice",
        "/admin/clients/client/?vip_status__exact=standard",
        f"/admin/clients/client/{client_a.pk}/change/",
        "/admin/clients/client/add/",
        "/admin/clients/passenger/",
        "/admin/clients/datarequest/?deadline=overdue",
        f"/admin/clients/client/{client_a.pk}/history/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/clients/client/{client_a.pk}/change/").content.decode()
    assert "4242" in page
    assert "tok_x" not in page


def erase(client, clients, otp_code=None, **extra):
    data = {"action": "erase_personal_data", "_selected_action": [c.pk for c in clients]}
    if otp_code is not None:
        data.update({"erase_confirmed": "yes", "otp_code": otp_code})
    return client.post("/admin/clients/client/", data, follow=True, **extra)


def test_admin_erase_action_asks_for_the_authenticator_code(admin_client, client_a):
    page = erase(admin_client, [client_a])
    assert page.status_code == 200
    assert 'name="otp_code"' in page.content.decode()
    assert Client.objects.get(pk=client_a.pk).erased_at is None
    assert not ActivityLog.objects.filter(action=ActivityAction.DATA_ERASURE).exists()


def test_admin_erase_action_respects_legal_hold(admin_client, client_a, client_b):
    services.client_update(client=client_b, actor=None, legal_hold=True, legal_hold_reason="audit")
    root = User.objects.get(username="root")
    response = erase(admin_client, [client_a, client_b], next_code(root))
    assert response.status_code == 200
    assert Client.objects.get(pk=client_a.pk).erased_at is not None
    assert Client.objects.get(pk=client_b.pk).erased_at is None
    assert "A legal hold is set on this client (audit)" in response.content.decode()
    row = ActivityLog.objects.get(action=ActivityAction.DATA_ERASURE)
    assert (row.user, row.ip, row.subject_id) == (root, "127.0.0.1", str(client_a.pk))


def test_admin_erase_with_a_wrong_code_erases_nothing(admin_client, client_a, client_b):
    root = User.objects.get(username="root")
    wrong = f"{(int(next_code(root)) + 1) % 10**6:06d}"
    response = erase(admin_client, [client_a, client_b], wrong)
    assert "The code is wrong or was already used. Nothing more was erased." in response.content.decode()
    assert not Client.objects.filter(erased_at__isnull=False).exists()
    assert ActivityLog.objects.get(action=ActivityAction.STEP_UP).outcome == ActivityOutcome.FAILURE


@override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
def test_admin_erase_from_outside_the_allow_list_erases_nothing(admin_client, client_a):
    root = User.objects.get(username="root")
    response = erase(admin_client, [client_a], next_code(root), REMOTE_ADDR="192.0.2.7")
    assert "You may not erase personal data from your network" in response.content.decode()
    client_a.refresh_from_db()
    assert (client_a.erased_at, client_a.contact_person) == (None, "Alice Anders")
    assert not ActivityLog.objects.filter(action=ActivityAction.DATA_ERASURE).exists()


@override_settings(CRITICAL_IP_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
def test_admin_erase_from_the_allow_list_with_a_code(admin_client, client_a):
    root = User.objects.get(username="root")
    erase(admin_client, [client_a], next_code(root), REMOTE_ADDR="10.0.0.9")
    client_a.refresh_from_db()
    assert client_a.erased_at is not None
    assert ActivityLog.objects.get(action=ActivityAction.DATA_ERASURE).ip == "10.0.0.9"


def test_passenger_admin_masks_passports_like_the_api(client, cs_user, client_a):
    # given: a passenger whose passport changed once (the history shows old and new values)
    passenger = services.passenger_create(
        client=client_a,
        actor=None,
        first_name="Peter",
        last_name="Parker",
        passport_number="PP123456",
        date_of_birth=date(1990, 8, 10),
    )
    services.passenger_update(passenger=passenger, actor=None, passport_number="PP654321")
    cs_client = admin_login(client, cs_user)
    pages = [
        f"/admin/clients/passenger/{passenger.pk}/change/",
        f"/admin/clients/passenger/{passenger.pk}/history/",
        f"/admin/clients/passenger/{passenger.pk}/history/{passenger.history.earliest().history_id}/",
    ]
    # when / then: Client Services sees neither number nor the date of birth
    for url in pages:
        page = cs_client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        for secret in ("PP123456", "PP654321", "1990"):
            assert secret not in text, (url, secret)
    assert "•••••4321" in cs_client.get(pages[1]).content.decode()


def test_passenger_admin_shows_passports_to_a_super_admin(admin_client, client_a):
    passenger = services.passenger_create(
        client=client_a, actor=None, first_name="Peter", last_name="Parker", passport_number="PP123456"
    )
    page = admin_client.get(f"/admin/clients/passenger/{passenger.pk}/change/").content.decode()
    assert "PP123456" in page


def test_client_services_admin_edit_keeps_the_passport(client, cs_user, client_a):
    passenger = services.passenger_create(
        client=client_a, actor=None, first_name="Peter", last_name="Parker", passport_number="PP123456"
    )
    cs_client = admin_login(client, cs_user)
    response = cs_client.post(
        f"/admin/clients/passenger/{passenger.pk}/change/",
        {
            "client": client_a.pk,
            "first_name": "Pete",
            "last_name": "Parker",
            "nationality": "",
            "passport_expiry": "",
            "passport_country": "",
            "weight_kg": "",
            "email": "",
            "phone": "",
            "preferences": "{}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    passenger.refresh_from_db()
    assert (passenger.first_name, passenger.passport_number) == ("Pete", "PP123456")


def test_admin_refuses_a_portal_user_as_account_manager(admin_client, client_a, client_a_user):
    url = f"/admin/clients/client/{client_a.pk}/change/"
    data = shown(admin_client.get(url))
    assert admin_client.post(url, {**data, "vip_status": "vip"}).status_code == 302  # the form posts

    response = admin_client.post(url, {**data, "account_manager": str(client_a_user.pk)})

    assert response.status_code == 200
    assert "account_manager" in response.context["adminform"].form.errors
    client_a.refresh_from_db()
    assert client_a.account_manager is None


def change_page_data(admin_client, client) -> dict:
    return shown(admin_client.get(f"/admin/clients/client/{client.pk}/change/"))


def test_admin_edits_special_requests_one_per_line(admin_client, client_a):
    contacts = [{"name": "Kim", "relationship": "spouse", "phone": "+12125550199"}]
    services.client_update(client=client_a, actor=None, emergency_contacts=contacts)
    data = change_page_data(admin_client, client_a)

    response = admin_client.post(
        f"/admin/clients/client/{client_a.pk}/change/",
        {**data, "special_requests": "Sparkling water chilled\r\n\r\n  Newspapers: FT \r\n"},
    )

    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.preferences["special_requests"] == ["Sparkling water chilled", "Newspapers: FT"]
    assert client_a.preferences["notification_preferences"]["email"]["booking_confirmed"] is True
    assert client_a.emergency_contacts == contacts  # posted back as shown, kept as they were
    page = admin_client.get(f"/admin/clients/client/{client_a.pk}/change/").content.decode()
    assert "Sparkling water chilled\nNewspapers: FT</textarea>" in page


def test_admin_refuses_an_overlong_special_request_on_its_field(admin_client, client_a):
    data = change_page_data(admin_client, client_a)
    before = dict(client_a.preferences)

    response = admin_client.post(
        f"/admin/clients/client/{client_a.pk}/change/", {**data, "special_requests": "x" * 201}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["special_requests"] == [
        "A list of texts of 1 to 200 characters each."
    ]
    client_a.refresh_from_db()
    assert client_a.preferences == before


def test_inline_rows_are_written_by_the_services(admin_client, client_a):
    data = change_page_data(admin_client, client_a)

    response = admin_client.post(
        f"/admin/clients/client/{client_a.pk}/change/",
        {
            **data,
            "passengers-TOTAL_FORMS": "1",
            "passengers-0-first_name": "Nina",
            "passengers-0-last_name": "New",
            "passengers-0-nationality": "US",
            "passengers-0-is_active": "on",
            "passengers-0-client": str(client_a.pk),
            "data_requests-TOTAL_FORMS": "1",
            "data_requests-0-kind": "access",
            "data_requests-0-status": "received",
            "data_requests-0-received_on": "2026-01-31",
            "data_requests-0-client": str(client_a.pk),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    request = DataRequest.objects.get(client=client_a)
    assert (request.due_on, request.requested_by.username) == (date(2026, 2, 28), "root")
    assert client_a.passengers.get().last_name == "New"
