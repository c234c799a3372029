"""Client screens in the admin: lists, search, inlines, the GDPR action and register."""

from __future__ import annotations

import ipaddress
from datetime import date

import pytest
from django.test import override_settings

from clients import services
from clients.models import Client
from jetops.models import ActivityAction, ActivityLog, ActivityOutcome, User
from jetops.roles import SUPER_ADMIN_LEVEL
from tests.conftest import make_user, next_code
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


def _form_values(form) -> dict[str, str]:
    """A bound-as-shown form's fields as a browser posts them (unchecked boxes left out)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False or value is None:
            continue
        data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def unchanged_post(page) -> dict[str, str]:
    """The change page's main form and inline rows, posted as they are shown."""
    data = _form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for row in formset.initial_forms:
            data.update(_form_values(row))
    return data


def test_admin_refuses_a_portal_user_as_account_manager(admin_client, client_a, client_a_user):
    url = f"/admin/clients/client/{client_a.pk}/change/"
    data = unchanged_post(admin_client.get(url))
    assert admin_client.post(url, {**data, "vip_status": "vip"}).status_code == 302  # the form posts

    response = admin_client.post(url, {**data, "account_manager": str(client_a_user.pk)})

    assert response.status_code == 200
    assert "account_manager" in response.context["adminform"].form.errors
    client_a.refresh_from_db()
    assert client_a.account_manager is None
