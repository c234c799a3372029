"""Invoices from completed trips and accepted quotes: worked examples with exact totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finance import services
from finance.models import Invoice, InvoiceStatus
from tests.finance.conftest import completed_trip, jet

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
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number is None
    flight_line = invoice.lines.get(kind="flight_time")
    assert flight_line.flight == trip.flights.get()
    assert invoice.lines.get(kind="fet").tax_rule.endswith("26 U.S.C. 4261(a)")
    assert invoice.history.latest().history_user == finance_user
