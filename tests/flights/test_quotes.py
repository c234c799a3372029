"""Quoting over the API: candidates with a breakdown summing to the total, overrides,
sending, accepting (booking) and expiry; client scoping."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from flights.models import Flight, Quote, QuoteLine, Trip
from flights.services.quotes import quote_accept, quote_create
from jetops.errors import Conflict
from tests.builders import bearer, future

pytestmark = pytest.mark.django_db


def quote_body(client_id: int, **extra):
    return {
        "client_id": client_id,
        "legs": [
            {
                "departure_airport": "KTEB",
                "arrival_airport": "KPBI",
                "departure_datetime": future(10, 14).isoformat(),
                "passengers": 4,
            },
            {
                "departure_airport": "KPBI",
                "arrival_airport": "KTEB",
                "departure_datetime": future(13, 18).isoformat(),
                "passengers": 4,
            },
        ],
        **extra,
    }


def test_quote_lists_candidates_with_exact_totals(cs_user, client_a, jet, midsize):
    response = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("Q-")
    assert body["status"] == "draft"
    assert len(body["candidates"]) == 2
    for candidate in body["candidates"]:
        total = sum(Decimal(line["amount"]) for line in candidate["lines"])
        assert total == Decimal(candidate["total"]["amount"])
        assert candidate["total"]["currency"] == "USD"
        kinds = {line["kind"] for line in candidate["lines"]}
        assert {"flight_time", "fet", "segment_fee"} <= kinds
    midsize_option = next(c for c in body["candidates"] if c["aircraft"]["tail_number"] == "N200JA")
    # the midsize jet sits at White Plains: it positions to Teterboro first
    assert midsize_option["legs"][0]["kind"] == "positioning"
    assert midsize_option["legs"][0]["departure_airport"] == "KHPN"
    totals = [Decimal(c["total"]["amount"]) for c in body["candidates"]]
    assert totals == sorted(totals)


def test_quote_refuses_bad_itineraries(cs_user, client_a, jet):
    api = bearer(cs_user)
    bad_airport = quote_body(client_a.pk)
    bad_airport["legs"][0]["arrival_airport"] = "ZZZZ"
    response = api.post("/api/v1/flights/quote", bad_airport, format="json")
    assert response.status_code == 400
    assert "legs" in response.json()["errors"]
    out_of_order = quote_body(client_a.pk)
    out_of_order["legs"].reverse()
    assert api.post("/api/v1/flights/quote", out_of_order, format="json").status_code == 400
    assert (
        api.post("/api/v1/flights/quote", {"client_id": client_a.pk, "legs": []}, format="json").status_code
        == 400
    )
    assert not Quote.objects.exists()


def test_too_many_passengers_leaves_aircraft_out(cs_user, client_a, jet):
    body = quote_body(client_a.pk)
    for leg in body["legs"]:
        leg["passengers"] = 12
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201
    assert response.json()["candidates"] == []
    assert "seats" in response.json()["unavailable"][0]["reasons"][0]


def test_override_line_with_reason_and_step_up(cs_user, client_a, jet):
    api = bearer(cs_user)
    quote = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    option = quote["candidates"][0]
    payload = {"option": option["id"], "kind": "catering", "amount": "0.00", "reason": "Client brings own"}
    assert (
        bearer(cs_user, otp=False)
        .post(f"/api/v1/quotes/{quote['id']}/override", payload, format="json")
        .status_code
        == 403
    )
    response = api.post(f"/api/v1/quotes/{quote['id']}/override", payload, format="json")
    assert response.status_code == 200, response.json()
    updated = response.json()["candidates"][0]
    catering = [line for line in updated["lines"] if line["kind"] == "catering"]
    assert catering[0]["amount"] == "0.00"
    assert catering[0]["override_reason"] == "Client brings own"
    assert sum(Decimal(line["amount"]) for line in updated["lines"]) == Decimal(updated["total"]["amount"])
    assert Decimal(updated["total"]["amount"]) < Decimal(option["total"]["amount"])
    no_reason = api.post(f"/api/v1/quotes/{quote['id']}/override", {**payload, "reason": " "}, format="json")
    assert no_reason.status_code == 400


def test_send_emails_client_and_accept_books_trip(
    cs_user, client_a_user, client_a, jet, django_capture_on_commit_callbacks
):
    api = bearer(cs_user)
    quote = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/quotes/{quote['id']}/send")
    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    assert any(quote["number"] in m.subject or quote["number"] in m.body for m in mail.outbox)
    portal = bearer(client_a_user)
    assert portal.get(f"/api/v1/quotes/{quote['id']}").status_code == 200
    accepted = portal.post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json")
    assert accepted.status_code == 201, accepted.json()
    trip = Trip.objects.get()
    assert trip.client == client_a
    flights = list(trip.flights.order_by("sequence"))
    assert [f.departure_airport_id for f in flights] == ["KTEB", "KDJT"]  # KPBI is listed as KDJT
    assert Quote.objects.get().status == "accepted"
    again = portal.post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json")
    assert again.status_code == 409
    assert Trip.objects.count() == 1


def test_expired_quote_cannot_be_accepted(cs_user, client_a_user, client_a, jet):
    api = bearer(cs_user)
    quote = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    assert api.post(f"/api/v1/quotes/{quote['id']}/send").status_code == 200
    with time_machine.travel(future(5), tick=False):
        response = bearer(client_a_user).post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_expired"
    assert Quote.objects.get().status == "expired"
    assert not Flight.objects.exists()


def test_accept_rechecks_availability(cs_user, client_a, client_b, jet):
    api = bearer(cs_user)
    first = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    second = api.post("/api/v1/flights/quote", quote_body(client_b.pk), format="json").json()
    assert api.post(f"/api/v1/quotes/{first['id']}/accept", {}, format="json").status_code == 201
    response = api.post(f"/api/v1/quotes/{second['id']}/accept", {}, format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"]
    assert Trip.objects.count() == 1


def test_client_b_cannot_see_or_accept_client_a_quote(cs_user, client_a, client_b_user, client_b, jet):
    quote = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    api = bearer(client_b_user)
    assert api.get(f"/api/v1/quotes/{quote['id']}").status_code == 404
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json").status_code == 404
    assert api.get("/api/v1/quotes").json()["count"] == 0
    assert api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").status_code == 400
    assert Quote.objects.count() == 1


def test_portal_client_requests_own_quote(client_a_user, client_a, jet):
    response = bearer(client_a_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json")
    assert response.status_code == 201
    assert Quote.objects.get().client == client_a


def test_conversion_report(cs_user, client_a, jet):
    api = bearer(cs_user)
    q1 = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    q2 = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    api.post(f"/api/v1/quotes/{q1['id']}/accept", {}, format="json")
    api.post(f"/api/v1/quotes/{q2['id']}/decline")
    report = api.get("/api/v1/quotes/conversion").json()
    assert report["total"] == 2
    assert report["accepted"] == 1
    assert report["conversion_rate"] == 0.5


@pytest.mark.parametrize("persona", ["client_a_user", "client_b_user"])
def test_conversion_report_is_staff_only(request, cs_user, client_a, client_b, jet, persona):
    """Fleet-wide figures: a portal user (of the account quoted, or another) gets a 403."""
    bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json")
    response = bearer(request.getfixturevalue(persona)).get("/api/v1/quotes/conversion")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "detail", "errors"}


def test_airport_codes_resolve_like_people_write_them(cs_user, client_a, jet):
    body = quote_body(client_a.pk)
    body["legs"][0]["arrival_airport"] = "pbi"  # IATA, any case
    response = bearer(cs_user).post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201
    assert response.json()["legs"][0]["arrival_airport"] == "KDJT"


def one_leg(client_id: int, arrival: str, passengers: int = 2) -> dict:
    leg = {"departure_datetime": future(10, 14).isoformat(), "passengers": passengers}
    return {
        "client_id": client_id,
        "legs": [{"departure_airport": "KTEB", "arrival_airport": arrival, **leg}],
    }


@pytest.fixture
def facilities_tax(profile):
    """The operator's international facilities tax amounts (made-up test data)."""
    from finance.models import TaxKind, TaxRate

    TaxRate.objects.create(tax=TaxKind.FACILITIES, effective_from=date(2025, 1, 1), amount=Decimal("22.20"))
    TaxRate.objects.create(
        tax=TaxKind.FACILITIES_ALASKA_HAWAII, effective_from=date(2025, 1, 1), amount=Decimal("11.10")
    )


def quoted_lines(api, body) -> dict[str, Decimal]:
    response = api.post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 201, response.json()
    candidate = response.json()["candidates"][0]
    lines: dict[str, Decimal] = {}
    for line in candidate["lines"]:
        lines[line["kind"]] = lines.get(line["kind"], Decimal(0)) + Decimal(line["amount"])
    assert sum(lines.values()) == Decimal(candidate["total"]["amount"])
    return lines


def test_ops_quote_kteb_cyul_pays_fet_and_segment_fee(ops_user, client_a, jet, facilities_tax):
    # Montreal is in the 225-mile zone: the flight is taxable transportation (26 U.S.C.
    # 4262(a)(1)) and a domestic segment, with no facilities tax.
    jet.mtow = 13870
    jet.save()
    lines = quoted_lines(bearer(ops_user), one_leg(client_a.pk, "CYUL"))
    assert lines["fet"] > 0
    assert lines["segment_fee"] == Decimal("10.60")  # 2 passengers x 5.30
    assert "facilities_tax" not in lines


def test_ops_quote_kteb_mynn_pays_the_facilities_tax_and_no_fet(ops_user, client_a, jet, facilities_tax):
    jet.mtow = 13870
    jet.save()
    api = bearer(ops_user)
    lines = quoted_lines(api, one_leg(client_a.pk, "MYNN"))
    assert "fet" not in lines
    assert "segment_fee" not in lines
    assert lines["facilities_tax"] == Decimal("44.40")  # 2 passengers x 1 departure x 22.20
    # Staff can override the tax line with a reason, like any other line.
    quote = Quote.objects.get()
    option = quote.options.get()
    payload = {
        "option": option.pk,
        "kind": "facilities_tax",
        "amount": "0.00",
        "reason": "Crew positioning only",
    }
    response = api.post(f"/api/v1/quotes/{quote.pk}/override", payload, format="json")
    assert response.status_code == 200, response.json()
    updated = response.json()["candidates"][0]
    tax = [line for line in updated["lines"] if line["kind"] == "facilities_tax"]
    assert [(t["amount"], t["override_reason"]) for t in tax] == [("0.00", "Crew positioning only")]
    assert sum(Decimal(line["amount"]) for line in updated["lines"]) == Decimal(updated["total"]["amount"])


NO_FACILITIES_AMOUNT = re.compile(
    r"^no international facilities tax entered for \d{4}-\d\d-\d\d: none charged$"
)


def test_kteb_mynn_without_a_facilities_amount_warns_staff_not_the_client(
    ops_user, client_a_user, client_a, jet
):
    """A missing amount is not charged: staff see why on the quote (created and read back);
    the client's portal sees no internal note, on its own request or on the staff quote."""
    jet.mtow = 13870
    jet.save()
    ops = bearer(ops_user)
    response = ops.post("/api/v1/flights/quote", one_leg(client_a.pk, "MYNN"), format="json")
    assert response.status_code == 201, response.json()
    [candidate] = response.json()["candidates"]
    assert "facilities_tax" not in {line["kind"] for line in candidate["lines"]}
    [warning] = candidate["warnings"]
    assert NO_FACILITIES_AMOUNT.match(warning), warning
    quote_id = response.json()["id"]
    assert ops.get(f"/api/v1/quotes/{quote_id}").json()["candidates"][0]["warnings"] == [warning]
    assert Quote.objects.get().options.get().warnings == [warning]

    portal = bearer(client_a_user)
    read = portal.get(f"/api/v1/quotes/{quote_id}")
    assert read.status_code == 200
    assert read.json()["candidates"][0]["warnings"] == []
    own = portal.post("/api/v1/flights/quote", one_leg(client_a.pk, "MYNN"), format="json")
    assert own.status_code == 201, own.json()
    assert own.json()["candidates"][0]["warnings"] == []
    assert NO_FACILITIES_AMOUNT.match(Quote.objects.get(pk=own.json()["id"]).options.get().warnings[0])


def test_kteb_mynn_with_the_facilities_amount_has_the_line_and_no_warning(
    ops_user, client_a, jet, facilities_tax
):
    jet.mtow = 13870
    jet.save()
    ops = bearer(ops_user)
    response = ops.post("/api/v1/flights/quote", one_leg(client_a.pk, "MYNN"), format="json")
    assert response.status_code == 201, response.json()
    [candidate] = response.json()["candidates"]
    assert [line["amount"] for line in candidate["lines"] if line["kind"] == "facilities_tax"] == ["44.40"]
    assert candidate["warnings"] == []
    assert ops.get(f"/api/v1/quotes/{response.json()['id']}").json()["candidates"][0]["warnings"] == []


def test_small_aircraft_exemption_is_a_warning_for_staff(ops_user, client_a, jet, facilities_tax):
    jet.mtow = 6000
    jet.save()
    response = bearer(ops_user).post("/api/v1/flights/quote", one_leg(client_a.pk, "KPBI"), format="json")
    [warning] = response.json()["candidates"][0]["warnings"]
    assert warning.startswith("N100JA: certificated maximum take-off weight 6,000 lb")
    assert warning.endswith("(26 U.S.C. 4281)")


def test_small_aircraft_quote_has_no_excise_tax_lines(ops_user, client_a, jet, facilities_tax):
    jet.mtow = 6000
    jet.save()
    lines = quoted_lines(bearer(ops_user), one_leg(client_a.pk, "KPBI"))
    assert not {"fet", "segment_fee", "facilities_tax"} & lines.keys()


def test_staff_discount_is_a_line_of_the_quote(cs_user, client_a, jet):
    response = bearer(cs_user).post(
        "/api/v1/flights/quote", quote_body(client_a.pk, discount="500.00"), format="json"
    )
    assert response.status_code == 201, response.json()
    lines = response.json()["candidates"][0]["lines"]
    assert [line["amount"] for line in lines if line["kind"] == "quote_discount"] == ["-500.00"]


def test_portal_user_cannot_give_itself_a_discount(client_a_user, client_a, jet):
    response = bearer(client_a_user).post(
        "/api/v1/flights/quote", quote_body(client_a.pk, discount="5000.00"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["discount"]
    assert not Quote.objects.exists()
    assert not QuoteLine.objects.exists()


def test_quote_service_refuses_a_discount_from_a_portal_user(client_a_user, client_a, jet):
    legs = [
        {**leg, "departure_datetime": future(10 + i, 14)}
        for i, leg in enumerate(quote_body(client_a.pk)["legs"])
    ]
    with pytest.raises(ValidationError) as refused:
        quote_create(client=client_a, legs=legs, actor=client_a_user, quote_discount=Decimal("10"))
    assert list(refused.value.message_dict) == ["discount"]
    assert not Quote.objects.exists()


def test_portal_user_cannot_accept_a_draft_nobody_sent(cs_user, client_a_user, client_a, jet):
    quote = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    response = bearer(client_a_user).post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_not_sent"
    assert Quote.objects.get().status == "draft"
    assert not Trip.objects.exists()
    assert not Flight.objects.exists()


def test_portal_user_cannot_accept_its_own_quote_request(client_a_user, client_a, jet):
    api = bearer(client_a_user)
    quote = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    response = api.post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json")
    assert response.status_code == 409
    assert not Trip.objects.exists()


def test_accept_service_refuses_an_unsent_quote_to_a_portal_user(cs_user, client_a_user, client_a, jet):
    """Whoever calls the service (API, admin, a command) meets the rule, not only the API."""
    quote = bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    with pytest.raises(Conflict) as refused:
        quote_accept(quote=Quote.objects.get(pk=quote["id"]), actor=client_a_user)
    assert refused.value.code == "quote_not_sent"
    assert not Trip.objects.exists()


def test_staff_may_book_a_draft_for_the_client(cs_user, client_a, jet):
    """A booking taken on the phone: Client Services accepts without sending first."""
    api = bearer(cs_user)
    quote = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept", {}, format="json").status_code == 201
    assert Trip.objects.get().client == client_a


def legs_of(count: int) -> list[dict]:
    """``count`` legs shuttling KTEB ⇄ KPBI, a day apart."""
    airports = ["KTEB", "KPBI"]
    return [
        {
            "departure_airport": airports[i % 2],
            "arrival_airport": airports[(i + 1) % 2],
            "departure_datetime": future(10 + i, 14),
            "passengers": 2,
        }
        for i in range(count)
    ]


def test_a_quote_has_at_most_twelve_legs(cs_user, client_a, jet):
    api = bearer(cs_user)
    body = {
        "client_id": client_a.pk,
        "legs": [{**leg, "departure_datetime": leg["departure_datetime"].isoformat()} for leg in legs_of(13)],
    }
    response = api.post("/api/v1/flights/quote", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["legs"]
    with pytest.raises(ValidationError) as refused:  # the admin and any other caller too
        quote_create(client=client_a, legs=legs_of(13), actor=cs_user)
    assert refused.value.message_dict == {"legs": ["At most 12 legs in one quote."]}
    assert not Quote.objects.exists()
    quote, _ = quote_create(client=client_a, legs=legs_of(12), actor=cs_user)
    assert len(quote.legs) == 12


def test_quote_requests_are_rate_limited_per_user(monkeypatch, client_a_user, cs_user, client_a, jet):
    """Each quote writes hundreds of rows: a scoped throttle (THROTTLE_QUOTE) caps how many a
    user may request; other users and other endpoints are not affected."""
    from django.core.cache import cache

    from jetops.api.throttling import QuoteThrottle

    cache.clear()
    monkeypatch.setitem(QuoteThrottle.THROTTLE_RATES, "quote", "2/min")
    # The counter weighs the previous window in: requests straddling a minute boundary on a
    # slow machine would be counted partly in each, so the throttle's clock stands still.
    now = time.time()
    monkeypatch.setattr(QuoteThrottle, "timer", lambda self: now)
    portal = bearer(client_a_user)
    for _ in range(2):
        assert portal.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").status_code == 201
    response = portal.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert set(response.json()) == {"code", "detail", "errors"}
    assert int(response["Retry-After"]) > 0
    assert Quote.objects.count() == 2
    assert portal.get("/api/v1/quotes").status_code == 200
    assert (
        bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").status_code
        == 201
    )


def test_quote_for_a_past_departure_is_refused(cs_user, client_a, jet):
    """A leg in the past would be priced (an urgent fee included) and born expired."""
    past = quote_body(client_a.pk)
    past["legs"][0]["departure_datetime"] = "2020-01-01T00:00:00Z"
    response = bearer(cs_user).post("/api/v1/flights/quote", past, format="json")
    assert response.status_code == 400
    assert "departure_datetime" in response.json()["errors"]["legs"]["0"]
    legs = [{**leg, "departure_datetime": future(10, 14)} for leg in quote_body(client_a.pk)["legs"][:1]]
    with pytest.raises(ValidationError) as refused:  # the admin and any other caller too
        quote_create(client=client_a, legs=legs, actor=None, now=future(11))
    past_leg = "Leg 1, departure_datetime: The departure is in the past."
    assert refused.value.message_dict == {"legs": [past_leg]}
    assert not Quote.objects.exists()
    assert (
        bearer(cs_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").status_code
        == 201
    )


def test_quote_numbers_are_taken_last_and_stay_gap_free(cs_user, client_a, jet):
    """The number is taken in the quote's last write (docs/architecture.md#caches): quotes
    are numbered one after another, a refused quote takes none, and the history shows the
    number, never the stand-in the rows were written under."""
    api = bearer(cs_user)
    first = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()["number"]
    refused = api.post("/api/v1/flights/quote", quote_body(client_a.pk, discount="999999.00"), format="json")
    assert refused.status_code == 400
    second = api.post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()["number"]
    year, n = re.fullmatch(r"Q-(\d{4})-(\d{5})", first).groups()
    assert second == f"Q-{year}-{int(n) + 1:05d}"
    quote = Quote.objects.get(number=second)
    assert list(quote.history.values_list("number", flat=True)) == [second]
    assert not Quote.objects.filter(number__startswith="~").exists()
