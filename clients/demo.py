"""Demo client accounts: an individual VIP linked to the demo portal user, two corporate
accounts and a regular individual, with passengers and payment tokens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from clients import services
from clients.models import Client
from jetops.models import User

DEMO_CLIENTS: list[dict[str, Any]] = [
    {
        "client": {
            "client_type": "individual",
            "contact_person": "Alice Whitmore",
            "email": "alice.whitmore@example.com",
            "phone": "+12125550143",
            "vip_status": "vip",
            "billing_address": {
                "line1": "740 Park Avenue",
                "city": "New York",
                "region": "NY",
                "postal_code": "10021",
                "country": "US",
            },
            "emergency_contacts": [
                {"name": "Henry Whitmore", "relationship": "spouse", "phone": "+12125550178"}
            ],
            "special_instructions": "Prefers aft club seat; no press at FBO.",
        },
        "preferences": {
            "dietary_restrictions": ["gluten-free"],
            "special_requests": ["Sparkling water chilled"],
        },
        "passengers": [
            {
                "first_name": "Alice",
                "last_name": "Whitmore",
                "date_of_birth": date(1971, 3, 14),
                "nationality": "US",
                "passport_number": "561234987",
                "passport_expiry": date(2031, 6, 30),
                "passport_country": "US",
            },
            {
                "first_name": "Henry",
                "last_name": "Whitmore",
                "date_of_birth": date(1968, 11, 2),
                "nationality": "US",
                "passport_number": "561239911",
                "passport_expiry": date(2027, 2, 28),
                "passport_country": "US",
            },
        ],
        "portal_user": "client",
        "card": {
            "provider": "stripe",
            "token": "pm_demo_whitmore_visa",
            "brand": "Visa",
            "last4": "4242",
            "exp_month": 8,
            "exp_year": 2029,
            "holder_name": "Alice Whitmore",
        },
    },
    {
        "client": {
            "client_type": "corporate",
            "company_name": "Northwind Capital LLC",
            "contact_person": "Marcus Lee",
            "email": "travel@northwind.example",
            "phone": "+16175550120",
            "vip_status": "vvip",
            "discount_percent": "5.00",
            "credit_limit": "250000.00",
            "billing_address": {
                "line1": "100 Federal Street",
                "city": "Boston",
                "region": "MA",
                "postal_code": "02110",
                "country": "US",
                "tax_id": "04-1234567",
            },
        },
        "preferences": {
            "special_requests": ["Invoices to accounts payable"],
            "notification_preferences": {"sms": {"flight_status": True, "booking_confirmed": True}},
        },
        "passengers": [
            {
                "first_name": "Marcus",
                "last_name": "Lee",
                "date_of_birth": date(1979, 5, 21),
                "nationality": "US",
                "passport_number": "548812345",
                "passport_expiry": date(2030, 1, 15),
                "passport_country": "US",
            },
            {
                "first_name": "Priya",
                "last_name": "Raman",
                "date_of_birth": date(1985, 9, 9),
                "nationality": "GB",
                "passport_number": "123456789",
                "passport_expiry": date(2027, 4, 1),
                "passport_country": "GB",
            },
        ],
        "card": {
            "provider": "stripe",
            "token": "pm_demo_northwind_amex",
            "brand": "Amex",
            "last4": "0005",
            "exp_month": 11,
            "exp_year": 2028,
            "holder_name": "Northwind Capital LLC",
        },
    },
    {
        "client": {
            "client_type": "corporate",
            "company_name": "Sierra Media Group",
            "contact_person": "Dana Ortiz",
            "email": "dana.ortiz@sierramedia.example",
            "phone": "+13105550199",
            "billing_address": {
                "line1": "9200 Sunset Blvd",
                "city": "West Hollywood",
                "region": "CA",
                "postal_code": "90069",
                "country": "US",
            },
        },
        "preferences": {"dietary_restrictions": ["vegan"]},
        "passengers": [
            {
                "first_name": "Dana",
                "last_name": "Ortiz",
                "date_of_birth": date(1982, 7, 30),
                "nationality": "US",
                "passport_number": "530098765",
                "passport_expiry": date(2029, 9, 12),
                "passport_country": "US",
            },
        ],
    },
    {
        "client": {
            "client_type": "corporate",
            "company_name": "Lumière Ventures SAS",
            "contact_person": "Camille Laurent",
            "email": "camille.laurent@lumiere.example",
            "phone": "+33142000101",
            "billing_currency": "EUR",
            "billing_address": {
                "line1": "12 avenue Montaigne",
                "city": "Paris",
                "postal_code": "75008",
                "country": "FR",
            },
        },
        "passengers": [],
    },
    {
        "client": {
            "client_type": "individual",
            "contact_person": "Robert Chen",
            "email": "rchen@example.com",
            "phone": "+13055550111",
            "billing_address": {
                "line1": "1 Fisher Island Dr",
                "city": "Miami Beach",
                "region": "FL",
                "postal_code": "33109",
                "country": "US",
            },
        },
        "passengers": [
            {
                "first_name": "Robert",
                "last_name": "Chen",
                "date_of_birth": date(1960, 1, 5),
                "nationality": "US",
                "passport_number": "500011122",
                "passport_expiry": date(2026, 12, 20),
                "passport_country": "US",
            },
        ],
    },
]


@transaction.atomic
def seed_clients() -> list[str]:
    created = 0
    for spec in DEMO_CLIENTS:
        data = dict(spec["client"])
        if Client.objects.filter(email=data["email"]).exists():
            continue
        client = services.client_create(actor=None, preferences=spec.get("preferences"), **data)
        for passenger in spec.get("passengers", []):
            services.passenger_create(client=client, actor=None, **passenger)
        if "card" in spec:
            services.payment_method_add(client=client, actor=None, **spec["card"])
        if spec.get("portal_user"):
            user = User.objects.get(username=spec["portal_user"])
            services.portal_user_link(client=client, user=user, actor=None)
        created += 1
    total = Client.objects.count()
    return [f"  clients: {total} accounts (portal user 'client' sees Alice Whitmore's account only)"]
