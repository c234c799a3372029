"""Invoices from completed trips and accepted quotes: worked examples with exact totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finance import services
from finance.models import Invoice, InvoiceStatus, IssuedInvoiceGuard
from jetops.errors import Conflict
from tests.finance.conftest import at, completed_trip, jet

pytestmark = pytest.mark.django_db

ISSUE_DAY = date(2031, 3, 12)


def test_trip_invoice_worked_example(billing, finance_user, client_a):
    # given a KTEB-KBOS trip for 3 passengers flown for 62 minutes at 4,200/h
    trip = completed_trip(client_a, jet(), block_minutes=62)
    # when finance invoices it
    invoice = services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    # then: flight time 62 x 4,200 / 60 = 4,340.00; landing 450 and handling 350 at KBOS;
    # 3 x 25 passenger fees at KTEB: charges 5,215.00; FET 7.5 % = 391.125 -> 391.13;
    # segment fee 3 passengers x 5.30 = 15.90; total 5,622.03
    lines = {(line.kind, line.amount) for line in invoice.lines.all()}
    assert lines == {
        ("flight_time", Decimal("4340.00")),
        ("landing_fees", Decimal("450.00")),
        ("handling_fees", Decimal("350.00")),
        ("passenger_fees", Decimal("75.00")),
        ("fet", Decimal("391.13")),
        ("segment_fee", Decimal("15.90")),
    }
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("5215.00"),
        Decimal("407.03"),
        Decimal("5622.03"),
    )
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number is None
    flight_line = invoice.lines.get(kind="flight_time")
    assert flight_line.flight == trip.flights.get()
    assert invoice.lines.get(kind="fet").tax_rule.endswith("26 U.S.C. 4261(a)")
    assert invoice.history.latest().history_user == finance_user


def test_invoice_in_the_clients_currency_records_the_rate(billing, finance_user, client_a):
    # given a client billed in euros (USD 1 = EUR 0.92 since 1 Jan 2031)
    client_a.billing_currency = "EUR"
    client_a.save()
    trip = completed_trip(client_a, jet(), block_minutes=62)
    invoice = services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    # then every line is its USD amount x 0.92, the USD amounts are kept beside them
    amounts = {line.kind: (line.amount, line.base_amount) for line in invoice.lines.all()}
    assert amounts["flight_time"] == (Decimal("3992.80"), Decimal("4340.00"))
    assert amounts["fet"] == (Decimal("359.84"), Decimal("391.13"))  # 391.13 x 0.92 = 359.8396
    assert amounts["segment_fee"] == (Decimal("14.63"), Decimal("15.90"))  # 14.628
    assert invoice.currency == "EUR"
    assert invoice.base_currency == "USD"
    assert (invoice.fx_rate, invoice.fx_date) == (Decimal("0.92"), date(2031, 1, 1))
    assert invoice.base_total == Decimal("5622.03")
    assert invoice.total == sum(line.amount for line in invoice.lines.all()) == Decimal("5172.27")


def test_special_services_at_cost_plus_markup_converted_at_a_recorded_rate(billing, finance_user, client_a):
    from flights.services.extras import special_service_save

    trip = completed_trip(client_a, jet(), block_minutes=62)
    flight = trip.flights.get()
    special_service_save(
        flight=flight,
        actor=None,
        kind="catering",
        description="Sushi",
        cost=Decimal("460.00"),
        currency="EUR",
    )
    invoice = services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    line = invoice.lines.get(kind="service")
    # 460 EUR at 1/0.92 = 1.08695652 USD per EUR -> 500.00 USD, + 10 % markup = 550.00
    assert (line.source_amount, line.source_currency) == (Decimal("460.00"), "EUR")
    assert (line.fx_rate, line.fx_date) == (Decimal("1.08695652"), date(2031, 1, 1))
    assert line.amount == line.base_amount == Decimal("550.00")
    assert line.special_service.flight == flight
    assert not line.is_tax
    assert invoice.total == Decimal("5622.03") + Decimal("550.00")


def test_longer_actual_block_time_bills_more_and_taxes_it(billing, finance_user, client_a):
    trip = completed_trip(client_a, jet(), block_minutes=90)
    invoice = services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    # 90 min x 4,200/h = 6,300.00; charges 6,300 + 875 = 7,175.00; FET 538.125 -> 538.13
    assert invoice.lines.get(kind="flight_time").amount == Decimal("6300.00")
    assert invoice.lines.get(kind="fet").amount == Decimal("538.13")
    assert invoice.total == Decimal("7175.00") + Decimal("538.13") + Decimal("15.90")


def test_only_a_completed_trip_is_invoiced_once(billing, finance_user, client_a):
    from tests.finance.conftest import booked_trip

    booked = booked_trip(client_a, jet())
    with pytest.raises(Conflict) as refused:
        services.invoice_from_trip(trip=booked, actor=finance_user, on=ISSUE_DAY)
    assert refused.value.code == "trip_not_completed"
    trip = completed_trip(client_a, jet(), departure=at(18))
    services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    with pytest.raises(Conflict) as again:
        services.invoice_from_trip(trip=trip, actor=finance_user, on=ISSUE_DAY)
    assert again.value.code == "already_invoiced"
    assert Invoice.objects.count() == 1


def test_proforma_and_deposit_from_an_accepted_quote(billing, finance_user, client_a):
    from tests.finance.conftest import booked_trip

    trip = booked_trip(client_a, jet())
    option = trip.quote_option
    proforma = services.invoice_from_quote(quote=trip.quote, actor=finance_user, on=ISSUE_DAY)
    assert proforma.kind == "proforma"
    assert [(line.kind, line.amount) for line in proforma.lines.all()] == [
        (q.kind, q.amount) for q in option.lines.order_by("position")
    ]
    assert proforma.total == option.total
    assert all(line.quote_line_id for line in proforma.lines.all())
    deposit = services.invoice_from_quote(
        quote=trip.quote, actor=finance_user, deposit_percent=Decimal("30"), on=ISSUE_DAY
    )
    assert deposit.total == (option.total * Decimal("0.3")).quantize(Decimal("0.01"))
    with_number = services.invoice_issue(invoice=deposit, actor=finance_user, on=ISSUE_DAY)
    assert with_number.number == "PF-2031-00001"


def test_issue_numbers_dates_and_due_date_from_the_clients_terms(billing, finance_user, client_a):
    client_a.payment_terms_days = 14
    client_a.save()
    first = services.invoice_from_trip(trip=completed_trip(client_a, jet()), actor=finance_user, on=ISSUE_DAY)
    second = services.invoice_from_trip(
        trip=completed_trip(client_a, jet(), departure=at(18)), actor=finance_user, on=ISSUE_DAY
    )
    first = services.invoice_issue(invoice=first, actor=finance_user, on=ISSUE_DAY)
    second = services.invoice_issue(invoice=second, actor=finance_user, on=date(2031, 3, 13))
    assert (first.number, first.status, first.issued_on) == ("INV-2031-00001", "issued", ISSUE_DAY)
    assert first.due_on == date(2031, 3, 26)
    assert second.number == "INV-2031-00002"
    assert first.history.latest().history_user == finance_user
    with pytest.raises(Conflict):
        services.invoice_issue(invoice=first, actor=finance_user)


def test_numbering_restarts_each_year(billing, finance_user, client_a):
    one = services.invoice_from_trip(trip=completed_trip(client_a, jet()), actor=finance_user, on=ISSUE_DAY)
    two = services.invoice_from_trip(
        trip=completed_trip(client_a, jet(), departure=at(18)), actor=finance_user, on=ISSUE_DAY
    )
    services.invoice_issue(invoice=one, actor=finance_user, on=date(2031, 12, 31))
    issued = services.invoice_issue(invoice=two, actor=finance_user, on=date(2032, 1, 2))
    assert issued.number == "INV-2032-00001"


def test_issued_invoice_is_immutable(billing, finance_user, client_a):
    invoice = services.invoice_from_trip(
        trip=completed_trip(client_a, jet()), actor=finance_user, on=ISSUE_DAY
    )
    invoice = services.invoice_issue(invoice=invoice, actor=finance_user, on=ISSUE_DAY)
    invoice.total = Decimal("1.00")
    with pytest.raises(IssuedInvoiceGuard):
        invoice.save()
    line = invoice.lines.first()
    line.amount = Decimal("0.01")
    with pytest.raises(IssuedInvoiceGuard):
        line.save()
    with pytest.raises(IssuedInvoiceGuard):
        Invoice.objects.get(pk=invoice.pk).delete()
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.total == Decimal("5622.03")
    assert stored.lines.count() == 6
    with pytest.raises(Conflict):
        services.invoice_delete_draft(invoice=stored, actor=finance_user)


def test_void_keeps_the_number_and_refuses_a_paid_invoice(billing, finance_user, client_a):
    invoice = services.invoice_from_trip(
        trip=completed_trip(client_a, jet()), actor=finance_user, on=ISSUE_DAY
    )
    invoice = services.invoice_issue(invoice=invoice, actor=finance_user, on=ISSUE_DAY)
    voided = services.invoice_void(invoice=invoice, actor=finance_user, reason="billed to the wrong account")
    assert (voided.status, voided.number, voided.balance) == ("void", "INV-2031-00001", Decimal("0"))
    other = services.invoice_from_trip(
        trip=completed_trip(client_a, jet(), departure=at(18)), actor=finance_user, on=ISSUE_DAY
    )
    other = services.invoice_issue(invoice=other, actor=finance_user, on=ISSUE_DAY)
    services.payment_record(
        invoice=other,
        amount=Decimal("100"),
        currency="USD",
        method="wire",
        idempotency_key="w1",
        actor=finance_user,
    )
    with pytest.raises(Conflict) as refused:
        services.invoice_void(invoice=other, actor=finance_user, reason="x")
    assert refused.value.code == "has_settlements"
    assert Invoice.objects.get(pk=other.pk).status == "partially_paid"
