"""Client screens in the admin: lists, search, inlines, the GDPR action and register."""

from __future__ import annotations

from datetime import date

import pytest

from clients import services
from clients.models import Client, DataRequest
from jetops.roles import SUPER_ADMIN_LEVEL
from tests.admin_forms import shown
from tests.conftest import make_user
from tests.jetops.test_admin import admin_login

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


def test_admin_erase_action_respects_legal_hold(admin_client, client_a, client_b):
    services.client_update(client=client_b, actor=None, legal_hold=True, legal_hold_reason="audit")
    response = admin_client.post(
        "/admin/clients/client/",
        {"action": "erase_personal_data", "_selected_action": [client_a.pk, client_b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Client.objects.get(pk=client_a.pk).erased_at is not None
    assert Client.objects.get(pk=client_b.pk).erased_at is None


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
