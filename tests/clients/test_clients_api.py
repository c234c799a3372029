"""Client accounts over the API: CRUD, scoping (BOLA), preferences, passengers, portal users."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from clients.models import Client, ClientMembership, Passenger
from clients.preferences import MAX_ITEMS, MAX_SHORT_TEXT, preferences_validate
from jetops.models import User
from tests.builders import PASSWORD, bearer

pytestmark = pytest.mark.django_db

NEW_CLIENT = {
    "client_type": "corporate",
    "company_name": "Acme Aviation",
    "contact_person": "Wile Coyote",
    "email": "wile@acme.example",
    "phone": "+14155552671",
    "billing_address": {
        "line1": "1 Desert Rd",
        "city": "Phoenix",
        "region": "AZ",
        "postal_code": "85001",
        "country": "US",
    },
    "vip_status": "vip",
    "emergency_contacts": [{"name": "Road Runner", "relationship": "friend", "phone": "+14155552672"}],
    "credit_limit": {"amount": "50000.00", "currency": "USD"},
    "discount_percent": "2.50",
}


def test_staff_creates_client_with_history(cs_user):
    response = bearer(cs_user).post("/api/v1/clients", NEW_CLIENT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+14155552671"
    assert body["credit_limit"] == {"amount": "50000.00", "currency": "USD"}
    assert body["preferences"]["notification_preferences"]["email"]["booking_confirmed"] is True
    client = Client.objects.get(pk=body["id"])
    assert client.emergency_contacts[0]["name"] == "Road Runner"
    assert client.history.latest().history_user == cs_user


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("client_type", "alien"),
        ("billing_address", {"line1": "x", "city": "y", "country": "USA"}),
        ("billing_address", {"line1": "x", "city": "y", "country": "US", "planet": "Mars"}),
        ("emergency_contacts", [{"name": "A", "phone": "nope"}]),
        ("discount_percent", "150"),
        ("credit_limit", {"amount": "-1", "currency": "USD"}),
        ("credit_limit", {"amount": "10", "currency": "EUR"}),
        ("is_admin", True),
    ],
)
def test_bad_client_input_is_400_and_nothing_saved(cs_user, field, value):
    response = bearer(cs_user).post("/api/v1/clients", {**NEW_CLIENT, field: value}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Client.objects.exists()


def test_corporate_needs_company_name(cs_user):
    response = bearer(cs_user).post("/api/v1/clients", {**NEW_CLIENT, "company_name": ""}, format="json")
    assert response.status_code == 400
    assert not Client.objects.exists()


def test_list_search_and_filters(cs_user, client_a, client_b):
    client = bearer(cs_user)
    assert client.get("/api/v1/clients").json()["count"] == 2
    assert [c["id"] for c in client.get("/api/v1/clients?search=bravo").json()["results"]] == [client_b.pk]
    assert [c["id"] for c in client.get("/api/v1/clients?search=alice@a").json()["results"]] == [client_a.pk]
    assert [c["id"] for c in client.get("/api/v1/clients?search=%2B1310").json()["results"]] == [client_b.pk]
    assert [c["id"] for c in client.get("/api/v1/clients?type=corporate").json()["results"]] == [client_b.pk]
    assert client.get("/api/v1/clients?vip_status=vip").json()["count"] == 0


@pytest.mark.parametrize("count", [3, 30])
def test_client_list_query_count_is_constant(cs_user, django_assert_max_num_queries, count):
    from clients import services

    for i in range(count):
        c = services.client_create(actor=None, contact_person=f"Person {i}", email=f"p{i}@x.example")
        services.payment_method_add(
            client=c,
            actor=None,
            provider="stripe",
            token=f"tok_{i}",
            last4="4242",
            exp_month=1,
            exp_year=2035,
        )
    client = bearer(cs_user)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/clients?page_size=50")
    assert response.json()["count"] == count


def test_portal_user_sees_only_own_account(client_a_user, client_a, client_b):
    api = bearer(client_a_user)
    listing = api.get("/api/v1/clients").json()
    assert [c["id"] for c in listing["results"]] == [client_a.pk]
    detail = api.get(f"/api/v1/clients/{client_a.pk}").json()
    assert "special_instructions" not in detail
    assert "legal_hold" not in detail
    assert detail["booking_summary"]["flights"] == 0


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"contact_person": "Mallory"}),
        ("put", "", NEW_CLIENT),
        ("get", "/bookings", None),
        ("post", "/preferences", {"special_requests": "hijack"}),
        ("get", "/passengers", None),
        ("post", "/passengers", {"first_name": "Eve", "last_name": "X"}),
        ("get", "/users", None),
        ("post", "/users", {"username": "eve", "email": "eve@x.example", "password": "Eve-Password-123"}),
        ("get", "/payment-methods", None),
        ("get", "/export", None),
        ("post", "/erase", None),
        ("get", "/data-requests", None),
        ("post", "/data-requests", {"kind": "access"}),
    ],
)
def test_client_b_gets_404_on_client_a(client_b_user, client_a, client_b, method, suffix, body):
    before = Client.objects.get(pk=client_a.pk).updated_at
    response = getattr(bearer(client_b_user), method)(
        f"/api/v1/clients/{client_a.pk}{suffix}", body, format="json"
    )
    assert response.status_code == 404
    assert Client.objects.get(pk=client_a.pk).updated_at == before
    assert not Passenger.objects.filter(first_name="Eve").exists()
    assert not User.objects.filter(username="eve").exists()


def test_client_b_cannot_touch_client_a_passenger(client_b_user, client_a, client_b):
    from clients import services

    passenger = services.passenger_create(client=client_a, actor=None, first_name="Ann", last_name="A")
    api = bearer(client_b_user)
    base = f"/api/v1/clients/{client_a.pk}/passengers/{passenger.pk}"
    assert api.get(base).status_code == 404
    assert api.patch(base, {"first_name": "Hacked"}, format="json").status_code == 404
    assert api.delete(base).status_code == 404
    # nor through its own account's path
    assert api.get(f"/api/v1/clients/{client_b.pk}/passengers/{passenger.pk}").status_code == 404
    passenger.refresh_from_db()
    assert passenger.first_name == "Ann"


def test_portal_user_cannot_edit_account_fields(client_a_user, client_a):
    response = bearer(client_a_user).patch(
        f"/api/v1/clients/{client_a.pk}", {"vip_status": "vvip"}, format="json"
    )
    assert response.status_code == 403
    client_a.refresh_from_db()
    assert client_a.vip_status == "standard"


def test_portal_user_updates_own_preferences(client_a_user, client_a):
    response = bearer(client_a_user).post(
        f"/api/v1/clients/{client_a.pk}/preferences",
        {"dietary_restrictions": ["kosher"], "notification_preferences": {"sms": {"flight_status": False}}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    client_a.refresh_from_db()
    assert client_a.preferences["dietary_restrictions"] == ["kosher"]
    assert client_a.preferences["notification_preferences"]["sms"]["flight_status"] is False
    assert client_a.preferences["notification_preferences"]["email"]["booking_confirmed"] is True
    assert client_a.history.latest().history_user == client_a_user


@pytest.mark.parametrize(
    "body",
    [
        {"favourite_colour": "blue"},
        {"dietary_restrictions": "vegan"},
        {"preferred_aircraft": [999999]},
        {"notification_preferences": {"pigeon": {"flight_status": True}}},
        {"notification_preferences": {"sms": {"flight_status": "yes"}}},
        ["not", "an", "object"],
    ],
)
def test_bad_preferences_refused(cs_user, client_a, body):
    before = dict(client_a.preferences)
    response = bearer(cs_user).post(f"/api/v1/clients/{client_a.pk}/preferences", body, format="json")
    assert response.status_code == 400
    client_a.refresh_from_db()
    assert client_a.preferences == before


def test_passenger_crud_for_owner(client_a_user, client_a):
    api = bearer(client_a_user)
    created = api.post(
        f"/api/v1/clients/{client_a.pk}/passengers",
        {
            "first_name": "Zoe",
            "last_name": "Anders",
            "date_of_birth": "1990-02-03",
            "passport_number": "X1234567",
            "passport_expiry": "2030-01-01",
            "nationality": "US",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert api.get(f"/api/v1/clients/{client_a.pk}/passengers").json()["count"] == 1
    patched = api.patch(
        f"/api/v1/clients/{client_a.pk}/passengers/{pid}", {"weight_kg": "70.5"}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["passport_number"] == "X1234567"
    bad = api.patch(f"/api/v1/clients/{client_a.pk}/passengers/{pid}", {"weight_kg": "9000"}, format="json")
    assert bad.status_code == 400
    assert api.delete(f"/api/v1/clients/{client_a.pk}/passengers/{pid}").status_code == 204
    assert not Passenger.objects.filter(pk=pid).exists()


def test_portal_user_creation(cs_user, client_b):
    api = bearer(cs_user)
    response = api.post(
        f"/api/v1/clients/{client_b.pk}/users",
        {"username": "bravo-2", "email": "two@b.example", "password": "Another-Long-Passw0rd"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    user = User.objects.get(username="bravo-2")
    assert user.level == 0x80
    assert ClientMembership.objects.filter(client=client_b, user=user).exists()
    listing = bearer(user).get("/api/v1/clients").json()
    assert [c["id"] for c in listing["results"]] == [client_b.pk]
    assert len(api.get(f"/api/v1/clients/{client_b.pk}/users").json()) == 2


def test_individual_account_has_one_portal_user(cs_user, client_a):
    response = bearer(cs_user).post(
        f"/api/v1/clients/{client_a.pk}/users",
        {"username": "second", "email": "s@a.example", "password": "Another-Long-Passw0rd"},
        format="json",
    )
    assert response.status_code == 409
    assert not User.objects.filter(username="second").exists()


def test_portal_user_weak_password_refused(cs_user, client_b):
    response = bearer(cs_user).post(
        f"/api/v1/clients/{client_b.pk}/users",
        {"username": "w", "email": "w@b.example", "password": "short"},
        format="json",
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="w").exists()


def test_encrypted_columns_hold_no_plaintext(cs_user, client_a):
    from clients import services

    services.client_update(
        client=client_a,
        actor=None,
        special_instructions="Gate code 4471",
        emergency_contacts=[{"name": "Sister Sue", "phone": "+12125550999"}],
    )
    passenger = services.passenger_create(
        client=client_a,
        actor=None,
        first_name="P",
        last_name="Q",
        passport_number="PX998877",
        date_of_birth="1980-05-06",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number, date_of_birth FROM clients_passenger WHERE id = %s", [passenger.pk]
        )
        passport_raw, dob_raw = cursor.fetchone()
        cursor.execute(
            "SELECT special_instructions, emergency_contacts FROM clients_client WHERE id = %s", [client_a.pk]
        )
        instructions_raw, contacts_raw = cursor.fetchone()
    assert "PX998877" not in passport_raw
    assert "1980" not in dob_raw
    assert "4471" not in instructions_raw
    assert "Sue" not in contacts_raw
    passenger.refresh_from_db()
    assert passenger.passport_number == "PX998877"
    assert str(passenger.date_of_birth) == "1980-05-06"


def test_client_cannot_create_client(client_a_user, client_a):
    response = bearer(client_a_user).post("/api/v1/clients", NEW_CLIENT, format="json")
    assert response.status_code == 403
    assert Client.objects.count() == 1


def test_login_as_created_portal_user(cs_user, client_b, anon):
    bearer(cs_user).post(
        f"/api/v1/clients/{client_b.pk}/users",
        {"username": "bravo-3", "email": "three@b.example", "password": PASSWORD},
        format="json",
    )
    response = anon.post("/api/v1/auth/login", {"username": "bravo-3", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_passport_numbers_masked_for_finance(finance_user, ops_user, client_a_user, client_a):
    from clients import services

    passenger = services.passenger_create(
        client=client_a, actor=None, first_name="M", last_name="N", passport_number="AB1234567"
    )
    url = f"/api/v1/clients/{client_a.pk}/passengers/{passenger.pk}"
    assert bearer(finance_user).get(url).json()["passport_number"] == "•••••4567"
    assert bearer(ops_user).get(url).json()["passport_number"] == "AB1234567"
    assert bearer(client_a_user).get(url).json()["passport_number"] == "AB1234567"


def test_masked_passport_read_back_leaves_the_real_one(cs_user, ops_user, client_a):
    # given: Client Services reads passports masked, yet may change passengers
    from clients import services

    passenger = services.passenger_create(
        client=client_a,
        actor=None,
        first_name="M",
        last_name="N",
        passport_number="AB1234567",
        date_of_birth="1975-02-03",
    )
    url = f"/api/v1/clients/{client_a.pk}/passengers/{passenger.pk}"
    shown = bearer(cs_user).get(url).json()
    assert shown["passport_number"] == "•••••4567"
    assert shown["date_of_birth"] is None

    # when: what was read is sent back with another change
    body = {k: v for k, v in shown.items() if k not in ("id", "client", "created_at", "updated_at")}
    response = bearer(cs_user).put(url, {**body, "first_name": "Mia"}, format="json")

    # then: the change is made and the real passport number and date of birth are kept
    assert response.status_code == 200, response.json()
    passenger.refresh_from_db()
    assert (passenger.first_name, passenger.passport_number) == ("Mia", "AB1234567")
    assert str(passenger.date_of_birth) == "1975-02-03"
    # a mask that is not what was read is refused, not stored
    refused = bearer(cs_user).patch(url, {"passport_number": "•••••9999"}, format="json")
    assert refused.status_code == 400
    assert "passport_number" in refused.json()["errors"]
    passenger.refresh_from_db()
    assert passenger.passport_number == "AB1234567"
    # a new passport number is still accepted
    assert bearer(cs_user).patch(url, {"passport_number": "ZX7654321"}, format="json").status_code == 200
    assert bearer(ops_user).get(url).json()["passport_number"] == "ZX7654321"


def test_bookings_list_the_clients_flights_latest_first(
    cs_user, client_a_user, client_a, client_b_user, client_b
):
    from datetime import UTC, datetime, timedelta

    from tests.builders import active_profile_without_return_to_base, book, make_aircraft

    active_profile_without_return_to_base()
    soon = (datetime.now(UTC) + timedelta(days=5)).replace(hour=12, minute=0, second=0, microsecond=0)
    first = book(client_a, make_aircraft(), at=soon)
    later = book(client_a, make_aircraft(), at=soon + timedelta(days=3))
    book(client_b, make_aircraft(), at=soon)
    staff = bearer(cs_user).get(f"/api/v1/clients/{client_a.pk}/bookings").json()
    assert [f["id"] for f in staff["results"]] == [later.pk, first.pk]
    assert bearer(client_a_user).get(f"/api/v1/clients/{client_a.pk}/bookings").json()["count"] == 2
    assert bearer(client_b_user).get(f"/api/v1/clients/{client_a.pk}/bookings").status_code == 404


def test_special_requests_round_trip_as_a_list_of_short_texts(cs_user, client_a_user, client_a):
    # given: the seed's shape, a list of texts
    requests = ["Sparkling water chilled", "  Window seat for the dog  "]

    posted = bearer(client_a_user).post(
        f"/api/v1/clients/{client_a.pk}/preferences", {"special_requests": requests}, format="json"
    )
    patched = bearer(cs_user).patch(
        f"/api/v1/clients/{client_a.pk}",
        {"preferences": {"special_requests": ["Newspapers: FT"]}},
        format="json",
    )

    assert posted.status_code == 200, posted.json()
    assert posted.json()["special_requests"] == ["Sparkling water chilled", "Window seat for the dog"]
    assert patched.status_code == 200, patched.json()
    assert patched.json()["preferences"]["special_requests"] == ["Newspapers: FT"]
    detail = bearer(client_a_user).get(f"/api/v1/clients/{client_a.pk}").json()
    assert detail["preferences"]["special_requests"] == ["Newspapers: FT"]


@pytest.mark.parametrize(
    "value",
    [
        "one text instead of a list",
        [""],
        ["x" * (MAX_SHORT_TEXT + 1)],
        ["ok"] * (MAX_ITEMS + 1),
        [42],
    ],
)
def test_special_requests_outside_the_bounds_are_refused(cs_user, client_a, value):
    before = dict(client_a.preferences)

    response = bearer(cs_user).post(
        f"/api/v1/clients/{client_a.pk}/preferences", {"special_requests": value}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["special_requests"]
    client_a.refresh_from_db()
    assert client_a.preferences == before


def test_a_new_client_has_no_special_requests(cs_user):
    response = bearer(cs_user).post(
        "/api/v1/clients", {"contact_person": "Ned New", "email": "ned@example.com"}, format="json"
    )

    assert response.json()["preferences"]["special_requests"] == []


MIGRATION = import_module("clients.migrations.0002_special_requests_as_a_list")


@pytest.mark.parametrize(
    ("stored", "migrated"),
    [
        ("Sparkling water chilled", ["Sparkling water chilled"]),
        ("   ", []),
        ("Flowers on board\n\nNo press at the FBO", ["Flowers on board", "No press at the FBO"]),
        ("word " * 100, ["word " * 39 + "word", "word " * 39 + "word", "word " * 19 + "word"]),
        ("a\n" * 60, [" ".join(["a"] * 60)]),
    ],
)
def test_a_stored_special_request_text_migrates_to_a_list(client_a, stored, migrated):
    # given: a client stored before special requests were a list
    Client.objects.filter(pk=client_a.pk).update(
        preferences={**client_a.preferences, "special_requests": stored}
    )

    MIGRATION.forwards(django_apps, SimpleNamespace(connection=connection))

    client_a.refresh_from_db()
    assert client_a.preferences["special_requests"] == migrated
    assert preferences_validate({"special_requests": migrated}) == ({"special_requests": migrated}, {})
    MIGRATION.backwards(django_apps, SimpleNamespace(connection=connection))
    client_a.refresh_from_db()
    assert client_a.preferences["special_requests"] == "\n".join(migrated)


@pytest.mark.parametrize("persona", ["client_a_user", "crew_user"])
def test_account_manager_must_be_staff(request, cs_user, client_a, persona):
    """Client Services assign account managers (clients are theirs), but only staff users: a
    portal or crew login never manages an account."""
    not_staff = request.getfixturevalue(persona)
    api = bearer(cs_user)
    response = api.patch(f"/api/v1/clients/{client_a.pk}", {"account_manager": not_staff.pk}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["account_manager"]
    client_a.refresh_from_db()
    assert client_a.account_manager is None
    assigned = api.patch(f"/api/v1/clients/{client_a.pk}", {"account_manager": cs_user.pk}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["account_manager"] == cs_user.pk


def test_account_manager_rule_holds_for_services_and_unrelated_edits(cs_user, client_a_user, client_a):
    from django.core.exceptions import ValidationError

    from clients import services

    with pytest.raises(ValidationError) as refused:
        services.client_update(client=client_a, actor=cs_user, account_manager=client_a_user)
    assert list(refused.value.message_dict) == ["account_manager"]
    # A manager set before the rule does not block other edits of the account.
    Client.objects.filter(pk=client_a.pk).update(account_manager=client_a_user)
    client_a.refresh_from_db()
    services.client_update(client=client_a, actor=cs_user, vip_status="vip")
    client_a.refresh_from_db()
    assert client_a.vip_status == "vip"


def test_passenger_date_of_birth_in_the_future_is_refused(client_a_user, client_a):
    """The model refuses it, so the API and the admin (whose form runs the model's clean) meet it."""
    api = bearer(client_a_user)
    url = f"/api/v1/clients/{client_a.pk}/passengers"
    refused = api.post(
        url, {"first_name": "Zoe", "last_name": "Anders", "date_of_birth": "3000-01-01"}, format="json"
    )
    assert refused.status_code == 400
    assert "date_of_birth" in refused.json()["errors"]
    assert not Passenger.objects.filter(client=client_a).exists()
    created = api.post(
        url, {"first_name": "Zoe", "last_name": "Anders", "date_of_birth": "1990-02-03"}, format="json"
    )
    assert created.status_code == 201, created.json()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    patched = api.patch(f"{url}/{created.json()['id']}", {"date_of_birth": tomorrow}, format="json")
    assert patched.status_code == 400
    assert str(Passenger.objects.get(pk=created.json()["id"]).date_of_birth) == "1990-02-03"
